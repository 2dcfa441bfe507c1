#!/usr/bin/env bash
# Set up the docker driver on Debian bookworm, as root. Idempotent: a second run changes nothing.
#  1. the harness's own setup (npm, Debian packages, unpacked Exim, system users)
#  2. docker.io, debootstrap and docker-compose (1.29, standalone: bookworm's docker.io has no
#     compose plugin), which brings docker-compose.yml up
#  3. a private dockerd (its own socket and data root; no docker0 bridge, no iptables, so no NAT:
#     nothing a world sends can leave the machine), started if it is not answering
#  4. nccoe/base:bookworm, imported from a debootstrap minbase tree (no registry is needed)
#  5. nccoe/world:<hash>, one image with every Debian package the manifests name, and the
#     host's users and groups (same ids: configs are written on the host and read in containers)
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=harness/driver/docker

say() { printf '[docker-setup] %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || { say "run as root"; exit 2; }

bash harness/setup/install.sh

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || ! command -v docker-compose >/dev/null; then
  say "installing docker.io, debootstrap and docker-compose"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get update -q >&2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io debootstrap docker-compose >&2
fi

sock=${NCCOE_DOCKER_SOCK:-/run/nccoe-docker.sock}
export DOCKER_HOST=unix://$sock
docker=(/usr/bin/docker)
if ! "${docker[@]}" info >/dev/null 2>&1; then
  say "starting dockerd on $sock (data root /var/lib/nccoe-docker, --bridge=none, --iptables=false)"
  mkdir -p /var/lib/nccoe-docker /run/nccoe-docker
  setsid dockerd --host "$DOCKER_HOST" --data-root /var/lib/nccoe-docker --exec-root /run/nccoe-docker \
    --pidfile /run/nccoe-docker.pid --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    </dev/null >>/var/log/nccoe-dockerd.log 2>&1 &
  for _ in $(seq 1 600); do
    "${docker[@]}" info >/dev/null 2>&1 && break
    sleep 0.1
  done
  "${docker[@]}" info >/dev/null 2>&1 || { say "dockerd did not answer; see /var/log/nccoe-dockerd.log"; exit 1; }
else
  say "dockerd is answering on $sock"
fi

# The Debian mirror the host uses (deb822 or one-line sources).
mirror=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
  | grep -v security | head -1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}

if ! "${docker[@]}" image inspect nccoe/base:bookworm >/dev/null 2>&1; then
  t0=$(date +%s)
  root=$(mktemp -d /var/tmp/nccoe-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  say "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >&2
  tar -C "$root" -c . | "${docker[@]}" import - nccoe/base:bookworm >&2
  rm -rf "$root"
  say "nccoe/base:bookworm imported in $(($(date +%s) - t0)) s"
else
  say "nccoe/base:bookworm is present"
fi

mapfile -t pkgs < <(node --import tsx harness/setup/packages.ts | awk '$1 == "install" {print $2}' | sort -u)
ctx=$(mktemp -d /var/tmp/nccoe-image.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
cp "$here/Dockerfile" "$ctx/"
cp /etc/passwd /etc/group "$ctx/"
printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  "$mirror" >"$ctx/debian.sources"
printf '%s\n' "${pkgs[@]}" >"$ctx/packages.txt"
tag=$(cat "$ctx"/* | sha256sum | cut -c1-12)
if ! "${docker[@]}" image inspect "nccoe/world:$tag" >/dev/null 2>&1; then
  t0=$(date +%s)
  say "building nccoe/world:$tag (${#pkgs[@]} packages)"
  DOCKER_BUILDKIT=0 "${docker[@]}" build --network host -t "nccoe/world:$tag" "$ctx" >&2
  say "nccoe/world:$tag built in $(($(date +%s) - t0)) s"
else
  say "nccoe/world:$tag is present"
fi
"${docker[@]}" tag "nccoe/world:$tag" nccoe/world:latest
say "ready: DOCKER_HOST=$DOCKER_HOST, image nccoe/world:latest (= $tag)"
