#!/usr/bin/env bash
# Builds container images with no registry and no Docker engine, and imports them into the
# development node's containerd (hack/cluster-up.sh starts it).
#
#   build-images.sh node      the node's own images: pause (containerd's sandbox image), CoreDNS
#   build-images.sh palisade  palisade/operator and palisade/sidecar from their Dockerfiles, on
#                             bases of a few Debian packages and a jlink-ed Java 25 runtime, and
#                             palisade/demo-app; needs the Maven build (`./mvnw package`) first
#
# Images are tagged with a hash of what went into them, so an unchanged image is neither
# rebuilt nor imported again. Writes the image names to ~/.cache/palisade/images/images.env
# (sourced by the demo and the e2e tests) and prints its path. Sizes: docs/images.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

what=${1:?usage: build-images.sh node|palisade}
images=$(images_dir)
mkdir -p "$images/debs" "$images/rootfs" "$images/tmp"
socket=$(containerd_socket)
[ -S "$socket" ] || die "containerd is not running at $socket (start the node with hack/cluster-up.sh)"

# buildah keeps its storage in our cache, apart from any system-wide one; vfs works everywhere.
bah() { buildah --root "$images/storage" --runroot "$images/run" --storage-driver vfs "$@"; }
ctr_k8s() { ctr --address "$socket" --namespace k8s.io "$@"; }
env_file=$images/images.env
touch "$env_file"

imported() { ctr_k8s images ls -q | grep -qxF "$1"; }

# Pushes a buildah image to an OCI archive named REF and imports it into containerd.
import_image() { # local-name ref
  local archive="$images/tmp/image.tar"
  rm -f "$archive"
  bah push -q "$1" "oci-archive:$archive:$2" >/dev/null
  ctr_k8s images import --no-unpack=false "$archive" >/dev/null  # unpacked for the CRI
  rm -f "$archive"
  log "imported $2 ($(image_size "$2"))"
}

image_size() { ctr_k8s images ls | awk -v ref="$1" '$1 == ref {print $4 " " $5}'; }

record() { # VARIABLE ref: the env file names the image for the demo and the tests
  grep -v "^$1=" "$env_file" >"$env_file.tmp" || true
  echo "$1=$2" >>"$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
}

# A root file system of Debian packages, unpacked (not installed: no maintainer scripts run),
# without docs, locales and charset converters. The base images are keyed by package names, not
# versions: delete ~/.cache/palisade/images to take Debian's point updates.
debian_rootfs() { # dir package...
  local dir=$1; shift
  (cd "$images/debs" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null 2>&1) \
    || { apt-get update -qq && (cd "$images/debs" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null); }
  rm -rf "$dir"; mkdir -p "$dir"
  local package deb
  for package in "$@"; do
    deb=$(ls -t "$images/debs/${package}_"*.deb | head -n1)
    dpkg-deb -x "$deb" "$dir"
  done
  rm -rf "$dir"/usr/share/{doc,man,locale,lintian,info,bug} "$dir/usr/lib/x86_64-linux-gnu/gconv" \
    "$dir/etc/ld.so.conf.d"
  mkdir -p "$dir/etc" "$dir/tmp" && chmod 1777 "$dir/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\npalisade-proxy:x:1337:1337:palisade-proxy:/tmp:/sbin/nologin\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\npalisade-proxy:x:1337:\n' >"$dir/etc/group"
  printf 'hosts: files dns\n' >"$dir/etc/nsswitch.conf"
}

# A base image for one Java program: Debian's libc (the JVM needs nothing else), a shell for
# the Dockerfiles' RUN steps, and a Java 25 runtime jlink-ed to the modules that program uses,
# at the path and with the variables of the eclipse-temurin images the Dockerfiles default to.
java_base() { # name modules extra-package...
  local name=$1 modules=$2; shift 2
  local packages=(libc6 libgcc-s1 dash "$@")
  local tag; tag=$(content_hash hack/build-images.sh "$modules" "${packages[*]}" "$(java -version 2>&1)")
  local ref="localhost/palisade/$name:$tag"
  if ! bah images -q "$ref" >/dev/null 2>&1; then { # only the reference goes to stdout
    log "building base image $ref ($modules)"
    local rootfs="$images/rootfs/$name"
    debian_rootfs "$rootfs" "${packages[@]}"
    ln -sf dash "$rootfs/bin/sh"
    jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
      --generate-cds-archive --output "$rootfs/opt/java/openjdk"
    if [ -e "$rootfs/usr/sbin/xtables-nft-multi" ]; then
      # What the iptables package's postinst would do with update-alternatives: the nft
      # variant, the host's too; the legacy, arp and eb tables go.
      for tool in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
        ln -sf xtables-nft-multi "$rootfs/usr/sbin/$tool"
      done
      rm -f "$rootfs"/usr/sbin/{xtables-legacy-multi,*legacy*,arptables*,ebtables*,*-translate,*-apply}
    fi
    local container; container=$(bah from scratch)
    bah copy -q "$container" "$rootfs/" / >/dev/null
    bah config --env JAVA_HOME=/opt/java/openjdk \
      --env PATH=/opt/java/openjdk/bin:/usr/sbin:/usr/bin:/sbin:/bin "$container"
    bah commit -q --rm "$container" "$ref" >/dev/null
  } >&2; fi
  echo "$ref"
}

# palisade/<name> from <module>/Dockerfile on the given base; the tag covers the base and the
# packaged program.
program_image() { # name module dist-dir base variable
  local name=$1 module=$2 dist=$3 base=$4 variable=$5
  [ -d "$PALISADE_ROOT/$dist" ] || die "$dist is missing: run ./mvnw package -DskipTests first"
  local tag; tag=dev-$(content_hash "$module/Dockerfile" "$dist" "$base")
  local ref="docker.io/palisade/$name:$tag"
  if ! imported "$ref"; then
    log "building $ref from $module/Dockerfile"
    bah bud -q --isolation chroot --layers=false --build-arg "BASE_IMAGE=$base" \
      -f "$PALISADE_ROOT/$module/Dockerfile" -t "localhost/palisade/$name:$tag" "$PALISADE_ROOT" >/dev/null
    import_image "localhost/palisade/$name:$tag" "$ref"
    bah rmi -f "localhost/palisade/$name:$tag" >/dev/null
  fi
  record "$variable" "$ref"
}

# An image of one static Go program from hack/tools, run as the given user.
go_image() { # name tool-dir ref-repository variable user [binary]
  local name=$1 tool=$2 repository=$3 variable=$4 user=$5 binary=${6:-}
  local tag; tag=$(content_hash "hack/tools/$tool" hack/build-images.sh "$([ -z "$binary" ] || sha256sum <"$binary")")
  local ref="$repository:$tag"
  if ! imported "$ref"; then
    log "building $ref"
    local root="$images/rootfs/$name"
    rm -rf "$root"; mkdir -p "$root"
    if [ -n "$binary" ]; then
      cp "$binary" "$root/$name"
    else
      (cd "$PALISADE_ROOT/hack/tools/$tool" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$root/$name" .)
    fi
    local container; container=$(bah from scratch)
    bah copy -q "$container" "$root/$name" "/$name" >/dev/null
    bah config --entrypoint "[\"/$name\"]" --user "$user" "$container"
    bah commit -q --rm "$container" "localhost/palisade/$name:$tag" >/dev/null
    import_image "localhost/palisade/$name:$tag" "$ref"
    bah rmi -f "localhost/palisade/$name:$tag" >/dev/null
  fi
  record "$variable" "$ref"
}

case $what in
  node)
    go_image pause pause docker.io/palisade/pause PAUSE_IMAGE 65535
    [ "$(pause_image)" = "$(grep '^PAUSE_IMAGE=' "$env_file" | cut -d= -f2)" ] \
      || die "the pause image's tag differs from lib.sh's pause_image"
    go_image coredns coredns docker.io/palisade/coredns COREDNS_IMAGE 65532 "$(kube_bin_dir)/coredns"
    ;;
  palisade)
    use_jdk25
    # The modules each program uses (jdeps, plus what it reaches by reflection or service
    # loading: java.net.http for fabric8's JDK client, jdk.management for Micrometer's process
    # metrics); java.desktop and jdk.jfr, which jdeps also names, are optional there.
    sidecar_base=$(java_base jre-sidecar "$SIDECAR_JAVA_MODULES" \
      iptables libxtables12 libip4tc2 libip6tc2 libnftnl11 libmnl0 libnetfilter-conntrack3 libnfnetlink0)
    operator_base=$(java_base jre-operator \
      java.base,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.management,jdk.unsupported)
    program_image sidecar sidecar sidecar/target/palisade-proxy "$sidecar_base" SIDECAR_IMAGE
    program_image operator operator operator/target/palisade-operator "$operator_base" OPERATOR_IMAGE
    go_image demo-app demo-app docker.io/palisade/demo-app DEMO_APP_IMAGE 10001
    ;;
  *) die "usage: build-images.sh node|palisade" ;;
esac
echo "$env_file"
