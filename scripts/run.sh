#!/usr/bin/env bash
# Installs what Authdeck needs on a fresh Debian/Ubuntu machine, builds the `authdeck`
# CLI in release mode, and runs it with the given arguments (default: `status`).
# Run it inside your desktop session: secrets go to its keyring (gnome-keyring/KWallet).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_packages "${CORE_PACKAGES[@]}"
need_rust
cargo build --release --locked -p authdeck-cli >&2
[ $# -gt 0 ] || set -- status
exec target/release/authdeck "$@"
