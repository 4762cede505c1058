#!/usr/bin/env bash
# What webhooks cost: write latency with no subscription, with one but no deliverer (the outbox
# alone: what the write's own transaction adds), and with one while the deliverer sends on the same
# two cores, for two writes: the cheapest there is (a product with a title) and a content write (a
# published post with a 1.5 KB Markdown body and two tags); and
# how many deliveries one process sends a second to a local receiver (nginx answering 200),
# draining a backlog written while delivery was off. Release build, both backends.
#
#   bench/webhooks.sh                    # 10 s write runs, a backlog of 5,000 events
#   DURATION=20 EVENTS=20000 bench/webhooks.sh
#   BIN=/tmp/colophon-before bench/webhooks.sh   # another build (a baseline), not rebuilt
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
EVENTS=${EVENTS:-5000}
CONNS=${CONNS:-4}
ROUNDS=${ROUNDS:-3}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18095
HOOK_PORT=18096
WORK=$(mktemp -d /tmp/colophon-webhooks.XXXXXX)
OUT=bench/results/webhooks-$(date -u +%Y%m%dT%H%M%SZ).md
BIN=${BIN:-}
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
if [ -z "$BIN" ]; then cargo build --release --locked --quiet; BIN=$PWD/target/release/colophon; fi

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
  write_run product "$label" "$backend" bench/post_product.lua products
  write_run post "$label" "$backend" bench/post_post.lua posts
}

write_run() {
  local what=$1 label=$2 backend=$3 script=$4 path=$5
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$PORT/api/v1/$path" >"$WORK/wrk.out"
  python3 - "$label" "$backend" "$WORK/wrk.out" "$what" <<'PY' >>"$OUT.rows"
import re, sys
label, backend, path, what = sys.argv[1:]
text = open(path).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
def q(p):
    m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", text)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"| {backend} | {what} | {label} | {float(rps):,.0f} | {q(50):.2f} | {q(99):.2f} | {errors.group(1) if errors else 0} |")
with open(path + ".runs", "a") as runs:
    runs.write(f"{backend}\t{what}\t{label}\t{rps}\t{q(50)}\n")
PY
}

{
  echo "# Webhooks: write cost and delivery rate ($(date -u +%F), $BIN, $CONNS writers, ${DURATION}s runs)"
  echo
  echo "| backend | write | subscriptions | req/s | p50 ms | p99 ms | non-2xx |"
  echo "|---|---|---|---:|---:|---:|---:|"
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
  # Rounds of A then B: no subscription (the subscription switched off), then the outbox alone (it
  # switched on, no deliverer), so that the database's growth and the machine's noise fall on both.
  HOOK=$(curl -sf "http://127.0.0.1:$PORT/api/v1/webhooks" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"product.created\",\"post.published\"]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  switch() {
    curl -sf -X PATCH "http://127.0.0.1:$PORT/api/v1/webhooks/$HOOK" -H "authorization: Bearer $TOKEN" \
      -H 'content-type: application/json' -d "{\"active\":$1}" >/dev/null
  }
  for round in $(seq 1 "$ROUNDS"); do
    switch false
    writes "no subscription ($round)" "$backend"
    switch true
    writes "one subscription, outbox only ($round)" "$backend"
  done
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
  # One subscription: a delivery per event (SQLite makes them when delivery starts).
  queued=$(sql "$backend" "SELECT count(*) FROM events")
  started=$(date +%s%N)
  start "$backend" on
  while [ "$(sql "$backend" "SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'")" -lt "$queued" ]; do sleep 0.05; done
  ms=$(( ($(date +%s%N) - started) / 1000000 ))
  DRAIN+=("| $backend | $queued | $ms | $(( queued * 1000 / ms )) |")
  stop
done
cat "$OUT.rows" >>"$OUT"; rm -f "$OUT.rows"
python3 - "$WORK/wrk.out.runs" <<'PY' >>"$OUT"
import statistics, sys
runs = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print("\nWhat the outbox adds (medians of the rounds; A = no subscription, B = outbox only):\n")
print("| backend | write | p50 A ms | p50 B ms | p50 change | req/s A | req/s B | req/s change |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for backend in ("sqlite", "postgres"):
    for what in ("product", "post"):
        def median(kind, column):
            values = [float(r[column]) for r in runs if r[0] == backend and r[1] == what and r[2].startswith(kind)]
            return statistics.median(values)
        pa, pb = median("no subscription", 4), median("one subscription, outbox only", 4)
        ra, rb = median("no subscription", 3), median("one subscription, outbox only", 3)
        print(f"| {backend} | {what} | {pa:.2f} | {pb:.2f} | {(pb / pa - 1) * 100:+.1f}% | {ra:,.0f} | {rb:,.0f} | {(rb / ra - 1) * 100:+.1f}% |")
PY
{
  echo
  echo "Draining a backlog (one process, from its start, including start-up):"
  echo
  echo "| backend | deliveries | ms | deliveries/s |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${DRAIN[@]}"
} >>"$OUT"
cat "$OUT"
