#!/usr/bin/env bash
# Builds promtool and prometheus from the Go module proxy into
# ~/.cache/palisade/bin/prometheus-<version>/ and does nothing for a binary already there.
# Prints the directory. Cold: see docs/development.md; warm: instant.
# The server is built without its web UI assets (no `builtinassets` tag): the HTTP API,
# which the tests use, works; the UI pages do not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v go >/dev/null || die "Go is required to build Prometheus (apt-get install golang, or see https://go.dev/dl)."
out=$(prometheus_bin_dir)
mkdir -p "$out"
export GOFLAGS=-mod=mod CGO_ENABLED=0

version=${PROMETHEUS_VERSION#v0.}  # v0.316.0 -> 316.0 -> Prometheus 3.16.0
version="3.${version:1:2}.${version#*.}"
ldflags="-s -w"
ldflags+=" -X github.com/prometheus/common/version.Version=$version"
ldflags+=" -X github.com/prometheus/common/version.Branch=HEAD"
ldflags+=" -X github.com/prometheus/common/version.BuildDate=20000101-00:00:00"

build() { # name package
  local name=$1 pkg=$2
  [ -x "$out/$name" ] && return 0
  log "building $name (cached afterwards in $out)"
  (cd "$PALISADE_ROOT/hack/tools/prometheus" && go build -trimpath -ldflags "$ldflags" -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
}

build promtool github.com/prometheus/prometheus/cmd/promtool
build prometheus github.com/prometheus/prometheus/cmd/prometheus
echo "$out"
