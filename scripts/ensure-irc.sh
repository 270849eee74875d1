#!/usr/bin/env bash
# Makes InspIRCd 3 and Atheme available for the IRC tests (test/harness/inspircd.ts, atheme.ts).
# Installs Debian's packages when a binary is missing (CI runs as root); `apt-get update` only if the
# plain install fails. The tests start their own daemons on free loopback ports with generated configs,
# so any system-wide instance the packages may have started is irrelevant.
set -euo pipefail
log() { echo "ensure-irc: $*" >&2; }
missing=()
if [ ! -x /usr/sbin/inspircd ] && ! command -v inspircd >/dev/null; then missing+=(inspircd); fi
if [ ! -x /usr/bin/atheme-services ] && ! command -v atheme-services >/dev/null; then missing+=(atheme-services); fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  bash "$(dirname "$0")/apt-install.sh" "${missing[@]}"
fi
inspircd --version >&2 2>/dev/null || /usr/sbin/inspircd --version >&2
