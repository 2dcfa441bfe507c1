#!/bin/sh
# Run by signer.ts as `unshare --net -- sh in-private-net.sh <argv...>`: in the new, empty network
# namespace, bring up its own loopback, then become <argv...> (pdns_server) with the same pid.
set -e
ip link set lo up
exec "$@"
