#!/usr/bin/env bash
# Regenerates kube/go.mod for a Kubernetes release. k8s.io/kubernetes cannot be
# required as-is: its go.mod points every staging module (k8s.io/api, ...) at
# v0.0.0 with a local replace. We replace each with its published v0.<minor>.<patch>.
# Usage: hack/tools/gen-kube-gomod.sh v1.34.4   (then commit go.mod and go.sum)
set -euo pipefail
version=${1:?usage: $0 v1.MINOR.PATCH}
staging=v0.${version#v1.}
dir=$(cd "$(dirname "$0")/kube" && pwd)
upstream=$(curl -fsS "${GOPROXY_URL:-https://proxy.golang.org}/k8s.io/kubernetes/@v/${version}.mod")
mods=$(printf '%s\n' "$upstream" | awk '$2 ~ /^=>$/ && $3 ~ /^\.\/staging/ {print $1}')
{
  echo "module palisade.dev/hack/kube"
  echo
  echo "go 1.24.0"
  echo
  echo "require k8s.io/kubernetes ${version}"
  echo
  echo "replace ("
  for m in $mods; do echo "	$m => $m $staging"; done
  echo ")"
} > "$dir/go.mod"
cd "$dir" && GOFLAGS=-mod=mod go mod tidy
