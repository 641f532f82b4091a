#!/usr/bin/env bash
# Benchmark (by hand only, never in CI): the operator at 1,000 / 5,000 / 10,000 pods.
#
# Runs its own control plane (etcd on 127.0.0.1:24790 (below the ephemeral port range, which 10,000 connections use), kube-apiserver on 127.0.0.1:26443, state
# in ~/.cache/palisade/scale, removed at the end), kwok simulating 500 nodes, and the real
# operator as the chart runs it: the packaged launcher, the chart's environment and memory limit,
# its ServiceAccount's RBAC (helm template, applied), and the chart's webhook configuration
# pointing at it (operator.deploy=false, webhook.url). bench/scale (Go) then creates the pods
# through the webhook in 200 labelled namespaces with policies, acts as one sidecar per pod (real
# bound token, real CSR, /v1/config long-poll over mTLS), and measures; see docs/benchmarks.md
# "Scale". Writes the CSV files and plots to docs/scale/ (the committed figures), and the logs to
# bench/results/scale-<time>/.
#
# Usage: bash hack/bench-scale.sh [steps]        # steps default 1000,5000,10000
# Environment: SCALE_NODES (500), SCALE_NAMESPACES (200), SCALE_MEMORY (the chart's
#   operator.resources.limits.memory), SCALE_OUT (docs/scale), SCALE_SKIP_BUILD=1,
#   SCALE_PROFILE=1 (a JFR recording of the operator, with `jfr view` summaries, in the logs).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

steps=${1:-1000,5000,10000}
nodes=${SCALE_NODES:-500}
namespaces=${SCALE_NAMESPACES:-200}
out=${SCALE_OUT:-$PALISADE_ROOT/docs/scale}
APISERVER_PORT=26443 ETCD_PORT=24790 HTTPS_PORT=28443 WEBHOOK_PORT=28444 ADMIN_PORT=29090
KWOK_VERSION=v0.8.0
state=$PALISADE_CACHE/scale
results=$PALISADE_ROOT/bench/results/scale-$(date -u +%Y%m%dT%H%M%SZ)
cd "$PALISADE_ROOT"

# Another session's heavy work announces itself with this file: wait for it (10 minutes at most),
# unless this is a smoke run (no step over 200 pods).
largest=$(tr ',' '\n' <<<"$steps" | sort -n | tail -1)
for _ in $(seq 1 20); do
  [ -e /tmp/palisade-cpu-busy ] && [ "$largest" -gt 200 ] || break
  log "/tmp/palisade-cpu-busy exists: waiting 30 s"; sleep 30
done
[ ! -e /tmp/palisade-cpu-busy ] || [ "$largest" -le 200 ] || die "/tmp/palisade-cpu-busy still exists after 10 minutes; try later"

use_jdk25
bin=$(bash hack/build-kube-tools.sh)
kwok_dir=$PALISADE_CACHE/bin/kwok-$KWOK_VERSION
if [ ! -x "$kwok_dir/kwok" ]; then
  log "building kwok $KWOK_VERSION (cached afterwards in $kwok_dir)"
  mkdir -p "$kwok_dir"
  (cd hack/tools/kwok && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
    -o "$kwok_dir/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok)
  mv "$kwok_dir/kwok.tmp" "$kwok_dir/kwok"
fi
if [ "${SCALE_SKIP_BUILD:-}" != 1 ]; then
  log "building the operator"
  ./mvnw -B -q -ntp -pl operator -am package -DskipTests -Dpalisade.aot.skip=true
fi
launcher=$PALISADE_ROOT/operator/target/palisade-operator/bin/palisade-operator
[ -x "$launcher" ] || die "no packaged operator at $launcher (unset SCALE_SKIP_BUILD)"
# The image carries an AOT cache recorded by a training run (operator/Dockerfile) and the
# launcher uses it when present: recorded here the same way, with this JDK, so the operator
# starts and warms up as the image's does.
aot_cache=$PALISADE_ROOT/operator/target/palisade-operator/lib/palisade-operator.aot
if [ ! -f "$aot_cache" ] || [ "$aot_cache" -ot "$PALISADE_ROOT/operator/target/palisade-operator/lib/palisade-operator.jar" ]; then
  log "recording the operator's AOT cache (as operator/Dockerfile does)"
  rm -f "$aot_cache"
  PALISADE_AOT_OUTPUT=$aot_cache.tmp "$launcher" aot-training >/dev/null
  mv "$aot_cache.tmp" "$aot_cache"
fi

# --- state, and removing it ------------------------------------------------------------------------
pids=()
cleanup() {
  local pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -d "$state/logs" ]; then
    mkdir -p "$results" && cp -r "$state/logs" "$results/" 2>/dev/null || true
  fi
  rm -rf "$state"
  [ -z "${cgroup:-}" ] || rmdir "$cgroup" 2>/dev/null || true
}
trap cleanup EXIT
[ ! -e "$state" ] || { log "removing $state left by an earlier run"; rm -rf "$state"; }
mkdir -p "$state/pki" "$state/logs" "$results" "$out"
pki=$state/pki
ulimit -n "$(ulimit -Hn)"  # 10,000 sidecars: one socket each, on both sides

go build -C bench/scale -o "$state/scale" .

# --- certificates, as hack/cluster-up.sh makes them ------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=palisade-scale-ca" -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key" 2>/dev/null
openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
issue() { # name subject [extensions]
  local name=$1 subject=$2 extensions=${3:-extendedKeyUsage=clientAuth}
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$subject" \
    -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile <(printf '%s\n' "$extensions") -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"
}
issue apiserver "/CN=kube-apiserver" \
  "$(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth')"
issue admin "/O=system:masters/CN=palisade-scale-admin"
chmod 600 "$pki"/*.key
apiserver=https://127.0.0.1:$APISERVER_PORT
kubeconfig=$state/admin.kubeconfig
"$bin/kubectl" config --kubeconfig "$kubeconfig" set-cluster scale --server "$apiserver" \
  --certificate-authority "$pki/ca.crt" --embed-certs >/dev/null
"$bin/kubectl" config --kubeconfig "$kubeconfig" set-credentials admin \
  --client-certificate "$pki/admin.crt" --client-key "$pki/admin.key" --embed-certs >/dev/null
"$bin/kubectl" config --kubeconfig "$kubeconfig" set-context scale --cluster scale --user admin >/dev/null
"$bin/kubectl" config --kubeconfig "$kubeconfig" use-context scale >/dev/null
kubectl() { "$bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }

start() { # name command...
  local name=$1; shift
  "$@" >"$state/logs/$name.log" 2>&1 &
  pids+=($!)
}
wait_for() { # description seconds command...
  local description=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  die "$description did not come up in ${seconds}s; see $state/logs/"
}

# --- control plane: etcd and kube-apiserver on loopback; the operator's requests audited --------
# Only the operator's ServiceAccount is audited, one line per completed request: the count is
# the API load the operator causes.
cat >"$state/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
  - level: Metadata
    users: ["system:serviceaccount:palisade-system:palisade-operator"]
  - level: None
EOF
log "starting etcd (127.0.0.1:$ETCD_PORT) and kube-apiserver ($apiserver)"
start etcd "$bin/etcd" --name scale --data-dir "$state/etcd" --quota-backend-bytes 8589934592 \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
  --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
  --initial-cluster "scale=http://127.0.0.1:$((ETCD_PORT + 1))" \
  --listen-metrics-urls "http://127.0.0.1:$((ETCD_PORT + 2))"
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 198.19.128.0/17 \
  --audit-policy-file "$state/audit-policy.yaml" --audit-log-path "$state/logs/audit.log" \
  --audit-log-format json --audit-log-maxsize 0
wait_for kube-apiserver 90 kubectl get --raw /readyz

# --- Palisade as the chart installs it, minus the Deployment ----------------------------------------
log "applying the CRDs and the chart (operator.deploy=false, webhook.url to the operator on localhost)"
kubectl apply --server-side -f charts/palisade/crds/ >/dev/null
kubectl wait --for condition=Established crd --all --timeout 60s >/dev/null
kubectl create namespace palisade-system >/dev/null
"$bin/helm" template palisade charts/palisade -n palisade-system \
  --set operator.deploy=false --set "webhook.url=https://localhost:$WEBHOOK_PORT/mutate-pods" \
  >"$state/chart.yaml"
kubectl apply -f "$state/chart.yaml" >/dev/null
kubectl apply -f examples/10-trustdomain.yaml >/dev/null

# The operator's environment and memory limit from the chart's Deployment (operator.deploy=true),
# ports moved to free ones on this host; its API credentials: a token of its ServiceAccount.
deployment=$("$bin/helm" template palisade charts/palisade -n palisade-system \
  --show-only templates/020-Deployment-palisade-operator.yaml)
env_file=$state/operator.env
echo "PALISADE_NAMESPACE=palisade-system" >"$env_file"
awk '/- name: PALISADE_/ {name=$3} /^ *value: / && name {v=$0; sub(/^ *value: /, "", v); gsub(/"/, "", v); print name "=" v; name=""}' \
  <<<"$deployment" >>"$env_file"
sed -i -e "s/^PALISADE_HTTPS_PORT=.*/PALISADE_HTTPS_PORT=$HTTPS_PORT/" -e "s/^PALISADE_WEBHOOK_PORT=.*/PALISADE_WEBHOOK_PORT=$WEBHOOK_PORT/" -e "s/^PALISADE_ADMIN_PORT=.*/PALISADE_ADMIN_PORT=$ADMIN_PORT/" "$env_file"
chart_memory=$(awk '/limits:/ {l=1} l && /memory:/ {print $2; exit}' <<<"$deployment")
memory=${SCALE_MEMORY:-$chart_memory}
memory_bytes=$(numfmt --from=iec-i "$memory")
token=$(kubectl -n palisade-system create token palisade-operator --duration 24h)
operator_kubeconfig=$state/operator.kubeconfig
"$bin/kubectl" config --kubeconfig "$operator_kubeconfig" set-cluster scale --server "$apiserver" \
  --certificate-authority "$pki/ca.crt" --embed-certs >/dev/null
"$bin/kubectl" config --kubeconfig "$operator_kubeconfig" set-credentials palisade-operator --token "$token" >/dev/null
"$bin/kubectl" config --kubeconfig "$operator_kubeconfig" set-context scale --cluster scale --user palisade-operator >/dev/null
"$bin/kubectl" config --kubeconfig "$operator_kubeconfig" use-context scale >/dev/null

jfr=""
[ "${SCALE_PROFILE:-}" != 1 ] || jfr="-XX:StartFlightRecording=filename=$state/logs/operator.jfr,settings=default,dumponexit=true -XX:NativeMemoryTracking=summary"
log "starting the operator (memory limit $memory: -XX:MaxRAM=$memory_bytes, heap from the launcher's MaxRAMPercentage)"
# The limit is also enforced, as the kubelet would: a memory cgroup (v2 or v1) the launcher's shell
# joins before it execs the JVM. (On a host the JVM does not see that cgroup's limit: MaxRAM
# sizes its heap as it would in the container.)
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cgroup=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)/palisade-scale-operator
  mkdir -p "$cgroup"; echo "$memory_bytes" >"$cgroup/memory.max"
  cgroup_peak() { cat "$cgroup/memory.peak" 2>/dev/null || echo 0; }
  cgroup_kills() { awk '$1 == "oom_kill" { print $2 }' "$cgroup/memory.events"; }
else
  cgroup=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)/palisade-scale-operator
  mkdir -p "$cgroup"; echo "$memory_bytes" >"$cgroup/memory.limit_in_bytes"
  cgroup_peak() { cat "$cgroup/memory.max_usage_in_bytes"; }
  cgroup_kills() { awk '$1 == "oom_kill" { print $2 }' "$cgroup/memory.oom_control"; }
fi
# shellcheck disable=SC2046 # one VAR=value word each
start operator sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' _ "$cgroup" \
  env -i PATH="$PATH" HOME="$state" JAVA_HOME="$JAVA_HOME" KUBECONFIG="$operator_kubeconfig" \
  $(cat "$env_file") PALISADE_JAVA_OPTS="-XX:MaxRAM=$memory_bytes -Xlog:gc:file=$state/logs/operator-gc.log $jfr" \
  "$launcher"
operator_pid=${pids[-1]}
wait_for operator 120 curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz"

# kwok's own "fast" stages (from its module, as kwokctl uses them): nodes become Ready and renew
# a 40 s node Lease, as kubelets do; pods become Running at once with an IP of their node's
# podCIDR (198.18.128.0/18: data in etcd only, nothing is routed).
stages=$(cd hack/tools/kwok && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
log "starting kwok ($nodes nodes are created by the load tool)"
start kwok "$kwok_dir/kwok" --kubeconfig "$kubeconfig" \
  --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --node-lease-duration-seconds 40 \
  --cidr 198.18.128.0/18 --node-ip 198.18.0.250 \
  -c "$stages/node/fast/node-initialize.yaml" -c "$stages/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
  -c "$stages/pod/fast/pod-ready.yaml" -c "$stages/pod/fast/pod-complete.yaml" -c "$stages/pod/fast/pod-delete.yaml"

log "running the load tool: steps $steps"
"$state/scale" -apiserver "$apiserver" -ca "$pki/ca.crt" -cert "$pki/admin.crt" -key "$pki/admin.key" \
  -operator "https://127.0.0.1:$HTTPS_PORT" -operator-admin "http://127.0.0.1:$ADMIN_PORT" \
  -operator-pid "$operator_pid" -jcmd "$JAVA_HOME/bin/jcmd" -audit-log "$state/logs/audit.log" \
  -class-histograms "$state/logs" \
  -steps "$steps" -nodes "$nodes" -namespaces "$namespaces" -out "$out" 2>&1 | tee "$results/scale.log" \
  || load_failed=1
cgroup_report="operator memory cgroup ($memory): peak $(( $(cgroup_peak) / 1048576 )) MiB, OOM kills $(cgroup_kills)"
log "$cgroup_report"; echo "$cgroup_report" >>"$results/scale.log"
kill -0 "$operator_pid" 2>/dev/null || die "the operator died during the run: see $results/logs/operator.log"
[ -z "${load_failed:-}" ] || die "the load tool failed: see $results/scale.log"
if [ -n "$jfr" ]; then
  "$JAVA_HOME/bin/jcmd" "$operator_pid" VM.native_memory summary >"$state/logs/nmt-summary.txt" 2>&1 || true
  "$JAVA_HOME/bin/jcmd" "$operator_pid" JFR.dump filename="$state/logs/operator.jfr" >/dev/null
  for view in hot-methods gc allocation-by-class; do
    "$JAVA_HOME/bin/jfr" view --width 200 "$view" "$state/logs/operator.jfr" >"$state/logs/jfr-$view.txt" 2>&1 || true
  done
fi
pods_running=$(kubectl get pods -A --field-selector status.phase=Running --no-headers 2>/dev/null | wc -l)
log "pods Running (kwok): $pods_running"
echo "pods Running (kwok) at the end: $pods_running" >>"$results/scale.log"

# --- plots ---------------------------------------------------------------------------------------
venv=$PALISADE_CACHE/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import matplotlib' 2>/dev/null || "$venv/bin/pip" install -q matplotlib
"$venv/bin/python" bench/scale/plot.py "$out"
log "figures in $out; logs in $results"
