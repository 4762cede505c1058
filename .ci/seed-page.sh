#!/usr/bin/env bash
# The reference frontend (examples/seed-page) in Debian's Chromium against a real server: installs
# chromium when it is missing, playwright-core from the lockfile, and runs the browser tests.
# The screenshot of the rendered page is kept at target/seed-page.png.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "chromium is missing; installing Debian's package"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium >/dev/null \
    || { echo "FATAL: cannot install chromium (apt-get install chromium)" >&2; exit 1; }
fi
"$CHROMIUM" --version || { echo "FATAL: $CHROMIUM does not run" >&2; exit 1; }
[ -x target/debug/colophon ] || cargo build --locked --bin colophon

cd examples/seed-page
npm ci --no-audit --no-fund --loglevel=error || { echo "FATAL: npm ci failed (the npm registry?)" >&2; exit 1; }
CHROMIUM="$CHROMIUM" npm test
test -s ../../target/seed-page.png || { echo "FATAL: no screenshot at target/seed-page.png" >&2; exit 1; }
echo "screenshot: target/seed-page.png"
