#!/usr/bin/env bash
# Builds Authdeck's Debian package: the desktop app with the CLI (`authdeck` and
# `authdeck-full`) beside it in /usr/bin, Swagger UI's files for the proxy's docs page
# (gzip-compressed, in /usr/share/authdeck/swagger-ui), the desktop entry and the icons. It lands in
# target/release/bundle/deb/ (--from-debug: target/deb-from-debug/debug/bundle/deb/).
#
#   scripts/deb.sh               the shipped package: release profile (fat LTO, one
#                                codegen unit), no demo mode
#   scripts/deb.sh --from-debug  packages the debug binaries already built (what CI does
#                                after its test build: the package's layout and install
#                                are tested without a second, slow build)
#
# The Tauri CLI and swagger-ui-dist are the ones pinned in packaging/package.json (npm).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

mode=release
case "${1:-}" in
  "") ;;
  --from-debug) mode=debug ;;
  *) echo "usage: scripts/deb.sh [--from-debug]" >&2; exit 2 ;;
esac

need_packages "${CORE_PACKAGES[@]}" "${DESKTOP_PACKAGES[@]}"
need_rust
need_node
npm_ci packaging
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
swagger_ui=$target/swagger-ui-package
scripts/swagger-ui-files.sh packaging/node_modules/swagger-ui-dist "$swagger_ui"

# The CLI's binaries come from the same profile as the app's; the main binary is Tauri's.
config=$(python3 - "$target/$mode" "$swagger_ui" <<'PY'
import json, sys
out, ui = sys.argv[1], sys.argv[2]
# Where the proxy looks for them: <dir of the executable>/../share/authdeck/swagger-ui.
share = "/usr/share/authdeck/swagger-ui"
print(json.dumps({
    # ui/dist is built below (or was, for --from-debug): do not let Tauri rebuild it.
    "build": {"beforeBuildCommand": None},
    "bundle": {"linux": {"deb": {"files": {
        "/usr/bin/authdeck": f"{out}/authdeck",
        "/usr/bin/authdeck-full": f"{out}/authdeck-full",
        f"{share}/swagger-ui-bundle.js.gz": f"{ui}/swagger-ui-bundle.js.gz",
        f"{share}/swagger-ui.css.gz": f"{ui}/swagger-ui.css.gz",
        f"{share}/LICENSE": f"{ui}/LICENSE",
        f"{share}/NOTICE": f"{ui}/NOTICE",
    }}}},
}))
PY
)

tauri=$PWD/packaging/node_modules/.bin/tauri
if [ "$mode" = release ]; then
  build_ui
  # One cargo run for the three binaries (the features bench/run.sh uses too, so its
  # build is this one); Tauri then only bundles them.
  echo "== cargo build --release (authdeck-cli, authdeck-desktop)"
  cargo build --release --locked -p authdeck-cli -p authdeck-desktop \
    --features authdeck-desktop/custom-protocol
  echo "== tauri bundle --bundles deb"
  (cd src-tauri && "$tauri" bundle --ci --bundles deb --config "$config")
else
  for bin in authdeck authdeck-full authdeck-desktop; do
    [ -x "$target/debug/$bin" ] || {
      echo "$target/debug/$bin is missing: build the workspace first (scripts/test.sh does)" >&2
      exit 1
    }
  done
  # Their debug info (~600 MB) would only slow the packing and unpacking down: package
  # copies without it, staged in a target dir of their own for Tauri.
  staging=$target/deb-from-debug
  rm -rf "$staging" && mkdir -p "$staging/debug"
  for bin in authdeck authdeck-full authdeck-desktop; do
    objcopy --strip-debug "$target/debug/$bin" "$staging/debug/$bin"
  done
  config=${config//"$target/debug/"/"$staging/debug/"}
  echo "== tauri bundle --debug --bundles deb (the debug binaries already built, without debug info)"
  (cd src-tauri && CARGO_TARGET_DIR=$staging "$tauri" bundle --ci --debug --bundles deb --config "$config")
  target=$staging
fi
ls -l "$target/$mode"/bundle/deb/*.deb
