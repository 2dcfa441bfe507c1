#!/bin/sh
# in-private-mounts.sh SRC1 DST1 [SRC2 DST2 ...] -- cmd [args...]
#
# Bind-mounts each SRC over DST, then execs cmd. Arguments only, no shell
# strings. Meant to run as: unshare -m --propagation private -- sh THIS ...
# It refuses to run in the host's mount namespace, so a mistake can never
# cover the real folders. A missing DST folder is created (mount point).
set -eu

die() { echo "in-private-mounts.sh: $*" >&2; exit 2; }

# unshare (without --fork) execs us in the new namespace, so our parent is
# still in the old one: same namespace as the parent means no unshare.
self_ns=$(readlink /proc/self/ns/mnt) || die "cannot read /proc/self/ns/mnt"
parent_ns=$(readlink "/proc/$PPID/ns/mnt") || die "cannot read /proc/$PPID/ns/mnt"
[ -n "$self_ns" ] && [ "$self_ns" != "$parent_ns" ] ||
  die "not in a private mount namespace (run under unshare -m --propagation private)"

while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  [ "$#" -ge 2 ] || die "SRC without DST: $1"
  src=$1
  dst=$2
  shift 2
  [ -d "$src" ] || die "source folder missing: $src"
  [ -d "$dst" ] || mkdir -p -- "$dst"
  mount --bind -- "$src" "$dst" || die "mount --bind $src $dst failed"
done

[ "$#" -gt 0 ] || die "missing -- before the command"
shift
[ "$#" -gt 0 ] || die "missing command after --"
exec "$@"
