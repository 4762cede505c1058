#!/usr/bin/env bash
# Compression: bytes on the wire and req/s for the cached post page and list, in each coding the
# cache keeps (identity, gzip, brotli, zstd). Release build, SQLite, the synthetic data set.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18097}
POSTS=${POSTS:-2000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
WORK=$(mktemp -d /tmp/colophon-compression.XXXXXX)
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=$PWD/target/release/colophon
fi
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

env -u DATABASE_URL RUST_LOG=warn COLOPHON_DATA_DIR="$WORK" "$BIN" seed --synthetic --posts "$POSTS" >/dev/null 2>&1
env -u DATABASE_URL RUST_LOG=warn COLOPHON_DATA_DIR="$WORK" COLOPHON_WORKERS=2 \
  "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 400); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.05; done

printf '| answer | coding | bytes | req/s (cached) | p99 ms |\n|---|---|---:|---:|---:|\n'
for target in "post page with 50 comments|/api/v1/posts/synthetic-post-1?include=comments&comments_limit=50" \
              "list of 20|/api/v1/posts?limit=20"; do
  name=${target%%|*}; path=${target#*|}
  for coding in identity gzip br zstd; do
    url="http://127.0.0.1:$PORT$path"
    bytes=$(curl -s -o /dev/null -w '%{size_download}' -H "Accept-Encoding: $coding" "$url")
    curl -s -o /dev/null -H "Accept-Encoding: $coding" "$url"   # the cache now holds this coding
    wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Accept-Encoding: $coding" "$url" >"$WORK/wrk.out" 2>&1 || true
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$coding" "$bytes" \
      "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk.out")" "$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")"
  done
done
