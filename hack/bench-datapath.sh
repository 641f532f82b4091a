#!/usr/bin/env bash
# Data-plane benchmark (never run in CI): the Palisade sidecar pair against a direct connection
# and against stunnel and HAProxy mTLS pairs, on loopback, in one run. docs/benchmarks.md ("Data
# plane") has the figures and how to read them.
#
# For each of direct (client -> app), palisade (client -> A outbound -> mTLS -> B inbound ->
# app), stunnel (client-mode stunnel -> verify=2 server-mode stunnel -> app) and haproxy (the same
# with HAProxy), all TLS 1.3, TLS_AES_128_GCM_SHA256, X25519, ECDSA P-256 SPIFFE certificates:
#   - throughput over one connection: 2 GiB one way (after 256 MiB of warm-up), MB/s;
#   - 1 KB request / 1 KB response on keep-alive connections, 1 and 16 connections: 10,000
#     warm-up then 50,000 measured requests; requests/s, p50, p99;
#   - the same at a fixed 1,000 requests/s over 16 connections (15 s): latency and proxy CPU;
#   - each proxy's RSS after start, idle after a warm-up connection, and peak (VmHWM, reset
#     before each phase; and RssAnon sampled every 200 ms) during the bulk transfer and the
#     request/response phases; its CPU time (utime+stime) in each phase.
# Three runs, each with every phase measured for the four paths back to back in a changing order
# (the machine may be shared); then a median [min-max] table over the runs.
# Then start-to-ready, median of 5: the Palisade proxy with its AOT cache and without
# (-XX:AOTMode=off), stunnel and HAProxy (ready = accepting connections).
#
# Usage: bash hack/bench-datapath.sh        (about 10 minutes; raw output: bench/results/)
# Environment: BENCH_RUNS (3), BENCH_BULK_MIB (2048), BENCH_RR_WARMUP (10000),
#   BENCH_RR_REQUESTS (50000), BENCH_PACED_SECONDS (15), BENCH_STARTUP_RUNS (5),
#   BENCH_PORT_BASE (27000: ports base+80 .. base+620 on 127.0.0.1), BENCH_SKIP_BUILD=1,
#   BENCH_KEEP_LOGS=1 (keep the proxies' logs when the script fails).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=${BENCH_RUNS:-3}
BULK_MIB=${BENCH_BULK_MIB:-2048}
RR_WARMUP=${BENCH_RR_WARMUP:-10000}
RR_REQUESTS=${BENCH_RR_REQUESTS:-50000}
PACED_SECONDS=${BENCH_PACED_SECONDS:-15}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-5}
BASE=${BENCH_PORT_BASE:-27000}
PACED_RPS=1000
CONFIGS=(direct palisade stunnel haproxy)

APP_PORT=$((BASE + 80))
PB_IN=$((BASE + 106)) PB_OUT=$((BASE + 101)) PB_ADMIN=$((BASE + 120))
PA_IN=$((BASE + 206)) PA_OUT=$((BASE + 201)) PA_ADMIN=$((BASE + 220))
SB_PORT=$((BASE + 306)) SA_PORT=$((BASE + 401))
HB_PORT=$((BASE + 506)) HA_PORT=$((BASE + 601))
ALL_PORTS=("$APP_PORT" "$PB_IN" "$PB_OUT" "$PB_ADMIN" "$PA_IN" "$PA_OUT" "$PA_ADMIN" "$SB_PORT"
  "$SA_PORT" "$HB_PORT" "$HA_PORT")

# ---- prerequisites and build ----

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
declare -A bench_packages=([stunnel]=stunnel4 [haproxy]=haproxy [ps]=procps [top]=procps)
missing=()
for cmd in "${!bench_packages[@]}"; do
  command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || missing+=("${bench_packages[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} (install them, or run as root)"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
use_jdk25
cd "$PALISADE_ROOT"
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  log "building sidecar/target/palisade-proxy"
  ./mvnw -B -q -ntp -pl sidecar -am package -DskipTests
fi
DIST=$PALISADE_ROOT/sidecar/target/palisade-proxy
[ -x "$DIST/bin/palisade-proxy" ] || die "no $DIST/bin/palisade-proxy; build without BENCH_SKIP_BUILD"

for port in "${ALL_PORTS[@]}"; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    die "port $port on this machine is in use; set BENCH_PORT_BASE"
  fi
done

# ---- processes: every one started is tracked by pid and stopped on exit ----

WORK=$(mktemp -d /tmp/palisade-bench-datapath.XXXXXX)
declare -A PIDS=()

descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    descendants "$child"
    echo "$child"
  done
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? name pid
  trap - EXIT INT TERM
  for name in "${!PIDS[@]}"; do
    stop_pid "${PIDS[$name]}"
  done
  # Anything else this script started (a load client, a timed start-up) and its children.
  for pid in $(descendants $$); do
    [ "$pid" = "${TEE_PID:-}" ] || stop_pid "$pid"
  done
  if [ "$status" != 0 ] && [ -n "${BENCH_KEEP_LOGS:-}" ]; then
    echo "logs kept in $WORK/logs" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_bg() { # name command... (stdout and stderr to $WORK/logs/<name>.log)
  local name=$1
  shift
  "$@" >>"$WORK/logs/$name.log" 2>&1 &
  PIDS[$name]=$!
}

stop_bg() {
  local name=$1
  stop_pid "${PIDS[$name]}"
  wait "${PIDS[$name]}" 2>/dev/null || true
  unset "PIDS[$name]"
}

mkdir -p "$WORK/logs" "$WORK/pki" bench/results
OUT=$PALISADE_ROOT/bench/results/datapath-$(date -u +%Y%m%dT%H%M%SZ).txt
exec > >(tee "$OUT") 2>&1
TEE_PID=$!

log "load tool: bench/datapath (Go)"
(cd bench/datapath && GOFLAGS=-mod=mod go build -o "$WORK/datapath" .)
DP=$WORK/datapath

# ---- certificates: Palisade's profiles, made with openssl (hack/bench-pki.sh) ----
source "$PALISADE_ROOT/hack/bench-pki.sh"
make_pki
PKI=$WORK/pki

# ---- the three proxy pairs' configurations ----

cat >"$WORK/a.json" <<EOF
{"version":"1","outbound":{"meshed":{"127.0.0.1:$PB_IN":"spiffe://bench.local/ns/bench/sa/b"}}}
EOF
PAL_COMMON=(proxy --trust-domain=bench.local --ca-bundle="$PKI/ca.crt" --listen-address=127.0.0.1
  --admin-address=127.0.0.1)
PAL_B=("$DIST/bin/palisade-proxy" "${PAL_COMMON[@]}" --cert="$PKI/b.crt" --key="$PKI/b.key"
  --inbound-target-port="$APP_PORT" --outbound-target=127.0.0.1:1
  --inbound-port="$PB_IN" --outbound-port="$PB_OUT" --admin-port="$PB_ADMIN")
PAL_A=("$DIST/bin/palisade-proxy" "${PAL_COMMON[@]}" --cert="$PKI/a.crt" --key="$PKI/a.key"
  --config="$WORK/a.json" --inbound-target-port=1 --outbound-target="127.0.0.1:$PB_IN"
  --inbound-port="$PA_IN" --outbound-port="$PA_OUT" --admin-port="$PA_ADMIN")

# stunnel: one thread per connection (its default on Linux). verify = 2: the peer must present a
# certificate that chains to CAfile (both directions).
stunnel_conf() { # file side accept connect [client]
  cat >"$1" <<EOF
foreground = yes
pid =
debug = 4
output = $WORK/logs/stunnel-$2.log
[$2]
${5:+client = yes}
accept = 127.0.0.1:$3
connect = 127.0.0.1:$4
cert = $PKI/$2.crt
key = $PKI/$2.key
CAfile = $PKI/ca.crt
verify = 2
sslVersionMin = TLSv1.3
ciphersuites = TLS_AES_128_GCM_SHA256
curves = X25519
socket = l:TCP_NODELAY=1
socket = r:TCP_NODELAY=1
EOF
}
stunnel_conf "$WORK/stunnel-b.conf" b "$SB_PORT" "$APP_PORT"
stunnel_conf "$WORK/stunnel-a.conf" a "$SA_PORT" "$SB_PORT" client

# HAProxy in TCP mode: `verify required` on the server's bind (client certificates) and on the
# client's server line; threads = CPUs (its default).
haproxy_conf() { # file frontend-bind backend-server
  cat >"$1" <<EOF
global
  maxconn 1000
  ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256
  ssl-default-server-ciphersuites TLS_AES_128_GCM_SHA256
  ssl-default-bind-curves X25519
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
frontend f
  bind $2
  default_backend b
backend b
  server s $3
EOF
}
haproxy_conf "$WORK/haproxy-b.cfg" \
  "127.0.0.1:$HB_PORT ssl crt $PKI/b.pem ca-file $PKI/ca.crt verify required ssl-min-ver TLSv1.3" \
  "127.0.0.1:$APP_PORT"
haproxy_conf "$WORK/haproxy-a.cfg" "127.0.0.1:$HA_PORT" \
  "127.0.0.1:$HB_PORT ssl crt $PKI/a.pem ca-file $PKI/ca.crt verify required ssl-min-ver TLSv1.3"

# ---- per-process measurements ----

CLK_TCK=$(getconf CLK_TCK)
mem_field() { awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; } # MiB
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }          # utime+stime
reset_peak() { echo 5 >"/proc/$1/clear_refs"; }                                       # VmHWM := VmRSS

declare -A RES=() # "run|config|metric" -> value
PROXIES=() # names in PIDS of the current configuration's proxies (client side first)
TARGET=    # where its client connects

declare -A PROXIES_OF=() TARGET_OF=() # configuration -> "A-name B-name", client address
start_config() {
  case $1 in
    direct)
      PROXIES_OF[direct]=""
      TARGET_OF[direct]=127.0.0.1:$APP_PORT
      ;;
    palisade)
      start_bg palisade-b "${PAL_B[@]}"
      start_bg palisade-a "${PAL_A[@]}"
      "$DP" ready -url "http://127.0.0.1:$PB_ADMIN/healthz/ready"
      "$DP" ready -url "http://127.0.0.1:$PA_ADMIN/healthz/ready"
      PROXIES_OF[palisade]="palisade-a palisade-b"
      TARGET_OF[palisade]=127.0.0.1:$PA_OUT
      ;;
    stunnel)
      start_bg stunnel-b stunnel "$WORK/stunnel-b.conf"
      "$DP" ready -tcp "127.0.0.1:$SB_PORT"
      start_bg stunnel-a stunnel "$WORK/stunnel-a.conf"
      "$DP" ready -tcp "127.0.0.1:$SA_PORT"
      PROXIES_OF[stunnel]="stunnel-a stunnel-b"
      TARGET_OF[stunnel]=127.0.0.1:$SA_PORT
      ;;
    haproxy)
      start_bg haproxy-b haproxy -db -f "$WORK/haproxy-b.cfg"
      "$DP" ready -tcp "127.0.0.1:$HB_PORT"
      start_bg haproxy-a haproxy -db -f "$WORK/haproxy-a.cfg"
      "$DP" ready -tcp "127.0.0.1:$HA_PORT"
      PROXIES_OF[haproxy]="haproxy-a haproxy-b"
      TARGET_OF[haproxy]=127.0.0.1:$HA_PORT
      ;;
  esac
}

use_config() { # makes PROXIES and TARGET those of the configuration
  read -r -a PROXIES <<<"${PROXIES_OF[$1]}"
  TARGET=${TARGET_OF[$1]}
}

stop_config() {
  local name
  use_config "$1"
  for name in "${PROXIES[@]}"; do
    stop_bg "$name"
  done
}

# A/B values of one per-proxy reading, e.g. "131.2 / 120.4"; "-" for direct.
per_proxy() { # function-name args-after-pid...
  local fn=$1 name values=()
  shift
  [ ${#PROXIES[@]} -gt 0 ] || { echo "-"; return; }
  for name in "${PROXIES[@]}"; do
    values+=("$("$fn" "${PIDS[$name]}" "$@")")
  done
  local IFS=/
  echo "${values[*]}" | sed 's|/| / |g'
}

# The kernel keeps no high-water mark of anonymous memory (what a memory limit cannot reclaim), so
# it is sampled: every 200 ms while $WORK/sampling exists (at most 10 minutes), without forking
# anything but sleep. Prints the maximum RssAnon (MiB) of each pid, " / "-separated.
anon_sampler() {
  local i pid key value _ max=()
  for ((i = 0; i < 3000; i++)); do
    [ -e "$WORK/sampling" ] || break
    local n=0
    for pid in "$@"; do
      while read -r key value _; do
        if [ "$key" = RssAnon: ]; then
          ((value > ${max[n]:-0})) && max[n]=$value
          break
        fi
      done <"/proc/$pid/status"
      n=$((n + 1))
    done
    sleep 0.2
  done
  local out=() m
  for m in "${max[@]}"; do out+=("$(awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }')"); done
  (IFS=/; echo "${out[*]}") | sed 's|/| / |g'
}

# Runs a load command with each proxy's VmHWM reset first; afterwards PHASE_OUT holds its output,
# PHASE_SECONDS the wall time, PHASE_PEAK the proxies' VmHWM (MiB), PHASE_ANON their sampled peak
# RssAnon (MiB) and PHASE_CPU their CPU seconds.
declare -A TICKS_BEFORE=()
phase() {
  local name start end pids=()
  for name in "${PROXIES[@]}"; do
    reset_peak "${PIDS[$name]}"
    TICKS_BEFORE[$name]=$(cpu_ticks "${PIDS[$name]}")
    pids+=("${PIDS[$name]}")
  done
  PHASE_ANON=-
  if [ ${#pids[@]} -gt 0 ]; then
    touch "$WORK/sampling"
    anon_sampler "${pids[@]}" >"$WORK/anon" &
    local sampler=$!
  fi
  start=$(date +%s.%N)
  PHASE_OUT=$("$@")
  end=$(date +%s.%N)
  if [ ${#pids[@]} -gt 0 ]; then
    rm -f "$WORK/sampling"
    wait "$sampler"
    PHASE_ANON=$(cat "$WORK/anon")
  fi
  PHASE_SECONDS=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  PHASE_PEAK=$(per_proxy mem_field VmHWM)
  local cpus=()
  for name in "${PROXIES[@]}"; do
    cpus+=("$(awk -v a="${TICKS_BEFORE[$name]}" -v b="$(cpu_ticks "${PIDS[$name]}")" -v t="$CLK_TCK" \
      'BEGIN { printf "%.2f", (b - a) / t }')")
  done
  PHASE_CPU=$(IFS=/; echo "${cpus[*]:--}" | sed 's|/| / |g')
  echo "$PHASE_OUT"
  [ ${#PROXIES[@]} -eq 0 ] || echo "             proxies (A / B): peak RSS $PHASE_PEAK MiB (anonymous $PHASE_ANON)," \
    "CPU $PHASE_CPU s, wall $(printf %.2f "$PHASE_SECONDS") s"
}

field() { sed -E "s/.*[ ^]$1=([^ ]+).*/\1/" <<<"$PHASE_OUT"; }
max_slash() { tr '/' '\n' | awk 'BEGIN { m = 0 } $1 + 0 > m { m = $1 + 0 } END { printf "%.1f", m }'; }
# "x / y" CPU seconds -> "x / y" per 1000 requests (ms) or per wall second (vCPU)
cpu_per() { # divisor scale, reading "a / b" on stdin
  [ ${#PROXIES[@]} -gt 0 ] || { echo "-"; return; }
  tr '/' '\n' | awk -v d="$1" -v s="$2" '{ v[NR] = $1 * s / d } END { for (i = 1; i <= NR; i++) printf "%s%.3f", (i > 1 ? " / " : ""), v[i] }'
}

idle_memory() { # run config: RSS after start, then idle after one warm-up connection
  local k=$1\|$2
  use_config "$2"
  RES[$k|rss_start]=$(per_proxy mem_field VmRSS)
  RES[$k|rss_start_anon]=$(per_proxy mem_field RssAnon)
  "$DP" rr -addr "$TARGET" -conns 1 -warmup 0 -requests 100 >/dev/null
  sleep 2
  RES[$k|rss_idle]=$(per_proxy mem_field VmRSS)
  RES[$k|rss_idle_anon]=$(per_proxy mem_field RssAnon)
  RES[$k|rss_idle_file]=$(per_proxy mem_field RssFile)
  echo "    $2: RSS (A / B, MiB): after start ${RES[$k|rss_start]} (anon ${RES[$k|rss_start_anon]});" \
    "idle after a connection ${RES[$k|rss_idle]} (anon ${RES[$k|rss_idle_anon]}, file ${RES[$k|rss_idle_file]})"
}

measure() { # run config phase
  local k=$1\|$2 c
  use_config "$2"
  printf '  %-8s ' "$2"
  case $3 in
    bulk)
      phase "$DP" bulk -addr "$TARGET" -bytes $((BULK_MIB << 20))
      RES[$k|bulk_MBps]=$(field MBps)
      RES[$k|bulk_peak]=$PHASE_PEAK
      RES[$k|bulk_anon]=$PHASE_ANON
      RES[$k|bulk_cpu]=$PHASE_CPU
      ;;
    rr1 | rr16)
      c=${3#rr}
      phase "$DP" rr -addr "$TARGET" -conns "$c" -warmup "$RR_WARMUP" -requests "$RR_REQUESTS"
      RES[$k|$3_rps]=$(field rps)
      RES[$k|$3_p50]=$(field p50_us)
      RES[$k|$3_p99]=$(field p99_us)
      # CPU over warm-up and measured requests (connection set-up included), per 1000 requests
      RES[$k|$3_cpu_ms]=$(cpu_per <<<"$PHASE_CPU" $((RR_WARMUP + RR_REQUESTS)) 1000000)
      RES[$k|$3_peak]=$PHASE_PEAK
      RES[$k|$3_anon]=$PHASE_ANON
      ;;
    paced)
      phase "$DP" rr -addr "$TARGET" -conns 16 -warmup 0 -requests $((PACED_RPS * PACED_SECONDS)) \
        -rate "$PACED_RPS"
      RES[$k|paced_rps]=$(field rps)
      RES[$k|paced_p50]=$(field p50_us)
      RES[$k|paced_p99]=$(field p99_us)
      RES[$k|paced_vcpu]=$(cpu_per <<<"$PHASE_CPU" "$PHASE_SECONDS" 1)
      RES[$k|paced_peak]=$PHASE_PEAK
      RES[$k|paced_anon]=$PHASE_ANON
      # Peak RSS over the three request/response phases, per proxy.
      RES[$k|rr_peak]=$(max_per_proxy "${RES[$k|rr1_peak]}" "${RES[$k|rr16_peak]}" "$PHASE_PEAK")
      RES[$k|rr_anon]=$(max_per_proxy "${RES[$k|rr1_anon]}" "${RES[$k|rr16_anon]}" "$PHASE_ANON")
      ;;
  esac
}

# The per-proxy maximum of several "a / b" readings.
max_per_proxy() {
  local i p out=()
  for i in "${!PROXIES[@]}"; do
    out+=("$(for p in "$@"; do echo "$p" | awk -F' / ' -v i=$((i + 1)) '{ print $i }'; done | max_slash)")
  done
  (IFS=/; echo "${out[*]:--}") | sed 's|/| / |g'
}

machine() {
  echo "date (UTC): $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- sidecar src-common || echo ' (sidecar or src-common modified)')"
  echo "nproc: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(free -g | awk '/Mem:/ { print $2 " GiB RAM" }')"
  echo "kernel: $(uname -r); $(java -version 2>&1 | sed -n 2p)"
  echo "stunnel: $(stunnel -version 2>&1 | grep -m1 '^stunnel'); $(stunnel -version 2>&1 | grep -m1 'Running *with' | tr -s ' ')"
  echo "haproxy: $(haproxy -v | head -1)"
  echo "palisade: $(find "$DIST/lib" \( -name 'netty-handler-*.jar' -o -name 'netty-tcnative-boringssl-static-*x86_64.jar' \) -printf '%f ')"
  echo "go: $(go env GOVERSION); AOT cache: $(stat -c %s "$DIST/lib/palisade-proxy.aot" 2>/dev/null || echo none) bytes"
  echo "bulk ${BULK_MIB} MiB; rr ${RR_WARMUP} warm-up + ${RR_REQUESTS} measured; paced ${PACED_RPS}/s x ${PACED_SECONDS} s on 16 connections"
}

load_now() { # the load average and what else uses the CPU now (top's second sample, over 1 s)
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); busiest processes over the last second:"
  top -b -n 2 -d 1 -w 200 | awk '/^top - / { n++ } n == 2 && /^ *PID/ { on = 1; next }
    on && c < 5 { c++; printf "      %5s%% cpu  %s (pid %s)\n", $9, $12, $1 }'
}

SUMMARY_ROWS=(
  "bulk_MBps|throughput, one connection (MB/s)"
  "rr1_rps|1 KB req/resp, 1 conn: requests/s"
  "rr1_p50|  1 conn: p50 (us)"
  "rr1_p99|  1 conn: p99 (us)"
  "rr16_rps|1 KB req/resp, 16 conns: requests/s"
  "rr16_p50|  16 conns: p50 (us)"
  "rr16_p99|  16 conns: p99 (us)"
  "paced_p50|at 1000 req/s, 16 conns: p50 (us)"
  "paced_p99|  at 1000 req/s: p99 (us)"
  "rss_start|RSS after start, A / B (MiB)"
  "rss_idle|RSS idle after a connection, A / B (MiB)"
  "rss_idle_anon|  of which anonymous, A / B (MiB)"
  "bulk_peak|peak RSS, bulk transfer, A / B (MiB)"
  "bulk_anon|  anonymous (sampled) in bulk, A / B (MiB)"
  "rr_peak|peak RSS, req/resp phases, A / B (MiB)"
  "rr_anon|  anonymous (sampled) in req/resp, A / B (MiB)"
  "rr1_cpu_ms|CPU ms per 1000 req, 1 conn, A / B"
  "rr16_cpu_ms|CPU ms per 1000 req, 16 conns, A / B"
  "paced_vcpu|vCPU at 1000 req/s, A / B"
  "bulk_cpu|CPU s for the ${BULK_MIB} MiB transfer, A / B"
)

summary_header() {
  local cfg
  printf '| %-46s |' measure
  for cfg in "${CONFIGS[@]}"; do printf ' %-24s |' "$cfg"; done
  echo
}

summary() { # run
  local run=$1 cfg row key label
  echo
  echo "=== run $run: summary ==="
  summary_header
  for row in "${SUMMARY_ROWS[@]}"; do
    key=${row%%|*} label=${row#*|}
    printf '| %-46s |' "$label"
    for cfg in "${CONFIGS[@]}"; do printf ' %-24s |' "${RES[$run|$cfg|$key]:-}"; done
    echo
  done
}

# Over all runs: the median of each figure (per proxy for "A / B" figures), and the range.
combined_summary() {
  local cfg row key label run values
  echo
  echo "=== all $RUNS runs: median [min-max] ==="
  summary_header
  for row in "${SUMMARY_ROWS[@]}"; do
    key=${row%%|*} label=${row#*|}
    printf '| %-46s |' "$label"
    for cfg in "${CONFIGS[@]}"; do
      values=()
      for run in $(seq 1 "$RUNS"); do values+=("${RES[$run|$cfg|$key]:--}"); done
      printf ' %-24s |' "$(printf '%s\n' "${values[@]}" | awk -F' / ' '
        $1 == "-" { dash = 1; next }
        { n++; for (i = 1; i <= NF; i++) v[i, n] = $i; nf = NF }
        END {
          if (n == 0) { print "-"; exit }
          for (i = 1; i <= nf; i++) {
            for (a = 1; a <= n; a++) x[a] = v[i, a] + 0
            for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
            med = (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
            out = out (i > 1 ? " / " : "") sprintf(med >= 100 ? "%.0f" : "%.3g", med)
            if (n > 1 && nf == 1) out = out sprintf(x[n] >= 100 ? " [%.0f-%.0f]" : " [%.3g-%.3g]", x[1], x[n])
          }
          print out
        }')"
    done
    echo
  done
}

# ---- the runs ----

echo "=== data-plane benchmark: bash hack/bench-datapath.sh ==="
machine
load_now

start_bg app "$DP" serve -addr "127.0.0.1:$APP_PORT"
"$DP" ready -tcp "127.0.0.1:$APP_PORT"

# A first check that every pair carries bytes both ways before anything is timed.
for cfg in "${CONFIGS[@]}"; do
  start_config "$cfg"
  use_config "$cfg"
  "$DP" rr -addr "$TARGET" -conns 2 -warmup 0 -requests 200 >/dev/null || die "$cfg: no traffic through the pair"
  stop_config "$cfg"
done
log "all four paths carry traffic"

# Each run starts the three pairs afresh (all idle but the one measured), then measures each
# phase for every configuration back to back, so that a burst of other work on a shared machine
# hits neighbouring measurements alike; the order of the configurations changes from run to run.
orders=("direct palisade stunnel haproxy" "haproxy stunnel palisade direct"
  "palisade haproxy direct stunnel" "stunnel direct haproxy palisade")
for run in $(seq 1 "$RUNS"); do
  echo
  echo "=== run $run ==="
  load_now
  read -r -a order <<<"${orders[$(((run - 1) % ${#orders[@]}))]}"
  echo "order: ${order[*]}"
  for cfg in "${order[@]}"; do start_config "$cfg"; done
  for cfg in "${order[@]}"; do idle_memory "$run" "$cfg"; done
  for cfg in "${order[@]}"; do # JIT and buffer-pool warm-up, not measured
    use_config "$cfg"
    "$DP" bulk -addr "$TARGET" -bytes $((256 << 20)) >/dev/null
  done
  for ph in bulk rr1 rr16 paced; do
    echo " - $ph"
    for cfg in "${order[@]}"; do measure "$run" "$cfg" "$ph"; done
  done
  for cfg in "${order[@]}"; do stop_config "$cfg"; done
  echo "--- end of run $run: load average $(cut -d' ' -f1-3 /proc/loadavg) ---"
  summary "$run"
done

combined_summary

# ---- start-to-ready ----

echo
echo "=== start-to-ready (exec to ready), $STARTUP_RUNS runs each, interleaved ==="
load_now
# A cache that does not fit is silently ignored by default; -XX:AOTMode=on refuses to start instead.
"$DP" startup -url="http://127.0.0.1:$PB_ADMIN/healthz/ready" -log "$WORK/logs/startup-check.log" \
  -- env PALISADE_JAVA_OPTS=-XX:AOTMode=on "${PAL_B[@]}" >/dev/null ||
  { cat "$WORK/logs/startup-check.log"; die "the AOT cache cannot be used"; }
declare -A STARTS=()
timed_start() { # label readiness-flag command...
  local label=$1 probe=$2 ms
  shift 2
  ms=$("$DP" startup "$probe" -log "$WORK/logs/startup-$label.log" -- "$@" | sed 's/.*ms=//')
  STARTS[$label]+="$ms "
}
for i in $(seq 1 "$STARTUP_RUNS"); do
  timed_start palisade-aot -url="http://127.0.0.1:$PB_ADMIN/healthz/ready" "${PAL_B[@]}"
  timed_start palisade-no-aot -url="http://127.0.0.1:$PB_ADMIN/healthz/ready" \
    env PALISADE_JAVA_OPTS=-XX:AOTMode=off "${PAL_B[@]}"
  timed_start stunnel -tcp="127.0.0.1:$SB_PORT" stunnel "$WORK/stunnel-b.conf"
  timed_start haproxy -tcp="127.0.0.1:$HB_PORT" haproxy -db -f "$WORK/haproxy-b.cfg"
done
for label in palisade-aot palisade-no-aot stunnel haproxy; do
  read -r -a values <<<"${STARTS[$label]}"
  median=$(printf '%s\n' "${values[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  printf '%-16s median %8s ms   (runs: %s)\n' "$label" "$median" "${values[*]}"
done

echo
echo "=== end: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(cut -d' ' -f1-3 /proc/loadavg) ==="
grep -h 'WARN\|ERROR\|refused' "$WORK"/logs/palisade-*.log 2>/dev/null | head -20 || true
log "raw output: $OUT"
