using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

namespace TcrToolkit.Tests.Votes;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and SIGKILL are Unix concepts
public sealed class SaltVaultTests : IDisposable
{
    private static readonly Address Registry = Address.Parse("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0");
    private static readonly Address Voting = Address.Parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
    private static readonly Address Voter = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-salts-").FullName;

    private string VaultPath => Path.Combine(_directory, "nested", "salts.db");

    private static VoteKey Key(ulong poll) => new(31337, Registry, poll, Voter);

    [Fact]
    public void Reserve_NewVote_StoresSaltWithMatchingCommitment()
    {
        using var vault = SaltVault.Open(VaultPath);

        var vote = vault.Reserve(Key(1), Voting, VoteCommitment.Uphold);

        vote.Progress.Should().Be(VoteProgress.Reserved);
        vote.Commitment.Should().Be(VoteCommitment.Compute(31337, Voting, 1, Voter, VoteCommitment.Uphold, vote.Salt));
        vote.Salt.Should().NotBe(Bytes32.Zero);
        vault.ForKey(Key(1)).Should().ContainSingle().Which.Should().BeEquivalentTo(vote);
    }

    [Fact]
    public void Reserve_ThenReopen_SaltSurvivesTheProcessState()
    {
        StoredVote reserved;
        using (var vault = SaltVault.Open(VaultPath))
        {
            reserved = vault.Reserve(Key(2), Voting, VoteCommitment.Reject);
        }

        using var reopened = SaltVault.Open(VaultPath);
        reopened.ForKey(Key(2)).Should().ContainSingle().Which.Salt.Should().Be(reserved.Salt);
    }

    [Fact]
    public void Reserve_CopiedFileOnAnotherMachine_StillReveals()
    {
        StoredVote reserved;
        using (var vault = SaltVault.Open(VaultPath))
        {
            reserved = vault.Reserve(Key(3), Voting, VoteCommitment.Uphold);
        }

        var restored = Path.Combine(_directory, "restored.db");
        File.Copy(VaultPath, restored);
        using var copy = SaltVault.Open(restored);

        copy.FindByCommitment(Key(3), reserved.Commitment)!.Salt.Should().Be(reserved.Salt);
    }

    [Fact]
    public void Reserve_SameOptionAgainBeforeCommit_ReturnsTheSameReservation()
    {
        using var vault = SaltVault.Open(VaultPath);

        var first = vault.Reserve(Key(4), Voting, VoteCommitment.Uphold);
        var retry = vault.Reserve(Key(4), Voting, VoteCommitment.Uphold);

        retry.Should().BeEquivalentTo(first);
        vault.ForKey(Key(4)).Should().ContainSingle();
    }

    [Fact]
    public void Reserve_ChangedOption_KeepsBothSaltsAndFindsTheOneOnChain()
    {
        using var vault = SaltVault.Open(VaultPath);
        var uphold = vault.Reserve(Key(5), Voting, VoteCommitment.Uphold);
        var reject = vault.Reserve(Key(5), Voting, VoteCommitment.Reject);

        // The voting contract reports the upper 248 bits of the commitment with a zero low byte.
        var onChain = reject.Commitment.ToArray();
        onChain[31] = 0;

        vault.ForKey(Key(5)).Should().HaveCount(2);
        vault.FindByCommitment(Key(5), new Bytes32(onChain))!.Id.Should().Be(reject.Id);
        vault.FindByCommitment(Key(5), uphold.Commitment)!.Option.Should().Be(VoteCommitment.Uphold);
        vault.FindByCommitment(Key(6), reject.Commitment).Should().BeNull();
    }

    [Fact]
    public void MarkCommitted_ThenRevealed_LeavesTheUnrevealedList()
    {
        using var vault = SaltVault.Open(VaultPath);
        var a = vault.Reserve(Key(7), Voting, VoteCommitment.Uphold);
        var b = vault.Reserve(Key(8), Voting, VoteCommitment.Uphold);
        var tx = Keccak256.HashUtf8("commit tx");

        vault.MarkCommitted(a.Id, tx);
        vault.MarkRevealed(Key(7));

        vault.Unrevealed().Select(v => v.Id).Should().Equal(b.Id);
        var done = vault.ForKey(Key(7)).Single();
        done.Progress.Should().Be(VoteProgress.Revealed);
        done.CommitTransaction.Should().Be(tx);
    }

    [Fact]
    public void MarkCommitted_UnknownReservation_ThrowsWithAdvice()
    {
        using var vault = SaltVault.Open(VaultPath);

        var act = () => vault.MarkCommitted(999, Bytes32.Zero);

        act.Should().Throw<SaltVaultException>().WithMessage("*has no reservation #999; reserve the vote before committing it.");
    }

    [Fact]
    public void Reserve_OptionTwo_ThrowsAndStoresNothing()
    {
        using var vault = SaltVault.Open(VaultPath);

        var act = () => vault.Reserve(Key(9), Voting, 2);

        act.Should().Throw<ArgumentOutOfRangeException>();
        vault.ForKey(Key(9)).Should().BeEmpty();
    }

    [Fact]
    public void Open_NewFile_IsOwnerReadWriteOnly()
    {
        using var vault = SaltVault.Open(VaultPath);

        File.GetUnixFileMode(VaultPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.GetDirectoryName(VaultPath)!).Should()
            .Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void Open_ExistingWorldReadableFile_LeavesItsModeAlone()
    {
        var path = Path.Combine(_directory, "wide.db");
        File.WriteAllBytes(path, []);
        var wide = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(path, wide);

        using var vault = SaltVault.Open(path);

        File.GetUnixFileMode(path).Should().Be(wide, "tcr changes the mode only of files it created");
    }

    [Fact]
    public void Open_SymbolicLink_RefusedAndTargetUntouched()
    {
        var target = Path.Combine(_directory, "target.txt");
        File.WriteAllText(target, "not yours");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead;
        File.SetUnixFileMode(target, mode);
        var link = Path.Combine(_directory, "link.db");
        File.CreateSymbolicLink(link, target);

        var act = () => SaltVault.Open(link);

        act.Should().Throw<SaltVaultException>().WithMessage("*is a symbolic link*give the real file's path.");
        File.GetUnixFileMode(target).Should().Be(mode);
        File.ReadAllText(target).Should().Be("not yours");
    }

    [Fact]
    public void Open_Device_RefusedAndLeftAlone()
    {
        var before = File.GetUnixFileMode("/dev/null");

        var act = () => SaltVault.Open("/dev/null");

        act.Should().Throw<SaltVaultException>().WithMessage("*is a device*");
        File.GetUnixFileMode("/dev/null").Should().Be(before);
    }

    [Fact]
    public void Open_OtherSqliteDatabase_RefusedWithoutAddingTables()
    {
        var path = Path.Combine(_directory, "other.db");
        using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE checkpoints (block INTEGER)";
            create.ExecuteNonQuery();
        }

        var act = () => SaltVault.Open(path);

        act.Should().Throw<SaltVaultException>().WithMessage("*SQLite database of something else (tables checkpoints)*");
    }

    [Fact]
    public void Open_UnwritableLocation_ThrowsVaultExceptionNotIOException()
    {
        // /sys refuses new files even for root, like a read-only file system.
        var act = () => SaltVault.Open("/sys/tcr-salt-vault-test/salts.db");

        act.Should().Throw<SaltVaultException>().WithMessage("*cannot be created*writable*");
    }

    [Fact]
    public void OpenReadOnly_MissingFile_ReadsEmptyAndCreatesNothing()
    {
        using var vault = SaltVault.OpenReadOnly(VaultPath);

        vault.Unrevealed().Should().BeEmpty();
        File.Exists(VaultPath).Should().BeFalse();
        Directory.Exists(Path.GetDirectoryName(VaultPath)).Should().BeFalse();
    }

    [Fact]
    public void OpenReadOnly_ExistingVault_ListsVotesButRefusesToStore()
    {
        using (var writer = SaltVault.Open(VaultPath))
        {
            writer.Reserve(Key(20), Voting, VoteCommitment.Uphold);
        }

        var before = File.GetLastWriteTimeUtc(VaultPath);
        using var vault = SaltVault.OpenReadOnly(VaultPath);

        vault.Unrevealed().Should().ContainSingle();
        vault.Invoking(v => v.Reserve(Key(21), Voting, VoteCommitment.Uphold)).Should().Throw<SaltVaultException>().WithMessage("*read-only*");
        File.GetLastWriteTimeUtc(VaultPath).Should().Be(before);
    }

    [Fact]
    public void Open_FileThatIsNotAVault_ThrowsWithAdvice()
    {
        var path = Path.Combine(_directory, "garbage.db");
        File.WriteAllText(path, new string('x', 4096));

        var act = () => SaltVault.Open(path);

        act.Should().Throw<SaltVaultException>().WithMessage("*cannot be opened*restore it from a backup.");
    }

    [Fact]
    public void ToString_NeverShowsTheSalt()
    {
        using var vault = SaltVault.Open(VaultPath);
        var vote = vault.Reserve(Key(10), Voting, VoteCommitment.Uphold);

        vote.ToString().Should().NotContain(vote.Salt.ToString()[2..]);
    }

    [Fact]
    public void Reserve_ConcurrentThreads_EveryReservationStored()
    {
        using var vault = SaltVault.Open(VaultPath);

        var votes = Enumerable.Range(100, 40).AsParallel().Select(p => vault.Reserve(Key((ulong)p), Voting, 1)).ToList();

        vault.Unrevealed().Select(v => v.Salt).Should().BeEquivalentTo(votes.Select(v => v.Salt));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
