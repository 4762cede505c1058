#!/usr/bin/env bash
# The load harness: builds release, seeds synthetic data on SQLite and PostgreSQL, starts the
# server, and measures the read and write scenarios with wrk next to the floors (pgbench -S,
# one-statement JSON queries through pgbench, nginx serving the same bytes), all in one run,
# all on 127.0.0.1. Prints a Markdown table and writes it to bench/results/.
#
#   bench/run.sh                          # 2,000 posts, 32 connections, 3 s warm-up, 10 s runs
#   POSTS=20000 DURATION=20 bench/run.sh  # bigger, longer
#   BASELINE=/path/to/old/colophon bench/run.sh   # also an older build's figures, in the same run
#   SHORT=1 bench/run.sh                  # CI: debug build, 200 posts, 2 s runs; fails on any error
#
# Scenarios: (a) the list of 20; (b) a post's page with its first 50 comments in one request;
# (b2) the same as two requests (post, then comments); (c) the GraphQL seed page; each with the
# response cache off and on; (d) comment submissions; (e) readers spread over every post while
# held comments arrive at 0, 1 and 20 a second and one published post is edited every second.
set -euo pipefail
cd "$(dirname "$0")/.."

SHORT=${SHORT:-0}
if [ "$SHORT" = 1 ]; then
  POSTS=${POSTS:-200} DURATION=${DURATION:-2} WARMUP=${WARMUP:-1} CONNS=${CONNS:-8} PROFILE=${PROFILE:-debug}
fi
POSTS=${POSTS:-2000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-32}
PROFILE=${PROFILE:-release}
THREADS=${THREADS:-2}
BASELINE=${BASELINE:-}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PORT=18090
NGINX_PORT=18091
SLUG=synthetic-post-1
WORK=$(mktemp -d /tmp/colophon-bench.XXXXXX)
RESULTS="$WORK/results.tsv"
export SLUG POSTS

fail() { echo "bench: $*" >&2; exit 1; }
need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "bench: installing $2 (for $1)" >&2
  apt-get install -y "$2" >/dev/null 2>&1 || fail "$1 is missing and apt-get install $2 failed"
}
need wrk wrk
need nginx nginx-light
need pgbench postgresql-client
need python3 python3
pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not running on 127.0.0.1:5432"

echo "== building ($PROFILE)" >&2
if [ "$PROFILE" = release ]; then
  cargo build --release --locked --quiet
else
  cargo build --locked --quiet
fi
BIN=$PWD/target/$PROFILE/colophon
SERVER_PID=
NGINX_PID=
WRITERS_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  [ -n "$WRITERS_PID" ] && kill "$WRITERS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$SHORT" = 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

# measure NAME BACKEND URL [wrk args...]: warm-up, then the measured run; one TSV row.
measure() {
  local name=$1 backend=$2 url=$3; shift 3
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
  local before=0 after=0
  [ -n "${PID_FOR_CPU:-}" ] && before=$(cpu_ticks "$PID_FOR_CPU")
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$@" "$url" >"$WORK/wrk.out" 2>&1 || true
  [ -n "${PID_FOR_CPU:-}" ] && after=$(cpu_ticks "$PID_FOR_CPU")
  python3 bench/parse_wrk.py "$name" "$backend" "$WORK/wrk.out" "$(( after - before ))" "$TICKS" >>"$RESULTS"
}

# start_server BIN BACKEND CACHE
start_server() {
  local bin=$1 backend=$2 cache=$3
  local env=(RUST_LOG=warn COLOPHON_JWT_SECRET=benchmark-secret-of-at-least-32-bytes!! COLOPHON_CACHE="$cache"
             COLOPHON_TRUSTED_PROXIES=127.0.0.1 COLOPHON_COMMENTS_PER_MINUTE=100000000 COLOPHON_WORKERS=2
             COLOPHON_DATA_DIR="$WORK/$backend")
  if [ "$backend" = postgres ]; then env+=(DATABASE_URL="$PG/colophon_bench"); else env+=(DATABASE_URL=); fi
  # Cold start: from exec to the first 200 of a real read, on the existing (seeded) database.
  local started first_page="http://127.0.0.1:$PORT/api/v1/posts?limit=1"
  started=$(date +%s%N)
  env "${env[@]}" "$bin" serve --no-demo --bind "127.0.0.1:$PORT" >"$WORK/server-$backend.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 2000); do curl -sf -o /dev/null "$first_page" && break; sleep 0.005; done
  curl -sf -o /dev/null "$first_page" || fail "the server did not start; see $WORK/server-$backend.log"
  echo "$backend	cache $cache	$(( ($(date +%s%N) - started) / 1000000 ))" >>"$WORK/coldstart.tsv"
  PID_FOR_CPU=$SERVER_PID
}

stop_server() {
  local backend=$1
  PID_FOR_CPU=
  echo "$backend	$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")" >>"$WORK/rss.tsv"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

seed() {
  local backend=$1
  rm -rf "${WORK:?}/$backend"; mkdir -p "$WORK/$backend"
  local env=(COLOPHON_DATA_DIR="$WORK/$backend" RUST_LOG=warn)
  if [ "$backend" = postgres ]; then
    dropdb -h 127.0.0.1 -U postgres --if-exists colophon_bench
    createdb -h 127.0.0.1 -U postgres colophon_bench
    env+=(DATABASE_URL="$PG/colophon_bench")
  else
    env+=(DATABASE_URL=)
  fi
  env "${env[@]}" "$BIN" seed --synthetic --posts "$POSTS" >&2
  printf '%s\n' 'bench editor password' |
    env "${env[@]}" "$BIN" user create --email editor@bench.test --name Editor --role editor --password-stdin >&2
}

token() {
  curl -sf "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"editor@bench.test","password":"bench editor password"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# mixed LABEL BACKEND RATE: readers over every post, with writers at RATE held comments a second
# (and an edit a second) when RATE is not "none".
mixed() {
  local label=$1 backend=$2 rate=$3
  if [ "$rate" != none ]; then
    python3 bench/writers.py "$BASE" "$rate" "$(( WARMUP + DURATION + 1 ))" "$(token)" "$POSTS" >"$WORK/writers.out" &
    WRITERS_PID=$!
  fi
  measure "$label" "$backend" "$BASE" -s bench/readers.lua
  if [ -n "$WRITERS_PID" ]; then
    wait "$WRITERS_PID" || true
    WRITERS_PID=
    echo "  writers: $(cat "$WORK/writers.out")" >&2
  fi
}

BASE=http://127.0.0.1:$PORT
PAGE="/api/v1/posts/$SLUG?include=comments&comments_limit=50"
for backend in sqlite postgres; do
  echo "== $backend: seeding $POSTS posts" >&2
  seed "$backend"
  for cache in off on; do
    echo "== $backend, cache $cache" >&2
    start_server "$BIN" "$backend" "$cache"
    measure "(a) GET /posts?limit=20, cache $cache" "$backend" "$BASE/api/v1/posts?limit=20"
    measure "(b) post page with comments (1 request), cache $cache" "$backend" "$BASE$PAGE"
    measure "(b2) post + its comments (2 requests), cache $cache" "$backend" "$BASE" -s bench/post_and_comments.lua
    QUERY_FILE=bench/seed_page.graphql measure "(c) GraphQL seed page, cache $cache" "$backend" "$BASE/graphql" -s bench/graphql.lua
    if [ "$cache" = on ]; then
      measure "(d) comment submissions" "$backend" "$BASE" -s bench/comments.lua
    fi
    stop_server "$backend"
  done
  for build in current baseline; do
    bin=$BIN
    if [ "$build" = baseline ]; then
      [ -n "$BASELINE" ] || continue
      bin=$BASELINE
    fi
    tag=$([ "$build" = baseline ] && echo " [baseline]" || echo "")
    if [ "$build" = baseline ]; then
      echo "== $backend, the baseline's uncached pages" >&2
      start_server "$bin" "$backend" off
      measure "(b2) post + its comments (2 requests), cache off$tag" "$backend" "$BASE" -s bench/post_and_comments.lua
      QUERY_FILE=bench/seed_page.graphql measure "(c) GraphQL seed page, cache off$tag" "$backend" "$BASE/graphql" -s bench/graphql.lua
      stop_server "$backend"
    fi
    echo "== $backend, readers and writers$tag" >&2
    start_server "$bin" "$backend" on
    mixed "(e) readers over all posts, no writes$tag" "$backend" none
    mixed "(e) readers over all posts, 1 held comment/s + 1 edit/s$tag" "$backend" 1
    mixed "(e) readers over all posts, 20 held comments/s + 1 edit/s$tag" "$backend" 20
    stop_server "$backend"
  done
done

echo "== floors" >&2
PID_FOR_CPU=
# pgbench -S on the same PostgreSQL.
dropdb -h 127.0.0.1 -U postgres --if-exists colophon_pgbench
createdb -h 127.0.0.1 -U postgres colophon_pgbench
pgbench -h 127.0.0.1 -U postgres -i -s "$([ "$SHORT" = 1 ] && echo 1 || echo 10)" -q colophon_pgbench >/dev/null 2>&1
pgbench -h 127.0.0.1 -U postgres -S -c "$CONNS" -j "$THREADS" -T "$WARMUP" colophon_pgbench >/dev/null 2>&1
pgbench -h 127.0.0.1 -U postgres -S -c "$CONNS" -j "$THREADS" -T "$DURATION" colophon_pgbench >"$WORK/pgbench-S.out" 2>&1
python3 bench/parse_pgbench.py "floor: pgbench -S" postgres "$WORK/pgbench-S.out" >>"$RESULTS"
# The pages as one JSON-building statement each (reseeded: the writes above changed the data).
seed postgres
floor() {
  local name=$1 file=$2
  pgbench -h 127.0.0.1 -U postgres -n -f "$file" -c "$CONNS" -j "$THREADS" -T "$WARMUP" colophon_bench >/dev/null 2>&1
  pgbench -h 127.0.0.1 -U postgres -n -f "$file" -c "$CONNS" -j "$THREADS" -T "$DURATION" colophon_bench >"$WORK/floor.out" 2>&1
  python3 bench/parse_pgbench.py "$name" postgres "$WORK/floor.out" >>"$RESULTS"
}
floor "floor: (b) post page as one SQL statement" bench/post_json.sql
floor "floor: (b) post page without its sidebar as one SQL statement" bench/post_json_no_sidebar.sql
floor "floor: (a) list of 20 as one SQL statement" bench/list_json.sql
floor "floor: (c) GraphQL seed page's selection as one SQL statement" bench/seed_page_json.sql
# nginx serving (b)'s bytes from a file.
mkdir -p "$WORK/www" "$WORK/nginx"
chmod a+rx "$WORK" "$WORK/www"   # nginx's workers run as nobody
start_server "$BIN" postgres off
curl -s "$BASE$PAGE" >"$WORK/www/page.json"
stop_server postgres-files
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /page.json { alias $WORK/www/page.json; }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
PID_FOR_CPU=$NGINX_PID
sleep 0.5
measure "floor: nginx serving (b)'s bytes (1 request)" nginx "http://127.0.0.1:$NGINX_PORT/page.json"
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=

if [ "$SHORT" = 1 ]; then
  OUT="$WORK/report.md"   # a smoke run: its figures mean nothing, keep them out of bench/results
else
  mkdir -p bench/results
  OUT="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ).md"
fi
python3 bench/report.py "$RESULTS" "$WORK/rss.tsv" "$WORK/coldstart.tsv" "$POSTS" "$CONNS" "$WARMUP" "$DURATION" | tee "$OUT"
[ "$SHORT" = 1 ] || echo "written to $OUT" >&2
# Every scenario must have answered, and without an error: the harness cannot rot silently.
awk -F'\t' '$3 == 0 || $6 > 0 { bad = 1; print "bench: " $1 " (" $2 "): " $3 " req/s, " $6 " errors" > "/dev/stderr" }
             END { exit bad }' "$RESULTS"
