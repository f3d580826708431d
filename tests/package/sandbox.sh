#!/usr/bin/env bash
# Runs a command as root in a throwaway copy of this machine, so that the
# package's tests can dpkg -i, -r and -P, add users and serve the real
# ports without touching the host:
# - / is the lower layer of an overlay whose upper layer is a tmpfs: every
#   change (dpkg's database, /etc, /usr, /var) is gone when the command ends;
# - /run and /tmp are empty, as after a boot; /proc, /dev and /sys are the
#   host's;
# - a network namespace of its own with only loopback up: 1883, 8000 and
#   the fake servers' ports are the copy's own;
# - a PID namespace of its own: whatever the command leaves running ends
#   with it.
#   tests/package/sandbox.sh COMMAND [ARG...]   (keeps the working directory)
# Needs root and a kernel that lets root mount overlayfs in a new mount
# namespace (Debian 12's does).
set -euo pipefail

if [ "${1:-}" != --inside ]; then
  [ "$(id -u)" -eq 0 ] || { echo "sandbox.sh: needs root (dpkg, mounts)" >&2; exit 1; }
  [ $# -gt 0 ] || { echo "usage: tests/package/sandbox.sh COMMAND [ARG...]" >&2; exit 2; }
  exec unshare --mount --net --pid --fork --propagation private -- "$0" --inside "$PWD" "$@"
fi
shift
cwd=$1
shift

# The layers live on a tmpfs mounted over /mnt in this mount namespace
# only: nothing is left on the host's disk.
top=/mnt
mount -t tmpfs -o mode=0700 nabz-sandbox "$top"
mkdir "$top/upper" "$top/work" "$top/root"
mount -t overlay nabz-sandbox -o "lowerdir=/,upperdir=$top/upper,workdir=$top/work" "$top/root"
root=$top/root
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777,nosuid,nodev nabz-shm "$root/dev/shm"
mount --rbind /sys "$root/sys"
mount -t tmpfs -o mode=0755 nabz-run "$root/run"
mount -t tmpfs -o mode=1777 nabz-tmp "$root/tmp"
mkdir -p "$root/run/lock"
# The checkout (the working directory) and $NABZ_DEB_DIR, read-only at
# their own paths: the copy's fresh /tmp would hide a checkout under /tmp,
# and one on another filesystem than / is not in the overlay at all.
for dir in "$cwd" ${NABZ_DEB_DIR:+"$NABZ_DEB_DIR"}; do
  [ -d "$dir" ] || continue
  mkdir -p "$root$dir"
  mount --bind "$dir" "$root$dir"
  mount -o remount,bind,ro "$root$dir"
done
ip link set lo up

# The copy becomes / (pivot_root, not chroot: systemd, when a test boots
# it, sets up its units' mounts relative to the real root).
mkdir -p "$root/.oldroot"
cd "$root"
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot 2> /dev/null || true
# Shared within the copy, as on a booted host (systemd's per-unit mounts,
# such as a unit's credentials, reach the unit through it); the copy's
# mounts were made private first, so nothing propagates to the host.
mount --make-rshared /
export NABZ_SANDBOX=1
cd "$cwd"
exec "$@"
