#!/usr/bin/env bash
# Issue 26's goal: a post with 20 custom fields costs no more than 10% more than one without,
# uncached, in the read compiler's answers. Seeds synthetic posts on PostgreSQL (or SQLite),
# defines 20 fields of every type, and measures the list of 20 and a post's page with the
# response cache off, in alternating rounds: without values, then with 20 values on every post.
# Alternating on one server puts the machine's noise on both sides alike.
#
#   bench/custom_fields.sh                  # PostgreSQL, 2,000 posts, 3 rounds of 8 s per side
#   BACKEND=sqlite bench/custom_fields.sh
#   BUILD=0 bench/custom_fields.sh          # with target/release/colophon as it is
set -euo pipefail
cd "$(dirname "$0")/.."

POSTS=${POSTS:-2000}
DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
BACKEND=${BACKEND:-postgres}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=colophon_fields_bench
PORT=18097
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d /tmp/colophon-fields-bench.XXXXXX)

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || { echo "wrk is missing" >&2; exit 1; }
[ "${BUILD:-1}" = 0 ] || cargo build --release --locked --quiet
BIN=$PWD/target/release/colophon

env_vars=(RUST_LOG=warn COLOPHON_JWT_SECRET=benchmark-secret-of-at-least-32-bytes!! COLOPHON_CACHE=off
          COLOPHON_WORKERS=2 COLOPHON_DATA_DIR="$WORK/data")
if [ "$BACKEND" = postgres ]; then
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB"
  createdb -h 127.0.0.1 -U postgres "$DB"
  env_vars+=(DATABASE_URL="$PG/$DB")
  sql() { psql -q "$PG/$DB" -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
else
  env_vars+=(DATABASE_URL=)
  sql() { sqlite3 "$WORK/data/colophon.db" "$1"; }
fi
mkdir -p "$WORK/data"
env "${env_vars[@]}" "$BIN" seed --synthetic --posts "$POSTS" >&2
env "${env_vars[@]}" "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 400); do curl -sf -o /dev/null "$BASE/api/v1/posts?limit=1" && break; sleep 0.05; done

# 20 definitions (two of each type but lists, four texts), written straight to the table.
SPECS=(
  'subtitle|{"type":"text","label":"subtitle","required":false,"public":true}'
  'kicker|{"type":"text","label":"kicker","required":false,"public":true}'
  'series|{"type":"text","label":"series","required":false,"public":true}'
  'sponsor|{"type":"text","label":"sponsor","required":false,"public":true}'
  'reading_minutes|{"type":"integer","label":"reading_minutes","required":false,"public":true}'
  'word_count|{"type":"integer","label":"word_count","required":false,"public":true}'
  'price|{"type":"number","label":"price","required":false,"public":true}'
  'rating|{"type":"number","label":"rating","required":false,"public":true}'
  'featured|{"type":"boolean","label":"featured","required":false,"public":true}'
  'archived|{"type":"boolean","label":"archived","required":false,"public":true}'
  'mood|{"type":"select","label":"mood","required":false,"public":true,"options":["calm","angry"]}'
  'season|{"type":"select","label":"season","required":false,"public":true,"options":["spring","fall"]}'
  'released|{"type":"date","label":"released","required":false,"public":true}'
  'expires|{"type":"date","label":"expires","required":false,"public":true}'
  'recorded_at|{"type":"datetime","label":"recorded_at","required":false,"public":true}'
  'source|{"type":"url","label":"source","required":false,"public":true}'
  'homepage|{"type":"url","label":"homepage","required":false,"public":true}'
  'cast|{"type":"list","of":"text","label":"cast","required":false,"public":true}'
  'summary|{"type":"markdown","label":"summary","required":false,"public":true}'
  'notes|{"type":"text","label":"notes","required":false,"public":false}'
)
for spec in "${SPECS[@]}"; do
  sql "INSERT INTO field_definitions (entity, name, spec, public, created_at, updated_at) VALUES \
       ('posts', '${spec%%|*}', '${spec#*|}', $( [[ $spec == *'"public":false'* ]] && echo false || echo true ), \
       CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
done
VALUES='{"subtitle":"A head fake, probably","kicker":"Rumour","series":"Gadgets","sponsor":"Nobody",
"reading_minutes":4,"word_count":812,"price":499.99,"rating":4.5,"featured":true,"archived":false,
"mood":"calm","season":"spring","released":"2010-04-19","expires":"2011-04-19",
"recorded_at":"2010-04-20T15:00:00Z","source":"https://gizmodo.com/iphone","homepage":"https://example.com/",
"cast":["Jeff Bridges","John Goodman","Julianne Moore"],
"summary":{"markdown":"A *prototype* left in a bar.","html":"<p>A <em>prototype</em> left in a bar.</p>\n"},
"notes":"staff only"}'
VALUES=$(echo "$VALUES" | tr -d '\n')
# What the public sees, as every write keeps it beside the values: all but the staff-only notes.
PUBLIC=$(python3 -c 'import json,sys; v=json.loads(sys.argv[1]); v.pop("notes"); print(json.dumps(dict(sorted(v.items())), separators=(",", ":")))' "$VALUES")

run() { # NAME URL: one measured wrk run, "req/s p99" on stdout
  wrk -t2 -c"$CONNS" -d2s "$2" >/dev/null 2>&1 || true
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$2" >"$WORK/wrk.out" 2>&1 || true
  python3 bench/parse_wrk.py "$1" "$BACKEND" "$WORK/wrk.out" 0 100 | awk -F'\t' '{print $3, $5, $6}'
}

echo "| round | answer | no values: req/s (p99 ms, errors) | 20 values: req/s (p99 ms, errors) | ratio |"
echo "|---|---|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for answer in "list of 20|$BASE/api/v1/posts?limit=20" "post page|$BASE/api/v1/posts/synthetic-post-1"; do
    name=${answer%%|*} url=${answer#*|}
    sql "UPDATE posts SET custom_fields = '{}', public_custom_fields = '{}'"
    read -r plain plain_p99 plain_errors <<<"$(run "$name" "$url")"
    sql "UPDATE posts SET custom_fields = '$VALUES', public_custom_fields = '$PUBLIC'"
    read -r with with_p99 with_errors <<<"$(run "$name" "$url")"
    ratio=$(python3 -c "print(f'{$with / max(1, $plain):.2f}')")
    echo "| $round | $name | $plain ($plain_p99, $plain_errors) | $with ($with_p99, $with_errors) | $ratio |"
  done
done
curl -s "$BASE/api/v1/posts/synthetic-post-1" | python3 -c \
  'import json,sys; v=json.load(sys.stdin)["custom_fields"]; print(f"checked: the page shows {len(v)} public values")'
