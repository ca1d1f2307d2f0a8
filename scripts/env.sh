# Sourced by the scripts: Node 22 from node_modules first on PATH, and quiet npm.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo_root/node_modules/node/bin:$repo_root/node_modules/.bin:$PATH"
export HARDHAT_DISABLE_TELEMETRY_PROMPT=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
