#!/usr/bin/env bash
# Starts a local control plane (etcd + kube-apiserver, RBAC on) on 127.0.0.1 from the binaries
# hack/build-kube-tools.sh built, and writes an admin kubeconfig. Idempotent: a healthy running
# control plane is reused. State lives in ~/.cache/palisade/cluster; hack/cluster-down.sh stops it.
# Prints the kubeconfig path.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bin=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
state=$(cluster_state_dir)
mkdir -p "$state/pki" "$state/logs"
kubeconfig="$state/kubeconfig"
apiserver="https://127.0.0.1:$CLUSTER_APISERVER_PORT"

healthy() { [ -f "$kubeconfig" ] && "$bin/kubectl" --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; }
if healthy; then
  echo "$kubeconfig"; exit 0
fi
bash "$PALISADE_ROOT/hack/cluster-down.sh" >/dev/null 2>&1 || true

pki=$state/pki
if [ ! -f "$pki/ca.crt" ]; then
  log "generating control-plane certificates in $pki"
  ( cd "$pki"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
      -subj "/CN=palisade-dev-cluster-ca" -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kube-apiserver" \
      -keyout apiserver.key -out apiserver.csr 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth') \
      -out apiserver.crt 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -subj "/O=system:masters/CN=palisade-admin" -keyout admin.key -out admin.csr 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile <(printf 'extendedKeyUsage=clientAuth') -out admin.crt 2>/dev/null
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
    openssl pkey -in sa.key -pubout -out sa.pub
    chmod 600 ./*.key )
fi

log "starting etcd (127.0.0.1:$CLUSTER_ETCD_PORT)"
nohup "$bin/etcd" --name palisade-dev --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((CLUSTER_ETCD_PORT + 1))" \
  --initial-advertise-peer-urls "http://127.0.0.1:$((CLUSTER_ETCD_PORT + 1))" \
  --initial-cluster "palisade-dev=http://127.0.0.1:$((CLUSTER_ETCD_PORT + 1))" \
  >"$state/logs/etcd.log" 2>&1 &
echo $! >"$state/etcd.pid"

log "starting kube-apiserver ($apiserver)"
nohup "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$CLUSTER_ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$CLUSTER_APISERVER_PORT" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 198.18.128.0/20 \
  >"$state/logs/kube-apiserver.log" 2>&1 &
echo $! >"$state/kube-apiserver.pid"

"$bin/kubectl" config --kubeconfig "$kubeconfig" set-cluster palisade-dev \
  --server "$apiserver" --certificate-authority "$pki/ca.crt" --embed-certs >/dev/null
"$bin/kubectl" config --kubeconfig "$kubeconfig" set-credentials palisade-admin \
  --client-certificate "$pki/admin.crt" --client-key "$pki/admin.key" --embed-certs >/dev/null
"$bin/kubectl" config --kubeconfig "$kubeconfig" set-context palisade-dev \
  --cluster palisade-dev --user palisade-admin >/dev/null
"$bin/kubectl" config --kubeconfig "$kubeconfig" use-context palisade-dev >/dev/null
chmod 600 "$kubeconfig"

for _ in $(seq 1 120); do
  healthy && "$bin/kubectl" --kubeconfig "$kubeconfig" get namespace default >/dev/null 2>&1 \
    && { echo "$kubeconfig"; exit 0; }
  sleep 0.5
done
die "kube-apiserver did not become ready in 60s; see $state/logs/"
