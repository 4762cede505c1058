#!/usr/bin/env bash
# Where the time goes: perf samples every CPU while wrk drives (b) and (c) with the response
# cache off against PostgreSQL, then prints each process's and library's share of the samples
# and the hottest functions of the server. Needs `perf` (Debian: linux-perf) and root, or
# kernel.perf_event_paranoid <= 0.
#
#   bench/profile.sh          # 2,000 posts, 32 connections, 10 s per scenario
set -eu   # no pipefail: `perf report | head` ends with SIGPIPE by design
cd "$(dirname "$0")/.."

POSTS=${POSTS:-2000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18092
WORK=$(mktemp -d /tmp/colophon-profile.XXXXXX)
export SLUG=synthetic-post-1 QUERY_FILE=bench/seed_page.graphql

command -v perf >/dev/null || { echo "profile: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "profile: wrk is missing (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked --quiet
BIN=$PWD/target/release/colophon

dropdb -h 127.0.0.1 -U postgres --if-exists colophon_profile
createdb -h 127.0.0.1 -U postgres colophon_profile
DATABASE_URL="$PG/colophon_profile" "$BIN" seed --synthetic --posts "$POSTS" --data-dir "$WORK" >&2

RUST_LOG=warn COLOPHON_JWT_SECRET=profile-secret-of-at-least-32-bytes!!!! COLOPHON_CACHE=off COLOPHON_WORKERS=2 \
  COLOPHON_DATA_DIR="$WORK" DATABASE_URL="$PG/colophon_profile" \
  "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.1; done

profile() {
  local name=$1 url=$2 script=$3
  wrk -t2 -c"$CONNS" -d3s -s "$script" "$url" >/dev/null
  echo "### $name"
  perf record -q -a -F 499 -o "$WORK/$name.data" -- \
    wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$script" "$url" | grep -E "Requests/sec"
  echo; echo "Share of all samples by thread kind and library (top 12):"; echo '```'
  perf report -i "$WORK/$name.data" --no-children --sort comm,dso --stdio 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -12
  echo '```'; echo "Hottest functions in the server (top 15):"; echo '```'
  perf report -i "$WORK/$name.data" --no-children --pid "$SERVER_PID" --sort sym --stdio 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -15
  echo '```'
}
profile b "http://127.0.0.1:$PORT" bench/post_and_comments.lua
profile c "http://127.0.0.1:$PORT/graphql" bench/graphql.lua
