#!/usr/bin/env bash
# What the media library costs: uploading a 12-megapixel photograph (4000 × 3000 JPEG with EXIF,
# sniffed, measured and stripped), then each variant's first request (decode, resize, encode,
# store) and a later one (read back), on local storage and SQLite, release build.
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

RUST_LOG=warn COLOPHON_DATA_DIR="$WORK" COLOPHON_JWT_SECRET=bench-secret-of-at-least-32-bytes-long \
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

{
  echo "# Media bench, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD), release, SQLite, local storage"
  echo
  echo "A 4000 × 3000 JPEG ($SIZE bytes, quality 90, EXIF with GPS): upload (sniff, measure, strip"
  echo "EXIF without re-encoding, hash, store) $(printf '%.0f' "$(echo "$UPLOAD * 1000" | bc -l)") ms; stored $STORED bytes, no EXIF."
  echo
  echo "| variant | first request (made) ms | second request (kept) ms | bytes |"
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
echo "written to $OUT"
