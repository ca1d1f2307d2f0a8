using System.Net.Http.Headers;
using System.Text;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>Endpoint helpers shared by the transports.</summary>
public static class RpcEndpoint
{
    /// <summary>
    /// The endpoint as it may appear in messages and logs: scheme, host and port only. User info and the query are
    /// dropped, and a non-empty path becomes <c>/…</c>, because hosted providers put API keys in path segments.
    /// </summary>
    public static string Redact(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            return "(relative endpoint)";
        }

        var authority = endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}";
        if (endpoint.HostNameType == UriHostNameType.IPv6 && !authority.StartsWith('['))
        {
            authority = endpoint.IsDefaultPort ? $"[{endpoint.Host}]" : $"[{endpoint.Host}]:{endpoint.Port}";
        }

        var path = endpoint.AbsolutePath is "" or "/" ? "" : "/…";
        return $"{endpoint.Scheme}://{authority}{path}";
    }

    /// <summary>Splits user info out of <paramref name="endpoint"/> into a Basic authorization header value.</summary>
    internal static (Uri Address, AuthenticationHeaderValue? Authorization) SplitCredentials(Uri endpoint)
    {
        if (string.IsNullOrEmpty(endpoint.UserInfo))
        {
            return (endpoint, null);
        }

        var userInfo = Uri.UnescapeDataString(endpoint.UserInfo);
        var builder = new UriBuilder(endpoint) { UserName = "", Password = "" };
        var header = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        return (builder.Uri, header);
    }
}
