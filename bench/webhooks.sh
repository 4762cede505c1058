#!/usr/bin/env bash
# What webhooks cost: write latency with no subscription, with one (the outbox row and the
# delivery row written in the write's transaction) while the deliverer sends on the same two cores,
# and with one but no deliverer (the outbox alone); and
# how many deliveries one process sends a second to a local receiver (nginx answering 200),
# draining a backlog written while delivery was off. Release build, both backends.
#
#   bench/webhooks.sh                    # 10 s write runs, a backlog of 5,000 events
#   DURATION=20 EVENTS=20000 bench/webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
EVENTS=${EVENTS:-5000}
CONNS=${CONNS:-4}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18095
HOOK_PORT=18096
WORK=$(mktemp -d /tmp/colophon-webhooks.XXXXXX)
OUT=bench/results/webhooks-$(date -u +%Y%m%dT%H%M%SZ).md
BIN=$PWD/target/release/colophon
SERVER_PID=
NGINX_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "webhooks bench: $*" >&2; exit 1; }
for tool in wrk nginx sqlite3 psql curl python3; do command -v "$tool" >/dev/null || fail "$tool is missing"; done
cargo build --release --locked --quiet

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx;
  server { listen 127.0.0.1:$HOOK_PORT; location / { return 200 "ok"; } }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!

env_for() {
  local backend=$1
  echo "RUST_LOG=warn COLOPHON_JWT_SECRET=benchmark-secret-of-at-least-32-bytes!! COLOPHON_WORKERS=2"
  echo "COLOPHON_WEBHOOK_ALLOW_PRIVATE=on COLOPHON_DATA_DIR=$WORK/$backend"
  if [ "$backend" = postgres ]; then echo "DATABASE_URL=$PG/colophon_webhooks"; else echo "DATABASE_URL="; fi
}

start() {
  local backend=$1 delivery=$2
  # shellcheck disable=SC2046
  env $(env_for "$backend") COLOPHON_WEBHOOK_DELIVERY="$delivery" "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" \
    >"$WORK/server-$backend.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 400); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && return; sleep 0.025; done
  fail "the server did not start: $(cat "$WORK/server-$backend.log")"
}

stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }

sql() {
  local backend=$1 query=$2
  if [ "$backend" = postgres ]; then psql -qtA "$PG/colophon_webhooks" -c "$query"; else sqlite3 "$WORK/$backend/colophon.db" "$query"; fi
}

writes() {
  local label=$1 backend=$2
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s bench/post_product.lua "http://127.0.0.1:$PORT/api/v1/products" >"$WORK/wrk.out"
  python3 - "$label" "$backend" "$WORK/wrk.out" <<'PY' >>"$OUT"
import re, sys
label, backend, path = sys.argv[1:]
text = open(path).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
def q(p):
    m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", text)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"| {backend} | {label} | {float(rps):,.0f} | {q(50):.2f} | {q(99):.2f} | {errors.group(1) if errors else 0} |")
PY
}

{
  echo "# Webhooks: write cost and delivery rate ($(date -u +%F), release, $CONNS writers, ${DURATION}s runs)"
  echo
  echo "| backend | writes | req/s | p50 ms | p99 ms | non-2xx |"
  echo "|---|---|---:|---:|---:|---:|"
} >"$OUT"
DRAIN=()
for backend in sqlite postgres; do
  rm -rf "${WORK:?}/$backend"; mkdir -p "$WORK/$backend"
  if [ "$backend" = postgres ]; then
    dropdb -h 127.0.0.1 -U postgres --if-exists colophon_webhooks; createdb -h 127.0.0.1 -U postgres colophon_webhooks
  fi
  # shellcheck disable=SC2046
  printf '%s\n' 'bench admin password' | env $(env_for "$backend") "$BIN" user create \
    --email admin@bench.test --name Admin --role admin --password-stdin >/dev/null 2>&1
  start "$backend" off
  TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@bench.test","password":"bench admin password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  export TOKEN
  # A, B, A: no subscription, the outbox alone (one subscription, no deliverer), no subscription
  # again (the subscription switched off), so that the database's growth shows as drift.
  writes "no subscription" "$backend"
  HOOK=$(curl -sf "http://127.0.0.1:$PORT/api/v1/webhooks" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"product.created\"]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  writes "one subscription, outbox only" "$backend"
  switch() {
    curl -sf -X PATCH "http://127.0.0.1:$PORT/api/v1/webhooks/$HOOK" -H "authorization: Bearer $TOKEN" \
      -H 'content-type: application/json' -d "{\"active\":$1}" >/dev/null
  }
  switch false
  writes "no subscription (again)" "$backend"
  switch true
  stop
  start "$backend" on
  writes "one subscription, delivering" "$backend"
  stop
  # A backlog written with delivery off, then drained by one process.
  start "$backend" off
  sql "$backend" "DELETE FROM webhook_attempts; DELETE FROM webhook_deliveries; DELETE FROM events;" >/dev/null
  python3 - "$PORT" "$TOKEN" "$EVENTS" <<'PY'
import json, sys, urllib.request, concurrent.futures
port, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def one(i):
    r = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/products", data=json.dumps({"title": f"Rug {i}"}).encode(),
                               headers={"content-type": "application/json", "authorization": "Bearer " + token})
    urllib.request.urlopen(r).read()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    list(pool.map(one, range(n)))
PY
  stop
  queued=$(sql "$backend" "SELECT count(*) FROM webhook_deliveries")
  started=$(date +%s%N)
  start "$backend" on
  while [ "$(sql "$backend" "SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'")" -lt "$queued" ]; do sleep 0.05; done
  ms=$(( ($(date +%s%N) - started) / 1000000 ))
  DRAIN+=("| $backend | $queued | $ms | $(( queued * 1000 / ms )) |")
  stop
done
{
  echo
  echo "Draining a backlog (one process, from its start, including start-up):"
  echo
  echo "| backend | deliveries | ms | deliveries/s |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${DRAIN[@]}"
} >>"$OUT"
cat "$OUT"
