#!/usr/bin/env bash
# Measures tcr's start-up: wall time of whole processes, median of N runs after one warm-up, for the published
# ReadyToRun apphost (what scripts/tcr runs) and the plain JIT build, on a few command paths. Writes
# bench/cli-startup-report.md. A measurement, not a test: nothing here fails on a slow machine.
#   bench/cli-startup.sh [runs]      (default 21)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-21}"
report="$root/bench/cli-startup-report.md"
r2r="$root/src/TcrToolkit.Cli/bin/tcr/tcr"
jit="$root/src/TcrToolkit.Cli/bin/Release/net10.0/tcr"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$root/scripts/tcr" --version >/dev/null                       # publishes the ReadyToRun build if stale
dotnet build "$root/src/TcrToolkit.Cli/TcrToolkit.Cli.csproj" -c Release -v quiet -nologo >/dev/null

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export TCR_HOME="$home"                                       # an empty keystore directory: no user state

# Prints "median min max" in milliseconds of running the given command $runs times (after one warm-up).
measure() {
  local times=() start end
  "$@" >/dev/null 2>&1 || true
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%d %d %d\n", a[int((NR+1)/2)], a[1], a[NR]}'
}

rows=()
row() {
  local label="$1"; shift
  read -r median min max < <(measure "$@")
  rows+=("| $label | $median | $min | $max |")
  echo "$label: median $median ms (min $min, max $max)" >&2
}

row '`tcr --help`, ReadyToRun apphost (scripts/tcr)' "$r2r" --help
row '`tcr --help`, JIT-only build' "$jit" --help
row '`tcr --help`, ReadyToRun, `DOTNET_TieredCompilation=0`' env DOTNET_TieredCompilation=0 "$r2r" --help
row '`tcr --help` via `dotnet tcr.dll` (muxer)' dotnet "$root/src/TcrToolkit.Cli/bin/tcr/tcr.dll" --help
row '`tcr wallet new --help`, ReadyToRun' "$r2r" wallet new --help
row '`tcr wallet list` (Spectre table path), ReadyToRun' "$r2r" wallet list
row '`tcr wallet list --json` (System.Text.Json path), ReadyToRun' "$r2r" wallet list --json
row '`tcr walet` (typo: parse error path), ReadyToRun' "$r2r" walet
row '`scripts/tcr --help` (launcher: staleness check + exec)' "$root/scripts/tcr" --help

{
  echo "# tcr start-up"
  echo
  echo "Wall time of whole \`tcr\` processes, in milliseconds: median, min and max of $runs runs after one warm-up, measured by"
  echo "\`bench/cli-startup.sh\` on $(nproc) cores ($(uname -sm)), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}'),"
  echo "$(date -u +%Y-%m-%d). Other work shares the machine, so single runs vary; the median is the figure. Budget: 300 ms for \`tcr --help\`."
  echo
  echo "| command | median | min | max |"
  echo "| --- | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "## What keeps it fast"
  echo
  echo "- ReadyToRun: \`scripts/tcr\` runs \`dotnet publish -r <rid> -p:PublishReadyToRun=true\` (the crossgen2 package"
  echo "  \`microsoft.netcore.app.crossgen2.<rid>\` restores from NuGet), so tcr, System.CommandLine, Spectre.Console and the"
  echo "  TcrToolkit assemblies start from precompiled code; tiered compilation stays on (quick JIT for what R2R lacks)."
  echo "- Nothing heavy at start-up: building the command tree touches only System.CommandLine; Spectre.Console is loaded"
  echo "  when a table is first drawn, System.Text.Json (source-generated, no reflection) when \`--json\` output is written,"
  echo "  BouncyCastle when a key is decrypted or derived, and HTTP when a command first talks to a node."
  echo "- InvariantGlobalization (no ICU load) and no satellite resource folders. The apphost starts no faster than"
  echo "  \`dotnet tcr.dll\` (see the table); it is there so that \`tcr\` is one executable."
  echo "- Measured but not adopted: \`TieredCompilation=0\` (slower: everything R2R lacks is compiled fully optimised)."
} >"$report"
echo "wrote ${report#"$root"/}" >&2
