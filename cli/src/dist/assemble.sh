#!/usr/bin/env bash
# Assembles target/palisade-cli/ (bin/palisade, bin/kubectl-palisade, lib/*.jar; the
# dependencies are copied by Maven beside it). Run by Maven at `package` (cli/pom.xml).
#   assemble.sh <module dir> <target dir> <built jar>
set -euo pipefail
module=$1 target=$2 jar=$3
dist=$target/palisade-cli
mkdir -p "$dist/bin" "$dist/lib"
cp -p "$jar" "$dist/lib/palisade-cli.jar"
install -m 0755 "$module/src/dist/bin/palisade" "$dist/bin/palisade"
# kubectl finds plugins as kubectl-<name> on PATH: `kubectl palisade check` runs this.
ln -sfn palisade "$dist/bin/kubectl-palisade"
