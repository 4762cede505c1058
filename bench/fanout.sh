#!/usr/bin/env bash
# GraphQL fan-out: the outside testers' request (a batch of ten operations, each five aliases of
# posts(first: 100) with previous, next and comments(first: 1)), timed alone, and an uncached
# post page's latency while two clients send it over and over. Release build, cache off,
# 2,000 synthetic posts, on SQLite and PostgreSQL.
#
#   bench/fanout.sh                           # this build
#   BIN=/path/to/old/colophon bench/fanout.sh # another build (before/after)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18096}
POSTS=${POSTS:-2000}
DURATION=${DURATION:-10}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
WORK=$(mktemp -d /tmp/colophon-fanout.XXXXXX)
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=$PWD/target/release/colophon
fi
SEEDER=${SEEDER:-$BIN}
SERVER_PID=
LOADERS=()
cleanup() {
  for pid in "${LOADERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 - "$WORK/batch.json" <<'PY'
import json, sys
fields = "posts(first: 100) { edges { node { id previous { id } next { id } comments(first: 1) { edges { node { id } } } } } }"
query = "{ " + " ".join(f"a{i}: {fields}" for i in range(5)) + " }"
json.dump([{"query": query}] * 10, open(sys.argv[1], "w"))
PY

printf '| backend | the batch alone, s | post page p50 ms, quiet | p99 ms, quiet | p50 ms, under the batches | p99 ms, under the batches |\n|---|---:|---:|---:|---:|---:|\n'
for backend in sqlite postgres; do
  env=(RUST_LOG=warn COLOPHON_CACHE=off COLOPHON_WORKERS=2 COLOPHON_DATA_DIR="$WORK/$backend"
       COLOPHON_JWT_SECRET=fanout-benchmark-secret-of-32-bytes!!)
  mkdir -p "$WORK/$backend"
  if [ "$backend" = postgres ]; then
    dropdb -h 127.0.0.1 -U postgres --if-exists colophon_fanout
    createdb -h 127.0.0.1 -U postgres colophon_fanout
    env+=(DATABASE_URL="$PG/colophon_fanout")
  else
    env+=(DATABASE_URL=)
  fi
  env "${env[@]}" "$SEEDER" seed --synthetic --posts "$POSTS" >/dev/null 2>&1
  env "${env[@]}" "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 400); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.05; done
  page="http://127.0.0.1:$PORT/api/v1/posts/synthetic-post-1"
  alone=$(curl -s -o "$WORK/answer.json" -w '%{time_total}' "http://127.0.0.1:$PORT/graphql" \
    -H 'content-type: application/json' --data-binary "@$WORK/batch.json")
  refused=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print(sum(1 for r in a if r.get("errors")))' "$WORK/answer.json")
  wrk -t1 -c4 -d"${DURATION}s" --latency "$page" >"$WORK/quiet.out" 2>&1 || true
  for _ in 1 2; do
    ( while true; do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' --data-binary "@$WORK/batch.json"
      done ) &
    LOADERS+=($!)
  done
  sleep 1
  wrk -t1 -c4 -d"${DURATION}s" --latency "$page" >"$WORK/loaded.out" 2>&1 || true
  for pid in "${LOADERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${LOADERS[@]}" 2>/dev/null || true
  LOADERS=()
  pct() { awk -v p="$2" '$1 == p"%" {print $2}' "$1"; }
  printf '| %s | %s (%s of 10 refused) | %s | %s | %s | %s |\n' "$backend" "$alone" "$refused" \
    "$(pct "$WORK/quiet.out" 50)" "$(pct "$WORK/quiet.out" 99)" "$(pct "$WORK/loaded.out" 50)" "$(pct "$WORK/loaded.out" 99)"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
done
