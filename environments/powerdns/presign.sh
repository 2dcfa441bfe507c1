#!/bin/sh
# presign.sh CONFIG_DIR
# Before pdns_server starts: make the bind backend's DNSSEC database (CONFIG_DIR/dnssec.db, as set in
# CONFIG_DIR/pdns.conf) and mark every zone of CONFIG_DIR/zones.list PRESIGNED, so that the server
# serves the signatures in the zone files instead of signing (or, without the database, dropping them).
# Only pdnsutil and sqlite3 run here: they read the zone files and the database, and listen on nothing.
set -eu
[ "$#" -eq 1 ] || { echo "usage: presign.sh CONFIG_DIR" >&2; exit 2; }
dir=$1
if [ ! -f "$dir/pdns.conf" ] || [ ! -f "$dir/zones.list" ]; then
  echo "presign.sh: $dir lacks pdns.conf or zones.list" >&2
  exit 2
fi
rm -f "$dir/dnssec.db" "$dir/dnssec.db-wal" "$dir/dnssec.db-shm"
pdnsutil --config-dir="$dir" create-bind-db "$dir/dnssec.db"
# The rows `pdnsutil set-presigned ZONE` writes (domainmetadata: the zone without its final dot, but
# "." for the root; PRESIGNED; 1), for all zones in one sqlite3 transaction: a pdnsutil per zone parses every zone of
# the configuration each time, which took seconds for the remote site's forty zones.
if grep . "$dir/zones.list" | grep -qv '^[A-Za-z0-9_.-]*$'; then
  echo "presign.sh: $dir/zones.list holds a name that is not a plain host name" >&2
  exit 2
fi
n=$(grep -c . "$dir/zones.list" || true)
[ "$n" -gt 0 ] || { echo "presign.sh: no zone in $dir/zones.list" >&2; exit 1; }
{
  echo "BEGIN;"
  grep . "$dir/zones.list" | sed -e 's/\(.\)\.$/\1/' \
    -e "s/.*/INSERT INTO domainmetadata (domain, kind, content) VALUES ('&', 'PRESIGNED', '1');/"
  echo "COMMIT;"
} | sqlite3 "$dir/dnssec.db"
# PowerDNS itself must read them back: the first zone's PRESIGNED metadata, as pdnsutil sees it.
first=$(grep -m1 . "$dir/zones.list")
pdnsutil --config-dir="$dir" get-meta "$first" PRESIGNED 2>/dev/null | grep -qx 'PRESIGNED = 1' || {
  echo "presign.sh: pdnsutil does not see $first as PRESIGNED" >&2
  exit 1
}
echo "presign.sh: $n zone(s) marked PRESIGNED in $dir/dnssec.db"
