using System.Text;
using TcrToolkit.CodeGen;

// Usage: TcrToolkit.CodeGen <artifacts-dir> <output-dir>
// Writes the bindings of every production contract into the output folder, replacing any *.g.cs there.
if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("Usage: TcrToolkit.CodeGen <hardhat-artifacts-dir> <output-dir>  (scripts/generate runs it for the repository)");
    return 2;
}

try
{
    var contracts = ArtifactReader.Load(args[0]);
    var files = ProjectWriter.Files(contracts);
    var written = ProjectWriter.Write(args[1], files);
    Console.WriteLine($"generated {contracts.Count} contracts ({string.Join(", ", contracts.Select(c => c.Name))}): {written} files in {args[1]}");
    return 0;
}
catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Text.Json.JsonException or TcrToolkit.Ethereum.Abi.AbiFormatException)
{
    await Console.Error.WriteLineAsync("codegen: " + ex.Message);
    return 1;
}

namespace TcrToolkit.CodeGen
{
    /// <summary>The generated project: its csproj, README and every contract's file set.</summary>
    internal static class ProjectWriter
    {
        public const string Namespace = "TcrToolkit.Generated";

        public static IReadOnlyList<GeneratedFile> Files(IReadOnlyList<ContractSource> contracts)
        {
            var files = new List<GeneratedFile>
            {
                new("TcrToolkit.Generated.csproj", """
                    <Project Sdk="Microsoft.NET.Sdk">
                      <!-- Written by src/TcrToolkit.CodeGen (scripts/generate); do not edit. -->
                      <PropertyGroup>
                        <RootNamespace>TcrToolkit.Generated</RootNamespace>
                        <Description>Typed C# bindings of the TcrToolkit contracts, generated from their compiled artifacts.</Description>
                      </PropertyGroup>
                      <ItemGroup>
                        <ProjectReference Include="..\src\TcrToolkit.Ethereum\TcrToolkit.Ethereum.csproj" />
                      </ItemGroup>
                    </Project>

                    """),
                new("README.md", $"""
                    # generated/

                    C# bindings written by the bindings generator (`src/TcrToolkit.CodeGen`) from the Hardhat artifacts of the
                    production contracts. Never edited by hand: change the contracts or the generator and run `scripts/generate`.
                    `scripts/test` fails when this folder is out of date.

                    Contracts: {string.Join(", ", contracts.Select(c => c.Name))}.

                    """),
            };
            foreach (var contract in contracts)
            {
                files.AddRange(BindingGenerator.Generate(contract, Namespace));
            }

            return files;
        }

        /// <summary>Replaces the generated files in <paramref name="directory"/>; returns how many were written.</summary>
        public static int Write(string directory, IReadOnlyList<GeneratedFile> files)
        {
            Directory.CreateDirectory(directory);
            foreach (var stale in Directory.EnumerateFiles(directory, "*.g.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                         .ToList())
            {
                File.Delete(stale);
            }

            foreach (var file in files)
            {
                var path = Path.Combine(directory, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Content.Replace("\r\n", "\n", StringComparison.Ordinal), new UTF8Encoding(false));
            }

            foreach (var empty in Directory.EnumerateDirectories(directory).Where(d => !Directory.EnumerateFileSystemEntries(d).Any()).ToList())
            {
                Directory.Delete(empty);
            }

            return files.Count;
        }
    }
}
