#!/usr/bin/env bash
# Builds etcd, the Kubernetes control plane and node (kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy), kubectl, helm and CoreDNS from the Go module proxy into
# ~/.cache/palisade/bin/<versions>/ and does nothing for a binary already there.
# Prints the directory. Cold: about 25-35 minutes on 2 cores; warm: instant.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v go >/dev/null || die "Go is required to build the Kubernetes binaries (apt-get install golang, or see https://go.dev/dl)."
out=$(kube_bin_dir)
mkdir -p "$out"
tools="$PALISADE_ROOT/hack/tools"
export GOFLAGS=-mod=mod CGO_ENABLED=0

build() { # name module-dir package ldflags
  local name=$1 dir=$2 pkg=$3 ldflags=$4
  [ -x "$out/$name" ] && return 0
  log "building $name (cached afterwards in $out)"
  (cd "$tools/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
}

minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
build_date=2000-01-01T00:00:00Z  # fixed, so builds are reproducible
kube_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

build etcd etcd . ""
build kube-apiserver kube ./cmd/kube-apiserver "$kube_ldflags"
build kubectl kube ./cmd/kubectl "$kube_ldflags"
build kube-controller-manager kube ./cmd/kube-controller-manager "$kube_ldflags"
build kube-scheduler kube ./cmd/kube-scheduler "$kube_ldflags"
build kubelet kube ./cmd/kubelet "$kube_ldflags"
build kube-proxy kube ./cmd/kube-proxy "$kube_ldflags"
build crictl crictl sigs.k8s.io/cri-tools/cmd/crictl "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION"
build coredns coredns . "-X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION"
# Helm's default Kubernetes version (for `helm template` and kubeVersion checks) is set at build
# time, as its own Makefile does; without it Helm assumes v1.20.
helm_ldflags="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  helm_ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
done
build helm helm helm.sh/helm/v3/cmd/helm "$helm_ldflags"
echo "$out"
