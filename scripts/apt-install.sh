#!/usr/bin/env bash
# `bash scripts/apt-install.sh PKG...`: installs Debian packages for the test set-up (CI runs as
# root), running `apt-get update` only when the plain install fails. A package's postinst may start
# a daemon (postgresql, inspircd) that inherits open descriptors and lives on; if one of them were a
# pipe the caller reads to EOF (`$(...)`, `| tee`), the caller would hang for ever. So apt's output
# goes to a log file, printed only when the install fails.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if apt-get install -y -qq "$@" </dev/null >"$log" 2>&1; then exit 0; fi
if apt-get update -qq </dev/null >>"$log" 2>&1 && apt-get install -y -qq "$@" </dev/null >>"$log" 2>&1; then exit 0; fi
cat "$log" >&2
echo "apt-install: could not install $*" >&2
exit 1
