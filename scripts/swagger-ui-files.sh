#!/usr/bin/env bash
# Prepares the directory of Swagger UI's files that the proxy's docs page serves
# (crates/authdeck-core/src/proxy/swagger_ui.rs) from an installed `swagger-ui-dist` npm
# package: swagger-ui-bundle.js and swagger-ui.css gzip-compressed (`.gz`, as the Debian
# package installs them in /usr/share/authdeck/swagger-ui), with the package's LICENSE
# and NOTICE and its version in VERSION. Used by scripts/deb.sh, scripts/run.sh and the
# end-to-end harness, so that they all serve the packaged form.
#
#   scripts/swagger-ui-files.sh NODE_MODULES/swagger-ui-dist OUT_DIR
#
# OUT_DIR is left alone when it already holds that version; otherwise it is built beside
# and moved into place, so a reader never sees it half written.
set -euo pipefail
src=${1:?usage: scripts/swagger-ui-files.sh SWAGGER_UI_DIST_DIR OUT_DIR}
out=${2:?usage: scripts/swagger-ui-files.sh SWAGGER_UI_DIST_DIR OUT_DIR}
[ -f "$src/package.json" ] && [ -f "$src/swagger-ui-bundle.js" ] || {
  echo "$src is not an installed swagger-ui-dist package: run npm ci where it is pinned" >&2
  exit 1
}
version=$(node -p 'require(process.argv[1]).version' "$(realpath "$src/package.json")")
if [ "$(cat "$out/VERSION" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for f in swagger-ui-bundle.js swagger-ui.css; do
  # -n: no name or time in the header, so the same input gives the same bytes.
  gzip -9 -n -c "$src/$f" > "$tmp/$f.gz"
done
for f in LICENSE NOTICE; do
  [ -f "$src/$f" ] && cp "$src/$f" "$tmp/$f"
done
echo "$version" > "$tmp/VERSION"
chmod 755 "$tmp"
rm -rf "$out"
mv -T "$tmp" "$out"
trap - EXIT
