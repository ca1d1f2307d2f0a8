using CsCheck;
using TcrToolkit.Libp2p.Fuzz;
using TcrToolkit.Libp2p.Tests.Interop;

namespace TcrToolkit.Libp2p.Tests;

/// <summary>Replays the committed libFuzzer corpus (tests/TcrToolkit.Libp2p.Fuzz/corpus) and random mutations of it through the fuzz targets.</summary>
public sealed class FuzzCorpusTests
{
    private static readonly string Corpus = Path.Combine(Repository.Root, "tests", "TcrToolkit.Libp2p.Fuzz", "corpus");

    public static TheoryData<string> Targets => [.. FuzzTargets.All.Keys];

    private static byte[][] Inputs(string target) =>
        [.. Directory.GetFiles(Path.Combine(Corpus, target)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_EveryInput_IsHandledWithoutUnexpectedException(string target)
    {
        var inputs = Inputs(target);
        inputs.Should().NotBeEmpty($"the corpus folder of {target} holds its seeds");
        foreach (var input in inputs)
        {
            FuzzTargets.All[target](input);
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_MutatedInputs_AreHandledWithoutUnexpectedException(string target)
    {
        var inputs = Inputs(target);
        Gen.Select(Gen.Int[0, inputs.Length - 1], Gen.Int[0, 4096], Gen.Byte, Gen.Int[0, 3]).Sample((which, position, value, mode) =>
        {
            var input = inputs[which].ToList();
            var at = input.Count == 0 ? 0 : position % input.Count;
            switch (mode)
            {
                case 0 when input.Count > 0:
                    input[at] ^= (byte)(value | 1);
                    break;
                case 1:
                    input = input.Take(at).ToList();
                    break;
                case 2:
                    input.Insert(at, value);
                    break;
                default:
                    input.AddRange(input.Take(at));
                    break;
            }

            FuzzTargets.All[target]([.. input]);
        }, iter: 300);
    }
}
