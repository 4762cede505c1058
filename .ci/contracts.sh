#!/usr/bin/env bash
# The public tools of the field against Colophon's contracts: Redocly CLI's recommended rules and
# openapi-spec-validator on the OpenAPI document, the graphql-http audit (GraphQL over HTTP) and a
# graphql-js reading of live introspection against schema/schema.graphql, and webhook signatures
# verified by the Standard Webhooks reference library (PyPI standardwebhooks), every feed through
# feedparser and the sitemap through an XML parser. Any error fails.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${CONTRACTS_PORT:-18210}
VENV=target/ci-venv
BIN=target/debug/colophon
VALIDATOR=0.9.0
STANDARD_WEBHOOKS=1.1.0
FEEDPARSER=6.0.11
WORK=$(mktemp -d /tmp/colophon-contracts.XXXXXX)

command -v node >/dev/null || { echo "FATAL: node (Node.js 20+) is needed for the GraphQL and OpenAPI tools" >&2; exit 1; }
(cd .ci/node && npm ci --no-audit --no-fund --silent) || { echo "FATAL: npm ci in .ci/node failed" >&2; exit 1; }
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/pip" show openapi-spec-validator 2>/dev/null | grep -q "Version: $VALIDATOR"; then
  "$VENV/bin/pip" install --quiet "openapi-spec-validator==$VALIDATOR" || { echo "FATAL: cannot install openapi-spec-validator" >&2; exit 1; }
fi
if ! "$VENV/bin/pip" show standardwebhooks 2>/dev/null | grep -q "Version: $STANDARD_WEBHOOKS"; then
  "$VENV/bin/pip" install --quiet "standardwebhooks==$STANDARD_WEBHOOKS" || { echo "FATAL: cannot install standardwebhooks" >&2; exit 1; }
fi
if ! "$VENV/bin/pip" show feedparser 2>/dev/null | grep -q "Version: $FEEDPARSER"; then
  "$VENV/bin/pip" install --quiet "feedparser==$FEEDPARSER" || { echo "FATAL: cannot install feedparser" >&2; exit 1; }
fi
[ -x "$BIN" ] || cargo build --locked --bin colophon

echo "-- Redocly CLI (recommended rules)"
(cd .ci/node && npx --no-install redocly lint ../../openapi/openapi.json --config redocly.yaml --format=stylish 2>&1 \
  | grep -v -e '║' -e '╔' -e '╚')
echo "-- openapi-spec-validator"
"$VENV/bin/openapi-spec-validator" openapi/openapi.json

SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
env -u DATABASE_URL RUST_LOG=warn COLOPHON_DATA_DIR="$WORK" COLOPHON_WEBHOOK_ALLOW_PRIVATE=on "$BIN" serve --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.05; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { cat "$WORK/server.log" >&2; echo "FATAL: the server did not start" >&2; exit 1; }

echo "-- graphql-http audit (GraphQL over HTTP)"
node .ci/node/graphql-audit.mjs "http://127.0.0.1:$PORT/graphql"
echo "-- schema/schema.graphql against live introspection"
node .ci/node/schema-check.mjs "http://127.0.0.1:$PORT/graphql" schema/schema.graphql
echo "-- feeds through feedparser, the sitemap through an XML parser"
"$VENV/bin/python" .ci/feed-check.py "http://127.0.0.1:$PORT"
echo "-- webhook signatures against the Standard Webhooks reference library"
PASSWORD=$(sed -n 's/^ *password: *//p' "$WORK/server.log" | head -n 1)
[ -n "$PASSWORD" ] || { cat "$WORK/server.log" >&2; echo "FATAL: no demo admin password in the server's output" >&2; exit 1; }
"$VENV/bin/python" .ci/webhook-check.py "http://127.0.0.1:$PORT" "$PASSWORD"
