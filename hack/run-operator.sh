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
  kill "$(cat "$state/operator.pid")" 2>/dev/null || true
  rm -f "$state/operator.pid"
fi
log "starting the operator (log: $state/logs/operator.log)"
KUBECONFIG="$sa_kubeconfig" PALISADE_NAMESPACE=palisade-system PALISADE_BUNDLE_PROPAGATION=1m \
  PALISADE_HTTPS_PORT="$DEMO_HTTPS_PORT" PALISADE_ADMIN_PORT="$DEMO_ADMIN_PORT" \
  nohup java -XX:+UseSerialGC -Xmx256m --enable-native-access=ALL-UNNAMED \
  -cp "operator/target/classes:$(cat "$state/operator.classpath")" dev.palisade.operator.Main \
  >"$state/logs/operator.log" 2>&1 &
echo $! >"$state/operator.pid"
