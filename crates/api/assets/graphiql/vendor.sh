#!/usr/bin/env bash
# Refreshes the vendored GraphiQL explorer: fetches the pinned packages from the npm registry,
# checks each tarball against the integrity recorded below, and keeps the browser builds gzipped
# (the server sends the gzip bytes as they are to clients that accept them). Run it only to move a
# version; the build never fetches anything.
set -euo pipefail
cd "$(dirname "$0")"
declare -A INTEGRITY=(
  [graphiql@3.8.3]='sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw=='
  [react@18.3.1]='sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=='
  [react-dom@18.3.1]='sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=='
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for package in "${!INTEGRITY[@]}"; do
  tarball="$work/$(cd "$work" && npm pack --silent "$package")"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  [ "$actual" = "${INTEGRITY[$package]}" ] || { echo "integrity mismatch for $package: $actual" >&2; exit 1; }
  mkdir -p "$work/${package%@*}" && tar xzf "$tarball" -C "$work/${package%@*}" --strip-components=1
done
gzip -9 -n -c "$work/graphiql/graphiql.min.js" > graphiql.min.js.gz
gzip -9 -n -c "$work/graphiql/graphiql.min.css" > graphiql.min.css.gz
gzip -9 -n -c "$work/react/umd/react.production.min.js" > react.production.min.js.gz
gzip -9 -n -c "$work/react-dom/umd/react-dom.production.min.js" > react-dom.production.min.js.gz
cat "$work/graphiql/LICENSE" "$work/react/LICENSE" > LICENSES.txt
sha256sum ./*.gz > SHA256SUMS
echo "vendored: ${!INTEGRITY[*]}"
