#!/usr/bin/env bash
# The Palisade demo, from a fresh machine: installs what it needs, starts a local Kubernetes
# control plane, installs Palisade with helm, applies the examples and shows what a user sees,
# including an invalid object being refused. Leaves the control plane running for you to explore;
# hack/cluster-down.sh stops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
bin=$(bash "$PALISADE_ROOT/hack/build-kube-tools.sh")
export KUBECONFIG; KUBECONFIG=$(bash "$PALISADE_ROOT/hack/cluster-up.sh")
kubectl() { "$bin/kubectl" "$@"; }
helm() { "$bin/helm" "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step kubectl version
kubectl version

# The operator runs on this machine (no kubelet here to run its pods): the API server calls its
# injection webhook on localhost.
webhook_url="https://localhost:$DEMO_HTTPS_PORT/mutate-pods"
# Helm installs CRDs on first install only and never upgrades them (as with Istio and
# cert-manager): apply the current ones so a re-run after an upgrade gets the new schema.
step kubectl apply --server-side -f charts/palisade/crds/
kubectl apply --server-side --force-conflicts -f "$PALISADE_ROOT/charts/palisade/crds/"

step helm upgrade --install palisade charts/palisade --namespace palisade-system --create-namespace --set operator.deploy=false --set webhook.url=$webhook_url
helm upgrade --install palisade "$PALISADE_ROOT/charts/palisade" \
  --namespace palisade-system --create-namespace --set operator.deploy=false \
  --set webhook.url="$webhook_url" --wait

step kubectl api-resources --api-group palisade.dev
kubectl api-resources --api-group palisade.dev

step "hack/run-operator.sh   # the operator, as the chart's ServiceAccount"
bash "$PALISADE_ROOT/hack/run-operator.sh"

step kubectl apply -f examples/
kubectl apply -f "$PALISADE_ROOT/examples/"

step kubectl wait --for=condition=Ready trustdomain/cluster.local workloadcertificate/billing-job -n demo
kubectl wait --for=condition=Ready --timeout=120s trustdomain/cluster.local
kubectl wait --for=condition=Ready --timeout=60s -n demo workloadcertificate/billing-job

step kubectl get trustdomains,workloadcertificates,meshpolicies,accesspolicies -A
kubectl get trustdomains,workloadcertificates,meshpolicies,accesspolicies -A

step "kubectl get secret billing-job-tls -n demo   # checked with openssl verify"
kubectl get secret billing-job-tls -n demo
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
kubectl get secret billing-job-tls -n demo -o jsonpath='{.data.tls\.crt}' | base64 -d >"$scratch/chain.pem"
kubectl get configmap palisade-trust-bundle -n demo -o jsonpath='{.data.ca\.crt}' >"$scratch/bundle.pem"
awk 'n==0{print} /END CERTIFICATE/{n++}' "$scratch/chain.pem" >"$scratch/leaf.pem"
awk 'n>=1{print} /END CERTIFICATE/{n++}' "$scratch/chain.pem" >"$scratch/intermediates.pem"
openssl x509 -in "$scratch/leaf.pem" -noout -ext subjectAltName -enddate
openssl verify -CAfile "$scratch/bundle.pem" -untrusted "$scratch/intermediates.pem" "$scratch/leaf.pem"

# The operator serves the webhook once it has its serving certificate, and the API server
# trusts it once the operator has written its CA into the webhook configuration.
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$DEMO_ADMIN_PORT/readyz" >/dev/null \
    && [ -n "$(kubectl get mutatingwebhookconfiguration palisade-inject -o jsonpath='{.webhooks[0].clientConfig.caBundle}')" ] \
    && break
  sleep 1
done

step "a pod in the labelled namespace demo gets the proxy injected (namespace label palisade.dev/inject=enabled)"
kubectl create serviceaccount checkout -n demo --dry-run=client -o yaml | kubectl apply -f - >/dev/null
pod_yaml='apiVersion: v1
kind: Pod
metadata: {name: checkout-0}
spec:
  serviceAccountName: checkout
  containers: [{name: app, image: registry.invalid/checkout:1}]   # no node runs it: the demo has no kubelet'
# A pod's spec is fixed at creation: re-create it so a re-run of the demo shows injection too.
kubectl delete pod checkout-0 -n demo --ignore-not-found --wait=false >/dev/null
kubectl wait --for=delete pod/checkout-0 -n demo --timeout=30s >/dev/null 2>&1 || true
for _ in $(seq 1 30); do   # until the API server has picked up the caBundle
  printf '%s\n' "$pod_yaml" | kubectl create -n demo -f - >/dev/null 2>&1 && break
  sleep 1
done
kubectl get pod checkout-0 -n demo -o custom-columns='POD:.metadata.name,INIT:.spec.initContainers[*].name,SIDECAR-RESTART:.spec.initContainers[1].restartPolicy,APP:.spec.containers[*].name,PROXY:.metadata.labels.palisade\.dev/proxy'

step "a pod asks the CA for its identity: POST /v1/certificates with its bound token and a CSR"
token=$(kubectl create token checkout -n demo --audience palisade --duration 10m \
  --bound-object-kind Pod --bound-object-name checkout-0)
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=ignored" \
  -keyout "$scratch/checkout.key" -out "$scratch/checkout.csr" 2>/dev/null
jq -n --rawfile csr "$scratch/checkout.csr" '{csr: $csr}' \
  | curl -sS --cacert "$scratch/bundle.pem" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data-binary @- \
      "https://localhost:$DEMO_HTTPS_PORT/v1/certificates" >"$scratch/response.json"
jq '{spiffeId, notAfter}' "$scratch/response.json"
jq -r .certificateChain "$scratch/response.json" >"$scratch/checkout-chain.pem"
awk 'n==0{print} /END CERTIFICATE/{n++}' "$scratch/checkout-chain.pem" >"$scratch/checkout-leaf.pem"
awk 'n>=1{print} /END CERTIFICATE/{n++}' "$scratch/checkout-chain.pem" >"$scratch/checkout-int.pem"
openssl verify -CAfile "$scratch/bundle.pem" -untrusted "$scratch/checkout-int.pem" "$scratch/checkout-leaf.pem"

bash "$PALISADE_ROOT/hack/demo-mesh.sh"

step "curl localhost:$DEMO_ADMIN_PORT/metrics | grep palisade_ca"
curl -s "http://127.0.0.1:$DEMO_ADMIN_PORT/metrics" | grep -E '^palisade_ca_(certificates_issued_total|expiry)' | grep -v ' 0.0$'

step kubectl describe trustdomain cluster.local
kubectl describe trustdomain cluster.local | sed -n '/^Status:/,$p'

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

Palisade's operator runs against a local control plane ($(kubectl version -o json | grep -m1 gitVersion | tr -d ' ",' | cut -d: -f2)).
Explore it:
  export KUBECONFIG=$KUBECONFIG PATH=$bin:\$PATH
  kubectl explain trustdomain.spec --recursive
  kubectl get td,wcert,mp,ap -A
Operator log: $(cluster_state_dir)/logs/operator.log; proxies: $(cluster_state_dir)/logs/proxy-*.log
Stop it all with: bash hack/cluster-down.sh   (add --purge to delete its state)
TXT
