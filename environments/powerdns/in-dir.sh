#!/bin/sh
# in-dir.sh DIR CMD [ARGS...]: run CMD (exec: same pid) with DIR as its working directory.
# A PowerDNS control socket is <socket-dir>/<program>.controlsocket, and a Unix socket path must
# stay under 108 bytes. The harness's {{sockDir}} can be too long for that with these instance
# names, so the daemon is started inside it with socket-dir=. (a short, relative path).
set -eu
[ "$#" -ge 2 ] || { echo "usage: in-dir.sh DIR CMD [ARGS...]" >&2; exit 2; }
cd -- "$1"
shift
exec "$@"
