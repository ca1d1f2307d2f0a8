#!/usr/bin/env bash
# Runs the libp2p side-by-side benchmarks on one core and writes bench/libp2p-report.md.
# Needs scripts/bootstrap (Node 22 and tests/peers/libp2p/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/TcrToolkit.Libp2p.Bench -c Release --nologo -v q
exec taskset -c 1 dotnet bench/TcrToolkit.Libp2p.Bench/bin/Release/net10.0/TcrToolkit.Libp2p.Bench.dll
