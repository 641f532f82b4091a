#!/usr/bin/env bash
# Stops the local control plane started by hack/cluster-up.sh. Add --purge to delete its state
# (etcd data, certificates, kubeconfig) as well.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
state=$(cluster_state_dir)
for pidfile in "$state"/mesh/*.pid "$state/operator.pid" "$state/kube-apiserver.pid" "$state/etcd.pid"; do
  name=$(basename "$pidfile" .pid)
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$pidfile"
done
if [ "${1:-}" = "--purge" ]; then
  rm -rf "$state"
  log "removed $state"
fi
