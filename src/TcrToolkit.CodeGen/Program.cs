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

        /// <summary>The folder, under the output folder, of the Nethereum-style bindings and their own project.</summary>
        public const string NethereumFolder = "Nethereum";

        /// <summary>The root namespace of the Nethereum-style bindings (<c>…Nethereum.Name</c> and <c>…Nethereum.Name.ContractDefinition</c>).</summary>
        public const string NethereumNamespace = "TcrToolkit.Generated.Nethereum";

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
                        <!-- The Nethereum-style bindings are their own project (the core keeps no Nethereum dependency). -->
                        <Compile Remove="Nethereum/**" />
                        <None Remove="Nethereum/**" />
                        <EmbeddedResource Remove="Nethereum/**" />
                      </ItemGroup>
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

                    `Nethereum/` holds a second output for teams that use Nethereum: per contract, the classes Nethereum.Generators
                    would write (deployment message, function messages, output, event and error DTOs, struct classes and a
                    `ContractWeb3ServiceBase` service), in their own project `Nethereum/TcrToolkit.Generated.Nethereum.csproj`.

                    """),
                new(NethereumFolder + "/TcrToolkit.Generated.Nethereum.csproj", """
                    <Project Sdk="Microsoft.NET.Sdk">
                      <!-- Written by src/TcrToolkit.CodeGen (scripts/generate); do not edit. -->
                      <PropertyGroup>
                        <RootNamespace>TcrToolkit.Generated.Nethereum</RootNamespace>
                        <Description>Nethereum-style bindings of the TcrToolkit contracts (the classes Nethereum.Generators writes), generated from their compiled artifacts.</Description>
                      </PropertyGroup>
                      <ItemGroup>
                        <PackageReference Include="Nethereum.Web3" />
                        <!-- Nethereum asks for an old Newtonsoft.Json; the pinned one has no known advisories. -->
                        <PackageReference Include="Newtonsoft.Json" />
                      </ItemGroup>
                    </Project>

                    """),
            };
            foreach (var contract in contracts)
            {
                files.AddRange(BindingGenerator.Generate(contract, Namespace));
            }

            foreach (var contract in contracts)
            {
                files.AddRange(NethereumGenerator.Generate(contract, NethereumNamespace)
                    .Select(f => f with { Path = NethereumFolder + "/" + f.Path }));
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

            // Deepest first, so that a folder left empty by its emptied subfolders goes too (a removed contract's Nethereum/Name/).
            foreach (var folder in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
            {
                if (!Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }

            return files.Count;
        }
    }
}
