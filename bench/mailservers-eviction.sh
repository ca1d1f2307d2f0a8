#!/usr/bin/env bash
# Measures the mail-server pool's eviction latency (removal block -> ServerEvicted) on a Hardhat devnet, with HTTP
# polling and with WebSocket heads, and prints the table of bench/mailservers-eviction-report.md.
# Needs scripts/bootstrap and the Hardhat artifacts (npx hardhat build). Arguments: [samples per mode] [poll ms].
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/TcrToolkit.MailServers.Bench -c Release --nologo -v q
exec dotnet bench/TcrToolkit.MailServers.Bench/bin/Release/net10.0/TcrToolkit.MailServers.Bench.dll eviction "$@"
