#!/usr/bin/env bash
# Runs the operator on this machine against the demo control plane, as the chart's
# ServiceAccount (palisade-system/palisade-operator), the way it runs in a pod: with a token of
# that ServiceAccount and nothing more. Needs hack/cluster-up.sh and `helm install` first.
# Restarts a running one. Logs: ~/.cache/palisade/cluster/logs/operator.log
set -euo pipefail
source "$(dirname "$0")/lib.sh"
use_jdk25

bin=$(kube_bin_dir)
state=$(cluster_state_dir)
admin_kubeconfig="$state/kubeconfig"
kubectl() { "$bin/kubectl" --kubeconfig "$admin_kubeconfig" "$@"; }

cd "$PALISADE_ROOT"
log "building the operator"
./mvnw -B -q -ntp -pl operator -am install -DskipTests
./mvnw -B -q -ntp -pl operator dependency:build-classpath -Dmdep.outputFile="$state/operator.classpath"

# A kubeconfig holding only the ServiceAccount's token: the operator gets the chart's RBAC.
sa_kubeconfig="$state/operator.kubeconfig"
token=$(kubectl create token palisade-operator -n palisade-system --duration=24h)
server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
"$bin/kubectl" config --kubeconfig "$sa_kubeconfig" set-cluster palisade-dev --server "$server" \
  --certificate-authority "$state/pki/ca.crt" --embed-certs >/dev/null
"$bin/kubectl" config --kubeconfig "$sa_kubeconfig" set-credentials palisade-operator --token "$token" >/dev/null
"$bin/kubectl" config --kubeconfig "$sa_kubeconfig" set-context palisade-operator \
  --cluster palisade-dev --user palisade-operator --namespace palisade-system >/dev/null
"$bin/kubectl" config --kubeconfig "$sa_kubeconfig" use-context palisade-operator >/dev/null
chmod 600 "$sa_kubeconfig"

if [ -f "$state/operator.pid" ]; then
  pid=$(cat "$state/operator.pid")
  if kill "$pid" 2>/dev/null; then
    # Wait for it to let go of its ports (bounded: 10 s, then force).
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$state/operator.pid"
fi
log "starting the operator (log: $state/logs/operator.log)"
KUBECONFIG="$sa_kubeconfig" PALISADE_NAMESPACE=palisade-system PALISADE_BUNDLE_PROPAGATION=1m \
  PALISADE_HTTPS_PORT="$DEMO_HTTPS_PORT" PALISADE_ADMIN_PORT="$DEMO_ADMIN_PORT" \
  nohup java -XX:+UseSerialGC -Xmx256m --enable-native-access=ALL-UNNAMED \
  -cp "operator/target/classes:$(cat "$state/operator.classpath")" dev.palisade.operator.Main \
  >"$state/logs/operator.log" 2>&1 &
echo $! >"$state/operator.pid"

# Ready means: serving certificate issued (a TrustDomain exists) or at least serving /readyz.
# Fail loudly if the process dies, rather than leaving a stale operator in charge.
for _ in $(seq 1 120); do
  kill -0 "$(cat "$state/operator.pid")" 2>/dev/null \
    || { tail -n 20 "$state/logs/operator.log" >&2; die "the operator exited; see $state/logs/operator.log"; }
  curl -s -o /dev/null "http://127.0.0.1:$DEMO_ADMIN_PORT/healthz" && exit 0
  sleep 0.5
done
die "the operator did not come up in 60 s; see $state/logs/operator.log"
