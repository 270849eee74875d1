#!/usr/bin/env bash
# Makes a Dendrite homeserver available for the end-to-end tests and prints the folder holding its
# binaries (dendrite, generate-config, generate-keys). Order: $DENDRITE_BIN when set; else built
# once into the switchboard cache from the Go module proxy (about a minute and a half on 2 cores).
# `go install pkg@version` cannot be used: it asks the proxy for the module's version list, which
# this machine's proxy refuses; a small module that requires the pinned version builds the same
# code. Idempotent, and safe to run from several jest workers at once (flock).
set -euo pipefail
version=v0.15.2
if [ -n "${DENDRITE_BIN:-}" ]; then echo "$DENDRITE_BIN"; exit 0; fi
log() { echo "ensure-dendrite: $*" >&2; }
cache="${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}"
bin="$cache/dendrite-$version/bin"
mkdir -p "$cache"
exec 9>"$cache/dendrite.lock"
flock 9
if ! "$bin/dendrite" -version >/dev/null 2>&1; then
  # Dendrite needs Go >= 1.23 (Debian bookworm's golang-go is 1.19): the machine's own Go.
  export PATH="$PATH:/usr/local/go/bin"
  if ! command -v go >/dev/null 2>&1; then
    log "no Go toolchain on PATH or in /usr/local/go: Dendrite $version needs Go >= 1.23"
    exit 1
  fi
  log "building Dendrite $version into $bin"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp "$(dirname "$0")/dendrite-build/tools.go" "$work/"
  printf 'module switchboard.test/dendrite-build\n\ngo 1.23\n\nrequire github.com/element-hq/dendrite %s\n' "$version" >"$work/go.mod"
  (
    cd "$work"
    go mod tidy >&2
    mkdir -p "$bin"
    CGO_ENABLED=1 go build -o "$bin/" github.com/element-hq/dendrite/cmd/dendrite \
      github.com/element-hq/dendrite/cmd/generate-config github.com/element-hq/dendrite/cmd/generate-keys >&2
  )
  "$bin/dendrite" -version >/dev/null
fi
echo "$bin"
