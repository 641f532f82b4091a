#!/usr/bin/env bash
# Admission latency of pod creation through a real kube-apiserver, without a webhook, with the
# injection webhook skipping the pod, and with it injecting (docs/benchmarks.md). A benchmark:
# never part of hack/test.sh. Extra args go to Maven, e.g. -Dbench.pods=1000 -Dbench.warmup=100.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$PALISADE_ROOT/hack/test.sh" -pl operator -am -Dit.test=AdmissionLatencyBenchmark \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@"
log "nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$PALISADE_ROOT/operator/target/bench/admission-latency.md"
