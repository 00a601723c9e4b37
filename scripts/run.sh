#!/usr/bin/env bash
# Installs what Authdeck needs on a fresh Debian/Ubuntu machine, builds the desktop app
# and the `authdeck` CLI (release, with demo mode), and opens the app — in demo mode unless told
# otherwise: `scripts/run.sh --no-demo` opens it on your own services.
# Run it inside your desktop session: secrets go to its keyring (gnome-keyring/KWallet).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_packages "${CORE_PACKAGES[@]}" "${DESKTOP_PACKAGES[@]}"
need_rust
need_node
build_ui
# With demo mode (the `demo` feature), which the release package leaves out. A second run
# with nothing changed rebuilds nothing (build_ui leaves an unchanged ui/dist alone).
cargo build --release --locked -p authdeck-cli -p authdeck-desktop \
  --features authdeck-desktop/custom-protocol,authdeck-desktop/demo,authdeck-cli/demo >&2
# Swagger UI's files for the proxy's docs page, in the form the package installs them
# (the binaries do not contain them): from the version the tests pin.
npm_ci tests >&2
scripts/swagger-ui-files.sh tests/node_modules/swagger-ui-dist target/swagger-ui
export AUTHDECK_SWAGGER_UI_DIR=$PWD/target/swagger-ui
echo "Built target/release/authdeck-desktop, target/release/authdeck and target/release/authdeck-full, with demo mode (copy all three onto your PATH and target/swagger-ui to <that PATH directory>/../share/authdeck/swagger-ui, or install the package scripts/deb.sh builds)." >&2
if [ "${1:-}" = "--no-demo" ]; then
  shift
  exec target/release/authdeck-desktop "$@"
fi
exec target/release/authdeck-desktop --demo "$@"
