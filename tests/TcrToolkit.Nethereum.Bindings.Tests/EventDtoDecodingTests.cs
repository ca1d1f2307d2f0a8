using System.Collections;
using System.Numerics;
using System.Reflection;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using Generated = TcrToolkit.Generated;

namespace TcrToolkit.NethereumBindings.Tests;

/// <summary>
/// Every log the Nethereum-only program left (token, voting, registry) decoded twice: by the generated Nethereum event
/// DTOs through Nethereum's own decoder, and by the toolkit's generated decoders. Same events, same values.
/// </summary>
[Collection(NethereumProgramGroup.Name)]
[Trait("Category", "Integration")]
public sealed class EventDtoDecodingTests(NethereumProgramFixture program)
{
    private static readonly MethodInfo DecodeAllEvents = typeof(EventExtensions).GetMethods()
        .Single(m => m.Name == nameof(EventExtensions.DecodeAllEvents) && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(FilterLog[]));

    [Fact]
    public async Task EventDtos_DecodeTheProgramsLogs_ToTheToolkitDecodersValues()
    {
        var contracts = new (string Address, List<Type> DtoTypes, Func<Log, object?> Decode)[]
        {
            (program.Token.ContractAddress, program.Token.GetAllEventTypes(), log => Generated.TcrToken.DecodeEvent(log)),
            (program.Voting.ContractAddress, program.Voting.GetAllEventTypes(), log => Generated.CommitRevealVoting.DecodeEvent(log)),
            (program.Registry.ContractAddress, program.Registry.GetAllEventTypes(), log => Generated.MailServerRegistry.DecodeEvent(log)),
        };
        var names = new HashSet<string>(StringComparer.Ordinal);
        var compared = 0;
        foreach (var (address, dtoTypes, decode) in contracts)
        {
            // The toolkit's view: its client, its decoders.
            var ours = await program.Client.GetLogsAsync(new LogFilter { Addresses = [Address.Parse(address)], FromBlock = 0UL, ToBlock = BlockTag.Latest });
            var expected = ours.ToDictionary(l => (l.TransactionHash.ToString(), l.LogIndex), l => decode(l) ?? throw new InvalidOperationException($"The toolkit does not decode log {l.LogIndex} of {l.TransactionHash}."));

            // Nethereum's view: its eth_getLogs, its decoder, the generated DTOs.
            var logs = await program.Reader.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
            {
                Address = [address],
                FromBlock = new BlockParameter(new HexBigInteger(BigInteger.Zero)),
                ToBlock = BlockParameter.CreateLatest(),
            });
            logs.Should().HaveCount(expected.Count);
            var decoded = 0;
            foreach (var type in dtoTypes)
            {
                foreach (var eventLog in (IEnumerable)DecodeAllEvents.MakeGenericMethod(type).Invoke(null, [logs])!)
                {
                    var log = (FilterLog)eventLog.GetType().GetProperty("Log")!.GetValue(eventLog)!;
                    var dto = eventLog.GetType().GetProperty("Event")!.GetValue(eventLog)!;
                    var key = (log.TransactionHash.ToLowerInvariant(), (ulong)log.LogIndex.Value);
                    expected.Should().ContainKey(key);
                    var record = expected[key];
                    record.GetType().Name.Should().Be(type.Name.Replace("EventDTO", "Event", StringComparison.Ordinal), "the same event");
                    AbiText.Values(dto).Should().Equal(AbiText.Values(record), $"{type.Name} in log {key} decodes to the toolkit's values");
                    names.Add(type.Name);
                    decoded++;
                }
            }

            decoded.Should().Be(expected.Count, $"every log of {address} has a Nethereum event DTO");
            compared += decoded;
        }

        compared.Should().BeGreaterThan(40);
        names.Should().Contain([
            "TransferEventDTO", "ApprovalEventDTO", "DelegateChangedEventDTO", "DelegateVotesChangedEventDTO",
            "PollStartedEventDTO", "VoteCommittedEventDTO", "VoteRevealedEventDTO",
            "AppliedEventDTO", "ListedEventDTO", "DepositedEventDTO", "ChallengedEventDTO", "ChallengeSucceededEventDTO",
            "ChallengeFailedEventDTO", "ListingRemovedEventDTO", "RewardClaimedEventDTO",
        ]);
    }
}
