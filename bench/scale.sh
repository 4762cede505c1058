#!/usr/bin/env bash
# The scale curve: first page, a page 10,000 posts deep (by cursor) and a post by slug, with
# 1k, 100k and 1M synthetic posts on PostgreSQL, response cache off, one connection (latency,
# not throughput). Keyset pages and indexes should keep these flat.
#
#   bench/scale.sh                 # 1000 100000 1000000
#   bench/scale.sh 1000 100000     # a shorter curve
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-1000 100000 1000000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18120
BIN=target/release/colophon
cargo build --release --locked --quiet
WORK=$(mktemp -d /tmp/colophon-scale.XXXXXX)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null || true' EXIT

# shellcheck source=bench/latency.sh
source bench/latency.sh

echo "| posts | seeding | first page p50 / p99 ms | page 10,000 posts deep p50 / p99 ms | post by slug p50 / p99 ms |"
echo "|---:|---:|---:|---:|---:|"
for n in $SIZES; do
  db=colophon_scale_$n
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; createdb -h 127.0.0.1 -U postgres "$db"
  started=$(date +%s)
  DATABASE_URL="$PG/$db" "$BIN" seed --synthetic --posts "$n" --data-dir "$WORK" >/dev/null 2>"$WORK/seed-$n.log"
  seeded=$(( $(date +%s) - started ))
  DATABASE_URL="$PG/$db" COLOPHON_JWT_SECRET=scale-secret-of-at-least-32-bytes-long COLOPHON_CACHE=off RUST_LOG=warn \
    "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server-$n.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  base="http://127.0.0.1:$PORT/api/v1"
  # Walk to the cursor after 10,000 posts (or as deep as there are posts).
  depth=$(( n > 10100 ? 10000 : n - 100 )); cursor=""; walked=0
  while [ "$walked" -lt "$depth" ]; do
    cursor=$(curl -s "$base/posts?limit=100${cursor:+&cursor=$cursor}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"] or "")')
    walked=$(( walked + 100 ))
  done
  first=$(latency "$base/posts?limit=20")
  deep=$(latency "$base/posts?limit=20&cursor=$cursor")
  slug=$(latency "$base/posts/synthetic-post-$(( n / 2 + 1 ))")
  echo "| $n | ${seeded} s | $first | $deep | $slug |"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
done
