#!/usr/bin/env bash
# Checks that hack/cluster-down.sh left nothing of the node behind: no process, mount, network
# namespace, veth, bridge, interface, iptables chain or pod cgroup. Exit 1 with a list otherwise.
# The test command runs it after tearing down a cluster it started (hack/test.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
state=$(cluster_state_dir)
left=()

for name in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
  [ -f "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null && left+=("process $name")
done
pgrep -f "containerd-shim-runc-v2 .*-address $(containerd_socket)" >/dev/null && left+=("containerd shims")
while read -r mount; do left+=("mount $mount"); done < <(awk -v p="$state/" 'index($2, p) == 1 {print $2}' /proc/self/mounts)
while read -r netns; do left+=("network namespace $netns"); done < <(compgen -G '/run/netns/cni-*' || true)
for link in palisade-br0 palisade0; do ip link show "$link" >/dev/null 2>&1 && left+=("interface $link"); done
while read -r veth; do left+=("veth $veth"); done < <(ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^veth' || true)
for table in filter nat mangle; do
  while read -r chain; do left+=("iptables chain $table/$chain"); done \
    < <(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE|CNI|PALISADE-NODE)/ {print $2}')
done
compgen -G '/var/lib/cni/results/palisade-pods-*' >/dev/null && left+=("CNI results in /var/lib/cni/results")
for hierarchy in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
  [ -d "$hierarchy" ] && left+=("cgroup $hierarchy")
done

if [ ${#left[@]} -gt 0 ]; then
  printf 'left behind by the cluster: %s\n' "${left[@]}" >&2
  exit 1
fi
echo "node clean: no process, mount, namespace, link, iptables chain or cgroup left"
