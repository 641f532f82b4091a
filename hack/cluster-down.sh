#!/usr/bin/env bash
# Stops the cluster of hack/cluster-up.sh and removes everything it made on this machine: pods
# (through the CRI, so containerd tears down their networks), processes, mounts under its state
# directory, network namespaces, veths, the bridge and the node's dummy interface, iptables
# chains (kube-proxy's, the CNI plugins', the node's own), and the pods' cgroups.
# hack/check-node-clean.sh verifies it. --purge also deletes the state (etcd data,
# certificates, kubeconfigs, containerd's image store).
set -euo pipefail
shopt -s globstar nullglob
source "$(dirname "$0")/lib.sh"
state=$(cluster_state_dir)
bin=$(kube_bin_dir)
socket=$(containerd_socket)

stop() { # name: TERM, then KILL after 10 s
  local pidfile=$state/$1.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $1"
  fi
  rm -f "$pidfile"
}

# The kubelet first, so that it restarts nothing; then every pod sandbox through the CRI while
# containerd still runs: stopping a sandbox runs the CNI DEL that removes its veth and address.
stop kubelet
if [ -S "$socket" ] && [ -x "$bin/crictl" ]; then
  crictl() { "$bin/crictl" --runtime-endpoint "unix://$socket" --timeout 30s "$@"; }
  sandboxes=$(crictl pods -q 2>/dev/null || true)
  if [ -n "$sandboxes" ]; then
    log "removing $(wc -w <<<"$sandboxes") pod sandboxes"
    # shellcheck disable=SC2086
    crictl stopp $sandboxes >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    crictl rmp -f $sandboxes >/dev/null 2>&1 || true
  fi
fi
stop containerd
# Shims outlive containerd by design; ours are the ones started with our socket.
pkill -9 -f "containerd-shim-runc-v2 .*-address $socket" 2>/dev/null || true

stop kube-proxy
[ -x "$bin/kube-proxy" ] && "$bin/kube-proxy" --cleanup >/dev/null 2>&1 || true
for component in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$component"; done

# Mounts under the state directory (the kubelet's volumes, containerd's rootfs and shm), deepest
# first.
awk -v prefix="$state/" 'index($2, prefix) == 1 {print $2}' /proc/self/mounts | sort -r |
  while read -r mount; do umount -l "$mount" 2>/dev/null || true; done

# Network: namespaces containerd made for pods (cni-*), the bridge, the node's interface.
for netns in /run/netns/cni-*; do
  umount -l "$netns" 2>/dev/null || true
  rm -f "$netns" 2>/dev/null || true
done
# The bind mount of /run/netns onto itself, if cluster-up made it (see there).
if [ -f "$state/netns-bind-mount" ]; then
  umount -l /run/netns 2>/dev/null || true
  rm -f "$state/netns-bind-mount"
fi
ip link delete palisade-br0 2>/dev/null || true
ip link delete palisade0 2>/dev/null || true
[ -f "$state/ip_forward.orig" ] && sysctl -qw "net.ipv4.ip_forward=$(cat "$state/ip_forward.orig")" && rm -f "$state/ip_forward.orig"
rm -rf "$state/cni/networks"
# What libcni and the shims keep outside our state directory: cached CNI results of our network,
# and the shims' socket directory once empty.
rm -f /var/lib/cni/results/palisade-pods-*
rmdir /run/containerd/s /run/containerd/runc/k8s.io /run/containerd/runc /run/containerd 2>/dev/null || true

# iptables: the node's chain, and every KUBE-* and CNI-* chain left in any table.
iptables -D FORWARD -j PALISADE-NODE 2>/dev/null || true
iptables -F PALISADE-NODE 2>/dev/null || true
iptables -X PALISADE-NODE 2>/dev/null || true
for table in filter nat mangle; do
  chains=$(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^(KUBE|CNI)-/ {print $2}')
  [ -n "$chains" ] || continue
  # Jumps into them from built-in chains first, then the chains themselves.
  iptables -t "$table" -S | awk '$1 == "-A" && /-j (KUBE|CNI)-/' | sed 's/^-A/-D/' |
    while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null || true; done
  for chain in $chains; do iptables -t "$table" -F "$chain" 2>/dev/null || true; done
  for chain in $chains; do iptables -t "$table" -X "$chain" 2>/dev/null || true; done
done

# The pods' cgroups, in every v1 hierarchy, deepest first; any process still in one (a
# container whose shim was killed with a session) is killed first, or the cgroup cannot go.
for procs in /sys/fs/cgroup/*/kubepods/cgroup.procs /sys/fs/cgroup/*/kubepods/**/cgroup.procs; do
  [ -f "$procs" ] && xargs -r kill -9 <"$procs" 2>/dev/null || true
done
for hierarchy in /sys/fs/cgroup/*/; do
  [ -d "$hierarchy/kubepods" ] || continue
  find "$hierarchy/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null || true
done
[ -d /sys/fs/cgroup/kubepods ] && find /sys/fs/cgroup/kubepods -depth -type d -exec rmdir {} \; 2>/dev/null || true

if [ "${1:-}" = "--purge" ]; then
  rm -rf "$state"
  log "removed $state"
fi
