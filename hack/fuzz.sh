#!/usr/bin/env bash
# Fuzzes every *FuzzTest (Jazzer) for longer than the build does: each target in a JVM of its
# own, for FUZZ_DURATION (default 5m) each. Usage: bash hack/fuzz.sh [TestClass ...]
# A crash lands as crash-<sha1> in the target's src/test/resources/.../<Class>Inputs/<method>/:
# fix the bug, rename the file to say what it is, and commit it; the build then replays it.
# The generated corpus grows in <module>/.cifuzz-corpus/ (not committed) from run to run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

use_jdk25
cd "$PALISADE_ROOT"
duration=${FUZZ_DURATION:-5m}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(find . -path ./bench -prune -o -name '*FuzzTest.java' -print \
    | sed 's#.*/##; s#\.java$##' | sort)
fi
log "fuzzing ${targets[*]} for $duration each"
for target in "${targets[@]}"; do
  ./mvnw -B -ntp -q test -Dpalisade.aot.skip=true -Dpalisade.fuzz.duration="$duration" \
    -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false
done
log "no crash in ${#targets[@]} targets"
