#!/usr/bin/env bash
# Property-tests the running server against its own OpenAPI document with Schemathesis, on one
# backend, anonymous and as the admin: no 5xx, no response that breaks the document, no
# undocumented status code. Usage: .ci/schemathesis.sh sqlite|postgres
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND=$1
VERSION=4.32.5
VENV=target/ci-venv
PORT=${SCHEMATHESIS_PORT:-18200}
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-25}
BIN=target/debug/colophon
WORK=$(mktemp -d /tmp/colophon-schemathesis.XXXXXX)

if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$VERSION" || { echo "FATAL: cannot install schemathesis $VERSION from PyPI" >&2; exit 1; }
fi
[ -x "$BIN" ] || cargo build --locked --bin colophon

env_vars=(RUST_LOG=warn COLOPHON_DATA_DIR="$WORK" COLOPHON_JWT_SECRET=schemathesis-secret-of-at-least-32-bytes
          COLOPHON_COMMENTS_PER_MINUTE=1000000)
if [ "$BACKEND" = postgres ]; then
  dropdb -h 127.0.0.1 -U postgres --if-exists colophon_schemathesis
  createdb -h 127.0.0.1 -U postgres colophon_schemathesis
  env_vars+=(DATABASE_URL=postgres://postgres@127.0.0.1:5432/colophon_schemathesis)
else
  env_vars+=(DATABASE_URL=)
fi
env "${env_vars[@]}" "$BIN" serve --demo --bind "127.0.0.1:$PORT" >"$WORK/stdout" 2>"$WORK/stderr" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/stderr" >&2; echo "FATAL: the server did not start" >&2; exit 1; }

PASSWORD=$(awk '/password:/ {print $2}' "$WORK/stdout")
TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"admin@colophon.test\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

run() {
  "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/openapi.json" \
    --checks all --max-examples "$EXAMPLES" --seed 20261126 --workers 1 --request-timeout 10 \
    --report junit --report-dir "$WORK/$1" "${@:2}"
}
echo "== schemathesis ($BACKEND, anonymous)"
run anonymous
echo "== schemathesis ($BACKEND, admin)"
run admin -H "Authorization: Bearer $TOKEN"
if grep -q "panicked" "$WORK/stderr"; then
  echo "FATAL: the server panicked during the run" >&2
  exit 1
fi
