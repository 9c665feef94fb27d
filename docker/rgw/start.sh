#!/usr/bin/env bash
# docker/rgw/start.sh - Floe's own S3 test server where no Docker engine runs: Ceph's RADOS
# Gateway (Debian bookworm's radosgw 16.2 "Pacific") on a one-node Ceph cluster (one monitor, one
# OSD on memstore, i.e. RAM, one gateway), bound to 127.0.0.1, no systemd, no containers.
#
#   eval "$(docker/rgw/start.sh)"            # exports FLOE_S3_ENDPOINT, FLOE_S3_ACCESS_KEY, ...
#   docker/rgw/stop.sh                       # stops it and wipes its state
#
# Idempotent: when a gateway of this state folder already answers a signed request it is reused
# (and only the exports are printed); otherwise any leftover of an earlier run is stopped and
# wiped and a fresh cluster boots (about 1-2 s; installing the Debian packages the first time,
# which needs root, takes about 15 s more).
#
# One launcher at a time: start.sh and stop.sh serialise on the flock of $FLOE_RGW_DIR.launcher.lock.
#
# Leases: the test run's global setup calls `start.sh --lease <pid>` and, at teardown,
# `stop.sh --lease <pid>`, which stops the gateway only when no other live lease remains; so two
# test runs sharing one gateway never pull it from under each other. A start without --lease
# takes a "manual" lease that only a plain `stop.sh` releases.
#
# stdout: export lines only (plus FLOE_RGW_STARTED=1 when this call booted the cluster);
# progress and errors go to stderr.
#
# Settings (environment):
#   FLOE_RGW_DIR        state, logs, pid files, leases   (default /tmp/floe-rgw)
#   FLOE_RGW_PORT       S3 port on 127.0.0.1             (default 17580)
#   FLOE_RGW_MON_PORT   Ceph monitor port                (default 13380)
#   FLOE_RGW_ACCESS_KEY / FLOE_RGW_SECRET_KEY            (default floe-test / floe-test-secret-key)
#   FLOE_RGW_MEM_BYTES  memstore capacity (RAM)          (default 3 GiB; keep test data well below:
#                       a full memstore makes PUTs hang instead of failing)
#   FLOE_RGW_START_TIMEOUT  seconds to wait for the gateway (default 120)
set -euo pipefail

DIR=${FLOE_RGW_DIR:-/tmp/floe-rgw}
PORT=${FLOE_RGW_PORT:-17580}
MON_PORT=${FLOE_RGW_MON_PORT:-13380}
ACCESS_KEY=${FLOE_RGW_ACCESS_KEY:-floe-test}
SECRET_KEY=${FLOE_RGW_SECRET_KEY:-floe-test-secret-key}
MEM_BYTES=${FLOE_RGW_MEM_BYTES:-3221225472}
START_TIMEOUT=${FLOE_RGW_START_TIMEOUT:-120}
REGION=us-east-1
ENDPOINT="http://127.0.0.1:${PORT}"
CONF="$DIR/ceph.conf"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

LEASE=manual
if [ "${1:-}" = --lease ]; then LEASE=${2:?--lease needs a pid}; fi

say() { echo "[floe-rgw $(date +%T)] $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

exports() {
  cat <<EOF
export FLOE_S3_ENDPOINT=$ENDPOINT
export FLOE_S3_ACCESS_KEY=$ACCESS_KEY
export FLOE_S3_SECRET_KEY=$SECRET_KEY
export FLOE_S3_REGION=$REGION
EOF
}

# A SigV4-signed ListBuckets answering 200 proves the gateway is up and our user exists.
answers_signed() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    --aws-sigv4 "aws:amz:${REGION}:s3" --user "${ACCESS_KEY}:${SECRET_KEY}" \
    -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
    "$ENDPOINT/" 2>/dev/null) || true
  [ "$code" = 200 ]
}

# ---------------------------------------------------------------- packages
missing=()
for tool in radosgw ceph-osd ceph-mon monmaptool curl uuidgen flock; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; as root run: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw curl uuid-runtime util-linux (or set FLOE_S3_ENDPOINT to an S3 server)"
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them (Debian/Ubuntu only); set FLOE_S3_ENDPOINT instead"
  say "installing ceph-mon ceph-osd radosgw (Debian packages) ..."
  t=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  APT_LOG="${TMPDIR:-/tmp}/floe-rgw-apt.log"
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw curl uuid-runtime util-linux; } >"$APT_LOG" 2>&1; then
    tail -20 "$APT_LOG" >&2
    die "apt-get failed (full log in $APT_LOG)"
  fi
  say "installed in $((SECONDS - t)) s (log in $APT_LOG)"
fi

# ---------------------------------------------------------------- one starter at a time
mkdir -p "$(dirname "$DIR")"
LOCK="$DIR.launcher.lock"
exec 9>"$LOCK"
flock -w 600 9 || die "another start.sh holds $LOCK for 10 minutes"

take_lease() { mkdir -p "$DIR/leases" && echo "$LEASE" >"$DIR/leases/$LEASE"; }

if [ -f "$DIR/env" ] && answers_signed; then
  take_lease
  say "reusing the gateway at $ENDPOINT (state in $DIR)"
  exports
  exit 0
fi

# Whatever is left of an earlier run goes (our daemons only, found through our ceph.conf).
FLOE_RGW_DIR="$DIR" bash "$HERE/stop.sh" --force >&2 || true

busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
busy "$PORT" && die "127.0.0.1:$PORT is taken by another process; set FLOE_RGW_PORT"
busy "$MON_PORT" && die "127.0.0.1:$MON_PORT is taken by another process; set FLOE_RGW_MON_PORT"
[ ! -e "$DIR" ] || die "$DIR exists and is not a state folder of this launcher; set FLOE_RGW_DIR"

# ---------------------------------------------------------------- boot
# Every daemon and tool below runs with the lock's fd 9 closed (9>&-): a daemon inheriting it
# would hold the launcher lock for as long as it lives.
t0=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }
boot_failed() {
  say "ERROR: $1; logs kept in $DIR/log"
  FLOE_RGW_DIR="$DIR" KEEP_STATE=1 bash "$HERE/stop.sh" --force >&2 || true
  exit 1
}
trap 'boot_failed "boot step failed at line $LINENO"' ERR

mkdir -p "$DIR"/{mon/a,osd/0,run,log,rgw,crash,leases}
FSID=$(uuidgen)
# Notes on the settings:
# - no cephx: loopback only, throwaway data; radosgw's default ms_mon_client_mode "secure" needs
#   cephx, hence "crc".
# - one replica, few placement groups, autoscaler off: a one-OSD cluster.
# - paxos intervals: the gateway creates its pools at first start, and each osdmap change would
#   otherwise wait up to a second.
# - tcp_nodelay: without it every small answer waits ~40 ms (Nagle + delayed ACK).
cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
crash dir = $DIR/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 2
mon data avail crit = 1
paxos propose interval = 0.01
paxos min wait = 0.001
[mon]
mon data = $DIR/mon/\$id
[osd]
osd data = $DIR/osd/\$id
osd objectstore = memstore
memstore device bytes = $MEM_BYTES
[client.rgw.floe]
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw data = $DIR/rgw
rgw thread pool size = 128
EOF

OUT="$DIR/log/boot.out"
say "booting a one-node Ceph cluster in $DIR ..."
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >"$OUT" 2>&1 9>&-
ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >>"$OUT" 2>&1 9>&-
ceph-mon -c "$CONF" -i a >>"$OUT" 2>&1 9>&-                   # daemonizes
OSD_UUID=$(uuidgen)
OSD_ID=$(ceph -c "$CONF" --connect-timeout 30 osd new "$OSD_UUID" 2>>"$OUT" 9>&-)
[ "$OSD_ID" = 0 ] || boot_failed "ceph osd new answered '$OSD_ID'"
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$OUT" 2>&1 9>&-
ceph-osd -c "$CONF" -i 0 >>"$OUT" 2>&1 9>&-                    # daemonizes
radosgw -c "$CONF" -n client.rgw.floe >>"$OUT" 2>&1 9>&-      # daemonizes

deadline=$((SECONDS + START_TIMEOUT))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ENDPOINT/" 2>/dev/null || true)" = 200 ]; do
  [ $SECONDS -lt $deadline ] || boot_failed "radosgw did not answer on $ENDPOINT within ${START_TIMEOUT} s"
  sleep 0.1
done
# --max-buckets=0 means no limit: the default quota (1000 buckets) is too small for a fresh bucket per test.
radosgw-admin -c "$CONF" user create --uid=floe-test --display-name=floe-test \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" --max-buckets=0 >>"$OUT" 2>&1 9>&- \
  || boot_failed "radosgw-admin user create failed"
until answers_signed; do
  [ $SECONDS -lt $deadline ] || boot_failed "signed requests to $ENDPOINT still fail after ${START_TIMEOUT} s"
  sleep 0.1
done
trap - ERR

exports >"$DIR/env"
take_lease
say "S3 (Ceph RADOS Gateway 16.2) up at $ENDPOINT in $(elapsed); pids mon $(cat "$DIR/run/mon.a.pid") osd $(cat "$DIR/run/osd.0.pid") rgw $(cat "$DIR/run/client.rgw.floe.pid")"
exports
echo "export FLOE_RGW_STARTED=1"
