#!/usr/bin/env bash
# Makes a Dendrite homeserver available for the end-to-end tests and prints the folder holding its
# binaries (dendrite, generate-config, generate-keys). Order: $DENDRITE_BIN when set; else built
# once into the switchboard cache from the Go module proxy (about a minute and a half on 2 cores;
# with Go >= 1.23 from /usr/local/go or PATH, else one fetched as a module, see go_toolchain).
# `go install pkg@version` cannot be used: it asks the proxy for the module's version list, which
# this machine's proxy refuses; a small module that requires the pinned version builds the same
# code. Idempotent, and safe to run from several jest workers at once (flock).
set -euo pipefail
version=v0.15.2
if [ -n "${DENDRITE_BIN:-}" ]; then echo "$DENDRITE_BIN"; exit 0; fi
log() { echo "ensure-dendrite: $*" >&2; }
# Prints the bin folder of Go $go_version, downloading it once into the cache.
go_version=1.23.12
go_toolchain() {
  local dir="$cache/go-$go_version" module="golang.org/toolchain@v0.0.1-go$go_version.linux-amd64"
  if [ ! -x "$dir/bin/go" ]; then
    log "fetching Go $go_version from the Go module proxy"
    [ -x /usr/lib/go/bin/go ] || bash "$(dirname "$0")/apt-install.sh" golang-go
    local tmp
    tmp="$(mktemp -d)"
    printf 'module fetch\n\ngo 1.19\n' >"$tmp/go.mod"
    (cd "$tmp" && GOMODCACHE="$tmp/mod" GOFLAGS=-mod=mod /usr/lib/go/bin/go mod download "$module" >&2)
    rm -rf "$dir"
    cp -r "$tmp/mod/$module" "$dir"
    # The module cache keeps files read-only and without exec bits.
    chmod -R u+w "$dir" "$tmp" && rm -rf "$tmp"
    chmod +x "$dir"/bin/* "$dir"/pkg/tool/*/*
  fi
  echo "$dir/bin"
}
cache="${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}"
bin="$cache/dendrite-$version/bin"
mkdir -p "$cache"
exec 9>"$cache/dendrite.lock"
flock 9
if ! "$bin/dendrite" -version >/dev/null 2>&1; then
  # Dendrite needs Go >= 1.23: the machine's own Go when it is that new, else a toolchain fetched
  # from the Go module proxy (golang.org/toolchain is published there as a module for exactly
  # this) with Debian's Go 1.19, which is too old to build Dendrite but can download modules.
  export PATH="/usr/local/go/bin:$PATH" GOTOOLCHAIN=local
  if ! go version 2>/dev/null | grep -Eq 'go1\.(2[3-9]|[3-9][0-9])'; then
    PATH="$(go_toolchain):$PATH"
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
