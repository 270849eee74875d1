#!/usr/bin/env bash
# Makes a Synapse homeserver available for the end-to-end tests and prints the python that runs it
# (`$python -m synapse.app.homeserver`). Order: $SYNAPSE_PYTHON when set; else a venv in the
# switchboard cache, created with `pip install matrix-synapse` on first use. Idempotent, and safe to
# run from several jest workers at once (flock), since a half-built venv would break every later run.
set -euo pipefail
if [ -n "${SYNAPSE_PYTHON:-}" ]; then echo "$SYNAPSE_PYTHON"; exit 0; fi
log() { echo "ensure-synapse: $*" >&2; }
cache="${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}"
venv="$cache/synapse-venv"
mkdir -p "$cache"
exec 9>"$cache/synapse-venv.lock"
flock 9
if ! "$venv/bin/python" -c 'import synapse' >/dev/null 2>&1; then
  log "installing matrix-synapse into $venv (takes a few minutes)"
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 ships venv separately; CI runs as root, so it can install it.
    log "python3 has no venv module: installing python3-venv"
    bash "$(dirname "$0")/apt-install.sh" python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install -q --upgrade pip >&2
  "$venv/bin/python" -m pip install -q 'matrix-synapse>=1.160,<2' >&2
  "$venv/bin/python" -c 'import synapse' >/dev/null
fi
echo "$venv/bin/python"
