#!/usr/bin/env bash
# Data-plane benchmark (never run in CI): the Palisade sidecar pair against a direct connection
# and against stunnel, HAProxy and nginx mTLS pairs, on loopback, in one run. docs/benchmarks.md
# ("Data plane") has the figures and how to read them.
#
# Five paths, all ending at the same application (the load tool's echo server):
#   direct    client -> app
#   palisade  client -> A outbound -> mTLS -> B inbound -> app: the packaged launcher and its
#             flags on a runtime jlink-ed to the image's modules, with an AOT cache recorded by
#             `selfcheck 50`, as the image runs it (hack/bench-lib.sh, prepare_runtime)
#   stunnel   client-mode stunnel -> verify=2 server-mode stunnel -> app (a thread per connection)
#   haproxy   HAProxy (TCP mode, server ... ssl verify required) -> HAProxy (bind ... ssl verify
#             required) -> app; threads = CPUs
#   nginx     nginx stream (proxy_ssl on, proxy_ssl_verify on) -> nginx stream (listen ssl,
#             ssl_verify_client on) -> app; worker_processes auto = one per CPU, as HAProxy's
#             threads
# Every TLS pair is pinned alike: TLS 1.3, TLS_AES_128_GCM_SHA256, X25519 key exchange (Palisade:
# --key-exchange-groups=X25519), ECDSA P-256 SPIFFE certificates (hack/bench-pki.sh). Each
# client side proxy also has a twin, A2, with TLS session resumption off (Palisade
# --outbound-session-resumption=false, stunnel sessionResume = no, HAProxy no-ssl-reuse, nginx
# proxy_ssl_session_reuse off), for the "full handshakes" churn.
#
# Measured for every path in each run:
#   - bulk: throughput over one connection, 2 GiB one way (after 256 MiB of warm-up), MB/s;
#   - rr1, rr16, rr64: 1 KB request / 1 KB response on 1, 16 and 64 keep-alive connections,
#     10,000 warm-up then 50,000 measured requests; requests/s, p50, p99;
#   - paced: 1,000 requests/s over 16 connections for 15 s: latency and each proxy's vCPU;
#   - churn_full, churn_resume: 16 workers, each request on a new connection (a TLS handshake
#     between the proxies per request): 1,000 warm-up then 10,000 measured connections; new
#     connections (= handshakes) per second, p50/p99 from the client's dial to the last byte of
#     the response, CPU ms per 1,000 handshakes. churn_full goes through A2 (every handshake a
#     full one), churn_resume through A (resumption as the contender does by default);
#   - each proxy's RSS after start and idle (BENCH_IDLE_SECONDS, 10, after a warm-up
#     connection through every path), and its peak (VmHWM,
#     reset before each phase; RssAnon sampled every 200 ms) in each phase; CPU time
#     (utime+stime) in each phase. A proxy of several processes (nginx: master and workers) is
#     their sum (pages they share counted in each: an upper bound);
#   - the floor: an empty main() started by the same launcher, flags and runtime, idle RSS and
#     anonymous memory.
# A pre-flight check first: every path carries traffic; each server side refuses a client
# without a certificate and serves one with (it prints the version, cipher and group
# negotiated); and, counted on the server side, how many handshakes through A and through A2
# resumed a session (A2 must resume none).
# BENCH_RUNS runs, each with every phase measured for the five paths back to back in an order
# that changes from run to run (the machine may be shared); then a median [min-max] table.
# Then start-to-ready, BENCH_STARTUP_RUNS each, interleaved: Palisade with certificate files
# (AOT cache; and -XX:AOTMode=off), Palisade with its certificate from a stand-in CA over HTTPS
# (`datapath ca`), the floor (to accepting a TCP connection in main()), stunnel, HAProxy and
# nginx (to accepting a TCP connection).
# The runs and the start-up timing wait while /tmp/palisade-bench-running exists (another
# benchmark) and hold it.
#
# Output, <time> the start (UTC):
#   bench/results/datapath-<time>.txt          everything printed
#   bench/results/datapath-<time>.csv          run,contender,figure,side,value,unit (side A/B/-;
#                                              start-up: run = the sample's index; the pre-flight
#                                              resumption counts: run 0, side A or A2)
#   bench/results/datapath-<time>.machine.txt  the machine, versions, commit, settings
#   bench/results/datapath-<time>/             PNG plots and table.md (median [min-max], markdown)
#                                              by hack/tools/plot-datapath.py
# BENCH_PUBLISH=1 also copies the CSV, the machine file and the PNGs into docs/datapath/.
#
# Usage: bash hack/bench-datapath.sh        (about 25 minutes; raw output: bench/results/)
# Environment: BENCH_RUNS (3), BENCH_BULK_MIB (2048), BENCH_RR_WARMUP (10000),
#   BENCH_RR_REQUESTS (50000), BENCH_PACED_SECONDS (15), BENCH_CHURN_WARMUP (1000),
#   BENCH_CHURN_REQUESTS (10000), BENCH_STARTUP_RUNS (5), BENCH_PORT_BASE (27000: ports base+80
#   .. base+910 on 127.0.0.1), BENCH_SKIP_BUILD=1, BENCH_KEEP_LOGS=1 (keep the proxies' logs
#   when the script fails), BENCH_PUBLISH=1, BENCH_LOCK_WAIT (3600 s), BENCH_IDLE_SECONDS (10).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bench-lib.sh"

RUNS=${BENCH_RUNS:-3}
BULK_MIB=${BENCH_BULK_MIB:-2048}
RR_WARMUP=${BENCH_RR_WARMUP:-10000}
RR_REQUESTS=${BENCH_RR_REQUESTS:-50000}
PACED_SECONDS=${BENCH_PACED_SECONDS:-15}
CHURN_WARMUP=${BENCH_CHURN_WARMUP:-1000}
CHURN_REQUESTS=${BENCH_CHURN_REQUESTS:-10000}
CHURN_CONNS=16
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-5}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-10}
BASE=${BENCH_PORT_BASE:-27000}
PACED_RPS=1000
CONFIGS=(direct palisade stunnel haproxy nginx)
TLS_CONFIGS=(palisade stunnel haproxy nginx)

APP_PORT=$((BASE + 80))
PB_IN=$((BASE + 106)) PB_OUT=$((BASE + 101)) PB_ADMIN=$((BASE + 120))
PA_IN=$((BASE + 206)) PA_OUT=$((BASE + 201)) PA_ADMIN=$((BASE + 220))
PA2_IN=$((BASE + 216)) PA2_OUT=$((BASE + 211)) PA2_ADMIN=$((BASE + 230))
SB_PORT=$((BASE + 306)) SA_PORT=$((BASE + 401)) SA2_PORT=$((BASE + 411))
HB_PORT=$((BASE + 506)) HA_PORT=$((BASE + 601)) HA2_PORT=$((BASE + 611))
NB_PORT=$((BASE + 706)) NA_PORT=$((BASE + 801)) NA2_PORT=$((BASE + 811))
CA_PORT=$((BASE + 900)) FLOOR_PORT=$((BASE + 910))
ALL_PORTS=("$APP_PORT" "$PB_IN" "$PB_OUT" "$PB_ADMIN" "$PA_IN" "$PA_OUT" "$PA_ADMIN" "$PA2_IN"
  "$PA2_OUT" "$PA2_ADMIN" "$SB_PORT" "$SA_PORT" "$SA2_PORT" "$HB_PORT" "$HA_PORT" "$HA2_PORT"
  "$NB_PORT" "$NA_PORT" "$NA2_PORT" "$CA_PORT" "$FLOOR_PORT")
NGINX_STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
PY=/usr/bin/python3 # Debian's, with python3-matplotlib

# ---- prerequisites and build ----

bash "$PALISADE_ROOT/hack/install-prereqs.sh"
bench_install stunnel=stunnel4 haproxy=haproxy nginx=nginx "$NGINX_STREAM_MODULE=libnginx-mod-stream" \
  ps=procps top=procps curl=curl /usr/lib/python3/dist-packages/matplotlib/__init__.py=python3-matplotlib
export PATH="$PATH:/usr/sbin"
use_jdk25
cd "$PALISADE_ROOT"
bench_build_proxy
bench_check_ports "${ALL_PORTS[@]}"

WORK=$(mktemp -d /tmp/palisade-bench-datapath.XXXXXX)
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$WORK/logs" "$WORK/pki" bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$PALISADE_ROOT/bench/results/datapath-$STAMP.txt
CSV=$PALISADE_ROOT/bench/results/datapath-$STAMP.csv
MACHINE=$PALISADE_ROOT/bench/results/datapath-$STAMP.machine.txt
PLOTS=$PALISADE_ROOT/bench/results/datapath-$STAMP
exec > >(tee "$OUT") 2>&1
TEE_PID=$!

log "load tool: bench/datapath (Go)"
build_load_tool

# ---- certificates: Palisade's profiles, made with openssl (hack/bench-pki.sh) ----
source "$PALISADE_ROOT/hack/bench-pki.sh"
make_pki
PKI=$WORK/pki

log "the proxy as the image runs it: a jlink-ed runtime and an AOT cache recorded with it"
prepare_runtime
make_floor "$FLOOR_PORT"

# ---- the four proxy pairs' configurations ----

PAL=(env PALISADE_JAVA="$JAVA" "$DIST/bin/palisade-proxy")
PAL_HELP=$("${PAL[@]}" proxy --help 2>&1 || true)
PAL_TLS=() PAL_NO_RESUME=()
if grep -q -- --key-exchange-groups <<<"$PAL_HELP"; then
  PAL_TLS=(--key-exchange-groups=X25519)
else
  log "this proxy has no --key-exchange-groups: Palisade pairs negotiate their default group"
fi
if grep -q -- --outbound-session-resumption <<<"$PAL_HELP"; then
  PAL_NO_RESUME=(--outbound-session-resumption=false)
else
  log "this proxy has no --outbound-session-resumption: no full-handshake churn for Palisade"
fi
cat >"$WORK/a.json" <<EOF
{"version":"1","outbound":{"meshed":{"127.0.0.1:$PB_IN":"spiffe://bench.local/ns/bench/sa/b"}}}
EOF
PAL_COMMON=(proxy --trust-domain=bench.local --ca-bundle="$PKI/ca.crt" --listen-address=127.0.0.1
  --admin-address=127.0.0.1 "${PAL_TLS[@]}")
PAL_B=("${PAL[@]}" "${PAL_COMMON[@]}" --cert="$PKI/b.crt" --key="$PKI/b.key"
  --inbound-target-port="$APP_PORT" --outbound-target=127.0.0.1:1
  --inbound-port="$PB_IN" --outbound-port="$PB_OUT" --admin-port="$PB_ADMIN")
# B with its certificate from the stand-in CA (start-to-ready only): a fresh key and CSR, one
# HTTPS round trip to `datapath ca`.
echo bench-token >"$WORK/token"
PAL_B_CA=("${PAL[@]}" "${PAL_COMMON[@]}" --ca-endpoint="https://127.0.0.1:$CA_PORT/v1/certificates"
  --token-file="$WORK/token" --inbound-target-port="$APP_PORT" --outbound-target=127.0.0.1:1
  --inbound-port="$PB_IN" --outbound-port="$PB_OUT" --admin-port="$PB_ADMIN")
PAL_A=("${PAL[@]}" "${PAL_COMMON[@]}" --cert="$PKI/a.crt" --key="$PKI/a.key"
  --config="$WORK/a.json" --inbound-target-port=1 --outbound-target="127.0.0.1:$PB_IN"
  --inbound-port="$PA_IN" --outbound-port="$PA_OUT" --admin-port="$PA_ADMIN")
PAL_A2=("${PAL[@]}" "${PAL_COMMON[@]}" "${PAL_NO_RESUME[@]}" --cert="$PKI/a.crt" --key="$PKI/a.key"
  --config="$WORK/a.json" --inbound-target-port=1 --outbound-target="127.0.0.1:$PB_IN"
  --inbound-port="$PA2_IN" --outbound-port="$PA2_OUT" --admin-port="$PA2_ADMIN")

# stunnel: one thread per connection (its default on Linux). verify = 2: the peer must present a
# certificate that chains to CAfile (both directions); no name check. debug = 6 (the pre-flight
# check's server side) logs whether each handshake resumed a session.
stunnel_conf() { # file name cert accept connect debug [client [more lines]]
  cat >"$1" <<EOF
foreground = yes
pid =
debug = $6
output = $WORK/logs/stunnel-$2.log
[$2]
${7:+client = yes}
accept = 127.0.0.1:$4
connect = 127.0.0.1:$5
cert = $PKI/$3.crt
key = $PKI/$3.key
CAfile = $PKI/ca.crt
verify = 2
sslVersionMin = TLSv1.3
ciphersuites = TLS_AES_128_GCM_SHA256
curves = X25519
socket = l:TCP_NODELAY=1
socket = r:TCP_NODELAY=1
${8:-}
EOF
}
stunnel_conf "$WORK/stunnel-b.conf" b b "$SB_PORT" "$APP_PORT" 4
stunnel_conf "$WORK/stunnel-b-check.conf" b-check b "$SB_PORT" "$APP_PORT" 6
stunnel_conf "$WORK/stunnel-a.conf" a a "$SA_PORT" "$SB_PORT" 4 client
stunnel_conf "$WORK/stunnel-a2.conf" a2 a "$SA2_PORT" "$SB_PORT" 4 client "sessionResume = no"

# HAProxy in TCP mode: `verify required` on the server's bind (client certificates) and on the
# client's server line (no name check: no sni, no verifyhost); threads = CPUs (its default). The
# client side offers OpenSSL's default groups (HAProxy 2.6 has no setting for a server line's
# groups); the server side accepts X25519 only.
haproxy_conf() { # file frontend-bind backend-server [frontend lines] [global lines]
  cat >"$1" <<EOF
global
  maxconn 1000
  ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256
  ssl-default-server-ciphersuites TLS_AES_128_GCM_SHA256
  ssl-default-bind-curves X25519
${5:-}
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
frontend f
  bind $2
${4:-}
  default_backend b
backend b
  server s $3
EOF
}
HB_BIND="127.0.0.1:$HB_PORT ssl crt $PKI/b.pem ca-file $PKI/ca.crt verify required ssl-min-ver TLSv1.3"
HA_SERVER="127.0.0.1:$HB_PORT ssl crt $PKI/a.pem ca-file $PKI/ca.crt verify required ssl-min-ver TLSv1.3"
haproxy_conf "$WORK/haproxy-b.cfg" "$HB_BIND" "127.0.0.1:$APP_PORT"
haproxy_conf "$WORK/haproxy-b-check.cfg" "$HB_BIND" "127.0.0.1:$APP_PORT" \
  "  log global
  log-format \"resumed=%[ssl_fc_is_resumed]\"" "  log stdout format raw local0"
haproxy_conf "$WORK/haproxy-a.cfg" "127.0.0.1:$HA_PORT" "$HA_SERVER"
haproxy_conf "$WORK/haproxy-a2.cfg" "127.0.0.1:$HA2_PORT" "$HA_SERVER no-ssl-reuse"

# nginx's stream module: our own configuration and prefix under $WORK (never /etc/nginx), in the
# foreground with a master and worker_processes auto (one per CPU). nginx cannot verify a
# server's certificate without checking a name too: the client side checks B's certificate's
# CN, "b" (its only name besides the SPIFFE URI).
nginx_conf() { # name server-lines [stream-level lines]
  mkdir -p "$WORK/nginx-$1"
  cat >"$WORK/nginx-$1.conf" <<EOF
load_module $NGINX_STREAM_MODULE;
daemon off;
master_process on;
worker_processes auto;
pid $WORK/nginx-$1/nginx.pid;
lock_file $WORK/nginx-$1/nginx.lock;
error_log stderr warn;
events {
  worker_connections 4096;
}
stream {
${3:-}
  server {
$2
    proxy_timeout 1h;
  }
}
EOF
}
NGINX_B="    listen 127.0.0.1:$NB_PORT ssl;
    ssl_certificate $PKI/b.crt;
    ssl_certificate_key $PKI/b.key;
    ssl_client_certificate $PKI/ca.crt;
    ssl_verify_client on;
    ssl_verify_depth 2;
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256;
    ssl_ecdh_curve X25519;
    proxy_pass 127.0.0.1:$APP_PORT;"
nginx_a() { # listen-port session-reuse
  echo "    listen 127.0.0.1:$1;
    proxy_pass 127.0.0.1:$NB_PORT;
    proxy_ssl on;
    proxy_ssl_certificate $PKI/a.crt;
    proxy_ssl_certificate_key $PKI/a.key;
    proxy_ssl_trusted_certificate $PKI/ca.crt;
    proxy_ssl_verify on;
    proxy_ssl_verify_depth 2;
    proxy_ssl_name b;
    proxy_ssl_protocols TLSv1.3;
    proxy_ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256;
    proxy_ssl_conf_command Groups X25519;
    proxy_ssl_session_reuse $2;"
}
nginx_conf b "$NGINX_B"
nginx_conf b-check "$NGINX_B
    access_log $WORK/logs/nginx-b-access.log resumed;" "  log_format resumed 'resumed=\$ssl_session_reused';"
nginx_conf a "$(nginx_a "$NA_PORT" on)"
nginx_conf a2 "$(nginx_a "$NA2_PORT" off)"
nginx_cmd() { # name: the command that runs it (one word each)
  NGINX=(nginx -p "$WORK/nginx-$1/" -c "$WORK/nginx-$1.conf" -e stderr)
}

# ---- per-proxy measurements: a proxy is a process and its children (nginx's workers) ----

CLK_TCK=$(getconf CLK_TCK)
proxy_pids() { # name: its pid and its descendants'
  local pid=${PIDS[$1]}
  # shellcheck disable=SC2046 # one pid a word
  echo "$pid" $(bench_descendants "$pid")
}
sum_status() { # field pid...: the sum over the processes, MiB
  local field=$1 pid total=0 v
  shift
  for pid in "$@"; do
    v=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status")
    total=$((total + ${v:-0}))
  done
  awk -v k="$total" 'BEGIN { printf "%.1f", k / 1024 }'
}
sum_ticks() { # pid...: utime+stime over the processes
  local pid total=0
  for pid in "$@"; do total=$((total + $(cpu_ticks "$pid"))); done
  echo "$total"
}
proxy_mem() { # name field
  local pids
  read -r -a pids <<<"$(proxy_pids "$1")"
  sum_status "$2" "${pids[@]}"
}

declare -A RES=()     # "run|config|metric" -> value ("a / b" per proxy, client side first)
declare -A RESUMED=() # config -> "resumed via A, of N|via A2" (pre-flight)
declare -A STARTS=()  # start-up label -> the samples (ms)
PROXIES=() # names in PIDS of the current configuration's proxies (client side first)
TARGET=    # where its client connects

declare -A PROXIES_OF=() TARGET_OF=() FULL_PROXIES_OF=() FULL_TARGET_OF=()
# Starts a configuration's pair and the client side's twin A2. check: the server side logs
# whether each handshake resumed (the pre-flight check).
start_config() { # config [check]
  local b=b
  [ -z "${2:-}" ] || b="b-check"
  case $1 in
    direct)
      PROXIES_OF[direct]="" TARGET_OF[direct]=127.0.0.1:$APP_PORT
      FULL_PROXIES_OF[direct]="" FULL_TARGET_OF[direct]=127.0.0.1:$APP_PORT
      ;;
    palisade)
      start_bg palisade-b "${PAL_B[@]}"
      start_bg palisade-a "${PAL_A[@]}"
      "$DP" ready -url "http://127.0.0.1:$PB_ADMIN/healthz/ready"
      "$DP" ready -url "http://127.0.0.1:$PA_ADMIN/healthz/ready"
      PROXIES_OF[palisade]="palisade-a palisade-b" TARGET_OF[palisade]=127.0.0.1:$PA_OUT
      FULL_PROXIES_OF[palisade]="" FULL_TARGET_OF[palisade]=
      if [ ${#PAL_NO_RESUME[@]} -gt 0 ]; then
        start_bg palisade-a2 "${PAL_A2[@]}"
        "$DP" ready -url "http://127.0.0.1:$PA2_ADMIN/healthz/ready"
        FULL_PROXIES_OF[palisade]="palisade-a2 palisade-b" FULL_TARGET_OF[palisade]=127.0.0.1:$PA2_OUT
      fi
      ;;
    stunnel)
      start_bg stunnel-b stunnel "$WORK/stunnel-$b.conf"
      "$DP" ready -tcp "127.0.0.1:$SB_PORT"
      start_bg stunnel-a stunnel "$WORK/stunnel-a.conf"
      start_bg stunnel-a2 stunnel "$WORK/stunnel-a2.conf"
      "$DP" ready -tcp "127.0.0.1:$SA_PORT"
      "$DP" ready -tcp "127.0.0.1:$SA2_PORT"
      PROXIES_OF[stunnel]="stunnel-a stunnel-b" TARGET_OF[stunnel]=127.0.0.1:$SA_PORT
      FULL_PROXIES_OF[stunnel]="stunnel-a2 stunnel-b" FULL_TARGET_OF[stunnel]=127.0.0.1:$SA2_PORT
      ;;
    haproxy)
      start_bg haproxy-b haproxy -db -f "$WORK/haproxy-$b.cfg"
      "$DP" ready -tcp "127.0.0.1:$HB_PORT"
      start_bg haproxy-a haproxy -db -f "$WORK/haproxy-a.cfg"
      start_bg haproxy-a2 haproxy -db -f "$WORK/haproxy-a2.cfg"
      "$DP" ready -tcp "127.0.0.1:$HA_PORT"
      "$DP" ready -tcp "127.0.0.1:$HA2_PORT"
      PROXIES_OF[haproxy]="haproxy-a haproxy-b" TARGET_OF[haproxy]=127.0.0.1:$HA_PORT
      FULL_PROXIES_OF[haproxy]="haproxy-a2 haproxy-b" FULL_TARGET_OF[haproxy]=127.0.0.1:$HA2_PORT
      ;;
    nginx)
      nginx_cmd "$b"
      start_bg nginx-b "${NGINX[@]}"
      "$DP" ready -tcp "127.0.0.1:$NB_PORT"
      nginx_cmd a
      start_bg nginx-a "${NGINX[@]}"
      nginx_cmd a2
      start_bg nginx-a2 "${NGINX[@]}"
      "$DP" ready -tcp "127.0.0.1:$NA_PORT"
      "$DP" ready -tcp "127.0.0.1:$NA2_PORT"
      PROXIES_OF[nginx]="nginx-a nginx-b" TARGET_OF[nginx]=127.0.0.1:$NA_PORT
      FULL_PROXIES_OF[nginx]="nginx-a2 nginx-b" FULL_TARGET_OF[nginx]=127.0.0.1:$NA2_PORT
      ;;
  esac
}

use_config() { # config [full]: makes PROXIES and TARGET those of the pair (full: A2's)
  if [ -n "${2:-}" ]; then
    read -r -a PROXIES <<<"${FULL_PROXIES_OF[$1]}"
    TARGET=${FULL_TARGET_OF[$1]}
  else
    read -r -a PROXIES <<<"${PROXIES_OF[$1]}"
    TARGET=${TARGET_OF[$1]}
  fi
}

stop_config() {
  local name
  for name in $(tr ' ' '\n' <<<"${PROXIES_OF[$1]} ${FULL_PROXIES_OF[$1]}" | sort -u); do
    stop_bg "$name"
  done
}

# A/B values of one per-proxy reading, e.g. "131.2 / 120.4"; "-" for direct.
per_proxy() { # function-name args-after-name...
  local fn=$1 name values=()
  shift
  [ ${#PROXIES[@]} -gt 0 ] || { echo "-"; return; }
  for name in "${PROXIES[@]}"; do
    values+=("$("$fn" "$name" "$@")")
  done
  local IFS=/
  echo "${values[*]}" | sed 's|/| / |g'
}

# Runs a load command with each proxy's VmHWM reset first; afterwards PHASE_OUT holds its output,
# PHASE_SECONDS the wall time, PHASE_PEAK the proxies' VmHWM (MiB), PHASE_ANON their sampled peak
# RssAnon (MiB) and PHASE_CPU their CPU seconds.
phase() {
  local name start end groups=() pid pids sampler=
  declare -A procs=() ticks=()
  for name in "${PROXIES[@]}"; do
    procs[$name]=$(proxy_pids "$name")
    read -r -a pids <<<"${procs[$name]}"
    for pid in "${pids[@]}"; do reset_peak "$pid"; done
    ticks[$name]=$(sum_ticks "${pids[@]}")
    groups+=("${procs[$name]// /,}")
  done
  PHASE_ANON=-
  if [ ${#groups[@]} -gt 0 ]; then
    touch "$WORK/sampling"
    anon_sampler "${groups[@]}" >"$WORK/anon" &
    sampler=$!
  fi
  start=$(date +%s.%N)
  PHASE_OUT=$("$@")
  end=$(date +%s.%N)
  if [ -n "$sampler" ]; then
    rm -f "$WORK/sampling"
    wait "$sampler"
    PHASE_ANON=$(sed 's/ *$//; s/ / \/ /g' "$WORK/anon")
  fi
  PHASE_SECONDS=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  local peaks=() cpus=()
  for name in "${PROXIES[@]}"; do
    read -r -a pids <<<"${procs[$name]}"
    peaks+=("$(sum_status VmHWM "${pids[@]}")")
    cpus+=("$(awk -v a="${ticks[$name]}" -v b="$(sum_ticks "${pids[@]}")" -v t="$CLK_TCK" \
      'BEGIN { printf "%.2f", (b - a) / t }')")
  done
  PHASE_PEAK=$(IFS=/; echo "${peaks[*]:--}" | sed 's|/| / |g')
  PHASE_CPU=$(IFS=/; echo "${cpus[*]:--}" | sed 's|/| / |g')
  echo "$PHASE_OUT"
  [ ${#PROXIES[@]} -eq 0 ] || echo "             proxies (${PROXIES[*]}): peak RSS $PHASE_PEAK MiB (anonymous $PHASE_ANON)," \
    "CPU $PHASE_CPU s, wall $(printf %.2f "$PHASE_SECONDS") s"
}

field() { sed -E "s/.*[ ^]$1=([^ ]+).*/\1/" <<<"$PHASE_OUT"; }
max_slash() { tr '/' '\n' | awk 'BEGIN { m = 0 } $1 + 0 > m { m = $1 + 0 } END { printf "%.1f", m }'; }
# "x / y" CPU seconds -> "x / y" per 1000 requests (ms) or per wall second (vCPU)
cpu_per() { # divisor scale, reading "a / b" on stdin
  [ ${#PROXIES[@]} -gt 0 ] || { echo "-"; return; }
  tr '/' '\n' | awk -v d="$1" -v s="$2" '{ v[NR] = $1 * s / d } END { for (i = 1; i <= NR; i++) printf "%s%.3f", (i > 1 ? " / " : ""), v[i] }'
}

# Idle memory: RSS after start, then a warm-up connection through every path, then, after
# IDLE_SECONDS for all of them together, the memory each proxy holds between requests. 10 s lets a
# JVM do what it does on its own once idle: free the JIT's arenas (every 5 s) and give them back
# to the system (the launcher's TrimNativeHeapInterval, 5 s).
memory_after_start() { # run config
  local k=$1\|$2
  use_config "$2"
  RES[$k|rss_start]=$(per_proxy proxy_mem VmRSS)
  RES[$k|rss_start_anon]=$(per_proxy proxy_mem RssAnon)
  "$DP" rr -addr "$TARGET" -conns 1 -warmup 0 -requests 100 >/dev/null
}

memory_idle() { # run config
  local k=$1\|$2
  use_config "$2"
  RES[$k|rss_idle]=$(per_proxy proxy_mem VmRSS)
  RES[$k|rss_idle_anon]=$(per_proxy proxy_mem RssAnon)
  RES[$k|rss_idle_file]=$(per_proxy proxy_mem RssFile)
  echo "    $2: RSS (A / B, MiB): after start ${RES[$k|rss_start]} (anon ${RES[$k|rss_start_anon]});" \
    "idle ${IDLE_SECONDS} s after a connection ${RES[$k|rss_idle]} (anon ${RES[$k|rss_idle_anon]}, file ${RES[$k|rss_idle_file]})"
}

latencies() { # key-prefix: p50, p90, p99 and max of the phase's output
  RES[$1_p50]=$(field p50_us)
  RES[$1_p90]=$(field p90_us)
  RES[$1_p99]=$(field p99_us)
  RES[$1_max]=$(field max_us)
}

measure() { # run config phase
  local k=$1\|$2 c
  if [ "$3" = churn_full ]; then use_config "$2" full; else use_config "$2"; fi
  printf '  %-8s ' "$2"
  if [ -z "$TARGET" ]; then
    echo "(not measured: this proxy cannot turn resumption off)"
    return
  fi
  case $3 in
    bulk)
      phase "$DP" bulk -addr "$TARGET" -bytes $((BULK_MIB << 20))
      RES[$k|bulk_MBps]=$(field MBps)
      RES[$k|bulk_peak]=$PHASE_PEAK
      RES[$k|bulk_anon]=$PHASE_ANON
      RES[$k|bulk_cpu]=$PHASE_CPU
      ;;
    rr1 | rr16 | rr64)
      c=${3#rr}
      phase "$DP" rr -addr "$TARGET" -conns "$c" -warmup "$RR_WARMUP" -requests "$RR_REQUESTS"
      RES[$k|$3_rps]=$(field rps)
      latencies "$k|$3"
      # CPU over warm-up and measured requests (connection set-up included), per 1000 requests
      RES[$k|$3_cpu_ms]=$(cpu_per <<<"$PHASE_CPU" $((RR_WARMUP + RR_REQUESTS)) 1000000)
      RES[$k|$3_peak]=$PHASE_PEAK
      RES[$k|$3_anon]=$PHASE_ANON
      ;;
    paced)
      phase "$DP" rr -addr "$TARGET" -conns 16 -warmup 0 -requests $((PACED_RPS * PACED_SECONDS)) \
        -rate "$PACED_RPS"
      RES[$k|paced_rps]=$(field rps)
      latencies "$k|paced"
      RES[$k|paced_vcpu]=$(cpu_per <<<"$PHASE_CPU" "$PHASE_SECONDS" 1)
      RES[$k|paced_peak]=$PHASE_PEAK
      RES[$k|paced_anon]=$PHASE_ANON
      # Peak RSS over the request/response phases on keep-alive connections, per proxy.
      RES[$k|rr_peak]=$(max_per_proxy "${RES[$k|rr1_peak]}" "${RES[$k|rr16_peak]}" \
        "${RES[$k|rr64_peak]}" "$PHASE_PEAK")
      RES[$k|rr_anon]=$(max_per_proxy "${RES[$k|rr1_anon]}" "${RES[$k|rr16_anon]}" \
        "${RES[$k|rr64_anon]}" "$PHASE_ANON")
      ;;
    churn_full | churn_resume)
      phase "$DP" churn -addr "$TARGET" -conns "$CHURN_CONNS" -warmup "$CHURN_WARMUP" \
        -requests "$CHURN_REQUESTS" -timeout 900s
      RES[$k|$3_cps]=$(field rate)
      latencies "$k|$3"
      # CPU over warm-up and measured connections, per 1000 connections (handshakes)
      RES[$k|$3_cpu_ms]=$(cpu_per <<<"$PHASE_CPU" $((CHURN_WARMUP + CHURN_REQUESTS)) 1000000)
      RES[$k|$3_peak]=$PHASE_PEAK
      RES[$k|$3_anon]=$PHASE_ANON
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
  echo "kernel: $(uname -r); $("$JAVA" -version 2>&1 | sed -n 2p)$([ "$JAVA" = "$JAVA_HOME/bin/java" ] || echo ", jlink-ed: $SIDECAR_JAVA_MODULES")"
  echo "stunnel: $(stunnel -version 2>&1 | grep -m1 '^stunnel'); $(stunnel -version 2>&1 | grep -m1 'Running *with' | tr -s ' ')"
  echo "haproxy: $(haproxy -v | head -1)"
  echo "nginx: $(nginx -v 2>&1 | sed 's/.*: //'); $(nginx -V 2>&1 | grep -m1 'built with' | sed 's/^built with //'); worker_processes auto ($(nproc))"
  echo "palisade: $(find "$DIST/lib" \( -name 'netty-handler-*.jar' -o -name 'netty-tcnative-boringssl-static-*x86_64.jar' \) -printf '%f ')"
  echo "palisade flags: ${PAL_TLS[*]:-(default groups)}; A2: ${PAL_NO_RESUME[*]:-(resumption cannot be turned off)}"
  echo "go: $(go env GOVERSION); AOT cache: $(stat -c %s "$DIST/lib/palisade-proxy.aot" 2>/dev/null || echo none) bytes"
  echo "bulk ${BULK_MIB} MiB; rr ${RR_WARMUP} warm-up + ${RR_REQUESTS} measured; paced ${PACED_RPS}/s x ${PACED_SECONDS} s on 16 connections; churn ${CHURN_CONNS} workers, ${CHURN_WARMUP} warm-up + ${CHURN_REQUESTS} measured connections; ${RUNS} runs; start-up ${STARTUP_RUNS} each"
}

load_now() { # the load average and what else uses the CPU now (top's second sample, over 1 s)
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); busiest processes over the last second:"
  top -b -n 2 -d 1 -w 200 | awk '/^top - / { n++ } n == 2 && /^ *PID/ { on = 1; next }
    on && c < 5 { c++; printf "      %5s%% cpu  %s (pid %s)\n", $9, $12, $1 }'
}

# key|label; "floor:" keys are the floor's (shown in Palisade's column).
SUMMARY_ROWS=(
  "bulk_MBps|throughput, one connection (MB/s)"
  "rr1_rps|1 KB req/resp, 1 conn: requests/s"
  "rr1_p50|  1 conn: p50 (us)"
  "rr1_p99|  1 conn: p99 (us)"
  "rr16_rps|1 KB req/resp, 16 conns: requests/s"
  "rr16_p50|  16 conns: p50 (us)"
  "rr16_p99|  16 conns: p99 (us)"
  "rr64_rps|1 KB req/resp, 64 conns: requests/s"
  "rr64_p50|  64 conns: p50 (us)"
  "rr64_p99|  64 conns: p99 (us)"
  "paced_p50|at 1000 req/s, 16 conns: p50 (us)"
  "paced_p99|  at 1000 req/s: p99 (us)"
  "churn_full_cps|new conns, full handshakes: conns/s"
  "churn_full_p50|  full: p50 connect-to-response (us)"
  "churn_full_p99|  full: p99 connect-to-response (us)"
  "churn_resume_cps|new conns, resumption (default): conns/s"
  "churn_resume_p50|  resumption: p50 (us)"
  "churn_resume_p99|  resumption: p99 (us)"
  "rss_start|RSS after start, A / B (MiB)"
  "rss_idle|RSS idle after a connection, A / B (MiB)"
  "rss_idle_anon|  of which anonymous, A / B (MiB)"
  "floor:rss_idle|floor (empty main) idle RSS (MiB)"
  "floor:rss_idle_anon|  floor: anonymous (MiB)"
  "bulk_peak|peak RSS, bulk transfer, A / B (MiB)"
  "bulk_anon|  anonymous (sampled) in bulk, A / B (MiB)"
  "rr_peak|peak RSS, req/resp phases, A / B (MiB)"
  "rr_anon|  anonymous (sampled) in req/resp, A / B (MiB)"
  "churn_full_peak|peak RSS, churn full, A2 / B (MiB)"
  "churn_full_anon|  anonymous (sampled), A2 / B (MiB)"
  "churn_resume_peak|peak RSS, churn resumption, A / B (MiB)"
  "churn_resume_anon|  anonymous (sampled), A / B (MiB)"
  "rr1_cpu_ms|CPU ms per 1000 req, 1 conn, A / B"
  "rr16_cpu_ms|CPU ms per 1000 req, 16 conns, A / B"
  "rr64_cpu_ms|CPU ms per 1000 req, 64 conns, A / B"
  "churn_full_cpu_ms|CPU ms per 1000 full handshakes, A2 / B"
  "churn_resume_cpu_ms|CPU ms per 1000 conns, resumption, A / B"
  "paced_vcpu|vCPU at 1000 req/s, A / B"
  "bulk_cpu|CPU s for the ${BULK_MIB} MiB transfer, A / B"
)

summary_header() {
  local cfg
  printf '| %-46s |' measure
  for cfg in "${CONFIGS[@]}"; do printf ' %-24s |' "$cfg"; done
  echo
}

cell_key() { # run config key: the RES key of a summary cell (nothing if none)
  case $3 in
    floor:*) if [ "$2" = palisade ]; then echo "$1|floor|${3#floor:}"; fi ;;
    *) echo "$1|$2|$3" ;;
  esac
}

summary() { # run
  local run=$1 cfg row key label ck
  echo
  echo "=== run $run: summary ==="
  summary_header
  for row in "${SUMMARY_ROWS[@]}"; do
    key=${row%%|*} label=${row#*|}
    printf '| %-46s |' "$label"
    for cfg in "${CONFIGS[@]}"; do
      ck=$(cell_key "$run" "$cfg" "$key")
      printf ' %-24s |' "${ck:+${RES[$ck]:-}}"
    done
    echo
  done
}

# Over all runs: the median of each figure (per proxy for "A / B" figures), and the range.
combined_summary() {
  local cfg row key label run values ck
  echo
  echo "=== all $RUNS runs: median [min-max] ==="
  summary_header
  for row in "${SUMMARY_ROWS[@]}"; do
    key=${row%%|*} label=${row#*|}
    printf '| %-46s |' "$label"
    for cfg in "${CONFIGS[@]}"; do
      values=()
      for run in $(seq 1 "$RUNS"); do
        ck=$(cell_key "$run" "$cfg" "$key")
        values+=("${ck:+${RES[$ck]:--}}")
      done
      printf ' %-24s |' "$(printf '%s\n' "${values[@]}" | awk -F' / ' '
        $1 == "-" || $1 == "" { next }
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

# ---- pre-flight: traffic, client certificates, resumption ----

# Handshakes the server side B has completed so far: "total resumed" (its metrics or its log).
handshakes_seen() { # config
  local log
  case $1 in
    palisade)
      curl -s "http://127.0.0.1:$PB_ADMIN/metrics" | awk '
        /^palisade_tls_handshakes_total\{/ && /direction="inbound"/ && /result="success"/ { t += $NF }
        /^palisade_tls_resumed_handshakes_total\{/ && /direction="inbound"/ { r += $NF }
        END { printf "%d %d\n", t, r }'
      ;;
    stunnel)
      log=$WORK/logs/stunnel-b-check.log
      echo "$(grep -c 'TLS accepted: ' "$log" || true) $(grep -c 'TLS accepted: previous session reused' "$log" || true)"
      ;;
    haproxy)
      log=$WORK/logs/haproxy-b.log
      echo "$(grep -c '^resumed=' "$log" || true) $(grep -c '^resumed=1' "$log" || true)"
      ;;
    nginx)
      log=$WORK/logs/nginx-b-access.log
      [ -e "$log" ] || { echo "0 0"; return; }
      echo "$(grep -c '^resumed=' "$log" || true) $(grep -c '^resumed=r' "$log" || true)"
      ;;
  esac
}

# How many of n new connections through the target were resumed handshakes at the server side:
# "resumed of seen".
count_resumed() { # config target n
  local before after
  before=$(handshakes_seen "$1")
  "$DP" churn -addr "$2" -conns 4 -warmup 0 -requests "$3" >/dev/null || die "$1: churn through $2 failed"
  sleep 1 # the server sides log a connection when it closes
  after=$(handshakes_seen "$1")
  awk -v b="$before" -v a="$after" 'BEGIN { split(b, x, " "); split(a, y, " "); printf "%d of %d", y[2] - x[2], y[1] - x[1] }'
}

preflight() {
  local cfg probe n=40 via_a via_a2 b_port
  for cfg in "${CONFIGS[@]}"; do
    start_config "$cfg" check
    use_config "$cfg"
    "$DP" rr -addr "$TARGET" -conns 2 -warmup 0 -requests 200 >/dev/null || die "$cfg: no traffic through the pair"
    if [ -n "${FULL_TARGET_OF[$cfg]}" ]; then
      "$DP" rr -addr "${FULL_TARGET_OF[$cfg]}" -conns 2 -warmup 0 -requests 200 >/dev/null ||
        die "$cfg: no traffic through the client side without resumption (A2)"
    fi
    if [ "$cfg" != direct ]; then
      case $cfg in
        palisade) b_port=$PB_IN ;;
        stunnel) b_port=$SB_PORT ;;
        haproxy) b_port=$HB_PORT ;;
        nginx) b_port=$NB_PORT ;;
      esac
      if probe=$("$DP" tlsprobe -addr "127.0.0.1:$b_port" -ca "$PKI/ca.crt" 2>&1); then
        die "$cfg: the server side served a client without a certificate: $probe"
      fi
      echo "  $cfg server side, no client certificate: $probe"
      probe=$("$DP" tlsprobe -addr "127.0.0.1:$b_port" -ca "$PKI/ca.crt" -cert "$PKI/a.crt" -key "$PKI/a.key" 2>&1) ||
        die "$cfg: the server side refused a client with a certificate: $probe"
      echo "  $cfg server side, client certificate:    $probe"
      via_a=$(count_resumed "$cfg" "$TARGET" "$n")
      via_a2=-
      if [ -n "${FULL_TARGET_OF[$cfg]}" ]; then
        via_a2=$(count_resumed "$cfg" "${FULL_TARGET_OF[$cfg]}" "$n")
        [ "${via_a2%% *}" = 0 ] || die "$cfg: $via_a2 handshakes through A2 resumed; its resumption is not off"
      fi
      [ "${via_a%% *}" != 0 ] || log "$cfg: no handshake through A resumed a session (its default)"
      RESUMED[$cfg]="$via_a|$via_a2"
      echo "  $cfg: handshakes resumed, counted at B: through A (default) $via_a; through A2 (resumption off) $via_a2"
    fi
    stop_config "$cfg"
  done
  log "all five paths carry traffic; the server sides require a client certificate"
}

# ---- results: CSV, markdown table, plots ----

unit_of() { # metric
  case $1 in
    *_MBps) echo MB/s ;;
    *_rps) echo requests/s ;;
    *_cps) echo connections/s ;;
    *_p50 | *_p90 | *_p99 | *_max) echo us ;;
    churn_*_cpu_ms) echo "ms per 1000 connections" ;;
    *_cpu_ms) echo "ms per 1000 requests" ;;
    paced_vcpu) echo vCPU ;;
    bulk_cpu) echo s ;;
    rss_* | *_peak | *_anon) echo MiB ;;
    start_ms*) echo ms ;;
    resumed_share) echo share ;;
    *) echo - ;;
  esac
}

write_csv() {
  local key run cfg metric value unit a b label i fig contender
  {
    for key in "${!RES[@]}"; do
      IFS='|' read -r run cfg metric <<<"$key"
      value=${RES[$key]}
      [ -n "$value" ] && [ "$value" != - ] || continue
      unit=$(unit_of "$metric")
      if [[ $value == *" / "* ]]; then
        a=${value%% / *} b=${value##* / }
        echo "$run,$cfg,$metric,A,$a,$unit"
        echo "$run,$cfg,$metric,B,$b,$unit"
      else
        echo "$run,$cfg,$metric,-,$value,$unit"
      fi
    done
    for label in "${!STARTS[@]}"; do
      case $label in
        palisade-aot) contender=palisade fig=start_ms_files ;;
        palisade-no-aot) contender=palisade fig=start_ms_files_no_aot ;;
        palisade-ca) contender=palisade fig=start_ms_ca ;;
        *) contender=$label fig=start_ms ;;
      esac
      i=0
      for value in ${STARTS[$label]}; do
        i=$((i + 1))
        echo "$i,$contender,$fig,-,$value,ms"
      done
    done
    for cfg in "${!RESUMED[@]}"; do
      IFS='|' read -r a b <<<"${RESUMED[$cfg]}"
      awk -v c="$cfg" -v a="$a" -v b="$b" 'BEGIN {
        split(a, x, " of "); if (x[2] > 0) printf "0,%s,resumed_share,A,%.3f,share\n", c, x[1] / x[2]
        split(b, y, " of "); if (y[2] > 0) printf "0,%s,resumed_share,A2,%.3f,share\n", c, y[1] / y[2] }'
    done
  } | sort -t, -k1,1n -k2,2 -k3,3 -k4,4 | { echo "run,contender,figure,side,value,unit"; cat; } >"$CSV"
}

# ---- the runs ----

echo "=== data-plane benchmark: bash hack/bench-datapath.sh ==="
machine | tee "$MACHINE"
load_now

bench_lock "h-datapath: hack/bench-datapath.sh"
start_bg app "$DP" serve -addr "127.0.0.1:$APP_PORT"
"$DP" ready -tcp "127.0.0.1:$APP_PORT"

echo
echo "=== pre-flight check ==="
preflight

# Each run starts the pairs afresh (all idle but the one measured), then measures each phase for
# every configuration back to back, so that a burst of other work on a shared machine hits
# neighbouring measurements alike; the order of the configurations changes from run to run (a
# Latin square: each path in each position once every five runs).
orders=("direct palisade stunnel haproxy nginx" "nginx haproxy direct palisade stunnel"
  "stunnel nginx palisade direct haproxy" "haproxy direct nginx stunnel palisade"
  "palisade stunnel haproxy nginx direct")
for run in $(seq 1 "$RUNS"); do
  echo
  echo "=== run $run ==="
  load_now
  read -r -a order <<<"${orders[$(((run - 1) % ${#orders[@]}))]}"
  echo "order: ${order[*]}"
  for cfg in "${order[@]}"; do start_config "$cfg"; done
  start_bg floor "${FLOOR[@]}"
  "$DP" ready -tcp "127.0.0.1:$FLOOR_PORT"
  for cfg in "${order[@]}"; do memory_after_start "$run" "$cfg"; done
  sleep "$IDLE_SECONDS"
  for cfg in "${order[@]}"; do memory_idle "$run" "$cfg"; done
  RES[$run|floor|rss_idle]=$(status_mib "${PIDS[floor]}" VmRSS)
  RES[$run|floor|rss_idle_anon]=$(status_mib "${PIDS[floor]}" RssAnon)
  echo "    floor (empty main): RSS ${RES[$run|floor|rss_idle]} MiB (anon ${RES[$run|floor|rss_idle_anon]})"
  stop_bg floor
  for cfg in "${order[@]}"; do # JIT and buffer-pool warm-up, not measured
    use_config "$cfg"
    "$DP" bulk -addr "$TARGET" -bytes $((256 << 20)) >/dev/null
    use_config "$cfg" full
    [ -z "$TARGET" ] || "$DP" rr -addr "$TARGET" -conns 2 -warmup 0 -requests 2000 >/dev/null
  done
  for ph in bulk rr1 rr16 rr64 paced churn_full churn_resume; do
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
start_bg ca "$DP" ca -addr "127.0.0.1:$CA_PORT" -issuer-cert "$PKI/int.crt" \
  -issuer-key "$PKI/int.key" -bundle "$PKI/ca.crt" -spiffe-id spiffe://bench.local/ns/bench/sa/b
"$DP" ready -tcp "127.0.0.1:$CA_PORT"
STARTUP_LABELS=(palisade-aot palisade-no-aot palisade-ca floor stunnel haproxy nginx)
timed_start() { # label readiness-flag command...
  local label=$1 probe=$2 ms
  shift 2
  ms=$("$DP" startup "$probe" -log "$WORK/logs/startup-$label.log" -- "$@" | sed 's/.*ms=//')
  STARTS[$label]+="$ms "
}
nginx_cmd b
for i in $(seq 1 "$STARTUP_RUNS"); do
  timed_start palisade-aot -url="http://127.0.0.1:$PB_ADMIN/healthz/ready" "${PAL_B[@]}"
  timed_start palisade-no-aot -url="http://127.0.0.1:$PB_ADMIN/healthz/ready" \
    env PALISADE_JAVA_OPTS=-XX:AOTMode=off "${PAL_B[@]}"
  timed_start palisade-ca -url="http://127.0.0.1:$PB_ADMIN/healthz/ready" "${PAL_B_CA[@]}"
  timed_start floor -tcp="127.0.0.1:$FLOOR_PORT" "${FLOOR[@]}"
  timed_start stunnel -tcp="127.0.0.1:$SB_PORT" stunnel "$WORK/stunnel-b.conf"
  timed_start haproxy -tcp="127.0.0.1:$HB_PORT" haproxy -db -f "$WORK/haproxy-b.cfg"
  timed_start nginx -tcp="127.0.0.1:$NB_PORT" "${NGINX[@]}"
done
stop_bg ca
bench_unlock
for label in "${STARTUP_LABELS[@]}"; do
  read -r -a values <<<"${STARTS[$label]}"
  printf '%-16s %s   (runs: %s)\n' "$label" \
    "$(printf '%s\n' "${values[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "median %8s ms [%s-%s]", v[int((NR + 1) / 2)], v[1], v[NR] }')" \
    "${values[*]}"
done

echo
echo "=== end: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(cut -d' ' -f1-3 /proc/loadavg) ==="
grep -h 'WARN\|ERROR\|refused' "$WORK"/logs/palisade-*.log 2>/dev/null | head -20 || true

write_csv
echo
echo "=== markdown: median [min–max] over the runs ==="
mkdir -p "$PLOTS"
"$PY" hack/tools/plot-datapath.py table "$CSV" | tee "$PLOTS/table.md"
"$PY" hack/tools/plot-datapath.py plots "$CSV" "$PLOTS" --machine "$MACHINE"
if [ "${BENCH_PUBLISH:-}" = 1 ]; then
  mkdir -p docs/datapath
  cp "$CSV" docs/datapath/datapath.csv
  cp "$MACHINE" docs/datapath/machine.txt
  cp "$PLOTS"/*.png docs/datapath/
  log "published into docs/datapath/"
fi
log "raw output: $OUT; CSV: $CSV; plots: $PLOTS/"
