# Shared by the data-plane benchmarks (hack/bench-datapath.sh, hack/bench-proxy-footprint.sh).
# Source it after hack/lib.sh, with $WORK set to the script's scratch directory (it needs
# $WORK/logs). Nothing here starts a process that the caller's cleanup (bench_cleanup) does not
# stop.
# shellcheck shell=bash

BENCH_LOCK=/tmp/palisade-bench-running # held while a benchmark times something
BENCH_HOLD_LOCK=
declare -A PIDS=() # name -> pid of every long-running process started (start_bg)

# ---- packages ----

# Installs the Debian packages that provide these commands, if any is missing (root only).
# Arguments: command=package ... A service that a package would start on install (nginx) is kept
# from starting by a policy-rc.d for the time of the install (if the machine has none), and
# stopped and disabled after it where systemd runs.
bench_install() {
  local pair cmd missing=()
  for pair in "$@"; do
    cmd=${pair%%=*}
    case $cmd in
      */*) [ -e "$cmd" ] || missing+=("${pair#*=}") ;; # a file, not a command
      *) command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || missing+=("${pair#*=}") ;;
    esac
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  [ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} (install them, or run as root)"
  log "installing ${missing[*]}"
  local policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# hack/bench-lib.sh: no service starts during this install\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy=1
  fi
  local status=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    status=$?
  [ -z "$policy" ] || rm -f /usr/sbin/policy-rc.d
  [ "$status" = 0 ] || die "apt-get install ${missing[*]} failed"
  if printf '%s\n' "${missing[@]}" | grep -q '^nginx' && [ -d /run/systemd/system ]; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
}

# ---- processes: every one started is tracked by pid and stopped on exit ----

bench_descendants() { # pid: its descendants, parents before their children
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    bench_descendants "$child"
  done
}

stop_pid() { # TERM, then KILL after 10 s
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# Stops a process and whatever it started (nginx's workers): the parent first, so that it does
# not start new children, then any child still there.
stop_tree() {
  local pid=$1 children
  children=$(bench_descendants "$pid")
  stop_pid "$pid"
  for pid in $children; do stop_pid "$pid"; done
}

start_bg() { # name command... (stdout and stderr to $WORK/logs/<name>.log)
  local name=$1
  shift
  "$@" >>"$WORK/logs/$name.log" 2>&1 &
  PIDS[$name]=$!
}

stop_bg() {
  local name=$1
  stop_tree "${PIDS[$name]}"
  wait "${PIDS[$name]}" 2>/dev/null || true
  unset "PIDS[$name]"
}

# The EXIT trap: stops everything started (tracked or not; not the tee of the script's output,
# $TEE_PID), releases the lock if held, removes $WORK (kept on failure with BENCH_KEEP_LOGS=1).
bench_cleanup() {
  local status=$? name pid rest
  trap - EXIT INT TERM
  for name in "${!PIDS[@]}"; do stop_tree "${PIDS[$name]}"; done
  # Anything else this script started (a load client, a timed start-up) and its children, listed
  # first, stopped parents first.
  rest=$(bench_descendants $$)
  for pid in $rest; do
    [ "$pid" = "${TEE_PID:-}" ] || stop_pid "$pid"
  done
  bench_unlock
  if [ "$status" != 0 ] && [ -n "${BENCH_KEEP_LOGS:-}" ]; then
    echo "logs kept in $WORK/logs" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}

# Waits (at most BENCH_LOCK_WAIT seconds, 3600) while another benchmark holds the lock, then
# holds it: two benchmarks never time things at the same time.
bench_lock() { # what: a line saying who holds it
  local waited=0 limit=${BENCH_LOCK_WAIT:-3600}
  while [ -e "$BENCH_LOCK" ]; do
    [ "$waited" -lt "$limit" ] || die "$BENCH_LOCK still there after ${limit} s: $(cat "$BENCH_LOCK" 2>/dev/null || true)"
    log "waiting for another benchmark to finish: $(cat "$BENCH_LOCK" 2>/dev/null || true)"
    sleep 10
    waited=$((waited + 10))
  done
  echo "$1 (started $(date -u +%H:%M) UTC, pid $$)" >"$BENCH_LOCK"
  BENCH_HOLD_LOCK=1
}
bench_unlock() {
  [ -z "$BENCH_HOLD_LOCK" ] || rm -f "$BENCH_LOCK"
  BENCH_HOLD_LOCK=
}

bench_check_ports() { # port...: dies if one is in use
  local port
  for port in "$@"; do
    ! ss -Hltn "sport = :$port" | grep -q . || die "port $port on this machine is in use; set BENCH_PORT_BASE"
  done
}

# The load tool (bench/datapath, Go, standard library only) as $DP.
build_load_tool() {
  (cd "$PALISADE_ROOT/bench/datapath" && GOFLAGS=-mod=mod go build -o "$WORK/datapath" .)
  DP=$WORK/datapath
}

# ---- the proxy as the image runs it ----

# Builds sidecar/target/palisade-proxy (unless BENCH_SKIP_BUILD=1) and sets DIST to it.
bench_build_proxy() {
  if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
    log "building sidecar/target/palisade-proxy"
    (cd "$PALISADE_ROOT" && ./mvnw -B -q -ntp -pl sidecar -am package -DskipTests)
  fi
  DIST=$PALISADE_ROOT/sidecar/target/palisade-proxy
  [ -x "$DIST/bin/palisade-proxy" ] || die "no $DIST/bin/palisade-proxy; build without BENCH_SKIP_BUILD"
}

# A copy of a packaged proxy in $WORK/<name>, with an AOT cache recorded by $JAVA (`selfcheck 50`,
# as sidecar/Dockerfile does).
prepare_dist() { # source name
  cp -a "$1" "$WORK/$2"
  rm -f "$WORK/$2/lib/palisade-proxy.aot"
  PALISADE_JAVA=$JAVA PALISADE_AOT_OUTPUT=$WORK/$2/lib/palisade-proxy.aot \
    PALISADE_JAVA_OPTS="${PALISADE_JAVA_OPTS:-} -Xlog:disable -Xlog:all=error:stderr" \
    "$WORK/$2/bin/palisade-proxy" selfcheck 50 >"$WORK/logs/aot-$2.log" 2>&1 ||
    { cat "$WORK/logs/aot-$2.log"; die "the AOT training run of $1 failed"; }
}

# Sets JAVA to a runtime jlink-ed to the image's modules (SIDECAR_JAVA_MODULES, hack/lib.sh, as
# hack/build-images.sh) and DIST to a copy of $DIST with an AOT cache recorded by it.
# BENCH_JDK=1: the JDK and the packaged cache instead.
prepare_runtime() {
  JAVA=$JAVA_HOME/bin/java
  [ "${BENCH_JDK:-}" != 1 ] || return 0
  jlink --add-modules "$SIDECAR_JAVA_MODULES" --strip-debug --no-man-pages --no-header-files \
    --generate-cds-archive --output "$WORK/jre" >/dev/null
  JAVA=$WORK/jre/bin/java
  prepare_dist "$DIST" dist
  DIST=$WORK/dist
}

# The floor: the launcher itself, with a java that drops the AOT cache and runs an empty main
# (it accepts TCP connections on the port, so its start can be timed) in place of the proxy.
# Sets FLOOR to the command. Needs JAVA and DIST (prepare_runtime).
make_floor() { # port
  mkdir -p "$WORK/floor"
  cat >"$WORK/floor/Floor.java" <<'EOF'
public class Floor {
  public static void main(String[] args) throws Exception {
    try (var server = new java.net.ServerSocket(Integer.parseInt(args[0]), 50,
        java.net.InetAddress.getLoopbackAddress())) {
      while (true) {
        server.accept().close();
      }
    }
  }
}
EOF
  javac -d "$WORK/floor" "$WORK/floor/Floor.java"
  launcher_java_for "$WORK/floor" "$WORK/floor" Floor "$1"
  FLOOR=(env PALISADE_JAVA="$WORK/floor/java" "$DIST/bin/palisade-proxy")
}

# Writes <dir>/java: a java for the launcher (PALISADE_JAVA) that keeps the launcher's JVM flags,
# drops the AOT cache (it belongs to the proxy's classes) and runs <class> from <classpath> with
# the given arguments in place of the proxy. Needs JAVA.
launcher_java_for() { # dir classpath class arg...
  local dir=$1 classpath=$2 class=$3
  shift 3
  cat >"$dir/java" <<EOF
#!/usr/bin/env bash
flags=()
for arg in "\$@"; do
  [ "\$arg" = -jar ] && break
  case \$arg in -XX:AOTCache=*) continue ;; esac
  flags+=("\$arg")
done
exec "$JAVA" "\${flags[@]}" -cp "$classpath" $class $*
EOF
  chmod +x "$dir/java"
}

# ---- per-process readings ----

status_mib() { awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; } # pid field
reset_peak() { echo 5 >"/proc/$1/clear_refs"; }                                     # VmHWM := VmRSS
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }        # utime+stime

# The kernel keeps no high-water mark of anonymous memory (what a memory limit cannot reclaim), so
# it is sampled: every 200 ms while $WORK/sampling exists (at most 3000 times, 10 minutes),
# forking nothing but sleep. Each argument is one proxy: a pid, or several comma-separated (a
# process and its workers), whose RssAnon is summed per sample. Prints each one's maximum (MiB),
# space-separated.
anon_sampler() {
  local i group pid key value _ max=() n sum
  for ((i = 0; i < 3000; i++)); do
    [ -e "$WORK/sampling" ] || break
    n=0
    for group in "$@"; do
      sum=0
      for pid in ${group//,/ }; do
        while read -r key value _; do
          if [ "$key" = RssAnon: ]; then
            sum=$((sum + value))
            break
          fi
        done <"/proc/$pid/status"
      done
      ((sum > ${max[n]:-0})) && max[n]=$sum
      n=$((n + 1))
    done
    sleep 0.2
  done
  for n in "${!max[@]}"; do awk -v k="${max[n]}" 'BEGIN { printf "%.1f ", k / 1024 }'; done
  echo
}
