#!/usr/bin/env bash
# Worst-case markup within the limits: how long the server takes to accept (or refuse) each
# body, and /healthz latency while four such writes run at once. Release build, SQLite.
#
#   bench/markup.sh                       # this build
#   BIN=/path/to/old/colophon bench/markup.sh   # another build (an older one, for before/after)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18095}
DURATION=${DURATION:-10}
WORK=$(mktemp -d /tmp/colophon-markup.XXXXXX)
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=$PWD/target/release/colophon
fi
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1
SERVER_PID=
LOADERS=()
cleanup() {
  for pid in "${LOADERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

env -u DATABASE_URL RUST_LOG=warn COLOPHON_DATA_DIR="$WORK" COLOPHON_WORKERS=2 \
  "$BIN" serve --bind "127.0.0.1:$PORT" >"$WORK/out" 2>"$WORK/err" &
SERVER_PID=$!
for _ in $(seq 1 400); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.05; done
PASSWORD=$(awk '/password:/ {print $2}' "$WORK/out")
TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"admin@colophon.test\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# The bodies: each as large as the JSON body limit (256 KiB by default) allows, nested as deep as
# allowed (64 elements in the rendered HTML: a Markdown list level is two, ul and li), and the
# inputs the testers used (40,000 levels), which must now be refused at once.
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
limit = 250 * 1024
def fill(unit):
    return unit * (limit // len(unit))
bodies = {
    "markdown: 40,000 '>' (testers)": ("body_markdown", ">" * 40_000),
    "html: 40,000 nested <div> (testers)": ("body_html", "<div>" * 40_000),
    "markdown: block quotes 63 deep, repeated": ("body_markdown", fill("> " * 63 + "quote\n\n")),
    "markdown: lists 31 deep, repeated": ("body_markdown", fill("".join("  " * i + "- item\n" for i in range(31)) + "\n")),
    "markdown: a table padding its rows past 512 KiB": ("body_markdown", "|" + "a|" * 200 + "\n|" + "-|" * 200 + "\n" + "|x\n" * 50_000),
    "markdown: a table padding its rows to 512 KiB": ("body_markdown", "|" + "a|" * 200 + "\n|" + "-|" * 200 + "\n" + "|x\n" * 250),
    "markdown: links and emphasis": ("body_markdown", fill("[*a* **b** `c`](https://example.com/x) ")[: limit // 2]),
    "html: <div> 64 deep, repeated": ("body_html", fill("<div>" * 64 + "x" + "</div>" * 64)),
    "html: formatting misnested": ("body_html", fill("<b><i><u>x</b></i></u>")),
    "html: unclosed <p> and <li>": ("body_html", fill("<p>para<ul><li>one<li>two</ul>")),
}
for i, (name, (field, text)) in enumerate(bodies.items()):
    json.dump({"name": name, "body": {"title": f"Markup {i}", field: text[:limit]}}, open(f"{work}/body-{i}.json", "w"))
PY

printf '| body | bytes | answer | seconds |\n|---|---:|---|---:|\n'
for file in "$WORK"/body-*.json; do
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$file")
  python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["body"], open(sys.argv[2], "w"))' "$file" "$WORK/post.json"
  result=$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT/api/v1/posts" \
    -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' --data-binary "@$WORK/post.json")
  why=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print("; ".join(e["message"] for e in a.get("errors") or []))' "$WORK/answer.json" 2>/dev/null || true)
  printf '| %s | %s | %s %s | %s |\n' "$name" "$(stat -c %s "$WORK/post.json")" "${result% *}" "$why" "${result#* }"
done

# /healthz while four writers send the slowest accepted body again and again.
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["body"], open(sys.argv[2], "w"))' "$WORK/body-${HEAVY:-7}.json" "$WORK/heavy.json"
for _ in 1 2 3 4; do
  ( while true; do
      curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/posts" -H "authorization: Bearer $TOKEN" \
        -H 'content-type: application/json' --data-binary "@$WORK/heavy.json"
    done ) &
  LOADERS+=($!)
done
sleep 1
wrk -t1 -c4 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/healthz" >"$WORK/wrk.out" 2>&1 || true
echo
echo "/healthz while four writers send body ${HEAVY:-7} ($(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"name\"])" "$WORK/body-${HEAVY:-7}.json")): $(grep -E '^\s+(50|99)%' "$WORK/wrk.out" | awk '{printf "p%s %s  ", $1, $2}')($(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out") req/s)"
