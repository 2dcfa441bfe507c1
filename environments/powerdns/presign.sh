#!/bin/sh
# presign.sh CONFIG_DIR
# Before pdns_server starts: make the bind backend's DNSSEC database (CONFIG_DIR/dnssec.db, as set in
# CONFIG_DIR/pdns.conf) and mark every zone of CONFIG_DIR/zones.list PRESIGNED, so that the server
# serves the signatures in the zone files instead of signing (or, without the database, dropping them).
# Only pdnsutil runs here: it reads the zone files and the database, and listens on nothing.
set -eu
[ "$#" -eq 1 ] || { echo "usage: presign.sh CONFIG_DIR" >&2; exit 2; }
dir=$1
if [ ! -f "$dir/pdns.conf" ] || [ ! -f "$dir/zones.list" ]; then
  echo "presign.sh: $dir lacks pdns.conf or zones.list" >&2
  exit 2
fi
rm -f "$dir/dnssec.db" "$dir/dnssec.db-wal" "$dir/dnssec.db-shm"
pdnsutil --config-dir="$dir" create-bind-db "$dir/dnssec.db"
n=0
while IFS= read -r zone; do
  [ -n "$zone" ] || continue
  pdnsutil --config-dir="$dir" set-presigned "$zone"
  n=$((n + 1))
done < "$dir/zones.list"
[ "$n" -gt 0 ] || { echo "presign.sh: no zone in $dir/zones.list" >&2; exit 1; }
echo "presign.sh: $n zone(s) marked PRESIGNED in $dir/dnssec.db"
