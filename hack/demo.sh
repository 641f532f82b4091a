#!/usr/bin/env bash
# The Palisade demo, from a fresh machine: installs what it needs, brings up a one-node
# Kubernetes cluster (or reuses it), builds Palisade's images (only what changed), installs
# Palisade with helm so that the operator runs in the cluster from its image, applies the
# examples, deploys a small application, and shows from real pods what Palisade does. Leaves
# the cluster running for you to explore; hack/cluster-down.sh stops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
use_jdk25
bin=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
export KUBECONFIG; KUBECONFIG=$(bash "$PALISADE_ROOT/hack/cluster-up.sh")
kubectl() { "$bin/kubectl" "$@"; }
helm() { "$bin/helm" "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT

step kubectl get nodes -o wide
kubectl get nodes -o wide

log "building Palisade and its images (only what changed)"
(cd "$PALISADE_ROOT" && ./mvnw -B -q -ntp package -DskipTests -Dpalisade.aot.skip=true)
# shellcheck disable=SC1090
source "$(bash "$PALISADE_ROOT/hack/build-images.sh" palisade)"
step "crictl images | grep palisade   # built here from Debian packages and a jlink-ed Java 25"
"$bin/crictl" --runtime-endpoint "unix://$(containerd_socket)" images | grep -E '^IMAGE|palisade/(operator|sidecar|demo-app)'

# Helm installs CRDs on first install only and never upgrades them (as with Istio and
# cert-manager): apply the current ones so a re-run after an upgrade gets the new schema.
step kubectl apply --server-side -f charts/palisade/crds/
kubectl apply --server-side --force-conflicts -f "$PALISADE_ROOT/charts/palisade/crds/"
# The operator serves its webhook with a certificate from a trust domain: create it first.
step kubectl apply -f examples/10-trustdomain.yaml
kubectl apply -f "$PALISADE_ROOT/examples/10-trustdomain.yaml"

image_values=(--set "operator.image.repository=${OPERATOR_IMAGE%:*}" --set "operator.image.tag=${OPERATOR_IMAGE##*:}"
  --set "sidecar.image.repository=${SIDECAR_IMAGE%:*}" --set "sidecar.image.tag=${SIDECAR_IMAGE##*:}")
step helm upgrade --install palisade charts/palisade --namespace palisade-system --create-namespace --wait "${image_values[*]}"
helm upgrade --install palisade "$PALISADE_ROOT/charts/palisade" --namespace palisade-system \
  --create-namespace --wait --timeout 5m "${image_values[@]}"

step kubectl get pods -n palisade-system -o wide
kubectl get pods -n palisade-system -o wide

step kubectl apply -f examples/
kubectl apply -f "$PALISADE_ROOT/examples/"
kubectl wait --for=condition=Ready --timeout=120s trustdomain/cluster.local >/dev/null
kubectl wait --for=condition=Ready --timeout=60s -n demo workloadcertificate/billing-job >/dev/null
step kubectl get trustdomains,workloadcertificates,meshpolicies,accesspolicies -A
kubectl get trustdomains,workloadcertificates,meshpolicies,accesspolicies -A

step "kubectl get secret billing-job-tls -n demo   # checked with openssl verify"
kubectl get secret billing-job-tls -n demo -o jsonpath='{.data.tls\.crt}' | base64 -d >"$scratch/chain.pem"
kubectl get configmap palisade-trust-bundle -n demo -o jsonpath='{.data.ca\.crt}' >"$scratch/bundle.pem"
awk 'n==0{print} /END CERTIFICATE/{n++}' "$scratch/chain.pem" >"$scratch/leaf.pem"
awk 'n>=1{print} /END CERTIFICATE/{n++}' "$scratch/chain.pem" >"$scratch/intermediates.pem"
openssl x509 -in "$scratch/leaf.pem" -noout -ext subjectAltName -enddate
openssl verify -CAfile "$scratch/bundle.pem" -untrusted "$scratch/intermediates.pem" "$scratch/leaf.pem"

step "kubectl apply -f hack/demo/apps.yaml   # shop, frontend, checkout in demo; legacy in outside"
sed "s|@DEMO_APP_IMAGE@|$DEMO_APP_IMAGE|" "$PALISADE_ROOT/hack/demo/apps.yaml" | kubectl apply -f -
replaced=""
# A pod keeps the proxy it was injected with: after a rebuild, restart the meshed Deployments so
# they get the new one (what `kubectl rollout restart` does for Istio and Linkerd users too).
for app in shop frontend checkout; do
  injected=$(kubectl get pods -n demo -l "app=$app" -o jsonpath='{.items[*].metadata.annotations.palisade\.dev/proxy-version}')
  if [ -n "$injected" ] && [ "$injected" != "${SIDECAR_IMAGE##*:}" ]; then
    replaced+=" $(kubectl get pods -n demo -l "app=$app" -o name | tr '\n' ' ')"
    kubectl rollout restart -n demo "deployment/$app"
  fi
done
for deployment in demo/shop demo/frontend demo/checkout outside/legacy; do
  kubectl rollout status -n "${deployment%/*}" "deployment/${deployment#*/}" --timeout=180s >/dev/null
done
# shellcheck disable=SC2086 # a list of pod names
[ -z "${replaced// /}" ] || kubectl wait -n demo --for=delete $replaced --timeout=60s >/dev/null
step kubectl get pods -A -o wide
kubectl get pods -A -o wide

step "the shop's pod: palisade-init ran and exited, palisade-proxy is a native sidecar that started before the app"
kubectl get pod -n demo -l app=shop -o json | jq -r '.items[0] | (.spec.initContainers | map({(.name): (.restartPolicy // "-")}) | add) as $restart |
  "pod \(.metadata.name) (\(.metadata.labels["palisade.dev/proxy"]), proxy \(.metadata.annotations["palisade.dev/proxy-version"]))",
  (.status.initContainerStatuses[] | "  init container \(.name): restartPolicy \($restart[.name]), \(.state | keys[0]) \(.state[] | .reason // "") started \(.state[].startedAt // "")"),
  (.status.containerStatuses[] | "  container \(.name): \(.state | keys[0]) started \(.state[].startedAt)")'

exec_app() { kubectl exec -n "$1" "deploy/$2" -c app -- /demo-app "${@:3}"; }
step "kubectl exec -n demo deploy/frontend -- demo-app get http://shop.demo:8080/   # allowed: mTLS between the proxies"
exec_app demo frontend get http://shop.demo:8080/ || die "the frontend should reach the shop"
step "kubectl exec -n demo deploy/checkout -- demo-app get http://shop.demo:8080/   # denied by AccessPolicy shop-callers"
if exec_app demo checkout get http://shop.demo:8080/; then die "the checkout should have been refused"; fi
step "kubectl exec -n outside deploy/legacy -- demo-app get http://shop.demo:8080/   # plaintext, refused by MeshPolicy shop-strict"
if exec_app outside legacy get http://shop.demo:8080/; then die "the plaintext client should have been refused"; fi

shop_ip=$(kubectl get pod -n demo -l app=shop -o jsonpath='{.items[0].status.podIP}')
step "curl http://$shop_ip:15020/metrics | grep palisade_tls_handshakes_total   # the shop's proxy counted all three"
curl -s "http://$shop_ip:15020/metrics" | grep -E '^palisade_(tls_handshakes_total|authz_decisions_total)' | grep -v ' 0.0$'

# Incident response: revoke the frontend's certificate, then suspend its identity and lift it.
frontend_ip=$(kubectl get pod -n demo -l app=frontend -o jsonpath='{.items[0].status.podIP}')
identity=$(curl -s "http://$frontend_ip:15020/identity")
serial=$(jq -r .serial <<<"$identity")
step "kubectl apply -f - <<< CertificateRevocation of the frontend's certificate $serial   # a leaked key"
kubectl apply -f - <<YAML
apiVersion: palisade.dev/v1alpha1
kind: CertificateRevocation
metadata: {name: demo-frontend-$serial}
spec:
  trustDomain: cluster.local
  serialNumber: "$serial"
  expiresAt: "$(jq -r .notAfter <<<"$identity")"   # the certificate's notAfter: it ends then
  reason: "the demo"
YAML
renewed=$serial
for _ in $(seq 1 60); do
  renewed=$(curl -s "http://$frontend_ip:15020/identity" | jq -r .serial)
  [ "$renewed" = "$serial" ] || break
  sleep 0.5
done
[ "$renewed" != "$serial" ] || die "the frontend's proxy did not renew its revoked certificate"
kubectl get certificaterevocations
echo "every proxy now refuses serial $serial; the frontend's proxy renewed with a new key: serial $renewed"
step "kubectl exec -n demo deploy/frontend -- demo-app get http://shop.demo:8080/   # allowed again, with its new certificate"
exec_app demo frontend get http://shop.demo:8080/ || die "the frontend should reach the shop with its new certificate"

step "kubectl apply IdentitySuspension of spiffe://cluster.local/ns/demo/sa/frontend   # a compromised workload"
kubectl apply -f - <<YAML
apiVersion: palisade.dev/v1alpha1
kind: IdentitySuspension
metadata: {name: demo.frontend}
spec: {spiffeId: "spiffe://cluster.local/ns/demo/sa/frontend", reason: "the demo"}
YAML
for _ in $(seq 1 20); do
  exec_app demo frontend get http://shop.demo:8080/ >/dev/null 2>&1 || break
  sleep 0.5
done
step "kubectl exec -n demo deploy/frontend -- demo-app get http://shop.demo:8080/   # refused: identity_suspended"
if exec_app demo frontend get http://shop.demo:8080/; then die "the suspended frontend should have been refused"; fi
curl -s "http://$shop_ip:15020/metrics" | grep -E '^palisade_tls_handshakes_total.*identity_suspended' | grep -v ' 0.0$'
step "kubectl delete identitysuspension demo.frontend   # lifted"
kubectl delete identitysuspension demo.frontend
for _ in $(seq 1 20); do
  exec_app demo frontend get http://shop.demo:8080/ >/dev/null 2>&1 && break
  sleep 0.5
done
exec_app demo frontend get http://shop.demo:8080/ || die "the frontend should be back once the suspension is lifted"

# The admission policy is active once the API server has compiled it (about a second).
invalid="$PALISADE_ROOT/operator/src/test/resources/invalid/wc-other-namespace.yaml"
for _ in $(seq 1 30); do
  kubectl apply --dry-run=server -n demo -f "$invalid" >/dev/null 2>&1 || break
  sleep 0.5
done
for bad in wc-other-namespace.yaml td-two-ca-sources.yaml ap-wildcard-inside-id.yaml; do
  step "kubectl apply -n demo -f operator/src/test/resources/invalid/$bad   # refused"
  if kubectl apply -n demo -f "$PALISADE_ROOT/operator/src/test/resources/invalid/$bad"; then
    die "$bad was accepted; the API should have refused it"
  fi
done

cat <<TXT

Palisade runs on a one-node cluster ($(kubectl version -o json | jq -r .serverVersion.gitVersion), node $NODE_NAME at $NODE_IP).
Try next:
  export KUBECONFIG=$KUBECONFIG PATH=$bin:\$PATH
  kubectl get pods -A                                   # the operator's two pods, the meshed pods with palisade-proxy
  kubectl logs -n demo deploy/shop -c palisade-proxy    # the shop's proxy: handshakes, refusals and why
  kubectl logs -n palisade-system deploy/palisade-operator
  kubectl edit accesspolicy -n demo shop-callers        # add spiffe://cluster.local/ns/demo/sa/checkout, then:
  kubectl exec -n demo deploy/checkout -c app -- /demo-app get http://shop.demo:8080/
  kubectl get certificaterevocations,identitysuspensions   # docs/incident-response.md
  crictl --runtime-endpoint unix://$(containerd_socket) ps   # the node's containers
Stop it all with: bash hack/cluster-down.sh   (add --purge to delete its state)
TXT
