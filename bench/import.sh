#!/usr/bin/env bash
# WXR import: rate (posts and comments a second) and peak memory of `colophon import wxr` on a
# generated export (bench/wxr_gen.py: N posts, 3 comments each, a reply among them), into a fresh
# SQLite directory and a fresh PostgreSQL database; then the same file again (nothing to write,
# every item found in the import records). Peak memory is the process's maximum resident set
# (/usr/bin/time -v).
#
#   bench/import.sh            # 100,000 posts
#   POSTS=10000 bench/import.sh
#   BACKENDS=postgres bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
POSTS=${POSTS:-100000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
cargo build --release --locked --quiet
BIN=$(realpath "${CARGO_TARGET_DIR:-target}")/release/colophon
WORK=$(mktemp -d /tmp/colophon-import.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for tool in python3 psql /usr/bin/time; do command -v "$tool" >/dev/null || { echo "import bench: $tool is missing" >&2; exit 1; }; done

python3 bench/wxr_gen.py "$POSTS" >"$WORK/export.xml"
size=$(du -m "$WORK/export.xml" | cut -f1)
comments=$(( POSTS * 3 ))
echo "# WXR import: $POSTS posts, $comments comments, a $size MB file ($(date -u +%F), $(git rev-parse --short HEAD))"
echo
echo "| backend | run | seconds | posts/s | comments/s | peak memory MB |"
echo "|---|---|---:|---:|---:|---:|"
for backend in ${BACKENDS:-sqlite postgres}; do
  if [ "$backend" = postgres ]; then
    dropdb -h 127.0.0.1 -U postgres --if-exists colophon_import_bench
    createdb -h 127.0.0.1 -U postgres colophon_import_bench
    url="$PG/colophon_import_bench"
  else
    url=""
  fi
  mkdir -p "$WORK/$backend"
  for run in first again; do
    started=$(date +%s.%N)
    DATABASE_URL="$url" COLOPHON_DATA_DIR="$WORK/$backend" COLOPHON_JWT_SECRET=import-bench-secret-of-at-least-32-bytes \
      RUST_LOG=warn /usr/bin/time -v "$BIN" import wxr "$WORK/export.xml" >"$WORK/out-$backend-$run" 2>"$WORK/time-$backend-$run"
    seconds=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
    peak=$(awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$WORK/time-$backend-$run")
    rates=$(python3 -c "s=$seconds; print(f'{$POSTS/s:,.0f} | {$comments/s:,.0f}')")
    echo "| $backend | $run | $seconds | $rates | $peak |"
    head -1 "$WORK/out-$backend-$run" >&2
  done
done
# The whole-file check every import makes before it writes anything: the same file cut short in
# its last item (an interrupted download), refused after a full streaming pass.
head -c -200 "$WORK/export.xml" >"$WORK/cut.xml"
mkdir -p "$WORK/cut"
started=$(date +%s.%N)
if COLOPHON_DATA_DIR="$WORK/cut" RUST_LOG=warn /usr/bin/time -v "$BIN" import wxr "$WORK/cut.xml" >"$WORK/out-cut" 2>"$WORK/time-cut"; then
  echo "import bench: a file cut short was not refused" >&2; exit 1
fi
seconds=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
peak=$(awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$WORK/time-cut")
echo
echo "The check before writing (the whole $size MB file read, then refused at its cut): $seconds s, peak $peak MB."
grep -q refused "$WORK/out-cut" || { echo "import bench: no refusal: $(cat "$WORK/out-cut")" >&2; exit 1; }
