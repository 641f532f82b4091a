#!/usr/bin/env bash
# Benchmark (not a test): what relaying costs per request without TLS, one proxy between the
# client and the app, so that the proxy's own machinery is measured apart from its TLS:
#   palisade  the proxy relaying a connection to a destination outside the mesh (plaintext), as
#             the image runs it (hack/bench-lib.sh: jlink-ed runtime, AOT cache), with
#             --worker-threads=BENCH_THREADS;
#   haproxy   mode tcp, nbthread BENCH_THREADS;
#   jvm-floor bench/relay-floor/NioRelay.java: one selector thread, a fixed buffer per direction,
#             nothing else, started by the proxy's launcher with its runtime and JVM flags: what
#             the JVM itself costs a relay.
# 1 KB request / 1 KB response on BENCH_CONNS keep-alive connections (10,000 + 30,000 warm-up,
# then BENCH_REQUESTS measured); CPU per request from the kernel's run time of every thread of
# the proxy (/proc/<pid>/task/*/schedstat, nanoseconds) over the measured requests; requests/s,
# p50 and p99 from the client. BENCH_RUNS rounds, the contenders in a different order in each.
# docs/benchmarks.md ("Where a request's CPU goes") and docs/sidecar.md ("The direct relay")
# use it.
#
# Usage: bash hack/bench-relay-floor.sh   (about 3 minutes)
# Environment: BENCH_RUNS (3), BENCH_THREADS (1), BENCH_CONNS (16), BENCH_REQUESTS (50000),
#   BENCH_PORT_BASE (28000: ports base+80 .. base+301 on 127.0.0.1), BENCH_SKIP_BUILD=1.
# Output: a median [min-max] table and bench/results/relay-floor-<time>.csv
#   (run,contender,figure,value,unit).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bench-lib.sh"

RUNS=${BENCH_RUNS:-3}
THREADS=${BENCH_THREADS:-1}
CONNS=${BENCH_CONNS:-16}
REQUESTS=${BENCH_REQUESTS:-50000}
BASE=${BENCH_PORT_BASE:-28000}
APP_PORT=$((BASE + 80))
PAL_PORT=$((BASE + 101)) PAL_IN=$((BASE + 106)) PAL_ADMIN=$((BASE + 120))
HAPROXY_PORT=$((BASE + 201))
FLOOR_PORT=$((BASE + 301))
CONTENDERS=(palisade haproxy jvm-floor)

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
bench_install haproxy=haproxy
export PATH="$PATH:/usr/sbin"
use_jdk25
cd "$PALISADE_ROOT"
bench_build_proxy
bench_check_ports "$APP_PORT" "$PAL_PORT" "$PAL_IN" "$PAL_ADMIN" "$HAPROXY_PORT" "$FLOOR_PORT"

WORK=$(mktemp -d /tmp/palisade-bench-relay-floor.XXXXXX)
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$WORK/logs" "$WORK/pki" "$WORK/relay" bench/results
CSV=$PALISADE_ROOT/bench/results/relay-floor-$(date -u +%Y%m%dT%H%M%SZ).csv

build_load_tool
source "$PALISADE_ROOT/hack/bench-pki.sh"
make_pki # the proxy needs an identity even to relay plaintext
prepare_runtime
javac -d "$WORK/relay" bench/relay-floor/NioRelay.java
launcher_java_for "$WORK/relay" "$WORK/relay" NioRelay "$FLOOR_PORT" "$APP_PORT"

# Palisade: no destination is in the mesh, so the outbound listener relays plaintext.
echo '{"version":"1","outbound":{"meshed":{}}}' >"$WORK/plain.json"
PALISADE=(env PALISADE_JAVA="$JAVA" "$DIST/bin/palisade-proxy" proxy --trust-domain=bench.local
  --ca-bundle="$WORK/pki/ca.crt" --cert="$WORK/pki/a.crt" --key="$WORK/pki/a.key"
  --config="$WORK/plain.json" --listen-address=127.0.0.1 --admin-address=127.0.0.1
  --inbound-target-port=1 --outbound-target="127.0.0.1:$APP_PORT" --inbound-port="$PAL_IN"
  --outbound-port="$PAL_PORT" --admin-port="$PAL_ADMIN" --worker-threads="$THREADS")
cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 1000
  nbthread $THREADS
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
frontend f
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend b
backend b
  server app 127.0.0.1:$APP_PORT
EOF
FLOOR_RELAY=(env PALISADE_JAVA="$WORK/relay/java" "$DIST/bin/palisade-proxy")

start_contender() { # name: starts it, waits until it accepts, sets PORT
  case $1 in
    palisade)
      start_bg palisade "${PALISADE[@]}"
      "$DP" ready -url "http://127.0.0.1:$PAL_ADMIN/healthz/ready"
      PORT=$PAL_PORT ;;
    haproxy)
      start_bg haproxy haproxy -db -f "$WORK/haproxy.cfg"
      PORT=$HAPROXY_PORT ;;
    jvm-floor)
      start_bg jvm-floor "${FLOOR_RELAY[@]}"
      PORT=$FLOOR_PORT ;;
  esac
  "$DP" ready -tcp "127.0.0.1:$PORT"
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$out"; } # from the load tool's last output line
run_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s }'; }

start_bg app "$DP" serve -addr "127.0.0.1:$APP_PORT"
"$DP" ready -tcp "127.0.0.1:$APP_PORT"
bench_lock "hack/bench-relay-floor.sh"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg); $CONNS connections, $THREADS thread(s) each, $RUNS runs"
echo "run,contender,figure,value,unit" >"$CSV"
for ((run = 1; run <= RUNS; run++)); do
  for ((i = 0; i < ${#CONTENDERS[@]}; i++)); do
    name=${CONTENDERS[$(((i + run - 1) % ${#CONTENDERS[@]}))]}
    start_contender "$name"
    "$DP" rr -addr "127.0.0.1:$PORT" -conns "$CONNS" -warmup 10000 -requests 30000 >/dev/null
    before=$(run_ns "${PIDS[$name]}")
    out=$("$DP" rr -addr "127.0.0.1:$PORT" -conns "$CONNS" -warmup 0 -requests "$REQUESTS")
    after=$(run_ns "${PIDS[$name]}")
    stop_bg "$name"
    cpu=$(awk -v a="$before" -v b="$after" -v n="$REQUESTS" 'BEGIN { printf "%.2f", (b - a) / n / 1000 }')
    printf '%s,%s,cpu_per_request,%s,us\n%s,%s,rps,%s,requests/s\n%s,%s,p50,%s,us\n%s,%s,p99,%s,us\n' \
      "$run" "$name" "$cpu" "$run" "$name" "$(field rps)" "$run" "$name" "$(field p50_us)" \
      "$run" "$name" "$(field p99_us)" >>"$CSV"
    printf '  run %d %-9s %6s us/request  %s\n' "$run" "$name" "$cpu" "$out"
  done
done
bench_unlock

echo
echo "Median of $RUNS runs [min-max], $CONNS connections, $THREADS thread(s) each, 1 KB request/response:"
echo
echo "| | CPU per request (us) | requests/s | p50 (us) | p99 (us) |"
echo "|---|---:|---:|---:|---:|"
for name in "${CONTENDERS[@]}"; do
  row="| $name"
  for figure in cpu_per_request rps p50 p99; do
    row+=" | $(awk -F, -v c="$name" -v f="$figure" '$2 == c && $3 == f { print $4 }' "$CSV" | sort -n |
      awk '{ v[NR] = $1 } END { printf "%s [%s-%s]", v[int((NR + 1) / 2)], v[1], v[NR] }')"
  done
  echo "$row |"
done
echo
echo "CSV: $CSV"
