using System.Diagnostics;
using TcrToolkit.Waku.Store;

namespace TcrToolkit.Waku.Tests;

/// <summary>kill -9 of a store node mid-ingest: every acknowledged push is still stored and queryable.</summary>
[Trait("Category", "Integration")]
public sealed class CrashDurabilityTests
{
    [Fact]
    public async Task KillDashNine_MidIngest_EveryAcknowledgedMessageSurvives()
    {
        var path = TestMessages.TempPath("crash");
        var child = Path.Combine(AppContext.BaseDirectory, "TcrToolkit.Waku.TestKit.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(child);
        info.ArgumentList.Add(path);
        var acknowledged = new List<string>();
        using (var process = Process.Start(info)!)
        {
            (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).Should().Be("ready");
            while (acknowledged.Count < 500)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (line is null)
                {
                    throw new InvalidOperationException("The ingest child ended early: " + await process.StandardError.ReadToEndAsync());
                }

                acknowledged.Add(line["ack ".Length..]);
            }

            // SIGKILL while eight writers are mid-push: no flush, no dispose, no finalizers.
            process.Kill();
            await process.WaitForExitAsync();
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    acknowledged.Add(line["ack ".Length..]);
                }
            }
        }

        await using var store = SqliteMessageStore.Open(path);
        var found = new HashSet<string>();
        foreach (var chunk in acknowledged.Chunk(100))
        {
            var page = await store.QueryAsync(new MessageQuery { MessageHashes = [.. chunk.Select(Convert.FromHexString)], Limit = 100, Forward = true });
            found.UnionWith(page.Messages.Select(TestMessages.Hex));
        }

        found.Should().BeEquivalentTo(acknowledged);
        (await store.CountAsync()).Should().BeGreaterThanOrEqualTo(acknowledged.Count);
    }
}
