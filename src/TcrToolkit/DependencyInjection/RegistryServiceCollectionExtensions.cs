using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts the registry mirror and the registry event stream as background services.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="RegistryMirror"/> singleton and the <see cref="RegistryMirrorService"/> that runs it for the
    /// host's lifetime. Call <c>AddTcrToolkit</c> first: the mirror reads through its <see cref="RpcClient"/>, and
    /// takes the registry, <c>Confirmations</c> and <c>WebSocketUrl</c> from its options unless set here. The options
    /// are validated when the host starts.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddTcrToolkit(o => { o.RpcUrl = new Uri("http://127.0.0.1:8545"); o.ManifestPath = "deployments/devnet.json"; })
    ///         .AddRegistryMirror(o => o.DatabasePath = "/var/lib/mailserver/registry.db");
    /// // later: provider.GetRequiredService&lt;RegistryMirror&gt;().IsTrusted(nodeId)
    /// </code>
    /// </example>
    public static IServiceCollection AddRegistryMirror(this IServiceCollection services, Action<RegistryMirrorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RegistryMirrorOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryMirrorOptions>, RegistryMirrorOptionsValidator>());
        services.TryAddSingleton(provider => RegistryMirror.Open(
            provider.GetRequiredService<RpcClient>(),
            provider.GetRequiredService<IOptions<RegistryMirrorOptions>>().Value,
            provider.GetService<ILogger<RegistryMirror>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RegistryMirrorService>());
        return services;
    }

    /// <summary>
    /// Adds the mirror as <see cref="AddRegistryMirror(IServiceCollection, Action{RegistryMirrorOptions})"/> does,
    /// with options bound from <paramref name="section"/> (for example <c>"RegistryMirror": { "DatabasePath": "registry.db",
    /// "MaxStaleness": "00:01:00", "Stream": { "PollInterval": "00:00:02" } }</c>; <c>Registry</c> is a 0x address).
    /// </summary>
    public static IServiceCollection AddRegistryMirror(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        AddressBinding.Register();
        return services.AddRegistryMirror(options => section.Bind(options));
    }

    /// <summary>
    /// Adds the <see cref="RegistryEventStreamService"/>, which reads the registry's events for the host's lifetime and
    /// hands each update to <typeparamref name="THandler"/> (a singleton). Call <c>AddTcrToolkit</c> first: the stream
    /// takes the registry, <c>Confirmations</c> and <c>WebSocketUrl</c> from its options unless set here.
    /// </summary>
    public static IServiceCollection AddRegistryEventStream<THandler>(this IServiceCollection services, Action<RegistryEventStreamOptions> configure)
        where THandler : class, IRegistryUpdateHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RegistryEventStreamOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryEventStreamOptions>, RegistryEventStreamOptionsValidator>());
        services.TryAddSingleton<IRegistryUpdateHandler, THandler>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RegistryEventStreamService>());
        return services;
    }

    /// <summary>Adds the hosted event stream with options bound from <paramref name="section"/>.</summary>
    public static IServiceCollection AddRegistryEventStream<THandler>(this IServiceCollection services, IConfigurationSection section)
        where THandler : class, IRegistryUpdateHandler
    {
        ArgumentNullException.ThrowIfNull(section);
        AddressBinding.Register();
        return services.AddRegistryEventStream<THandler>(options => section.Bind(options));
    }

    /// <summary>Lets the configuration binder read an <see cref="Address"/> from its 0x text.</summary>
    private static class AddressBinding
    {
        private static int _registered;

        public static void Register()
        {
            if (Interlocked.Exchange(ref _registered, 1) == 0)
            {
                TypeDescriptor.AddAttributes(typeof(Address), new TypeConverterAttribute(typeof(AddressConverter)));
            }
        }
    }

    private sealed class AddressConverter : TypeConverter
    {
        public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

        public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
            Address.Parse((string)value);
    }
}

/// <summary>Checks <see cref="RegistryMirrorOptions"/> when the host starts.</summary>
public sealed class RegistryMirrorOptionsValidator : IValidateOptions<RegistryMirrorOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, RegistryMirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

/// <summary>Checks <see cref="RegistryEventStreamOptions"/> when the host starts.</summary>
public sealed class RegistryEventStreamOptionsValidator : IValidateOptions<RegistryEventStreamOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, RegistryEventStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Stream is null)
        {
            return ValidateOptionsResult.Fail("Stream must not be null.");
        }

        try
        {
            options.Stream.Validate();
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }

        return options.MaxRetryDelay > TimeSpan.Zero ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail($"MaxRetryDelay must be positive, not {options.MaxRetryDelay}.");
    }
}
