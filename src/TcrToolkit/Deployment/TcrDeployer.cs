using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using Generated = TcrToolkit.Generated;

namespace TcrToolkit.Deployment;

/// <summary>
/// Deploys the TCR — token (unless an existing ERC20Votes token is given), voting, registry (which creates its
/// governor) — from the generated bindings' bytecode, and records each step in a manifest so that an interrupted
/// deployment resumes where it stopped and never deploys a contract twice.
/// </summary>
/// <remarks>
/// <para>Each step signs its transaction, writes its hash, nonce, raw bytes and address (CREATE(deployer, nonce)) to
/// the manifest, and only then sends it and waits for the receipt. A resume finds that record and looks the
/// transaction up: mined, it is recorded; still pending, it is awaited; unknown with its nonce unused, the same
/// signed transaction is sent again (same nonce, so it cannot create a second contract); unknown with its nonce used
/// by another transaction, the predicted address is checked for the contract before the step is sent afresh.</para>
/// <para>Steps the manifest records as done are checked on chain first: the code at the address must hash to the
/// recorded <c>codeHash</c> and be the bindings' compiled code (see <see cref="ContractCode.MatchesCreationCode"/>).
/// A mismatch — a manifest from another chain, a reset devnet — raises <see cref="DeploymentMismatchException"/>.</para>
/// </remarks>
public sealed class TcrDeployer
{
    private static readonly Address ProbeAddress = new(Keccak256.HashUtf8("TcrToolkit.Deployment.GasProbe").AsSpan()[12..]);

    // Simulated creations come from an unused account: from the deployer, the next creation's address would be the
    // predicted address of the step before, which already holds that step's code in the overrides.
    private static readonly Address SimulationSender = new(Keccak256.HashUtf8("TcrToolkit.Deployment.SimulationSender").AsSpan()[12..]);

    private readonly RpcClient _client;
    private readonly TcrNetwork _network;
    private readonly DeploymentConfig _config;
    private readonly string _manifestPath;
    private readonly TcrDeployerOptions _options;

    /// <summary>Creates a deployer.</summary>
    /// <param name="client">A client connected to a node of <paramref name="network"/>.</param>
    /// <param name="network">The network; the node's chain id must be its chain id.</param>
    /// <param name="config">What to deploy; validated here.</param>
    /// <param name="manifestPath">The manifest to write and resume from, usually <see cref="DefaultManifestPath"/>.</param>
    /// <param name="options">Gas, fee and waiting settings; <c>null</c> for the defaults.</param>
    /// <exception cref="DeploymentConfigException">The configuration is out of bounds.</exception>
    public TcrDeployer(RpcClient client, TcrNetwork network, DeploymentConfig config, string manifestPath, TcrDeployerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        options ??= new TcrDeployerOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.GasMarginPercent, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BaseFeeMultiplier, 1, nameof(options));
        config.Validate();
        _client = client;
        _network = network;
        _config = config;
        _manifestPath = manifestPath;
        _options = options;
    }

    /// <summary>The manifest this deployer writes.</summary>
    public string ManifestPath => _manifestPath;

    /// <summary><c>deployments/&lt;network&gt;.json</c> under <paramref name="directory"/> (the current directory when <c>null</c>).</summary>
    public static string DefaultManifestPath(TcrNetwork network, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Path.Combine(directory ?? Directory.GetCurrentDirectory(), "deployments", network.Name + ".json");
    }

    /// <summary>
    /// The dry run: checks the chain, the manifest and an existing token, predicts each step's address from the
    /// deployer's nonce, and estimates each step's gas with its real constructor data. Sends nothing.
    /// </summary>
    /// <param name="deployer">The account that would deploy.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ChainIdMismatchException">The node is on another chain.</exception>
    /// <exception cref="DeploymentMismatchException">The manifest does not match the chain, configuration or account.</exception>
    /// <exception cref="DeploymentConfigException">The existing token is not an ERC20Votes token.</exception>
    /// <exception cref="DeploymentException">A constructor would revert.</exception>
    public async Task<DeploymentPlan> PlanAsync(Address deployer, CancellationToken cancellationToken = default)
    {
        var chainId = await CheckChainAsync(cancellationToken).ConfigureAwait(false);
        var record = await OpenAsync(deployer, cancellationToken).ConfigureAwait(false);
        var nextNonce = await _client.GetTransactionCountAsync(deployer, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
        var balance = await _client.GetBalanceAsync(deployer, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
        var (baseFee, tip, maxFee) = await GetFeesAsync(cancellationToken).ConfigureAwait(false);

        // Code the later steps' constructors call, placed at predicted addresses for estimation only.
        var overrides = new Dictionary<Address, byte[]>();
        var addresses = new Dictionary<DeploymentStep, Address>();
        if (record.Token is { } token)
        {
            addresses[DeploymentStep.Token] = token.Address;
        }

        var steps = new List<PlannedStep>();
        foreach (var step in Steps(record))
        {
            if (record.ContractOf(step) is { } done)
            {
                addresses[step] = done.Address;
                steps.Add(new PlannedStep(step, ContractName(step), StepStatus.Done, done.Address, done.Nonce, null, null, done.TransactionHash));
                continue;
            }

            if (record.Pending is { } pending && pending.Step == step)
            {
                addresses[step] = pending.Address;
                steps.Add(new PlannedStep(step, ContractName(step), StepStatus.InFlight, pending.Address, pending.Nonce, null, null, pending.TransactionHash));
                continue;
            }

            var nonce = nextNonce++;
            var address = ContractCode.CreateAddress(deployer, nonce);
            addresses[step] = address;
            var data = CreationData(step, deployer, addresses);
            var (gas, method) = await EstimateAsync(step, deployer, data, overrides, cancellationToken).ConfigureAwait(false);
            steps.Add(new PlannedStep(step, ContractName(step), StepStatus.ToDo, address, nonce, gas, method, null));
            if (step != DeploymentStep.Registry)
            {
                overrides[address] = await RuntimeCodeAsync(step, deployer, data, overrides, cancellationToken).ConfigureAwait(false);
            }
        }

        if (record.ExistingToken)
        {
            steps.Insert(0, new PlannedStep(DeploymentStep.Token, "existing ERC20Votes token", StepStatus.Done, record.Token!.Address, null, null, null, null));
        }

        return new DeploymentPlan(_network, chainId, deployer, balance, steps, baseFee, tip, maxFee);
    }

    /// <summary>
    /// Deploys the steps not yet done, writing the manifest atomically before each send and after each receipt; a
    /// complete manifest is checked on chain and returned without sending anything.
    /// </summary>
    /// <param name="deployer">The paying account's key or signer (see <see cref="IAccountSigner"/>); for a resumed deployment, the account that started it.</param>
    /// <param name="progress">Receives a report per step event; <c>null</c> for none.</param>
    /// <param name="cancellationToken">Stops the deployment; a sent transaction stays recorded and a later call resumes it.</param>
    /// <returns>The complete deployment, as written to the manifest.</returns>
    /// <exception cref="ChainIdMismatchException">The node is on another chain; nothing was sent.</exception>
    /// <exception cref="DeploymentMismatchException">The manifest does not match the chain, configuration or account; nothing was sent.</exception>
    /// <exception cref="DeploymentConfigException">The existing token is not an ERC20Votes token; nothing was sent.</exception>
    /// <exception cref="DeploymentException">A constructor reverted, the node refused a transaction, or a receipt did not come in time.</exception>
    public async Task<DeploymentRecord> DeployAsync(IAccountSigner deployer, IProgress<DeploymentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployer);
        await CheckChainAsync(cancellationToken).ConfigureAwait(false);
        var record = await OpenAsync(deployer.Address, cancellationToken).ConfigureAwait(false);
        if (_options.RecordRpcUrl is not null && record.Rpc != _options.RecordRpcUrl)
        {
            record = record with { Rpc = _options.RecordRpcUrl };
        }

        var addresses = new Dictionary<DeploymentStep, Address>();
        if (record.Token is { } token)
        {
            addresses[DeploymentStep.Token] = token.Address;
        }

        foreach (var step in Steps(record))
        {
            if (record.ContractOf(step) is { } done)
            {
                addresses[step] = done.Address;
                progress?.Report(new DeploymentProgress(DeploymentProgressKind.AlreadyDeployed, step, ContractName(step), done.Address, done.TransactionHash, done.Nonce, done.BlockNumber));
                continue;
            }

            var data = CreationData(step, deployer.Address, addresses);
            Deployed? deployed = null;
            if (record.Pending is { } pending && pending.Step == step)
            {
                (deployed, record) = await ResumePendingAsync(record, pending, deployer.Address, progress, cancellationToken).ConfigureAwait(false);
            }

            if (deployed is null)
            {
                (deployed, record) = await SendStepAsync(record, step, data, deployer, progress, cancellationToken).ConfigureAwait(false);
            }

            record = await RecordAsync(record, step, deployed, cancellationToken).ConfigureAwait(false);
            addresses[step] = deployed.Address;
            progress?.Report(new DeploymentProgress(DeploymentProgressKind.Confirmed, step, ContractName(step), deployed.Address, deployed.TransactionHash, deployed.Nonce, deployed.BlockNumber, deployed.GasUsed));
        }

        await record.SaveAsync(_manifestPath, CancellationToken.None).ConfigureAwait(false);
        return record;
    }

    private sealed record Deployed(Address Address, ulong Nonce, Bytes32? TransactionHash, ulong? BlockNumber, ulong? GasUsed);

    private static IEnumerable<DeploymentStep> Steps(DeploymentRecord record) =>
        record.ExistingToken ? [DeploymentStep.Voting, DeploymentStep.Registry] : [DeploymentStep.Token, DeploymentStep.Voting, DeploymentStep.Registry];

    private static string ContractName(DeploymentStep step) => step switch
    {
        DeploymentStep.Token => "TcrToken",
        DeploymentStep.Voting => "CommitRevealVoting",
        _ => "MailServerRegistry",
    };

    private static string CreationCodeHex(DeploymentStep step) => step switch
    {
        DeploymentStep.Token => Generated.TcrToken.BytecodeHex,
        DeploymentStep.Voting => Generated.CommitRevealVoting.BytecodeHex,
        _ => Generated.MailServerRegistry.BytecodeHex,
    };

    private byte[] CreationData(DeploymentStep step, Address deployer, Dictionary<DeploymentStep, Address> addresses)
    {
        var r = _config.Registry;
        var g = _config.Governance;
        return step switch
        {
            DeploymentStep.Token => Generated.TcrToken.EncodeDeployment(_config.Token.Name, _config.Token.Symbol, _config.Token.Holder ?? deployer, _config.Token.Supply),
            DeploymentStep.Voting => Generated.CommitRevealVoting.EncodeDeployment(addresses[DeploymentStep.Token]),
            _ => Generated.MailServerRegistry.EncodeDeployment(
                addresses[DeploymentStep.Token],
                addresses[DeploymentStep.Voting],
                new Generated.MailServerRegistry.Registry(
                    r.MinDeposit, (uint)r.ApplyStageLength, (uint)r.CommitStageLength, (uint)r.RevealStageLength,
                    (byte)r.DispensationPct, (byte)r.VoteQuorum, (byte)r.PassThreshold, (uint)r.ExitDelay, (uint)r.ExitWindow),
                new Generated.MailServerRegistry.Governance(
                    g.MinDeposit, (uint)g.ApplyStageLength, (uint)g.CommitStageLength, (uint)g.RevealStageLength,
                    (uint)g.ProcessWindow, (byte)g.DispensationPct, (byte)g.VoteQuorum, (byte)g.PassThreshold)),
        };
    }

    private async Task<ulong> CheckChainAsync(CancellationToken cancellationToken)
    {
        var chainId = await _client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        return chainId == _network.ChainId
            ? chainId
            : throw new ChainIdMismatchException(_network.Name, _network.ChainId, chainId, _client.Transport.Endpoint);
    }

    /// <summary>Loads and checks the manifest, or starts a new record; checks recorded contracts and an existing token on chain.</summary>
    private async Task<DeploymentRecord> OpenAsync(Address deployer, CancellationToken cancellationToken)
    {
        DeploymentRecord record;
        if (File.Exists(_manifestPath))
        {
            try
            {
                record = DeploymentRecord.Load(_manifestPath);
            }
            catch (DeploymentManifestException e)
            {
                throw new DeploymentMismatchException($"{e.Message} Nothing was sent.");
            }

            CheckAgainstConfig(record, deployer);
        }
        else
        {
            record = new DeploymentRecord
            {
                Network = _network.Name,
                ChainId = _network.ChainId,
                Deployer = deployer,
                InitialRegistryParameters = _config.Registry,
                InitialGovernanceParameters = _config.Governance,
                ExistingToken = _config.ExistingToken is not null,
                TokenSettings = _config.ExistingToken is null ? _config.Token : null,
            };
        }

        if (record.ExistingToken && record.Token is null)
        {
            var address = _config.ExistingToken!.Value;
            var code = await CheckExistingTokenAsync(address, cancellationToken).ConfigureAwait(false);
            record = record with { Token = new DeployedContract(address, null, null, ContractCode.Hash(code)) };
        }

        foreach (var step in new[] { DeploymentStep.Token, DeploymentStep.Voting, DeploymentStep.Registry })
        {
            if (record.ContractOf(step) is { } contract)
            {
                await VerifyAsync(record, step, contract, cancellationToken).ConfigureAwait(false);
            }
        }

        return record;
    }

    private void CheckAgainstConfig(DeploymentRecord record, Address deployer)
    {
        var path = _manifestPath;
        if (record.ChainId != _network.ChainId)
        {
            throw new DeploymentMismatchException($"The manifest {path} is for chain {record.ChainId}, not {_network}; nothing was sent: move it away or choose its network.");
        }

        if (record.InitialRegistryParameters != _config.Registry || record.InitialGovernanceParameters != _config.Governance)
        {
            throw new DeploymentMismatchException($"The manifest {path} was started with other parameters than this configuration; nothing was sent: deploy with the parameters it records, or move it away to deploy afresh.");
        }

        if (record.ExistingToken != (_config.ExistingToken is not null) ||
            (record.ExistingToken && record.Token is { } given && given.Address != _config.ExistingToken) ||
            (!record.ExistingToken && record.TokenSettings is { } settings && settings != _config.Token))
        {
            throw new DeploymentMismatchException($"The manifest {path} was started with another token setting than this configuration; nothing was sent: use the same token settings, or move it away to deploy afresh.");
        }

        if (!record.IsComplete && record.Deployer is { } started && started != deployer)
        {
            throw new DeploymentMismatchException($"The unfinished deployment in {path} was started by {started}, not {deployer}; nothing was sent: resume it with the same account.");
        }
    }

    private async Task VerifyAsync(DeploymentRecord record, DeploymentStep step, DeployedContract contract, CancellationToken cancellationToken)
    {
        var name = ContractName(step);
        var givenToken = step == DeploymentStep.Token && record.ExistingToken;
        await VerifyCodeAsync(name, contract, givenToken ? null : CreationCodeHex(step), cancellationToken).ConfigureAwait(false);
        if (step == DeploymentStep.Voting && record.Token is { } token)
        {
            var votingToken = await new Generated.CommitRevealVoting(_client, contract.Address).TokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (votingToken != token.Address)
            {
                throw Mismatch($"records the voting contract at {contract.Address} weighing votes with token {token.Address}, but it uses {votingToken}");
            }
        }

        if (step == DeploymentStep.Registry && record.Governor is { } governor)
        {
            await VerifyCodeAsync("ParameterGovernor", governor, Generated.ParameterGovernor.BytecodeHex, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> VerifyCodeAsync(string name, DeployedContract contract, string? creationCodeHex, CancellationToken cancellationToken)
    {
        var code = await _client.GetCodeAsync(contract.Address, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
        if (code.Length == 0)
        {
            throw Mismatch($"records the {name} at {contract.Address}, but chain {_network.ChainId} has no code there (a reset devnet, or a manifest from another chain)");
        }

        var hash = ContractCode.Hash(code);
        if (contract.CodeHash is { } recorded && recorded != hash)
        {
            throw Mismatch($"records the {name} at {contract.Address} with code hash {recorded}, but the code there hashes to {hash}");
        }

        if (creationCodeHex is not null && !ContractCode.MatchesCreationCode(code, Hex.Decode(creationCodeHex)))
        {
            throw Mismatch($"records the {name} at {contract.Address}, but the code there is not the {name} these bindings deploy");
        }

        return code;
    }

    private DeploymentMismatchException Mismatch(string problem) =>
        new($"The manifest {_manifestPath} {problem}; nothing was redeployed: move the manifest away to deploy afresh, or point at the chain it belongs to.");

    private async Task<byte[]> CheckExistingTokenAsync(Address address, CancellationToken cancellationToken)
    {
        var code = await _client.GetCodeAsync(address, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
        if (code.Length == 0)
        {
            throw new DeploymentConfigException("token.address", $"token.address {address} has no code on chain {_network.ChainId}; give the address of a deployed ERC20Votes token.");
        }

        var token = new Generated.TcrToken(_client, address);
        try
        {
            var mode = await token.CLOCKMODEAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (mode is not ("mode=blocknumber&from=default" or "mode=timestamp"))
            {
                throw new DeploymentConfigException("token.address", $"token.address {address} has clock mode \"{mode}\", but the voting contract needs block numbers or timestamps; give an ERC20Votes token with a standard clock.");
            }

            var clock = await token.ClockAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await token.GetPastVotesAsync(Address.Zero, clock > 0 ? clock - 1 : 0, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e is ContractRevertedException or RpcErrorException or RpcProtocolException)
        {
            throw new DeploymentConfigException("token.address", $"token.address {address} does not answer clock(), CLOCK_MODE() and getPastVotes() as an ERC20Votes token does; give the address of an ERC20Votes (ERC-5805) token.", e);
        }

        return code;
    }

    private async Task<(UInt256 BaseFee, UInt256 Tip, UInt256 MaxFee)> GetFeesAsync(CancellationToken cancellationToken)
    {
        var history = await _client.GetFeeHistoryAsync(1, BlockTag.Latest, [50], cancellationToken).ConfigureAwait(false);
        UInt256 tip;
        try
        {
            tip = await _client.GetMaxPriorityFeePerGasAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcErrorException)
        {
            tip = history.Reward is [[var median, ..], ..] ? median : UInt256.Zero;
        }

        var baseFee = history.NextBaseFeePerGas;
        return (baseFee, tip, (baseFee * (ulong)_options.BaseFeeMultiplier) + tip);
    }

    private async Task<(ulong Gas, GasEstimateMethod Method)> EstimateAsync(
        DeploymentStep step, Address deployer, byte[] data, Dictionary<Address, byte[]> overrides, CancellationToken cancellationToken)
    {
        try
        {
            if (overrides.Count == 0)
            {
                var gas = await _client.EstimateGasAsync(new CallRequest { From = deployer, Data = data }, cancellationToken).ConfigureAwait(false);
                return (gas, GasEstimateMethod.EstimateGas);
            }

            try
            {
                var gas = await DeploymentRpc.EstimateGasWithCodeAsync(_client, deployer, data, overrides, cancellationToken).ConfigureAwait(false);
                return (gas, GasEstimateMethod.EstimateGasWithOverrides);
            }
            catch (RpcErrorException)
            {
                // The node's eth_estimateGas takes no state overrides (Hardhat): measure inside eth_call, which does.
            }

            var probe = new Dictionary<Address, byte[]>(overrides) { [ProbeAddress] = ContractCode.GasProbe.ToArray() };
            var result = await DeploymentRpc.CallWithCodeAsync(_client, deployer, ProbeAddress, data, probe, cancellationToken).ConfigureAwait(false);
            if (result.Length != 64 || !result.AsSpan(0, 32).ContainsAnyExcept((byte)0))
            {
                throw new DeploymentException($"The {ContractName(step)} constructor reverts with this configuration (measured with the earlier steps' code at their predicted addresses); check the parameters.", failure: DeploymentFailure.WouldRevert);
            }

            var execution = (ulong)UInt256.FromBigEndian(result.AsSpan(32, 32)) - ContractCode.GasProbeOverhead;
            return (ContractCode.CreationIntrinsicGas(data, execution) + execution, GasEstimateMethod.MeasuredInCall);
        }
        catch (ContractRevertedException e)
        {
            throw new DeploymentException($"The {ContractName(step)} constructor would revert ({e.Message}); check the configuration.", e, DeploymentFailure.WouldRevert);
        }
    }

    /// <summary>
    /// The runtime code a creation returns, from an <c>eth_call</c> of its init code. Immutables that depend on the
    /// contract's own address (EIP-712's) differ from the real deployment's; the code only stands in for estimates.
    /// </summary>
    private async Task<byte[]> RuntimeCodeAsync(
        DeploymentStep step, Address deployer, byte[] data, Dictionary<Address, byte[]> overrides, CancellationToken cancellationToken)
    {
        byte[] code;
        try
        {
            code = await DeploymentRpc.CallWithCodeAsync(_client, SimulationSender, null, data, overrides, cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertedException e)
        {
            throw new DeploymentException($"Simulating the {ContractName(step)} creation reverted ({e.Message}); check the configuration.", e, DeploymentFailure.WouldRevert);
        }

        return code.Length > 0
            ? code
            : throw new DeploymentException($"Simulating the {ContractName(step)} creation returned no code, so the later steps cannot be estimated; check the node supports eth_call with state overrides.");
    }

    private async Task<(Deployed Deployed, DeploymentRecord Record)> SendStepAsync(
        DeploymentRecord record, DeploymentStep step, byte[] data, IAccountSigner deployer, IProgress<DeploymentProgress>? progress, CancellationToken cancellationToken)
    {
        var name = ContractName(step);
        progress?.Report(new DeploymentProgress(DeploymentProgressKind.Started, step, name));
        ulong estimate;
        try
        {
            estimate = await _client.EstimateGasAsync(new CallRequest { From = deployer.Address, Data = data }, cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertedException e)
        {
            throw new DeploymentException($"The {name} constructor would revert ({e.Message}); nothing was sent: check the configuration.", e, DeploymentFailure.WouldRevert);
        }

        var (_, tip, maxFee) = await GetFeesAsync(cancellationToken).ConfigureAwait(false);
        var nonce = await _client.GetTransactionCountAsync(deployer.Address, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
        var signed = await deployer.SignAsync(
            new Eip1559Transaction
            {
                ChainId = _network.ChainId,
                Nonce = nonce,
                GasLimit = checked(estimate + (estimate * (ulong)_options.GasMarginPercent / 100)),
                MaxFeePerGas = maxFee,
                MaxPriorityFeePerGas = tip,
                Data = data,
            },
            cancellationToken).ConfigureAwait(false);
        var address = ContractCode.CreateAddress(deployer.Address, nonce);
        var pending = new PendingDeployment(step, nonce, signed.Hash, address, signed.ToHex());

        // Recorded before sending: whatever happens next, a resume knows the one transaction this step may have sent.
        record = record with { Pending = pending, Deployer = deployer.Address };
        await record.SaveAsync(_manifestPath, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await _client.SendRawTransactionAsync(signed, cancellationToken).ConfigureAwait(false);
        }
        catch (ContractRevertedException)
        {
            // Automining nodes report a constructor revert on submission; the receipt tells, below.
        }
        catch (RpcErrorException e) when (!e.RpcMessage.Contains("already known", StringComparison.OrdinalIgnoreCase))
        {
            record = record with { Pending = null };
            await record.SaveAsync(_manifestPath, CancellationToken.None).ConfigureAwait(false);
            throw new DeploymentException($"The node refused the {name} deployment ({e.RpcMessage}); nothing was deployed: fix the cause (funds, fees) and run again.", e, DeploymentFailure.Refused);
        }

        progress?.Report(new DeploymentProgress(DeploymentProgressKind.Sent, step, name, address, signed.Hash, nonce));
        return await AwaitAsync(record, pending, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(Deployed? Deployed, DeploymentRecord Record)> ResumePendingAsync(
        DeploymentRecord record, PendingDeployment pending, Address deployer, IProgress<DeploymentProgress>? progress, CancellationToken cancellationToken)
    {
        var name = ContractName(pending.Step);
        var report = new DeploymentProgress(DeploymentProgressKind.Resumed, pending.Step, name, pending.Address, pending.TransactionHash, pending.Nonce);
        if (await DeploymentRpc.IsTransactionKnownAsync(_client, pending.TransactionHash, cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(report);
            return await AwaitAsync(record, pending, cancellationToken).ConfigureAwait(false);
        }

        var used = await _client.GetTransactionCountAsync(deployer, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
        if (used <= pending.Nonce)
        {
            // Never reached the node (or was dropped): the same signed transaction, same nonce, cannot deploy twice.
            try
            {
                await _client.SendRawTransactionAsync(Transaction.DecodeHex(pending.RawTransaction), cancellationToken).ConfigureAwait(false);
            }
            catch (ContractRevertedException)
            {
                // As when first sent: the receipt tells.
            }

            progress?.Report(report);
            return await AwaitAsync(record, pending, cancellationToken).ConfigureAwait(false);
        }

        // The nonce went to another transaction (a replacement with higher fees, or another sender of this account).
        // A contract at the address can only come from this account at this nonce.
        var code = await _client.GetCodeAsync(pending.Address, BlockTag.Latest, cancellationToken).ConfigureAwait(false);
        if (code.Length > 0)
        {
            if (!ContractCode.MatchesCreationCode(code, Hex.Decode(CreationCodeHex(pending.Step))))
            {
                throw Mismatch($"records a pending {name} at {pending.Address}, but the code there is not the {name} these bindings deploy");
            }

            progress?.Report(report);
            return (new Deployed(pending.Address, pending.Nonce, null, null, null), record);
        }

        // Nothing was created with that nonce, and nothing can be any more: deploying afresh cannot duplicate.
        record = record with { Pending = null };
        await record.SaveAsync(_manifestPath, CancellationToken.None).ConfigureAwait(false);
        return (null, record);
    }

    private async Task<(Deployed Deployed, DeploymentRecord Record)> AwaitAsync(DeploymentRecord record, PendingDeployment pending, CancellationToken cancellationToken)
    {
        var name = ContractName(pending.Step);
        var deadline = _client.TimeProvider.GetUtcNow() + _options.ReceiptTimeout;
        while (true)
        {
            var receipt = await _client.GetTransactionReceiptAsync(pending.TransactionHash, cancellationToken).ConfigureAwait(false);
            if (receipt is not null)
            {
                if (!receipt.Succeeded)
                {
                    record = record with { Pending = null };
                    await record.SaveAsync(_manifestPath, CancellationToken.None).ConfigureAwait(false);
                    throw new DeploymentException($"The {name} deployment {pending.TransactionHash} reverted in block {receipt.BlockNumber}; no contract was created: check the configuration and run again.", failure: DeploymentFailure.Reverted);
                }

                if (receipt.ContractAddress != pending.Address)
                {
                    throw new DeploymentException($"The {name} deployment {pending.TransactionHash} created {receipt.ContractAddress?.ToString() ?? "no contract"}, not {pending.Address}; check the node.");
                }

                return (new Deployed(pending.Address, pending.Nonce, pending.TransactionHash, receipt.BlockNumber, receipt.GasUsed), record);
            }

            if (_client.TimeProvider.GetUtcNow() > deadline)
            {
                throw new DeploymentException($"The {name} deployment {pending.TransactionHash} was not mined within {_options.ReceiptTimeout}; it stays recorded in {_manifestPath}: run again to resume.", failure: DeploymentFailure.ReceiptTimeout);
            }

            await Task.Delay(_options.PollInterval, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DeploymentRecord> RecordAsync(DeploymentRecord record, DeploymentStep step, Deployed deployed, CancellationToken cancellationToken)
    {
        var contract = new DeployedContract(deployed.Address, deployed.TransactionHash, deployed.BlockNumber, null, deployed.Nonce);
        var code = await VerifyCodeAsync(ContractName(step), contract, CreationCodeHex(step), cancellationToken).ConfigureAwait(false);
        contract = contract with { CodeHash = ContractCode.Hash(code) };
        record = step switch
        {
            DeploymentStep.Token => record with { Token = contract, Pending = null },
            DeploymentStep.Voting => record with { Voting = contract, Pending = null },
            _ => record with { Registry = contract, Pending = null },
        };
        if (step == DeploymentStep.Registry)
        {
            var governorAddress = await new Generated.MailServerRegistry(_client, deployed.Address).GovernorAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var governor = new DeployedContract(governorAddress, deployed.TransactionHash, deployed.BlockNumber, null);
            var governorCode = await VerifyCodeAsync("ParameterGovernor", governor, Generated.ParameterGovernor.BytecodeHex, cancellationToken).ConfigureAwait(false);
            record = record with { Governor = governor with { CodeHash = ContractCode.Hash(governorCode) } };
        }

        await record.SaveAsync(_manifestPath, CancellationToken.None).ConfigureAwait(false);
        return record;
    }
}
