#!/usr/bin/env bash
# docker/rgw/stop.sh - stops the gateway that docker/rgw/start.sh booted and wipes its state.
#
#   stop.sh                 release the "manual" lease, then stop if no live lease is left
#   stop.sh --lease <pid>   release that lease (a test run's teardown), then the same
#   stop.sh --force         stop now, whatever the leases
#
# Daemons are found by their pid files and checked against the command line that names our
# ceph.conf: nothing is ever killed by name alone. Data lives in memstore (RAM), so SIGKILL loses
# nothing worth keeping. KEEP_STATE=1 keeps the state folder (its logs) instead of wiping it.
set -uo pipefail
DIR=${FLOE_RGW_DIR:-/tmp/floe-rgw}
CONF="$DIR/ceph.conf"

MODE=lease
LEASE=manual
case "${1:-}" in
  --force) MODE=force ;;
  --lease) LEASE=${2:?--lease needs a pid} ;;
  '') ;;
  *) echo "usage: stop.sh [--lease <pid> | --force]" >&2; exit 2 ;;
esac

if [ "$MODE" = lease ]; then
  # The same lock as start.sh: a lease taken by a concurrent start is seen, never lost.
  [ -d "$DIR" ] || exit 0
  exec 9>"$DIR.launcher.lock"
  flock -w 600 9 || { echo "[floe-rgw] cannot lock $DIR.launcher.lock" >&2; exit 1; }
  rm -f "$DIR/leases/$LEASE"
  for f in "$DIR"/leases/*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if [ "$name" = manual ] || kill -0 "$name" 2>/dev/null; then
      echo "[floe-rgw] still leased by $name: leaving the gateway up" >&2
      exit 0
    fi
    rm -f "$f" # its test run died without a teardown
  done
fi

pids=()
for f in "$DIR"/run/*.pid; do
  [ -f "$f" ] && pids+=("$(cat "$f")")
done
# daemons that died before writing a pid file, or that are still looking for their monitor
for d in /proc/[0-9]*; do
  cmd=$( { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null) || continue
  case "$cmd" in
    ceph-mon\ *"-c $CONF "* | ceph-osd\ *"-c $CONF "* | radosgw\ *"-c $CONF "* | radosgw-admin\ *"-c $CONF "* | ceph\ *"-c $CONF "*)
      pids+=("${d#/proc/}") ;;
  esac
done

killed=()
for p in $(printf '%s\n' "${pids[@]}" | sort -u); do
  [ -r "/proc/$p/cmdline" ] || continue
  tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "-c $CONF " || continue
  kill -KILL "$p" 2>/dev/null && killed+=("$p")
done
for _ in $(seq 100); do
  alive=0
  for p in "${killed[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break
  sleep 0.05
done
[ ${#killed[@]} -gt 0 ] && echo "[floe-rgw] stopped pids ${killed[*]}" >&2

if [ "${KEEP_STATE:-0}" != 1 ] && [ -e "$DIR" ]; then
  # Wipe only a folder this launcher made (it always holds ceph.conf), never anything else.
  if [ -f "$CONF" ] || [ -z "$(ls -A "$DIR")" ]; then
    rm -rf "$DIR"
  else
    echo "[floe-rgw] $DIR holds no ceph.conf: not wiping it" >&2
  fi
fi
exit 0
