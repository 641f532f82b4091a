#!/usr/bin/env bash
# Benchmark (never run in CI): where a Palisade proxy's memory goes, and how long it takes from
# exec to ready, as the image runs it (the packaged launcher and its flags, a runtime jlink-ed to
# the image's modules, an AOT cache recorded with it), beside the floor: an empty main() started
# by the same launcher, flags and runtime. docs/benchmarks.md ("Proxy footprint") has the figures
# and how to read them.
#
# In one invocation:
#   1. memory: a proxy pair on loopback (A client side, B server side; certificate files), each
#      proxy's VmRSS and RssAnon after start and idle after one connection, then the peak (VmHWM,
#      reset first; RssAnon sampled every 200 ms) at 1,000 requests/s of 1 KB over 16
#      connections; the same for the floor;
#   2. breakdown: the same pair again with -XX:NativeMemoryTracking=summary, idle and after the
#      load: /proc/PID/smaps by mapping (AOT cache, libjvm, BoringSSL's library, anonymous),
#      NMT's committed memory by category, glibc's malloc arenas (jcmd System.native_heap_info)
#      and the heap histogram (jcmd GC.class_histogram). NMT costs memory of its own: the
#      figures of step 1 are the ones to compare;
#   3. exec to ready, median of BENCH_STARTUP_RUNS (7): B alone with its certificate files, to
#      the first GET /healthz/ready = 200; B with its certificate from a CA over HTTPS (a
#      stand-in for the operator's POST /v1/certificates: `datapath ca`, bench/datapath/ca.go);
#      the floor to accepting a TCP connection from main().
#      Timing waits while /tmp/palisade-bench-running exists (another benchmark) and holds it.
# Shared with hack/bench-datapath.sh: hack/bench-lib.sh (the jlink-ed runtime and AOT cache, the
# floor, the anonymous-memory sampler, process cleanup, the lock).
#
# Usage: bash hack/bench-proxy-footprint.sh   (about 2 minutes; raw output: bench/results/)
# Environment:
#   BENCH_SKIP_BUILD=1, BENCH_STARTUP_RUNS (7; 0 skips the timing), BENCH_PACED_SECONDS (15),
#   BENCH_SKIP_BREAKDOWN=1, BENCH_PORT_BASE (28000: ports base+80 .. base+400 on 127.0.0.1),
#   BENCH_BASELINE_DIST  another packaged proxy (an older build's), timed interleaved with this one
#   BENCH_DIST           measure this copy of sidecar/target/palisade-proxy instead
#   BENCH_PROXY_FLAGS    more flags for both proxies
#   BENCH_JDK=1          the JDK and the packaged cache instead of a jlink-ed runtime
#   BENCH_LABEL          printed with the results
#   The launcher's own variables (PALISADE_JAVA_OPTS, PALISADE_HEAP, ...) reach the proxies, the
#   AOT training run and the floor alike.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bench-lib.sh"

STARTUP_RUNS=${BENCH_STARTUP_RUNS:-7}
PACED_SECONDS=${BENCH_PACED_SECONDS:-15}
BASE=${BENCH_PORT_BASE:-28000}
APP_PORT=$((BASE + 80)) FLOOR_PORT=$((BASE + 300)) CA_PORT=$((BASE + 400))
PB_IN=$((BASE + 106)) PB_OUT=$((BASE + 101)) PB_ADMIN=$((BASE + 120))
PA_IN=$((BASE + 206)) PA_OUT=$((BASE + 201)) PA_ADMIN=$((BASE + 220))

use_jdk25
cd "$PALISADE_ROOT"
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  log "building sidecar/target/palisade-proxy"
  ./mvnw -B -q -ntp -pl sidecar -am package -DskipTests >/dev/null
fi
DIST=${BENCH_DIST:-$PALISADE_ROOT/sidecar/target/palisade-proxy}
[ -x "$DIST/bin/palisade-proxy" ] || die "no $DIST/bin/palisade-proxy; build without BENCH_SKIP_BUILD"
bench_check_ports "$APP_PORT" "$FLOOR_PORT" "$CA_PORT" "$PB_IN" "$PB_OUT" "$PB_ADMIN" "$PA_IN" "$PA_OUT" "$PA_ADMIN"

WORK=$(mktemp -d /tmp/palisade-bench-footprint.XXXXXX)
mkdir -p "$WORK/logs"
# hack/bench-lib.sh: stops everything started (PIDS, start_bg), releases the lock, removes $WORK.
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p bench/results
OUT=$PALISADE_ROOT/bench/results/footprint-$(date -u +%Y%m%dT%H%M%SZ).txt
exec > >(tee "$OUT") 2>&1
TEE_PID=$!

# As the image runs it: a runtime jlink-ed to the image's modules (hack/build-images.sh), and the
# AOT cache recorded with it, as sidecar/Dockerfile does (hack/bench-lib.sh). BENCH_JDK=1: the JDK
# and the packaged cache instead.
prepare_runtime
BASELINE=
if [ -n "${BENCH_BASELINE_DIST:-}" ]; then
  if [ "${BENCH_JDK:-}" != 1 ]; then
    prepare_dist "$BENCH_BASELINE_DIST" baseline
    BASELINE=$WORK/baseline
  else
    BASELINE=$BENCH_BASELINE_DIST
  fi
fi
build_load_tool
mkdir -p "$WORK/pki"
source hack/bench-pki.sh
make_pki >/dev/null 2>&1
PKI=$WORK/pki

# The floor: the launcher itself, with a java that drops the AOT cache and runs an empty main
# (hack/bench-lib.sh).
make_floor "$FLOOR_PORT"

echo "{\"version\":\"1\",\"outbound\":{\"meshed\":{\"127.0.0.1:$PB_IN\":\"spiffe://bench.local/ns/bench/sa/b\"}}}" >"$WORK/a.json"
COMMON=(proxy --trust-domain=bench.local --ca-bundle="$PKI/ca.crt" --listen-address=127.0.0.1
  --admin-address=127.0.0.1 ${BENCH_PROXY_FLAGS:-})
PROXY_B=(env PALISADE_JAVA="$JAVA" "$DIST/bin/palisade-proxy" "${COMMON[@]}"
  --cert="$PKI/b.crt" --key="$PKI/b.key" --inbound-target-port="$APP_PORT"
  --outbound-target=127.0.0.1:1 --inbound-port="$PB_IN" --outbound-port="$PB_OUT"
  --admin-port="$PB_ADMIN")
# B with its certificate from the stand-in CA: a fresh key and CSR, one HTTPS round trip.
echo bench-token >"$WORK/token"
PROXY_B_CA=(env PALISADE_JAVA="$JAVA" "$DIST/bin/palisade-proxy" "${COMMON[@]}"
  --ca-endpoint="https://127.0.0.1:$CA_PORT/v1/certificates" --token-file="$WORK/token"
  --inbound-target-port="$APP_PORT" --outbound-target=127.0.0.1:1 --inbound-port="$PB_IN"
  --outbound-port="$PB_OUT" --admin-port="$PB_ADMIN")
PROXY_A=(env PALISADE_JAVA="$JAVA" "$DIST/bin/palisade-proxy" "${COMMON[@]}"
  --cert="$PKI/a.crt" --key="$PKI/a.key" --config="$WORK/a.json" --inbound-target-port=1
  --outbound-target="127.0.0.1:$PB_IN" --inbound-port="$PA_IN" --outbound-port="$PA_OUT"
  --admin-port="$PA_ADMIN")

# `env` and the launcher exec the JVM, so the pid started is the JVM's.
memory() { # pid: "RSS / anonymous"
  echo "$(status_mib "$1" VmRSS) / $(status_mib "$1" RssAnon)"
}
threads() { awk '$1 == "Threads:" { print $2 }' "/proc/$1/status"; }

# anon_sampler (hack/bench-lib.sh): peak RssAnon (MiB) of each pid while $WORK/sampling exists.

start_pair() {
  start_bg b "${PROXY_B[@]}"
  start_bg a "${PROXY_A[@]}"
  "$DP" ready -url "http://127.0.0.1:$PB_ADMIN/healthz/ready"
  "$DP" ready -url "http://127.0.0.1:$PA_ADMIN/healthz/ready"
}
stop_pair() { stop_bg a; stop_bg b; }
warm_up() { "$DP" rr -addr "127.0.0.1:$PA_OUT" -conns 1 -warmup 0 -requests 100 >/dev/null; }
paced() { # 1,000 requests/s over 16 connections for PACED_SECONDS
  "$DP" rr -addr "127.0.0.1:$PA_OUT" -conns 16 -warmup 1000 -requests $((PACED_SECONDS * 1000)) \
    -rate 1000
}
# Runs paced load while sampling the given pids; prints "peak RSS / peak anonymous" per pid.
loaded_peaks() {
  local pid
  for pid in "$@"; do reset_peak "$pid"; done
  touch "$WORK/sampling"
  anon_sampler "$@" >"$WORK/anon" &
  local sampler=$!
  paced >"$WORK/paced.out"
  rm -f "$WORK/sampling"; wait "$sampler"
  read -r -a anon <"$WORK/anon"
  local i=0
  for pid in "$@"; do echo "$(status_mib "$pid" VmHWM) / ${anon[i]}"; i=$((i + 1)); done
}

echo "== $(date -u +%FT%TZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- sidecar src-common || echo ' + changes'); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   $("$JAVA" -version 2>&1 | sed -n 2p)$([ "$JAVA" = "$JAVA_HOME/bin/java" ] || echo ", jlink-ed: $SIDECAR_JAVA_MODULES")"
echo "   ${BENCH_LABEL:-}${PALISADE_JAVA_OPTS:+ PALISADE_JAVA_OPTS=$PALISADE_JAVA_OPTS}${PALISADE_HEAP:+ PALISADE_HEAP=$PALISADE_HEAP}${MALLOC_ARENA_MAX:+ MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX}"
start_bg app "$DP" serve -addr "127.0.0.1:$APP_PORT"
"$DP" ready -tcp "127.0.0.1:$APP_PORT"

# ---- 1. memory (MiB: VmRSS / RssAnon) ----
start_pair
after_start_a=$(memory "${PIDS[a]}") after_start_b=$(memory "${PIDS[b]}")
warm_up
# Idle: what a proxy holds between requests, once the JVM has freed the JIT's arenas (every 5 s)
# and the launcher's TrimNativeHeapInterval (5 s) has given them back to the system.
sleep 10
idle_a=$(memory "${PIDS[a]}") idle_b=$(memory "${PIDS[b]}")
threads_a=$(threads "${PIDS[a]}") threads_b=$(threads "${PIDS[b]}")
loaded_peaks "${PIDS[a]}" "${PIDS[b]}" >"$WORK/peaks"
mapfile -t peaks <"$WORK/peaks"
rps=$(sed -nE 's/.* rps=([0-9.]+).*/\1/p' "$WORK/paced.out")
stop_pair
start_bg floor "${FLOOR[@]}"
"$DP" ready -tcp "127.0.0.1:$FLOOR_PORT"
sleep 3
floor_idle=$(memory "${PIDS[floor]}") floor_threads=$(threads "${PIDS[floor]}")
stop_bg floor

echo
echo "memory, MiB (VmRSS / RssAnon)        A (client side)    B (server side)    floor"
printf '  %-34s %-18s %-18s %s\n' "after start" "$after_start_a" "$after_start_b" "-" \
  "idle 10 s after a connection" "$idle_a" "$idle_b" "$floor_idle" \
  "peak at 1000 req/s x16 (${rps:-?}/s)" "${peaks[0]}" "${peaks[1]}" "-" \
  "threads (idle)" "$threads_a" "$threads_b" "$floor_threads"

# ---- 2. breakdown ----
smaps_breakdown() { # pid: resident and anonymous KiB by kind of mapping
  awk '
    /^[0-9a-f]+-[0-9a-f]+ / {
      path = $6
      if (path ~ /\.aot$/) kind = "AOT cache"
      else if (path ~ /libjvm\.so$/) kind = "libjvm.so"
      else if (path ~ /tcnative/) kind = "BoringSSL (netty-tcnative .so)"
      else if (path ~ /\.jsa$/) kind = "CDS archive"
      else if (path ~ /^\// ) kind = "other files"
      else if (path == "[stack]") kind = "main stack"
      else kind = "anonymous"
      next
    }
    $1 == "Rss:" { rss[kind] += $2 }
    $1 == "Anonymous:" { anon[kind] += $2 }
    END { for (k in rss) if (rss[k] > 0) printf "    %-32s %7.1f MiB resident, %6.1f anonymous\n", k, rss[k] / 1024, anon[k] / 1024 }
  ' "/proc/$1/smaps" | sort -k1,1
}
nmt() { # pid: committed MiB by NMT category, and the total
  jcmd "$1" VM.native_memory summary scale=KB | awk '
    /^Total:/ { match($0, /committed=[0-9]+KB/); printf "    %-32s %7.1f\n", "NMT total", substr($0, RSTART + 10, RLENGTH - 12) / 1024 }
    /^-  *[A-Za-z]/ && /committed=/ {
      line = $0; sub(/^- */, "", line); name = line; sub(/ *\(.*/, "", name)
      match(line, /committed=[0-9]+KB/)
      value = substr(line, RSTART + 10, RLENGTH - 12) / 1024
      if (value >= 0.1) printf "    %-32s %7.1f\n", name, value
    }'
}
malloc_arenas() { # pid: glibc arenas and their memory, from malloc_info
  jcmd "$1" System.native_heap_info | awk '
    /<heap nr=/ { arenas++ }
    /<system type="current"/ && !inheap { }
    /^<\/heap>/ { }
    { if (match($0, /<system type="current" size="[0-9]+"/)) last = substr($0, RSTART + 29, RLENGTH - 30) }
    /<total type="rest"/ { if (match($0, /size="[0-9]+"/)) free += substr($0, RSTART + 6, RLENGTH - 7) }
    END { printf "    glibc malloc: %d arenas, %.1f MiB from the system (all arenas), %.1f MiB of it free\n", arenas, last / 1048576, free / 1048576 }'
}
histogram() { # pid: the heap's total and its largest classes
  jcmd "$1" GC.class_histogram | awk '
    /^ *[0-9]+: +[0-9]+ +[0-9]+ / && n < 8 { printf "      %-10s %8.1f KiB  %s\n", $2, $3 / 1024, $4; n++ }
    /^Total/ { printf "    live heap: %d objects, %.1f MiB\n", $2, $3 / 1048576 }'
}
breakdown() { # label pid
  echo "  $1: VmRSS / RssAnon $(memory "$2") MiB, $(threads "$2") threads"
  smaps_breakdown "$2"
  echo "    NMT committed (MiB):"
  nmt "$2"
  malloc_arenas "$2"
  histogram "$2"
}
if [ "${BENCH_SKIP_BREAKDOWN:-}" != 1 ]; then
  echo
  echo "breakdown, with -XX:NativeMemoryTracking=summary (costs memory of its own)"
  export PALISADE_JAVA_OPTS="${PALISADE_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
  start_pair
  warm_up
  sleep 3
  breakdown "A idle" "${PIDS[a]}"
  breakdown "B idle" "${PIDS[b]}"
  paced >/dev/null
  breakdown "A after ${PACED_SECONDS} s at 1000 req/s" "${PIDS[a]}"
  stop_pair
  start_bg floor "${FLOOR[@]}"
  "$DP" ready -tcp "127.0.0.1:$FLOOR_PORT"
  sleep 3
  breakdown "floor idle" "${PIDS[floor]}"
  stop_bg floor
  PALISADE_JAVA_OPTS=${PALISADE_JAVA_OPTS% -XX:NativeMemoryTracking=summary}
fi

# ---- 3. exec to ready ----
[ "$STARTUP_RUNS" -gt 0 ] || exit 0
bench_lock "h-footprint: hack/bench-proxy-footprint.sh exec-to-ready timing"
start_bg ca "$DP" ca -addr "127.0.0.1:$CA_PORT" -issuer-cert "$PKI/int.crt" \
  -issuer-key "$PKI/int.key" -bundle "$PKI/ca.crt" -spiffe-id spiffe://bench.local/ns/bench/sa/b
"$DP" ready -tcp "127.0.0.1:$CA_PORT"
proxy_ms=() floor_ms=() baseline_ms=() ca_ms=()
for ((i = 0; i < STARTUP_RUNS; i++)); do
  ca_ms+=("$("$DP" startup -url "http://127.0.0.1:$PB_ADMIN/healthz/ready" -log "$WORK/startup.log" \
    -- "${PROXY_B_CA[@]}" | sed 's/.*ms=//')")
  proxy_ms+=("$("$DP" startup -url "http://127.0.0.1:$PB_ADMIN/healthz/ready" -log "$WORK/startup.log" \
    -- "${PROXY_B[@]}" | sed 's/.*ms=//')")
  if [ -n "$BASELINE" ]; then
    baseline_ms+=("$("$DP" startup -url "http://127.0.0.1:$PB_ADMIN/healthz/ready" \
      -log "$WORK/startup.log" -- env "PALISADE_JAVA=$JAVA" "$BASELINE/bin/palisade-proxy" \
      "${PROXY_B[@]:3}" | sed 's/.*ms=//')")
  fi
  floor_ms+=("$("$DP" startup -tcp "127.0.0.1:$FLOOR_PORT" -log "$WORK/startup.log" -- "${FLOOR[@]}" \
    | sed 's/.*ms=//')")
done
stop_bg ca
bench_unlock
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%s ms [%s-%s]", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
echo
echo "exec to ready, median [min-max] of $STARTUP_RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  proxy, certificate files: $(median "${proxy_ms[@]}")"
echo "  proxy, certificate from a CA over HTTPS: $(median "${ca_ms[@]}")"
[ -z "$BASELINE" ] || echo "  baseline ($BENCH_BASELINE_DIST): $(median "${baseline_ms[@]}")"
echo "  floor (empty main):       $(median "${floor_ms[@]}")"
echo
echo "raw output: $OUT"
