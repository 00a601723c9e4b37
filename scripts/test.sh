#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: installs what the tests need,
# checks formatting and lints, then runs every test inside a private D-Bus session with
# an unlocked gnome-keyring (the real Secret Service), against the real oidc-provider.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_packages "${CORE_PACKAGES[@]}"
need_rust
need_node

echo "== npm ci (tests/: oidc-provider)"
(cd tests && npm ci --no-audit --no-fund --loglevel=error)

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo build"
cargo build --workspace --all-targets --locked

# A private keyring: its files live in a temporary XDG_DATA_HOME, never the user's.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
mkdir -m 700 "$keyring_home/data" "$keyring_home/runtime"
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/runtime"
unset DBUS_SESSION_BUS_ADDRESS

echo "== cargo test (private D-Bus session + gnome-keyring)"
dbus-run-session -- sh -c '
  eval "$(printf %s test-password | gnome-keyring-daemon --unlock --components=secrets)"
  exec cargo test --workspace --locked "$@"
' sh "$@"
