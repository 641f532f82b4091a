#!/usr/bin/env bash
# Installs, idempotently, what the build, tests and demo need from Debian's packages, and checks
# for the two toolchains that come with the machine (Go, JDK 25). Safe to run again and again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# command -> Debian package providing it
declare -A packages=(
  [curl]=curl
  [unzip]=unzip
  [openssl]=openssl
  [git]=git
  [jq]=jq
  # the sidecar's interception tests (InterceptionIT): network namespaces, iptables, the proxy's uid
  [iptables-restore]=iptables
  [iptables-save]=iptables
  [ip]=iproute2
  [ss]=iproute2
  [setpriv]=util-linux
  [python3]=python3
  # the development node (hack/cluster-up.sh): container runtime, kube-proxy's conntrack
  [containerd]=containerd
  [ctr]=containerd
  [runc]=runc
  [conntrack]=conntrack
  [sysctl]=procps
  [pkill]=procps
  [nsenter]=util-linux
  [mountpoint]=util-linux
  # container images without a Docker engine (hack/build-images.sh)
  [buildah]=buildah
  # the e2e tests look at the bytes on a pod's veth
  [tcpdump]=tcpdump
)
missing=()
for cmd in "${!packages[@]}"; do
  # iptables and ip live in /usr/sbin, which a non-login PATH may lack.
  command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || [ -x "/sbin/$cmd" ] || missing+=("${packages[$cmd]}")
done
# The CNI plugins are no commands: look for one of them.
[ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
# One package may provide several commands; install each once.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} (install them, or run as root)"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v go >/dev/null || die "Go >= 1.26 is needed to build the Kubernetes binaries; install it from https://go.dev/dl"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "$go_minor" -ge 26 ] || die "Go >= 1.26 is needed (CoreDNS v1.15 requires it) (found $(go env GOVERSION))"
find_jdk25 >/dev/null || die "JDK 25 not found. Set JAVA_HOME to a JDK 25 (Temurin 25 works) or install one under /usr/lib/jvm."
