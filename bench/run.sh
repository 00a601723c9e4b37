#!/usr/bin/env bash
# Authdeck's benchmarks, side by side with peers, printed as a table (see BENCHMARKS.md).
#   bench/run.sh            full run (200 interleaved runs per contender; ~10 minutes)
#   bench/run.sh --smoke    a few runs of everything, to prove it still works (CI)
#   bench/run.sh --proxy [--smoke]   `authdeck proxy` vs direct calls (bench/proxy.py)
# Other arguments go to bench/bench.py (--runs N, --items 1,2,4, …).
# Runs inside a private D-Bus session with an unlocked gnome-keyring whose files live in a
# temporary directory (unless BENCH_IN_SESSION=1 says the caller already provides one).
set -euo pipefail
cd "$(dirname "$0")/.."
script=bench/bench.py
if [[ "${1:-}" == --proxy ]]; then
  script=bench/proxy.py
  shift
fi
if [[ "${BENCH_NO_BUILD:-}" != 1 ]]; then
  # The desktop app (items 4 and 5) serves the built UI from ui/dist.
  [[ -f ui/dist/index.html ]] || (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
  cargo build --release --locked -p authdeck-cli -p authdeck-desktop \
    --features authdeck-desktop/custom-protocol
fi
[[ -d tests/node_modules ]] || (cd tests && npm ci --no-audit --no-fund --loglevel=error)
if [[ "${BENCH_IN_SESSION:-}" == 1 ]]; then
  exec python3 "$script" "$@"
fi
home=$(mktemp -d)
# The session may leave a document-portal FUSE mount in the runtime dir (the desktop
# items start WebKit): unmount it first.
trap 'fusermount -u "$home/runtime/doc" 2>/dev/null || true; rm -rf "$home"' EXIT
mkdir -m 700 "$home/data" "$home/runtime"
export XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/runtime"
unset DBUS_SESSION_BUS_ADDRESS
dbus-run-session -- sh -c '
  eval "$(printf %s bench-password | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
  script=$1
  shift
  exec python3 "$script" "$@"
' sh "$script" "$@"
