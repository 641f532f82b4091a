#!/usr/bin/env bash
# Assembles target/palisade-proxy/ (bin/palisade-proxy, lib/*.jar) and records its AOT cache by
# running `selfcheck` through the launcher itself, so the cache is built with exactly the flags
# it will be used with. Run by Maven at `package` (sidecar/pom.xml); needs the JDK that builds.
#   assemble.sh <module dir> <target dir> <built jar> [skip-aot]
set -euo pipefail
module=$1 target=$2 jar=$3 skip_aot=${4:-false}
dist=$target/palisade-proxy

mkdir -p "$dist/bin" "$dist/lib"
cp -p "$jar" "$dist/lib/palisade-sidecar.jar"
install -m 0755 "$module/src/dist/bin/palisade-proxy" "$dist/bin/palisade-proxy"
rm -f "$dist/lib/palisade-proxy.aot"
if [[ $skip_aot == true ]]; then
  echo "palisade-proxy: AOT cache skipped"
  exit 0
fi
# The training run: two proxies and 50 connections through them. The JVM's AOT warnings (signed
# BouncyCastle jars and dynamic proxies are not cached) go to a file, not the build log.
log=$target/palisade-proxy-aot.log
if ! PALISADE_AOT_OUTPUT="$dist/lib/palisade-proxy.aot" \
    PALISADE_JAVA_OPTS="-Xlog:disable -Xlog:all=warning:file=$log" \
    "$dist/bin/palisade-proxy" selfcheck 50; then
  echo "palisade-proxy: the AOT training run failed; see $log" >&2
  exit 1
fi
ls -l "$dist/lib/palisade-proxy.aot"
