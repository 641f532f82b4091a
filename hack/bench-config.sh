#!/usr/bin/env bash
# Benchmark (not a test): config-service fan-out to N simulated long-polling sidecars
# (default 1000) on a real kube-apiserver. Prints a table to paste into docs/benchmarks.md.
# Usage: bash hack/bench-config.sh [sidecars]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
use_jdk25
PALISADE_KUBE_BIN=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
export PALISADE_KUBE_BIN
cd "$PALISADE_ROOT"
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
./mvnw -B -q -ntp -pl operator -am install -DskipTests
./mvnw -B -q -ntp -pl operator dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$classpath_file"
# The operator side as the demo runs the operator: serial GC, 256 MiB of heap.
java -XX:+UseSerialGC -Xmx256m --enable-native-access=ALL-UNNAMED \
  -Dpalisade.repo.root="$PALISADE_ROOT" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "operator/target/classes:operator/target/test-classes:$(cat "$classpath_file")" \
  dev.palisade.bench.ConfigFanOutBench "${1:-1000}"
