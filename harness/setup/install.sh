#!/usr/bin/env bash
# Install what the harness needs on Debian bookworm, as root. Idempotent: a second run changes nothing.
#  1. npm dependencies (npm ci, only when package-lock.json changed since the last install)
#  2. the Debian packages of the harness and of every environments/*/manifest.yaml
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

mapfile -t pkgs < <(node --import tsx harness/setup/packages.ts)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  # Postfix asks how to configure the host's own mail system: it gets none.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  trap '[ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get update -q >&2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
else
  say "Debian packages are installed (${#pkgs[@]})"
fi
say "ready"
