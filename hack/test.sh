#!/usr/bin/env bash
# The full test suite: unit tests (*Test) and integration tests (*IT) against a real etcd and
# kube-apiserver built from source, and promtool and Prometheus for the monitoring files.
# Installs what it needs first; extra args go to Maven.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
use_jdk25
PALISADE_KUBE_BIN=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
export PALISADE_KUBE_BIN
PALISADE_PROMETHEUS_BIN=$(bash "$PALISADE_ROOT/hack/build-prometheus.sh")
export PALISADE_PROMETHEUS_BIN
cd "$PALISADE_ROOT"
./mvnw -B -ntp verify "$@"
