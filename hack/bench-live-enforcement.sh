#!/usr/bin/env bash
# Live enforcement in real pods: the time from `kubectl apply` of an AccessPolicy DENY, and of a
# CertificateRevocation of the client's certificate, returning to the live stream it targets
# being cut, 20 trials each (docs/benchmarks.md "Live enforcement"). A
# benchmark: never part of hack/test.sh. Extra args go to Maven, e.g. -Dbench.trials=50.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$PALISADE_ROOT/hack/test.sh" -pl e2e -am -Dit.test=LiveEnforcementBenchmark \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dpalisade.fuzz.skip=true "$@"
log "nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$PALISADE_ROOT"/e2e/target/bench/live-enforcement-*.md
