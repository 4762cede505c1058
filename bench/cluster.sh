#!/usr/bin/env bash
# Scale-out on one machine (issue 13): a PostgreSQL primary and a streaming replica of its own
# (initdb, pg_basebackup -R), PgBouncer in transaction mode in front of the primary, and three
# Colophon nodes (writes and signed-in reads through PgBouncer, LISTEN on a direct connection,
# anonymous reads on the replica). Shows:
#   1. a write through node A is served by node C within how long (20 writes, p50 and max);
#   2. no node serves an answer older than a write it was told of (every read checked);
#   3. the comment limit (5 a minute) holds across the nodes;
#   4. read throughput with one, two and three nodes, with each process group's CPU;
#   5. the replica stopped and restarted under reads and writes: no error, no stale read.
# Release build; figures written to bench/results/cluster-<time>.md.
#
#   bench/cluster.sh                 # 2,000 synthetic posts, 10 s throughput runs
#   DURATION=20 bench/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
POSTS=${POSTS:-2000}
BIN=${BIN:-}
WORK=$(mktemp -d /tmp/colophon-cluster.XXXXXX)
OUT=bench/results/cluster-$(date -u +%Y%m%dT%H%M%SZ).md
fail() { echo "cluster bench: $*" >&2; exit 1; }
for tool in wrk pgbouncer python3 curl psql pg_config; do command -v "$tool" >/dev/null || fail "$tool is missing"; done
PGBIN=$(pg_config --bindir)
if [ -z "$BIN" ]; then cargo build --release --locked --quiet; BIN=$PWD/target/release/colophon; fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PRIMARY=$(free_port); REPLICA=$(free_port); BOUNCER=$(free_port)
NODES=("$(free_port)" "$(free_port)" "$(free_port)")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/pgbouncer.pid" ] && kill "$(cat "$WORK/pgbouncer.pid")" 2>/dev/null || true
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/replica" -m immediate stop >/dev/null 2>&1 || true
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/primary" -m immediate stop >/dev/null 2>&1 || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$WORK"

echo "== a primary (port $PRIMARY) and its streaming replica (port $REPLICA)" >&2
as_postgres "$PGBIN/initdb" -D "$WORK/primary" -A trust -U postgres --no-sync -E UTF8 >/dev/null
pg_options="-c listen_addresses=127.0.0.1 -k $WORK -c max_connections=200 -c shared_buffers=256MB"
as_postgres "$PGBIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w -o "-p $PRIMARY $pg_options" start >/dev/null
as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PRIMARY" -U postgres colophon
as_postgres "$PGBIN/pg_basebackup" -D "$WORK/replica" -R -X stream -h 127.0.0.1 -p "$PRIMARY" -U postgres
as_postgres "$PGBIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w -o "-p $REPLICA $pg_options" start >/dev/null

echo "== PgBouncer, transaction mode (port $BOUNCER)" >&2
cat >"$WORK/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PRIMARY user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER
unix_socket_dir = $WORK
auth_type = trust
auth_file = $WORK/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
logfile = $WORK/pgbouncer.log
pidfile = $WORK/pgbouncer.pid
INI
echo '"postgres" ""' >"$WORK/userlist.txt"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"/pgbouncer.ini "$WORK"/userlist.txt
as_postgres pgbouncer -d "$WORK/pgbouncer.ini"

DIRECT=postgres://postgres@127.0.0.1:$PRIMARY/colophon
env_common=(RUST_LOG=warn COLOPHON_JWT_SECRET=cluster-bench-secret-of-at-least-32-bytes
  DATABASE_URL=postgres://postgres@127.0.0.1:$BOUNCER/colophon COLOPHON_DB_PGBOUNCER=on
  COLOPHON_LISTEN_URL=$DIRECT COLOPHON_REPLICA_URLS=postgres://postgres@127.0.0.1:$REPLICA/colophon
  COLOPHON_METRICS_TOKEN=cluster-metrics COLOPHON_COMMENTS_PER_MINUTE=5 COLOPHON_CACHE_MB=4
  COLOPHON_WORKERS=2)
echo "== $POSTS synthetic posts, an admin, three nodes" >&2
env "${env_common[@]}" COLOPHON_DATA_DIR="$WORK/seed" "$BIN" seed --synthetic --posts "$POSTS" >/dev/null
printf '%s\n' 'cluster admin password' | env "${env_common[@]}" COLOPHON_DATA_DIR="$WORK/seed" "$BIN" user create \
  --email admin@cluster.test --name Admin --role admin --password-stdin >/dev/null
for i in 0 1 2; do
  mkdir -p "$WORK/node$i"
  env "${env_common[@]}" COLOPHON_DATA_DIR="$WORK/node$i" "$BIN" serve --no-demo --bind "127.0.0.1:${NODES[$i]}" \
    >"$WORK/node$i.out" 2>"$WORK/node$i.err" &
  PIDS+=($!)
done
for port in "${NODES[@]}"; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || fail "a node did not start: $(cat "$WORK"/node*.err)"
done

PG_OPTIONS="$pg_options"
export NODES_CSV="${NODES[0]},${NODES[1]},${NODES[2]}" POSTS PRIMARY REPLICA WORK PGBIN OUT PG_OPTIONS
python3 bench/cluster_checks.py "$DURATION"
echo "written to $OUT" >&2
