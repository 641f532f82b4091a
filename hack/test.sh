#!/usr/bin/env bash
# The full test suite: unit tests (*Test), integration tests (*IT) against a real etcd and
# kube-apiserver built from source, promtool and Prometheus for the monitoring files, and the
# end-to-end tests (e2e/) on a real one-node cluster (hack/cluster-up.sh) with Palisade installed
# by its chart from images built here. Installs what it needs first; extra args go to Maven.
#
# A cluster that was already running (the demo's) is reused and left running; one this script
# started is torn down at the end, and hack/check-node-clean.sh must then find nothing left.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
use_jdk25
PALISADE_KUBE_BIN=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
export PALISADE_KUBE_BIN
PALISADE_PROMETHEUS_BIN=$(bash "$PALISADE_ROOT/hack/build-prometheus.sh")
export PALISADE_PROMETHEUS_BIN

kubeconfig=$(cluster_state_dir)/kubeconfig
if [ -f "$kubeconfig" ] && "$PALISADE_KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; then
  log "reusing the running cluster; it stays up"
else
  # However the run ends (failure, Ctrl-C included), take down what it started, partly started
  # too, and fail if anything is left.
  teardown() {
    local status=$?
    bash "$PALISADE_ROOT/hack/cluster-down.sh"
    bash "$PALISADE_ROOT/hack/check-node-clean.sh" || status=1
    exit "$status"
  }
  trap teardown EXIT
  trap 'exit 130' INT TERM
fi
PALISADE_E2E_KUBECONFIG=$(bash "$PALISADE_ROOT/hack/cluster-up.sh")
export PALISADE_E2E_KUBECONFIG

cd "$PALISADE_ROOT"
./mvnw -B -ntp verify "$@"
