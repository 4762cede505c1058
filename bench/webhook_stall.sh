#!/usr/bin/env bash
# A webhook receiver that never answers beside a healthy one (the hardening round's scenario):
# how long the healthy receiver waits for each event, with the release build on SQLite.
#
#   bench/webhook_stall.sh            # builds release, appends to bench/results/webhook-stall-<time>.md
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18098
WORK=$(mktemp -d /tmp/colophon-stall.XXXXXX)
OUT=bench/results/webhook-stall-$(date -u +%Y%m%dT%H%M%SZ).md
BIN=${BIN:-}
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ -z "$BIN" ]; then cargo build --release --locked --quiet; BIN=$PWD/target/release/colophon; fi
RUST_LOG=error COLOPHON_DATA_DIR="$WORK" COLOPHON_WEBHOOK_ALLOW_PRIVATE=on \
  "$BIN" serve --demo --bind "127.0.0.1:$PORT" >"$WORK/stdout" 2>"$WORK/stderr" &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
PASSWORD=$(awk '/password:/ {print $2}' "$WORK/stdout")
API=http://127.0.0.1:$PORT/api/v1
TOKEN=$(curl -sf "$API/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"admin@colophon.test\",\"password\":\"$PASSWORD\"}" | jq -r .access_token)
{
  echo "# Webhooks with a stalled receiver, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD), release, SQLite"
  echo
  python3 bench/webhook_stall.py "$API" "$TOKEN" 40
} | tee "$OUT"
