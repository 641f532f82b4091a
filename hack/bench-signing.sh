#!/usr/bin/env bash
# CA signing rate per core, ECDSA P-256: the JDK's SunEC versus BouncyCastle (bench/
# SigningBenchmark; docs/benchmarks.md has the figures and the decision). Takes about 4.5
# minutes; results go to bench/results/ (not committed). Extra args go to JMH, e.g. -f 3.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

use_jdk25
cd "$PALISADE_ROOT"
log "building bench/ (profile bench; CI never builds it)"
./mvnw -B -q -Pbench -pl bench -am package -DskipTests

mkdir -p bench/results
out=bench/results/signing-$(date -u +%Y%m%dT%H%M%SZ)
# One thread per benchmark, so ops/s is per core; anything else running skews it.
log "running; load average now: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
java -jar bench/target/benchmarks.jar 'dev\.palisade\.bench\.SigningBenchmark' \
  -rf json -rff "$out.json" "$@" > "$out.log" 2>&1 \
  || { tail -n 30 "$out.log" >&2; die "benchmark failed; full log: $out.log"; }

# JMH's summary table is the tail of its log, from the "Benchmark" header on.
sed -n '/^Benchmark /,$p' "$out.log" | tee "$out.txt"
log "full log: $out.log, table: $out.txt, JSON: $out.json"
