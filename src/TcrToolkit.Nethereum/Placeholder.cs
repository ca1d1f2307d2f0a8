namespace TcrToolkit.Nethereum; internal static class Placeholder { }
