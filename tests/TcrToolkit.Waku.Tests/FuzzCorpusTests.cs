using CsCheck;
using TcrToolkit.Waku.Fuzz;
using TcrToolkit.Waku.TestKit;

namespace TcrToolkit.Waku.Tests;

/// <summary>Replays the SharpFuzz corpus and mutations of it through every decoder target: none may throw.</summary>
public sealed class FuzzCorpusTests
{
    private static readonly string CorpusRoot = Path.Combine(NodePeer.RepositoryRoot, "tests", "TcrToolkit.Waku.Fuzz", "corpus");

    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys);

    private static List<byte[]> Seeds(string target)
    {
        var directory = Path.Combine(CorpusRoot, target);
        return Directory.Exists(directory) ? Directory.GetFiles(directory).Order().Select(File.ReadAllBytes).ToList() : [];
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_EveryFile_IsHandledWithoutThrowing(string target)
    {
        var seeds = Seeds(target);

        seeds.Should().NotBeEmpty($"tests/TcrToolkit.Waku.Fuzz/corpus/{target} holds the target's seeds");
        foreach (var seed in seeds)
        {
            FuzzTargets.All[target](seed);
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void MutatedCorpus_AnyInput_IsHandledWithoutThrowing(string target)
    {
        var seeds = Seeds(target);
        var mutated =
            from seed in Gen.Int[0, seeds.Count - 1]
            from flips in Gen.Select(Gen.Int[0, 4096], Gen.Byte).List[1, 6]
            from cut in Gen.Int[0, 64]
            select Mutate(seeds[seed], flips, cut);
        var generated = Gen.OneOf(mutated, Gen.Byte.Array[0, 300]);

        generated.Sample(bytes => FuzzTargets.All[target](bytes), iter: 400, threads: 1);
    }

    private static byte[] Mutate(byte[] seed, List<(int Position, byte Value)> flips, int cut)
    {
        var bytes = (byte[])seed.Clone();
        foreach (var (position, value) in flips)
        {
            if (bytes.Length > 0)
            {
                bytes[position % bytes.Length] = value;
            }
        }

        return cut < bytes.Length && cut % 3 == 0 ? bytes[..^cut] : bytes;
    }
}
