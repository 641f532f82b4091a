#!/usr/bin/env bash
# Regenerates the CRDs from the Java API (operator/src/main/java/dev/palisade/api) and copies
# them to crds/ and charts/palisade/crds/. CrdDriftTest fails until this has been run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
use_jdk25
cd "$PALISADE_ROOT"
./mvnw -B -q -pl operator -am process-classes
for dest in crds charts/palisade/crds; do
  rm -f "$dest"/*.yml
  cp operator/target/crds/*.yml "$dest"/
done
log "CRDs updated in crds/ and charts/palisade/crds/"
