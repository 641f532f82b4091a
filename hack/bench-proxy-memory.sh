#!/usr/bin/env bash
# Benchmark (not a test): how many concurrent connections a Palisade proxy pair carries inside a
# memory limit, as the injected container runs it. Each proxy of a loopback pair runs in its own
# memory cgroup (v1 or v2) with the limit; N keep-alive connections send 1 KB requests through
# the pair; the script reports each proxy's peak usage and whether the kernel OOM-killed it.
# Usage: bash hack/bench-proxy-memory.sh [limit-bytes] [connections...]
#   default: 134217728 (128Mi) and 500 1000 1500 2000. BENCH_SKIP_BUILD=1: use the built proxy.
#   BENCH_PORT_BASE (29000): ports base+80 .. base+220 on 127.0.0.1.
# Besides the markdown table it writes bench/results/proxy-memory-<time>.csv
# (limit_mib,connections,side,peak_mib,oom_kills,rps; side A is the client side, B the server
# side) and, with Debian's python3-matplotlib, its curve bench/results/proxy-memory-<time>/
# memory-connections.png (hack/tools/plot-datapath.py memory).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
use_jdk25
[ "$(id -u)" = 0 ] || die "needs root (memory cgroups)"
limit=${1:-134217728}; shift || true
conns=("$@"); [ ${#conns[@]} -gt 0 ] || conns=(500 1000 1500 2000)

BASE=${BENCH_PORT_BASE:-29000}
cd "$PALISADE_ROOT"
for port in $((BASE + 80)) $((BASE + 101)) $((BASE + 106)) $((BASE + 120)) $((BASE + 201)) $((BASE + 206)) $((BASE + 220)); do
  ! ss -Hltn "sport = :$port" | grep -q . || die "port $port is in use; set BENCH_PORT_BASE"
done
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || ./mvnw -B -q -ntp -pl sidecar -am package -DskipTests
mkdir -p bench/results
CSV=$PALISADE_ROOT/bench/results/proxy-memory-$(date -u +%Y%m%dT%H%M%SZ).csv
echo "limit_mib,connections,side,peak_mib,oom_kills,rps" >"$CSV"
DIST=$PALISADE_ROOT/sidecar/target/palisade-proxy
WORK=$(mktemp -d /tmp/palisade-bench-memory.XXXXXX)
mkdir -p "$WORK/pki" "$WORK/logs"
(cd bench/datapath && GOFLAGS=-mod=mod go build -o "$WORK/datapath" .)
source hack/bench-pki.sh
make_pki

# The cgroup each proxy runs in: v2 (memory.max, memory.peak, memory.events) or v1.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  parent=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
  limit_file=memory.max; peak() { cat "$1/memory.peak" 2>/dev/null || echo 0; }
  kills() { awk '$1 == "oom_kill" { print $2 }' "$1/memory.events"; }
else
  parent=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
  limit_file=memory.limit_in_bytes; peak() { cat "$1/memory.max_usage_in_bytes"; }
  kills() { awk '$1 == "oom_kill" { print $2 }' "$1/memory.oom_control"; }
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for side in a b; do rmdir "$parent/palisade-bench-$$-$side" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

"$WORK/datapath" serve -addr 127.0.0.1:$((BASE + 80)) >/dev/null 2>&1 & pids+=($!)
echo "{\"version\":\"1\",\"outbound\":{\"meshed\":{\"127.0.0.1:$((BASE + 106))\":\"spiffe://bench.local/ns/bench/sa/b\"}}}" >"$WORK/a.json"
common=(proxy --trust-domain=bench.local --ca-bundle="$WORK/pki/ca.crt" --listen-address=127.0.0.1 --admin-address=127.0.0.1)
side_b=(--cert="$WORK/pki/b.crt" --key="$WORK/pki/b.key" --inbound-target-port=$((BASE + 80))
  --outbound-target=127.0.0.1:1 --inbound-port=$((BASE + 106)) --outbound-port=$((BASE + 101)) --admin-port=$((BASE + 120)))
side_a=(--cert="$WORK/pki/a.crt" --key="$WORK/pki/a.key" --config="$WORK/a.json"
  --inbound-target-port=1 --outbound-target=127.0.0.1:$((BASE + 106)) --inbound-port=$((BASE + 206))
  --outbound-port=$((BASE + 201)) --admin-port=$((BASE + 220)))

start_pair() {
  for side in a b; do
    local cg=$parent/palisade-bench-$$-$side
    mkdir -p "$cg"; echo "$limit" >"$cg/$limit_file"
    local -n flags=side_$side
    # The shell joins the cgroup, then becomes the proxy: everything it allocates is charged there.
    PALISADE_JAVA="$JAVA_HOME/bin/java" sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' _ "$cg" \
      "$DIST/bin/palisade-proxy" "${common[@]}" "${flags[@]}" >"$WORK/logs/$side.log" 2>&1 &
    pids+=($!); eval "pid_$side=$!"
  done
  for port in $((BASE + 120)) $((BASE + 220)); do
    for _ in $(seq 1 200); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz/ready")" = 200 ] && break
      sleep 0.1
    done
  done
}
stop_pair() {
  kill "$pid_a" "$pid_b" 2>/dev/null || true
  wait "$pid_a" "$pid_b" 2>/dev/null || true
  for side in a b; do rmdir "$parent/palisade-bench-$$-$side"; done
}

echo "limit $((limit / 1048576)) MiB per proxy; $(nproc) CPUs; $(date -u +%FT%TZ); commit $(git rev-parse --short HEAD)"
printf '| connections | requests/s | client-side proxy peak (MiB) | OOM kills | server-side proxy peak (MiB) | OOM kills |\n|---:|---:|---:|---:|---:|---:|\n'
for n in "${conns[@]}"; do
  start_pair
  out=$("$WORK/datapath" rr -addr 127.0.0.1:$((BASE + 201)) -conns "$n" -warmup 0 -requests $((n * 40)) 2>&1 || true)
  rps=$(sed -nE 's/.* rps=([0-9]+).*/\1/p' <<<"$out"); rps=${rps:-failed}
  row="| $n | $rps"
  for side in a b; do
    cg=$parent/palisade-bench-$$-$side
    peak_mib=$(( $(peak "$cg") / 1048576 )) oom=$(kills "$cg")
    row+=" | $peak_mib | $oom"
    echo "$((limit / 1048576)),$n,${side^^},$peak_mib,${oom:-0},${rps}" >>"$CSV"
  done
  echo "$row |"
  stop_pair
done
echo "CSV: $CSV"
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 hack/tools/plot-datapath.py memory "$CSV" "${CSV%.csv}"
else
  echo "no python3-matplotlib: no plot (apt-get install python3-matplotlib)"
fi
