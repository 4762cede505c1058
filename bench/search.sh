#!/usr/bin/env bash
# Full-text search latency: a two-word query (two of the synthetic vocabulary's made-up words
# that one post holds, so every query finds something; words of every frequency, by Zipf's law)
# at 100k and 1M synthetic posts on PostgreSQL and 100k on SQLite, response cache off, one
# connection (latency, not throughput), 200 different queries in turn. Beside it, in the same run:
# the list's first page (the cheapest read) and, on PostgreSQL, the search statement alone through
# pgbench for one median query (the floor: what the database takes for it, warm).
#
#   bench/search.sh                          # postgres:100000 postgres:1000000 sqlite:100000
#   bench/search.sh postgres:100000 sqlite:20000
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${*:-postgres:100000 postgres:1000000 sqlite:100000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18121
DURATION=${DURATION:-10}
cargo build --release --locked --quiet
BIN=$(realpath "${CARGO_TARGET_DIR:-target}")/release/colophon
WORK=$(mktemp -d /tmp/colophon-search.XXXXXX)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null || true' EXIT
for tool in wrk pgbench psql sqlite3 python3; do command -v "$tool" >/dev/null || { echo "search bench: $tool is missing" >&2; exit 1; }; done

latency() { # wrk args… → "p50 / p99" in ms
  wrk -t1 -c1 -d2s "$@" >/dev/null 2>&1
  wrk -t1 -c1 -d"${DURATION}s" --latency "$@" | python3 -c '
import re, sys
t = sys.stdin.read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
if errors: sys.exit(f"non-2xx answers: {errors.group(1)}")
print(f"{p50:.2f} / {p99:.2f}")'
}

sql() { # backend db query
  if [ "$1" = postgres ]; then psql -qtA "$PG/$2" -c "$3"; else sqlite3 "$2" "$3"; fi
}

echo "# Search: two-word queries, one connection, cache off ($(date -u +%F), $(git rev-parse --short HEAD))"
echo
echo "| backend | posts | seeding | matches per query (median / max) | search p50 / p99 ms | list page p50 / p99 ms | statement alone (pgbench) p50 ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for run in $RUNS; do
  backend=${run%%:*}; n=${run##*:}
  # KEEP=1 reuses a database an earlier run seeded (PostgreSQL: colophon_search_N; SQLite: under
  # /tmp/colophon-search-N) instead of seeding anew.
  if [ "$backend" = postgres ]; then
    db=colophon_search_$n; target=$db; url="$PG/$db"; dir="$WORK/sqlite-$n"
    fresh=$([ "${KEEP:-0}" = 1 ] && psql -qtA "$PG/$db" -c "SELECT 1" >/dev/null 2>&1 && echo no || echo yes)
    if [ "$fresh" = yes ]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; createdb -h 127.0.0.1 -U postgres "$db"; fi
  else
    dir=/tmp/colophon-search-$n; target="$dir/colophon.db"; url=""
    fresh=$([ "${KEEP:-0}" = 1 ] && [ -f "$target" ] && echo no || echo yes)
    if [ "$fresh" = yes ]; then rm -rf "$dir"; mkdir -p "$dir"; fi
  fi
  started=$(date +%s)
  if [ "$fresh" = yes ]; then
    DATABASE_URL="$url" "$BIN" seed --synthetic --posts "$n" --data-dir "$dir" >/dev/null 2>"$WORK/seed-$run.log"
    seeded="$(( $(date +%s) - started )) s"
  else
    seeded="(kept)"
  fi
  [ "$backend" = postgres ] && sql postgres "$db" "VACUUM ANALYZE posts" >/dev/null
  # Queries: two made-up words (three consonant-vowel syllables) from each of 200 posts.
  sql "$backend" "$target" "SELECT body_text FROM posts WHERE status = 'published' ORDER BY id LIMIT 200" \
    | python3 -c '
import random, re, sys
random.seed(1)
made_up = re.compile(r"^(?:[bcdfghjklmnpqrstvwxyz][aeiou]){3}$")
for line in sys.stdin:
    words = sorted({w.lower().strip(".") for w in line.split() if made_up.match(w.lower().strip("."))})
    if len(words) >= 2:
        print(" ".join(random.sample(words, 2)))' >"$WORK/queries-$run.txt"
  matches=$(while read -r a b; do
      if [ "$backend" = postgres ]; then
        sql postgres "$db" "SELECT count(*) FROM posts WHERE search_vector @@ websearch_to_tsquery('english', '$a $b') AND status = 'published'"
      else
        sql sqlite "$target" "SELECT count(*) FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid WHERE posts_fts MATCH '\"$a\" AND \"$b\"' AND p.status = 'published'"
      fi
    done < <(head -40 "$WORK/queries-$run.txt") | sort -n | python3 -c 'import sys; v=[int(x) for x in sys.stdin]; print(f"{v[len(v)//2]} / {v[-1]}")')
  cat >"$WORK/search.lua" <<LUA
local queries = {}
for line in io.lines("$WORK/queries-$run.txt") do queries[#queries + 1] = line:gsub(" ", "%%20") end
local i = 0
request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/api/v1/posts?q=" .. queries[i])
end
LUA
  DATABASE_URL="$url" COLOPHON_DATA_DIR="$dir" COLOPHON_JWT_SECRET=search-secret-of-at-least-32-bytes-long \
    COLOPHON_CACHE=off RUST_LOG=warn "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server-$run.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  search=$(latency -s "$WORK/search.lua" "http://127.0.0.1:$PORT")
  list=$(latency "http://127.0.0.1:$PORT/api/v1/posts?limit=20")
  floor="–"
  if [ "$backend" = postgres ]; then
    read -r a b < <(sed -n 100p "$WORK/queries-$run.txt")
    cat >"$WORK/floor.sql" <<SQL
SELECT page.id, page.score, page.body_text, page.excerpt FROM (SELECT * FROM (SELECT m.id, m.excerpt, m.body_text,
  ts_rank_cd(m.search_vector, websearch_to_tsquery('english', '"$a" "$b"'), 1)::float8 AS score
  FROM (SELECT p.id, p.excerpt, p.body_text, p.search_vector FROM posts p
        WHERE p.search_vector @@ websearch_to_tsquery('english', '"$a" "$b"') AND p.status = 'published'
        AND p.published_at <= now()::timestamp LIMIT 500) m) hits ORDER BY score DESC, id DESC LIMIT 21) page;
SQL
    floor=$(pgbench -n -c1 -T"$DURATION" -f "$WORK/floor.sql" "$PG/$db" 2>/dev/null | awk '/latency average/ {print $4}')
  fi
  echo "| $backend | $n | $seeded | $matches | $search | $list | $floor |"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
done
