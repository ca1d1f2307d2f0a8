using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

// Usage: TcrToolkit.Tests.SaltWriter <vault-path> <first-poll-id>
// Reserves one salt per poll, forever, and prints "<poll> <salt>" only after Reserve returned (the salt is on disk).
// The crash test kills this process with SIGKILL at random moments and then checks every printed salt.
var registry = Address.Parse("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0");
var voting = Address.Parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
var voter = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
using var vault = SaltVault.Open(args[0]);
var output = Console.Out;
for (var poll = ulong.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture); ; poll++)
{
    var vote = vault.Reserve(new VoteKey(31337, registry, poll, voter), voting, (byte)(poll % 2));
    output.WriteLine($"{poll} {vote.Salt}");
    output.Flush();
}
