#!/usr/bin/env bash
# Install what the harness needs on Debian bookworm, as root. Idempotent: a second run changes nothing.
#  1. npm dependencies (npm ci, only when package-lock.json changed since the last install)
#  2. the Debian packages of the harness and of every environments/*/manifest.yaml, the packages
#     they unpack without installing (dpkg -x), and the system users they need
# System services that packages would start on the host are kept from starting: the harness runs
# its own daemons in its own namespaces.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '[setup] %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  say "run as root (apt packages, network namespaces)"; exit 2
fi
command -v node >/dev/null || { say "Node.js 20 is required (node not found)"; exit 2; }

stamp=node_modules/.nccoe-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
else
  say "npm dependencies are current"
fi

mapfile -t wants < <(node --import tsx harness/setup/packages.ts)
pkgs=(); unpacks=(); users=()
for w in "${wants[@]}"; do
  case "$w" in
    "install "*) pkgs+=("${w#install }") ;;
    "unpack "*) unpacks+=("${w#unpack }") ;;
    "user "*) users+=("${w#user }") ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ] && [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get update -q >&2
  fi
  apt_updated=1
}
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  # Postfix asks how to configure the host's own mail system: it gets none.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  trap '[ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
else
  say "Debian packages are installed (${#pkgs[@]})"
fi

# Packages that conflict with installed ones are unpacked, not installed (e.g. exim4 beside postfix).
for p in "${unpacks[@]}"; do
  dest=/opt/nccoe-harness/unpacked/$p
  want=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [ -z "$want" ] || [ "$want" = "(none)" ]; then apt_update_once; want=$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}'); fi
  if [ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$want" ]; then
    say "$p $want is unpacked"
    continue
  fi
  say "unpacking $p $want into $dest"
  tmp=$(mktemp -d); chmod 777 "$tmp"   # apt's _apt user downloads into it
  (cd "$tmp" && apt-get download -q "$p" >&2)
  rm -rf "$dest"; mkdir -p "$dest"
  dpkg -x "$tmp"/*.deb "$dest"
  echo "$want" > "$dest/.version"
  rm -rf "$tmp"
done

# System users that unpacked binaries have compiled in (created as their packages' postinst would).
for u in "${users[@]}"; do
  if ! getent passwd "$u" >/dev/null; then
    say "creating system user $u"
    adduser --system --group --quiet --home /nonexistent --no-create-home --disabled-login --force-badname "$u" >&2
  fi
done
say "ready"
