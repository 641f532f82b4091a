#!/usr/bin/env bash
# The data plane part of the demo (hack/demo.sh runs it): three injected "pods" of namespace demo
# whose proxies run on this machine from the packaged sidecar (sidecar/target/palisade-proxy),
# each on its own loopback address with the environment its injected spec gives it. Each gets
# its certificate from the operator's CA and its policy from the config service; the client's
# proxy asks the operator whether the shop is meshed and with which identity, then originates
# mTLS, and the shop's proxy enforces the examples' AccessPolicy. There is no kubelet and no
# iptables here: connections are made to each proxy's outbound port directly, where iptables
# would redirect them, and pod IPs are set as a kubelet would set them.
# Needs: the demo's control plane, the chart installed and the operator running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
use_jdk25

bin=$(kube_bin_dir)
state=$(cluster_state_dir)
kubectl() { "$bin/kubectl" "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
proxy_home="$PALISADE_ROOT/sidecar/target/palisade-proxy"
[ -x "$proxy_home/bin/palisade-proxy" ] || die "no packaged sidecar: run hack/run-operator.sh (it builds it)"
mesh="$state/mesh"
mkdir -p "$mesh"
kubectl get configmap palisade-trust-bundle -n palisade-system -o jsonpath='{.data.ca\.crt}' >"$mesh/bundle.pem"

stop_pid() {  # stop_pid <pidfile>: a process a previous run left behind
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  kill "$pid" 2>/dev/null && for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

# The shop's application: plain HTTP on 127.0.0.1:8080, behind its proxy.
stop_pid "$mesh/shop-app.pid"
mkdir -p "$mesh/shop-www"
echo "hello from the shop" >"$mesh/shop-www/index.html"
nohup python3 -m http.server 8080 --bind 127.0.0.1 --directory "$mesh/shop-www" \
  >"$state/logs/shop-app.log" 2>&1 &
echo $! >"$mesh/shop-app.pid"

# pod <name> <service account> <ip> [label=value]: an injected pod, "running" at <ip>.
pod() {
  local name=$1 sa=$2 ip=$3 label=${4:-}
  kubectl create serviceaccount "$sa" -n demo --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl delete pod "$name" -n demo --ignore-not-found --wait=true >/dev/null
  kubectl create -n demo -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $name, labels: {${label:-role: demo}}}
spec:
  serviceAccountName: $sa
  containers: [{name: app, image: registry.invalid/$sa:1}]
YAML
  kubectl patch pod "$name" -n demo --subresource=status --type=merge \
    -p "{\"status\":{\"phase\":\"Running\",\"podIP\":\"$ip\",\"podIPs\":[{\"ip\":\"$ip\"}]}}" >/dev/null
}

# proxy <pod> <service account> <ip> [flags]: its proxy, as the injected container runs it.
proxy() {
  local name=$1 sa=$2 ip=$3; shift 3
  stop_pid "$mesh/proxy-$name.pid"
  kubectl create token "$sa" -n demo --audience palisade --duration 1h \
    --bound-object-kind Pod --bound-object-name "$name" >"$mesh/$name.token"
  PALISADE_OPERATOR_ENDPOINT="https://localhost:$DEMO_HTTPS_PORT" PALISADE_TRUST_DOMAIN=cluster.local \
    PALISADE_TOKEN_FILE="$mesh/$name.token" PALISADE_TRUST_BUNDLE_FILE="$mesh/bundle.pem" POD_NAME=$name \
    PALISADE_JAVA="$JAVA_HOME/bin/java" \
    nohup "$proxy_home/bin/palisade-proxy" proxy --listen-address="$ip" --admin-address="$ip" "$@" \
    >"$state/logs/proxy-$name.log" 2>&1 &
  echo $! >"$mesh/proxy-$name.pid"
}

ready() {  # ready <pod> <ip>: certificate from the CA and first configuration received
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$2:15020/healthz/ready")" = 200 ] && return 0
    kill -0 "$(cat "$mesh/proxy-$1.pid")" 2>/dev/null || die "the proxy of $1 exited: $state/logs/proxy-$1.log"
    sleep 0.5
  done
  die "the proxy of $1 is not ready: $state/logs/proxy-$1.log"
}

step "three injected pods: shop-0 (app=shop, 127.0.0.2), frontend-0 (127.0.0.3), checkout-0 (127.0.0.4)"
pod shop-0 shop 127.0.0.2 "app: shop"
pod frontend-0 frontend 127.0.0.3
pod checkout-0 checkout 127.0.0.4
kubectl get pods -n demo -o custom-columns='POD:.metadata.name,SERVICE-ACCOUNT:.spec.serviceAccountName,IP:.status.podIP,PROXY:.metadata.labels.palisade\.dev/proxy'

step "their proxies start from sidecar/target/palisade-proxy/bin/palisade-proxy (certificate and policy from the operator)"
proxy shop-0 shop 127.0.0.2 --inbound-target-port=8080
proxy frontend-0 frontend 127.0.0.3 --outbound-target=127.0.0.2:15006
proxy checkout-0 checkout 127.0.0.4 --outbound-target=127.0.0.2:15006
for p in shop-0:127.0.0.2 frontend-0:127.0.0.3 checkout-0:127.0.0.4; do ready "${p%%:*}" "${p#*:}"; done
grep -h "serving spiffe" "$state"/logs/proxy-{shop,frontend,checkout}-0.log | sed 's/.*serving /serving /'

step "curl http://127.0.0.3:15001/   # frontend -> its proxy -> mTLS -> shop's proxy -> the shop"
curl -sS --max-time 10 http://127.0.0.3:15001/

step "curl http://127.0.0.4:15001/   # checkout is not in the AccessPolicy shop-callers: refused"
if curl -sS --max-time 10 http://127.0.0.4:15001/ 2>&1; then
  die "checkout reached the shop; the AccessPolicy should have refused it"
fi

step "curl -s http://127.0.0.2:15020/metrics | grep palisade_tls_handshakes_total   # the shop's proxy"
for _ in $(seq 1 20); do  # the refusal is counted as the connection closes
  curl -s http://127.0.0.2:15020/metrics | grep -q 'reason="policy_denied",result="failure"} [1-9]' && break
  sleep 0.25
done
curl -s http://127.0.0.2:15020/metrics | grep '^palisade_tls_handshakes_total' | grep -v ' 0.0$'
grep -h "refused" "$state/logs/proxy-shop-0.log" | tail -1
