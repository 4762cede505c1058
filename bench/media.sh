#!/usr/bin/env bash
# What the media library costs: uploading a 12-megapixel photograph (4000 × 3000 JPEG with EXIF,
# sniffed, measured and stripped), the listed variants made ahead in the background, then each
# variant's first and second request (read back); then the starvation scenario of the hardening
# round: a 9999 × 9999 PNG, twelve anonymous variant requests at once, and an admin's 35-pixel
# upload and /healthz timed meanwhile. Local storage and SQLite, release build.
#
#   bench/media.sh                 # builds release, writes bench/results/media-<time>.md
#   BIN=/tmp/colophon bench/media.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=18097
WORK=$(mktemp -d /tmp/colophon-media.XXXXXX)
OUT=bench/results/media-$(date -u +%Y%m%dT%H%M%SZ).md
BIN=${BIN:-}
VENV=target/bench-venv
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true' EXIT
fail() { echo "media bench: $*" >&2; exit 1; }
for tool in curl jq python3; do command -v "$tool" >/dev/null || fail "$tool is missing"; done
if [ -z "$BIN" ]; then cargo build --release --locked --quiet; BIN=$PWD/target/release/colophon; fi

# A photograph-like picture: smooth gradients with grain (what a camera makes), and an EXIF block
# with GPS tags, written by Pillow (pinned, into a venv of the bench's own).
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import PIL' 2>/dev/null; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet "pillow==11.3.0" || fail "cannot install Pillow"
fi
"$VENV/bin/python" - "$WORK/photo.jpg" <<'PY'
import sys, random
from PIL import Image
random.seed(20261206)
w, h = 4000, 3000
small = Image.new("RGB", (80, 60))
small.putdata([(random.randrange(256), random.randrange(256), random.randrange(256)) for _ in range(80 * 60)])
picture = small.resize((w, h), Image.BICUBIC)
grain = Image.effect_noise((w, h), 24).convert("RGB")
picture = Image.blend(picture, grain, 0.15)
exif = Image.Exif()
exif[0x0110] = "Bench camera"
exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 40.0)}
picture.save(sys.argv[1], "JPEG", quality=90, exif=exif)
PY
# The hardening round's picture: 9999 × 9999 (about 100 megapixels), compressing to a few hundred
# KiB, and a small one.
"$VENV/bin/python" - "$WORK/huge.png" "$WORK/small.png" <<'PY'
import sys
from PIL import Image
small = Image.new("RGB", (64, 64))
small.putdata([(x * 4, y * 4, (x * y) % 256) for y in range(64) for x in range(64)])
small.resize((9999, 9999), Image.NEAREST).save(sys.argv[1], "PNG", optimize=True)
Image.new("RGB", (35, 35), (200, 30, 30)).save(sys.argv[2], "PNG")
PY

RUST_LOG=warn COLOPHON_DATA_DIR="$WORK" COLOPHON_JWT_SECRET=bench-secret-of-at-least-32-bytes-long \
  COLOPHON_METRICS_TOKEN=bench-metrics \
  "$BIN" serve --demo --bind "127.0.0.1:$PORT" >"$WORK/stdout" 2>"$WORK/stderr" &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
PASSWORD=$(awk '/password:/ {print $2}' "$WORK/stdout")
API=http://127.0.0.1:$PORT/api/v1
TOKEN=$(curl -sf "$API/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"admin@colophon.test\",\"password\":\"$PASSWORD\"}" | jq -r .access_token)

seconds() { curl -s -o "$WORK/out" -w '%{time_total}' "$@"; }
SIZE=$(stat -c %s "$WORK/photo.jpg")
UPLOAD=$(curl -s -o "$WORK/item.json" -w '%{time_total}' "$API/media" -H "authorization: Bearer $TOKEN" -F "file=@$WORK/photo.jpg")
jq -e '.width == 4000 and .height == 3000' "$WORK/item.json" >/dev/null || fail "upload: $(cat "$WORK/item.json")"
FILE=$(jq -r '.url | sub("^https?://[^/]+"; "")' "$WORK/item.json")
STORED=$(jq -r .byte_size "$WORK/item.json")
grep -q "Bench camera" "$WORK/photo.jpg" || fail "the photo has no EXIF"
curl -s -o "$WORK/stored.jpg" "http://127.0.0.1:$PORT$FILE"
grep -q "Bench camera" "$WORK/stored.jpg" && fail "EXIF was served"
# The listed variants are made in the background: wait for all twelve.
made_ahead() {
  curl -s -H 'authorization: Bearer bench-metrics' "http://127.0.0.1:$PORT/metrics" \
    | awk '/^colophon_media_variants_total\{how="ahead"\}/ {print $2}'
}
AHEAD_START=$(date +%s.%N)
for _ in $(seq 1 600); do [ "$(made_ahead)" = "12" ] && break; sleep 0.05; done
[ "$(made_ahead)" = "12" ] || fail "the variants were not made ahead: $(made_ahead)"
AHEAD_MS=$(printf '%.0f' "$(echo "($(date +%s.%N) - $AHEAD_START) * 1000" | bc -l)")

{
  echo "# Media bench, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD), release, SQLite, local storage"
  echo
  echo "A 4000 × 3000 JPEG ($SIZE bytes, quality 90, EXIF with GPS): upload (sniff, measure, strip"
  echo "EXIF without re-encoding, hash, store) $(printf '%.0f' "$(echo "$UPLOAD * 1000" | bc -l)") ms; stored $STORED bytes, no EXIF."
  echo "The twelve listed variants were made in the background within $AHEAD_MS ms of the 201."
  echo
  echo "| variant | first request ms | second request ms | bytes |"
  echo "|---|---:|---:|---:|"
  for query in "w=320" "w=640" "w=1280" "w=1920" "w=640&format=webp" "w=1920&format=webp"; do
    first=$(seconds "http://127.0.0.1:$PORT$FILE?$query")
    bytes=$(stat -c %s "$WORK/out")
    second=$(seconds "http://127.0.0.1:$PORT$FILE?$query")
    echo "| \`?$query\` | $(printf '%.0f' "$(echo "$first * 1000" | bc -l)") | $(printf '%.1f' "$(echo "$second * 1000" | bc -l)") | $bytes |"
  done
  echo
  echo "Original, whole: $(printf '%.1f' "$(echo "$(seconds "http://127.0.0.1:$PORT$FILE") * 1000" | bc -l)") ms."
} | tee "$OUT"

# The starvation scenario: a contributor's legal 9999 × 9999 PNG, twelve anonymous requests for
# its variants at once (each would decode 100 megapixels), and meanwhile an admin's 35-pixel upload
# and /healthz, timed.
curl -sf "$API/authors" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"email":"c@example.com","name":"Contributor","role":"contributor","password":"a long passphrase"}' >/dev/null
WRITER=$(curl -sf "$API/auth/login" -H 'content-type: application/json' \
  -d '{"email":"c@example.com","password":"a long passphrase"}' | jq -r .access_token)
HUGE_UPLOAD=$(curl -s -o "$WORK/huge.json" -w '%{time_total}' "$API/media" -H "authorization: Bearer $WRITER" -F "file=@$WORK/huge.png")
HUGE=$(jq -r '.url | sub("^https?://[^/]+"; "")' "$WORK/huge.json")
[ "$HUGE" != "null" ] || fail "the large upload: $(cat "$WORK/huge.json")"
( for _ in $(seq 1 400); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/healthz"; sleep 0.02; done ) >"$WORK/healthz" &
HEALTH_PID=$!
REQUESTS=()
for w in 320 640 960 1280 1920 2560; do
  for f in "" "&format=webp"; do
    curl -s -o /dev/null -w "%{http_code}\n" "http://127.0.0.1:$PORT$HUGE?w=$w$f" >>"$WORK/variants" &
    REQUESTS+=($!)
  done
done
sleep 0.3
SMALL=$(curl -s -o "$WORK/small.json" -w '%{time_total}' "$API/media" -H "authorization: Bearer $TOKEN" -F "file=@$WORK/small.png")
jq -e '.width == 35' "$WORK/small.json" >/dev/null || fail "the small upload: $(cat "$WORK/small.json")"
wait "$HEALTH_PID" "${REQUESTS[@]}"
P99=$(sort -n "$WORK/healthz" | awk '{a[NR]=$1} END {print a[int(NR*0.99)]*1000}')
P50=$(sort -n "$WORK/healthz" | awk '{a[NR]=$1} END {print a[int(NR*0.5)]*1000}')
{
  echo
  echo "## Starvation scenario (hardening round 3)"
  echo
  echo "A contributor uploads a 9999 × 9999 PNG ($(stat -c %s "$WORK/huge.png") bytes; $(printf '%.0f' "$(echo "$HUGE_UPLOAD * 1000" | bc -l)") ms, decoded once to check it);"
  echo "twelve anonymous requests for its variants go at once, answered $(sort "$WORK/variants" | uniq -c | awk '{printf "%s%s × %s", sep, $1, $2; sep=", "}');"
  echo "meanwhile an admin's 35 × 35 upload took $(printf '%.0f' "$(echo "$SMALL * 1000" | bc -l)") ms (the issue measured 10.4 s before),"
  echo "and /healthz answered in p50 $(printf '%.1f' "$P50") ms, p99 $(printf '%.1f' "$P99") ms over $(wc -l <"$WORK/healthz") requests (curl's time_total)."
} | tee -a "$OUT"
echo "written to $OUT"
