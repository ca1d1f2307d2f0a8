using SharpFuzz;
using TcrToolkit.Discovery.Fuzz;

// libFuzzer entry point: `libfuzzer-dotnet --target_path=<this exe> corpus/` after `sharpfuzz TcrToolkit.Discovery.dll`.
Fuzzer.LibFuzzer.Run(span => DecoderTarget.Run(span));
