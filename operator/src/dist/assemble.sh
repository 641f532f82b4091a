#!/usr/bin/env bash
# Assembles target/palisade-operator/ (bin/palisade-operator, lib/*.jar; the dependencies are
# copied by Maven beside it). Run by Maven at `package` (operator/pom.xml).
#   assemble.sh <module dir> <target dir> <built jar>
set -euo pipefail
module=$1 target=$2 jar=$3
dist=$target/palisade-operator
mkdir -p "$dist/bin" "$dist/lib"
cp -p "$jar" "$dist/lib/palisade-operator.jar"
install -m 0755 "$module/src/dist/bin/palisade-operator" "$dist/bin/palisade-operator"
