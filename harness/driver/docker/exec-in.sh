#!/bin/sh
# Inside a world container (docker exec): record this process's pid, then become the daemon.
# The harness stops the daemon by that pid (docker exec does not forward signals).
# usage: exec-in.sh PIDFILE ARGV...
pidfile=$1
shift
echo $$ >"$pidfile"
exec "$@"
