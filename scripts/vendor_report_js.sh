#!/usr/bin/env bash
# Refresh the front-end libraries the report inlines (see src/cibscan/report/assets/vendor/VENDOR.md).
# Uses npm's own client: `npm pack` downloads the published tarball and verifies its integrity.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=src/cibscan/report/assets/vendor
SIGMA=${SIGMA:-sigma@3.0.3}
GRAPHOLOGY=${GRAPHOLOGY:-graphology@0.26.0}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "$SIGMA" "$GRAPHOLOGY" >/dev/null && for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done)
cp "$TMP"/sigma-*/package/dist/sigma.min.js "$DEST/sigma.min.js"
cp "$TMP"/sigma-*/package/LICENSE.txt "$DEST/sigma.LICENSE.txt"
cp "$TMP"/graphology-*/package/dist/graphology.umd.min.js "$DEST/graphology.umd.min.js"
cp "$TMP"/graphology-*/package/LICENSE.txt "$DEST/graphology.LICENSE.txt"
for f in "$DEST"/*.min.js; do
  if grep -qi '</script\|<!--' "$f"; then echo "$f holds a sequence that would end its <script> element" >&2; exit 1; fi
done
echo "updated $DEST from $SIGMA and $GRAPHOLOGY; update VENDOR.md with: npm view $SIGMA dist.integrity; npm view $GRAPHOLOGY dist.integrity"
