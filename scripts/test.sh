#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: installs what the tests need,
# checks formatting and lints, runs each fuzz target briefly, then runs every test — unit, CLI, end-to-end against the
# real oidc-provider and demo-idp, the real Swagger UI in headless Chromium, and the desktop
# app driven through tauri-driver —
# inside a private D-Bus session with an unlocked gnome-keyring (the real Secret Service)
# and a virtual X display.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_packages "${CORE_PACKAGES[@]}" "${DESKTOP_PACKAGES[@]}" "${DESKTOP_TEST_PACKAGES[@]}" \
  "${BROWSER_TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
need_kubectl
need_rust
need_node
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "== cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

# tests/: oidc-provider, swagger-ui-dist, playwright-core.
npm_ci tests
build_ui
echo "== ui: unit tests"
(cd ui && npm test --silent)

# One feature set for every cargo step, so the desktop app is built once, serving ui/dist,
# with demo mode (the tests drive it; release builds leave it out).
FEATURES=(--workspace --all-targets --locked
  --features authdeck-desktop/custom-protocol,authdeck-desktop/demo,authdeck-cli/demo)
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== dependency rules (cargo tree)"
scripts/deps-check.sh
echo "== cargo clippy"
cargo clippy "${FEATURES[@]}" -- -D warnings
# What ships has no demo mode: lint that variant too (only the two crates with the
# feature are checked again; every dependency resolves with the same features).
echo "== cargo clippy, without demo mode"
cargo clippy --workspace --all-targets --locked --features authdeck-desktop/custom-protocol -- -D warnings
echo "== cargo build"
cargo build "${FEATURES[@]}"
# The Debian package of the binaries just built (the release package takes a fat-LTO
# build: scripts/deb.sh), checked without touching this machine's installed packages.
echo "== Debian package: scripts/deb.sh --from-debug, scripts/deb-check.sh"
scripts/deb.sh --from-debug
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
scripts/deb-check.sh "$(ls -t "$target_dir"/deb-from-debug/debug/bundle/deb/*.deb | head -1)"
echo "== fuzz smoke run (each target a few seconds; scripts/fuzz.sh for longer runs)"
scripts/fuzz.sh --smoke

# A private keyring: its files live in a temporary XDG_DATA_HOME, never the user's.
keyring_home=$(mktemp -d)
# The session may leave a document-portal FUSE mount in the runtime dir: unmount it first.
trap 'fusermount -u "$keyring_home/runtime/doc" 2>/dev/null || true; rm -rf "$keyring_home" 2>/dev/null || true' EXIT
mkdir -m 700 "$keyring_home/data" "$keyring_home/runtime"
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/runtime"
# No accessibility bus or desktop portals for the test windows (they only add processes).
export NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
unset DBUS_SESSION_BUS_ADDRESS
rm -rf artifacts && mkdir -p artifacts

# The tests take ~5 min; a hung one fails the run after TEST_TIME_LIMIT seconds, with
# what its processes were waiting in.
echo "== cargo test (private D-Bus session + gnome-keyring + Xvfb); screenshots in artifacts/"
run_bounded "${TEST_TIME_LIMIT:-1500}" dbus-run-session -- sh -c '
  eval "$(printf %s test-password | gnome-keyring-daemon --unlock --components=secrets)"
  exec xvfb-run -a -s "-screen 0 1280x800x24" cargo test "$@"
' sh "${FEATURES[@]}" "$@"

# One short pass of the benchmarks so they cannot rot: it checks that they run, never
# their numbers. The debug CLI built above stands in for the release one here.
echo "== bench/run.sh --smoke (no timing is asserted)"
BENCH_NO_BUILD=1 AUTHDECK_BIN="$target_dir/debug/authdeck" \
  timeout 300 bench/run.sh --smoke
echo "== bench/run.sh --proxy --smoke (no timing is asserted)"
BENCH_NO_BUILD=1 AUTHDECK_BIN="$target_dir/debug/authdeck" \
  timeout 120 bench/run.sh --proxy --smoke
