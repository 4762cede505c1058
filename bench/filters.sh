#!/usr/bin/env bash
# Filters and sorts of the public post list at scale (issue 25): each filter and sort on N
# synthetic posts (PostgreSQL, response cache off, one connection: latency, not throughput), and
# the plan PostgreSQL chose for each list statement (auto_explain, read from the server's log).
#
#   bench/filters.sh              # 1,000,000 posts
#   bench/filters.sh 100000       # fewer
#   KEEP=1 bench/filters.sh       # keep the database for another run (it is reused when present)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18121
BIN=target/release/colophon
PGLOG=${PGLOG:-$(ls /var/log/postgresql/postgresql-*-main.log | head -n 1)}
cargo build --release --locked --quiet
WORK=$(mktemp -d /tmp/colophon-filters.XXXXXX)
SERVER=
db=colophon_filters_$N
psql_db() { psql -h 127.0.0.1 -U postgres -d "$db" -tAc "$1"; }
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER DATABASE $db RESET ALL" 2>/dev/null || true
  [ -z "${KEEP:-}" ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$db"
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$(psql_db "SELECT count(*) FROM posts" 2>/dev/null || echo 0)" != "$N" ]; then
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; createdb -h 127.0.0.1 -U postgres "$db"
  started=$(date +%s)
  DATABASE_URL="$PG/$db" "$BIN" seed --synthetic --posts "$N" --data-dir "$WORK" >/dev/null 2>"$WORK/seed.log"
  echo "seeded $N posts in $(( $(date +%s) - started )) s"
fi
psql_db "ANALYZE" >/dev/null

# shellcheck source=bench/latency.sh
source bench/latency.sh
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

tag1=$(psql_db "SELECT slug FROM tags ORDER BY id LIMIT 1")
tag2=$(psql_db "SELECT slug FROM tags ORDER BY id OFFSET 1 LIMIT 1")
middle=$(psql_db "SELECT to_char(published_at, 'YYYY-MM-DD') FROM posts WHERE status = 'published' ORDER BY published_at OFFSET $(( N / 2 )) LIMIT 1")
title=$(psql_db "SELECT title FROM posts WHERE status = 'published' ORDER BY id OFFSET $(( N / 3 )) LIMIT 1")
slugs=$(psql_db "SELECT string_agg(slug, ',') FROM (SELECT slug FROM posts ORDER BY id DESC LIMIT 5) s")
cases=(
  "newest first (no filter)|"
  "tag:$tag1|filter=$(enc "tag:$tag1")"
  "tag:[$tag1,$tag2]+published_at:>'$middle'|filter=$(enc "tag:[$tag1,$tag2]+published_at:>'$middle'")"
  "-tag:$tag1|filter=$(enc "-tag:$tag1")"
  "author:synthetic-author-7+comment_count:>5|filter=$(enc "author:synthetic-author-7+comment_count:>5")"
  "comment_count:>10|filter=$(enc "comment_count:>10")"
  "(tag:$tag1,tag:$tag2)+-author:synthetic-author-7|filter=$(enc "(tag:$tag1,tag:$tag2)+-author:synthetic-author-7")"
  "title:'<one title>'|filter=$(enc "title:'$title'")"
  "slug:[<five slugs>]|filter=$(enc "slug:[$slugs]")"
  "sort=title|sort=title"
  "sort=-title|sort=-title"
  "sort=-comment_count,title|sort=$(enc "-comment_count,title")"
  "sort=comment_count|sort=comment_count"
  "sort=-updated_at|sort=-updated_at"
  "sort=published_at|sort=published_at"
  "tag:$tag1, sort=title|filter=$(enc "tag:$tag1")&sort=title"
)

# Every statement's plan goes to the server log while the plans are taken (one request each).
psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER DATABASE $db SET session_preload_libraries = 'auto_explain'"
psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER DATABASE $db SET auto_explain.log_min_duration = 0"
psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER DATABASE $db SET auto_explain.log_analyze = on"
psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER DATABASE $db SET auto_explain.log_buffers = on"
start_server() {
  DATABASE_URL="$PG/$db" COLOPHON_JWT_SECRET=filters-secret-of-at-least-32-bytes-long COLOPHON_CACHE=off \
    COLOPHON_DB_POOL_SIZE=1 RUST_LOG=warn "$BIN" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
}
start_server
base="http://127.0.0.1:$PORT/api/v1/posts?limit=20&fields=slug"
plans="$WORK/plans.md"
for case in "${cases[@]}"; do
  name=${case%%|*}; query=${case#*|}
  from=$(wc -c <"$PGLOG")
  answer=$(curl -s "$base${query:+&$query}")
  echo "$answer" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "data" in d, d' \
    || { echo "FAIL: $name: $answer" >&2; exit 1; }
  sleep 0.3
  { echo "### $name"; echo; echo '```'
    tail -c +"$((from + 1))" "$PGLOG" | python3 -c '
import re, sys
# auto_explain entries: "LOG:  duration: … plan:" then tab-indented lines; keep the posts list statement.
entries = re.split(r"^.*LOG:  (?=duration: [\d.]+ ms  plan:)", sys.stdin.read(), flags=re.M)
for entry in entries:
    if "FROM \"posts\"" in entry and "LIMIT" in entry.upper():
        lines = [l.strip("\t") for l in entry.splitlines() if l.strip() and "Query Text" not in l]
        print("\n".join(lines[:40]))
        break'
    echo '```'; echo; } >>"$plans"
done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER DATABASE $db RESET ALL"

start_server
echo
echo "| $N posts: filter or sort | first page p50 / p99 ms | next page (cursor) p50 / p99 ms |"
echo "|---|---:|---:|"
for case in "${cases[@]}"; do
  name=${case%%|*}; query=${case#*|}
  url="$base${query:+&$query}"
  cursor=$(curl -s "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"] or "")')
  echo "| \`$name\` | $(latency "$url") | $(latency "$url&cursor=$cursor") |"
done
echo
echo "Plans (auto_explain, EXPLAIN ANALYZE BUFFERS of the list statement, first page):"
echo
cat "$plans"
