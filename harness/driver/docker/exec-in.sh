#!/bin/sh
# Inside a world container (docker exec): start ARGV in a session and process group of its own,
# record its pid for the harness, then become the daemon. docker exec does not forward signals,
# so the harness stops the daemon with `kill -- -PID` in the container (the whole group, as the
# netns driver signals the group: `postfix start-fg` leaves master as a child of its script).
# usage: exec-in.sh PIDFILE ARGV...
if [ "$1" = "--in-session" ]; then
  shift
  echo $$ >"$1"
  shift
  exec "$@"
fi
exec setsid -w /bin/sh "$0" --in-session "$@"
