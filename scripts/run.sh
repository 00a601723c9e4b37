#!/usr/bin/env bash
# Installs what Authdeck needs on a fresh Debian/Ubuntu machine, builds the desktop app
# and the `authdeck` CLI (release), and opens the app — in demo mode unless told
# otherwise: `scripts/run.sh --no-demo` opens it on your own services.
# Run it inside your desktop session: secrets go to its keyring (gnome-keyring/KWallet).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_packages "${CORE_PACKAGES[@]}" "${DESKTOP_PACKAGES[@]}"
need_rust
need_node
build_ui
cargo build --release --locked -p authdeck-cli -p authdeck-desktop --features authdeck-desktop/custom-protocol >&2
echo "Built target/release/authdeck-desktop, target/release/authdeck and target/release/authdeck-full (copy all three onto your PATH)." >&2
if [ "${1:-}" = "--no-demo" ]; then
  shift
  exec target/release/authdeck-desktop "$@"
fi
exec target/release/authdeck-desktop --demo "$@"
