using System.Text.RegularExpressions;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Tests.Registry;

public sealed partial class TcrParameterCatalogTests
{
    private static readonly UInt256 Unit = UInt256.Parse("1000000000000000000");

    [Fact]
    public void All_MatchesTheSolidityEnumNamesAndOrder()
    {
        // contracts/libraries/TcrParameters.sol is the source of truth; the catalog must list the same names in order.
        var source = File.ReadAllText(Repository.PathOf("contracts", "libraries", "TcrParameters.sol"));
        var body = EnumBody().Match(source).Groups[1].Value;
        var names = EnumMember().Matches(body).Select(m => m.Groups[1].Value).ToList();

        names.Should().Equal(TcrParameterCatalog.All.Select(p => p.Name.ToString()));
        TcrParameterCatalog.All.Select(p => (int)p.Name).Should().Equal(Enumerable.Range(0, names.Count));
        source.Should().Contain($"uint8 internal constant COUNT = {names.Count};");
    }

    [Theory]
    [InlineData("minDeposit", ParameterName.MinDeposit)]
    [InlineData("MIN-DEPOSIT", ParameterName.MinDeposit)]
    [InlineData("gov_process_window", ParameterName.GovProcessWindow)]
    public void Get_KeyInAnyCase_FindsTheParameter(string key, ParameterName expected)
    {
        TcrParameterCatalog.Get(key).Name.Should().Be(expected);
    }

    [Fact]
    public void Get_UnknownKey_ListsTheKnownOnes()
    {
        var act = () => TcrParameterCatalog.Get("quorum");

        act.Should().Throw<ArgumentException>().WithMessage("There is no parameter \"quorum\"; the parameters are minDeposit, applyStageLength*");
    }

    [Fact]
    public void Get_IndexBeyondTheLast_Throws()
    {
        var act = () => TcrParameterCatalog.Get((ParameterName)17);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Parameter indices run from 0 to 16.*");
    }

    [Theory]
    [InlineData("commitStageLength", 59, false)]
    [InlineData("commitStageLength", 60, true)]
    [InlineData("commitStageLength", 31_536_000, true)]
    [InlineData("commitStageLength", 31_536_001, false)]
    [InlineData("exitDelay", 0, true)]
    [InlineData("dispensationPct", 100, true)]
    [InlineData("dispensationPct", 101, false)]
    [InlineData("passThreshold", 49, false)]
    [InlineData("passThreshold", 50, true)]
    [InlineData("passThreshold", 100, false)]
    [InlineData("minDeposit", 0, false)]
    [InlineData("voteQuorum", 0, true)]
    public void CanPropose_BoundEdges_MatchTheContract(string key, ulong value, bool allowed)
    {
        var funds = new Funds(Unit * 1000UL, Unit * 1000UL);

        GovernanceRules.CanPropose(TcrParameterCatalog.Get(key), value, Unit * 200UL, funds).IsAllowed.Should().Be(allowed);
    }

    [Fact]
    public void CanPropose_MinDepositAbove88Bits_BadRequest()
    {
        var tooLarge = UInt256.Parse("0x10000000000000000000000"); // 2^88

        var check = GovernanceRules.CanPropose(TcrParameterCatalog.Get("minDeposit"), tooLarge, Unit, new Funds(Unit, Unit));

        check.Blocker.Should().Be(Blocker.Request);
    }

    [Fact]
    public void CanPropose_OutOfBounds_ReasonShowsBoundsInUnits()
    {
        var check = GovernanceRules.CanPropose(TcrParameterCatalog.Get("commitStageLength"), 0UL, Unit, new Funds(Unit, Unit));

        check.Reason.Should().Be("commitStageLength must be between 60 s (00:01:00) and 31536000 s (365.00:00:00), not 0 s (00:00:00).");
    }

    [Fact]
    public void CanPropose_NoAllowanceForTheDeposit_NeedsFunds()
    {
        var check = GovernanceRules.CanPropose(TcrParameterCatalog.Get("voteQuorum"), 20UL, Unit * 200UL, new Funds(Unit * 500UL, default));

        check.Reason.Should().Be("a proposal deposit is 200 tokens but the governor may take only 0 tokens; approve the governor for at least that.");
    }

    [Fact]
    public void CanProposeNow_CurrentValue_WrongStateNamingTheValue()
    {
        var check = GovernanceRules.CanProposeNow(TcrParameterCatalog.Get("voteQuorum"), 10UL, 10UL, 0, default);

        check.IsAllowed.Should().BeFalse();
        check.Reason.Should().Be("10% is already the current voteQuorum; propose another value.");
    }

    [Fact]
    public void CanProposeNow_AnotherProposalLive_WrongStateNamingIt()
    {
        var check = GovernanceRules.CanProposeNow(TcrParameterCatalog.Get("voteQuorum"), 20UL, 10UL, 3, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

        check.IsAllowed.Should().BeFalse();
        check.Reason.Should().StartWith("proposal 3 for voteQuorum is live until ");
    }

    [Fact]
    public void CanProposeNow_NewValueNothingLive_Allowed()
    {
        GovernanceRules.CanProposeNow(TcrParameterCatalog.Get("voteQuorum"), 20UL, 10UL, 0, default).IsAllowed.Should().BeTrue();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (the folder with package.json) is not above the test binaries.");
    }

    [GeneratedRegex(@"enum Name \{(.*?)\}", RegexOptions.Singleline)]
    private static partial Regex EnumBody();

    [GeneratedRegex(@"^\s*(\w+),?\s*//", RegexOptions.Multiline)]
    private static partial Regex EnumMember();
}
