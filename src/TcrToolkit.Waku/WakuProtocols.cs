namespace TcrToolkit.Waku;

/// <summary>The libp2p protocol identifiers this project speaks.</summary>
public static class WakuProtocols
{
    /// <summary>13/WAKU2-STORE query protocol, version 3.</summary>
    public const string StoreQuery = "/vac/waku/store-query/3.0.0";

    /// <summary>WAKU-LIGHTPUSH version 3.</summary>
    public const string LightPush = "/vac/waku/lightpush/3.0.0";

    /// <summary>19/WAKU2-LIGHTPUSH 2.0.0-beta1, which js-waku falls back to when a peer lacks version 3.</summary>
    public const string LightPushV2Beta1 = "/vac/waku/lightpush/2.0.0-beta1";

    /// <summary>66/WAKU2-METADATA: cluster id and shards, checked by js-waku on connect.</summary>
    public const string Metadata = "/vac/waku/metadata/1.0.0";
}

/// <summary>Status codes of Store v3 and LightPush v3 responses.</summary>
public static class WakuStatusCodes
{
    /// <summary>The request succeeded.</summary>
    public const uint Ok = 200;

    /// <summary>The request is malformed or contradicts the protocol's rules.</summary>
    public const uint BadRequest = 400;

    /// <summary>The pushed message exceeds the size limit.</summary>
    public const uint PayloadTooLarge = 413;

    /// <summary>The service node does not serve the requested pubsub topic.</summary>
    public const uint UnsupportedPubsubTopic = 421;

    /// <summary>The peer exceeded its request rate.</summary>
    public const uint TooManyRequests = 429;

    /// <summary>The service failed; the description says why.</summary>
    public const uint InternalServerError = 500;

    /// <summary>The service is not available.</summary>
    public const uint ServiceUnavailable = 503;
}
