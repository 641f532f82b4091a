#!/usr/bin/env bash
# Regenerates the chart's snapshots (operator/src/test/resources/chart/snapshots/: what
# `helm template` renders and `helm install` prints for each value set of ChartIT) after a
# deliberate change to charts/palisade. Review the diff like code before committing it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
use_jdk25
PALISADE_KUBE_BIN=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
export PALISADE_KUBE_BIN
cd "$PALISADE_ROOT"
./mvnw -B -ntp -q -pl operator -am verify -DskipITs=false -Dpalisade.aot.skip=true \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ChartIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dpalisade.golden.update=true
git status --short operator/src/test/resources/chart/snapshots/
log "snapshots regenerated; review them with: git diff operator/src/test/resources/chart/snapshots/"
