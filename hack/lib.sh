# Shared helpers for hack/ scripts. Source it; do not run it.
# shellcheck shell=bash

PALISADE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PALISADE_CACHE=${PALISADE_CACHE:-$HOME/.cache/palisade}
export PALISADE_CACHE  # the e2e tests find the images and the node's socket through it

# Versions of the Kubernetes pieces we build from source. Changing one here
# also needs the matching hack/tools/*/go.mod (see hack/tools/gen-kube-gomod.sh).
KUBE_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
HELM_VERSION=v3.19.5
COREDNS_VERSION=v1.15.0  # also in hack/tools/coredns/go.mod
CRICTL_VERSION=v1.34.0   # also in hack/tools/crictl/go.mod

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Finds a JDK 25: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if "$candidate/bin/java" -version 2>&1 | grep -qE 'version "25'; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

use_jdk25() {
  local jdk
  jdk=$(find_jdk25) || die "JDK 25 not found. Set JAVA_HOME to a JDK 25 (Temurin 25 works) or install one under /usr/lib/jvm."
  export JAVA_HOME=$jdk
  export PATH="$JAVA_HOME/bin:$PATH"
}

# Directory holding the cached Kubernetes binaries of the pinned versions.
kube_bin_dir() { echo "$PALISADE_CACHE/bin/kube-$KUBE_VERSION-etcd-$ETCD_VERSION-helm-$HELM_VERSION-coredns-$COREDNS_VERSION-crictl-$CRICTL_VERSION"; }

# The local control plane of hack/cluster-up.sh (the demo's cluster).
CLUSTER_APISERVER_PORT=${CLUSTER_APISERVER_PORT:-16443}
CLUSTER_ETCD_PORT=${CLUSTER_ETCD_PORT:-23790}
cluster_state_dir() { echo "$PALISADE_CACHE/cluster"; }
# Its one node and its address ranges, all inside the benchmarking range 198.18.0.0/15.
NODE_NAME=palisade-node
NODE_IP=198.18.0.2               # on the interface palisade0 (a bridge without ports)
CLUSTER_CIDR=198.18.64.0/18      # pods (kube-proxy's cluster CIDR)
POD_CIDR=$CLUSTER_CIDR
POD_SUBNET=198.18.64.0/24        # the node's share, on the bridge palisade-br0
SERVICE_CIDR=198.19.0.0/16
SERVICE_CIDR_API_IP=198.19.0.1   # the kubernetes Service
DNS_SERVICE_IP=198.19.0.10       # CoreDNS


# Prometheus (promtool and the server) built from source, cached apart from the Kubernetes
# binaries so that bumping one does not rebuild the other. Changing it also needs
# hack/tools/prometheus/go.mod (`go get github.com/prometheus/prometheus/cmd/...@<version>`).
# Go module versions v0.3MM.P are Prometheus releases v3.MM.P.
PROMETHEUS_VERSION=v0.316.0
prometheus_bin_dir() { echo "$PALISADE_CACHE/bin/prometheus-$PROMETHEUS_VERSION"; }

# Container images (hack/build-images.sh) and the node's containerd (hack/cluster-up.sh).
# The Java modules the sidecar image's jlink-ed runtime holds: jdeps, plus what is reached by
# reflection or service loading (java.net.http for the operator client, jdk.management for
# Micrometer's process metrics). hack/build-images.sh and hack/bench-proxy-footprint.sh.
SIDECAR_JAVA_MODULES=java.base,java.logging,java.management,java.naming,java.net.http,jdk.management,jdk.unsupported
images_dir() { echo "$PALISADE_CACHE/images"; }
containerd_socket() { echo "$(cluster_state_dir)/containerd/run/containerd.sock"; }

# A short content hash of files and directories (paths relative to the repository) and strings:
# image tags, so that an image is rebuilt only when what goes into it changed.
content_hash() {
  local item
  for item in "$@"; do
    if [ -n "$item" ] && [ -e "$PALISADE_ROOT/$item" ]; then
      (cd "$PALISADE_ROOT" && find "$item" -type f ! -name '*.aot' -print0 | sort -z | xargs -0 sha256sum)
    else
      printf '%s\n' "$item"
    fi
  done | sha256sum | cut -c1-12
}

# containerd's sandbox image, named before containerd starts (its config names it).
pause_image() { echo "docker.io/palisade/pause:$(content_hash hack/tools/pause hack/build-images.sh "")"; }
