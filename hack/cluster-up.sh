#!/usr/bin/env bash
# Starts a one-node Kubernetes cluster on this machine from the binaries hack/build-kube-tools.sh
# built: etcd, kube-apiserver (Node and RBAC authorization, NodeRestriction),
# kube-controller-manager, kube-scheduler, containerd + runc + the CNI plugins from Debian, the
# kubelet, kube-proxy (iptables mode) and CoreDNS. Idempotent: a healthy cluster is reused.
# hack/cluster-down.sh removes all of it. Prints the admin kubeconfig's path.
#
# Addresses (all in the benchmarking range 198.18.0.0/15, nothing else anywhere):
#   node 198.18.0.2 (interface palisade0), pods 198.18.64.0/24 (bridge palisade-br0,
#   of the cluster CIDR 198.18.64.0/18), Services 198.19.0.0/16 (API 198.19.0.1, DNS 198.19.0.10).
# State, certificates and logs: ~/.cache/palisade/cluster (docs/development.md, "The node").
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bin=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
state=$(cluster_state_dir)
pki=$state/pki
mkdir -p "$pki" "$state/logs"
kubeconfig="$state/kubeconfig"
apiserver="https://$NODE_IP:$CLUSTER_APISERVER_PORT"
kubectl() { "$bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }

node_ready() {
  [ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}
healthy() {
  [ -f "$kubeconfig" ] && kubectl get --raw /readyz >/dev/null 2>&1 && node_ready \
    && for component in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
         running "$component" || return 1
       done
}
running() { [ -f "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }
if healthy; then
  echo "$kubeconfig"; exit 0
fi
bash "$PALISADE_ROOT/hack/cluster-down.sh" >&2

# --- certificates: one CA; each component its own client certificate, as kubeadm sets up -----
issue() { # name subject [extensions]
  local name=$1 subject=$2 extensions=${3:-extendedKeyUsage=clientAuth}
  [ -f "$pki/$name.crt" ] && return 0
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$subject" \
    -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -extfile <(printf '%s\n' "$extensions") -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"; chmod 600 "$pki/$name.key"
}
if [ ! -f "$pki/ca.crt" ]; then
  log "generating the cluster's certificates in $pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=palisade-dev-cluster-ca" -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key" 2>/dev/null
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
  chmod 600 "$pki"/*.key
fi
issue apiserver "/CN=kube-apiserver" "$(printf 'subjectAltName=IP:127.0.0.1,IP:%s,IP:%s,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth' "$NODE_IP" "$SERVICE_CIDR_API_IP")"
issue admin "/O=system:masters/CN=palisade-admin"
# The API server's client certificate for kubelets (logs, exec): bound to system:kubelet-api-admin.
issue apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client"
issue controller-manager "/CN=system:kube-controller-manager"
issue scheduler "/CN=system:kube-scheduler"
issue kube-proxy "/CN=system:kube-proxy"
# The kubelet: a node identity for the Node authorizer and NodeRestriction, and a serving
# certificate the API server verifies.
issue kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
issue kubelet-serving "/CN=$NODE_NAME" "$(printf 'subjectAltName=IP:%s,DNS:%s\nextendedKeyUsage=serverAuth' "$NODE_IP" "$NODE_NAME")"

write_kubeconfig() { # file user certificate-name
  local file=$1
  "$bin/kubectl" config --kubeconfig "$file" set-cluster palisade-dev --server "$apiserver" \
    --certificate-authority "$pki/ca.crt" --embed-certs >/dev/null
  "$bin/kubectl" config --kubeconfig "$file" set-credentials "$2" \
    --client-certificate "$pki/$3.crt" --client-key "$pki/$3.key" --embed-certs >/dev/null
  "$bin/kubectl" config --kubeconfig "$file" set-context palisade-dev --cluster palisade-dev --user "$2" >/dev/null
  "$bin/kubectl" config --kubeconfig "$file" use-context palisade-dev >/dev/null
  chmod 600 "$file"
}
write_kubeconfig "$kubeconfig" palisade-admin admin
for component in controller-manager scheduler kube-proxy kubelet; do
  write_kubeconfig "$state/$component.kubeconfig" "$component" "$component"
done

start() { # name command...: runs it in the background, pid and log in the state directory
  local name=$1; shift
  nohup "$@" >"$state/logs/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}
wait_for() { # description seconds command...
  local description=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  die "$description did not come up in ${seconds}s; see $state/logs/"
}

# --- the node's network: its own address, forwarding, and nothing routed off the range -------
# A bridge with no ports: a local interface of its own (this kernel has no dummy driver).
ip link show palisade0 >/dev/null 2>&1 || ip link add palisade0 type bridge
ip addr replace "$NODE_IP/32" dev palisade0
ip link set palisade0 up
[ -f "$state/ip_forward.orig" ] || sysctl -n net.ipv4.ip_forward >"$state/ip_forward.orig"
sysctl -qw net.ipv4.ip_forward=1
[ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo 1)" = 1 ] \
  || sysctl -qw net.bridge.bridge-nf-call-iptables=1
# containerd mounts each pod's network namespace under /run/netns. The first `ip netns add` on
# this machine (the sidecar's tests use it) would bind-mount /run/netns over itself and hide
# those mounts, which then can be neither unmounted nor removed: make it the shared mount point
# that iproute2 expects first.
mkdir -p /run/netns
if ! mountpoint -q /run/netns; then
  mount --bind /run/netns /run/netns && touch "$state/netns-bind-mount"
fi
mount --make-shared /run/netns
# Pods may reach only the benchmarking range: forwarding is on for the bridge, never a way out.
iptables -N PALISADE-NODE 2>/dev/null || iptables -F PALISADE-NODE
iptables -A PALISADE-NODE -s "$POD_CIDR" ! -d 198.18.0.0/15 -j REJECT
iptables -C FORWARD -j PALISADE-NODE 2>/dev/null || iptables -I FORWARD -j PALISADE-NODE

# --- control plane -----------------------------------------------------------------------------
log "starting etcd and kube-apiserver ($apiserver)"
start etcd "$bin/etcd" --name palisade-dev --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((CLUSTER_ETCD_PORT + 1))" \
  --initial-advertise-peer-urls "http://127.0.0.1:$((CLUSTER_ETCD_PORT + 1))" \
  --initial-cluster "palisade-dev=http://127.0.0.1:$((CLUSTER_ETCD_PORT + 1))"
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
  --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$CLUSTER_APISERVER_PORT" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
  --allow-privileged=true
wait_for kube-apiserver 60 kubectl get --raw /readyz
kubectl create clusterrolebinding palisade-dev:apiserver-kubelet-client --clusterrole system:kubelet-api-admin \
  --user kube-apiserver-kubelet-client --dry-run=client -o yaml | kubectl apply -f - >/dev/null

log "starting kube-controller-manager and kube-scheduler"
start kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig "$state/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$state/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" --cluster-cidr "$CLUSTER_CIDR"
start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$state/scheduler.kubeconfig" \
  --authentication-kubeconfig "$state/scheduler.kubeconfig" \
  --authorization-kubeconfig "$state/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false

# --- containerd, runc and CNI from Debian, with state of their own -----------------------------
socket=$(containerd_socket)
mkdir -p "$state/containerd/root" "$state/containerd/state" "${socket%/*}" "$state/cni/net.d" "$state/cni/networks"
cni_bin=$(dirname "$(dpkg -L containernetworking-plugins | grep -m1 '/bridge$')")
cat >"$state/containerd/config.toml" <<EOF
# Written by hack/cluster-up.sh.
version = 2
root = "$state/containerd/root"
state = "$state/containerd/state"
[grpc]
  address = "$socket"
[ttrpc]
  address = "$socket.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  # Built locally (hack/build-images.sh node): no registry is reachable.
  sandbox_image = "$(pause_image)"
  # Processes here lack CAP_SYS_RESOURCE: runc cannot lower a container's oom_score_adj, and
  # every pod sandbox would fail with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        # No systemd: cgroup v1 with the cgroupfs driver, as the kubelet is configured.
        SystemdCgroup = false
        Root = "$state/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$cni_bin"
    conf_dir = "$state/cni/net.d"
EOF
cat >"$state/cni/net.d/10-palisade.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "palisade-pods",
  "plugins": [
    {"type": "bridge", "bridge": "palisade-br0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$state/cni/networks",
              "ranges": [[{"subnet": "$POD_SUBNET", "gateway": "${POD_SUBNET%.0/24}.1"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
log "starting containerd ($socket)"
start containerd containerd --config "$state/containerd/config.toml"
wait_for containerd 30 ctr --address "$socket" version
bash "$PALISADE_ROOT/hack/build-images.sh" node >/dev/null
# shellcheck disable=SC1091
source "$(images_dir)/images.env"

# --- kubelet and kube-proxy --------------------------------------------------------------------
mkdir -p "$state/kubelet/root" "$state/kubelet/pod-logs"
cat >"$state/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$socket
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: cluster.local
resolvConf: $state/kubelet/resolv.conf
podLogsDir: $state/kubelet/pod-logs
# One small node: no allocatable enforcement, no disk-pressure eviction, and never collect
# images (they are built here and cannot be pulled back).
enforceNodeAllocatable: []
localStorageCapacityIsolation: false
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
# Pods resolve through CoreDNS only; the host's resolvers are not theirs to reach.
printf 'nameserver %s\n' "$DNS_SERVICE_IP" >"$state/kubelet/resolv.conf"
cat >"$state/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $state/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
clusterCIDR: $CLUSTER_CIDR
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [$NODE_IP/32]
oomScoreAdj: 0
# Leave the host's conntrack sysctls alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
log "starting kubelet and kube-proxy (node $NODE_NAME, $NODE_IP)"
start kubelet "$bin/kubelet" --config "$state/kubelet/config.yaml" \
  --kubeconfig "$state/kubelet.kubeconfig" --root-dir "$state/kubelet/root" \
  --node-ip "$NODE_IP" --hostname-override "$NODE_NAME"
start kube-proxy "$bin/kube-proxy" --config "$state/kube-proxy.yaml"
wait_for "the node" 120 node_ready

log "deploying CoreDNS"
sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|" -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|" \
  "$PALISADE_ROOT/hack/cluster/coredns.yaml" | kubectl apply -f - >/dev/null
kubectl -n kube-system rollout status deployment/coredns --timeout=120s >&2
echo "$kubeconfig"
