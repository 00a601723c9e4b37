#!/usr/bin/env bash
# Authdeck's benchmarks, side by side with peers, printed as a table (see BENCHMARKS.md).
#   bench/run.sh            full run (200 interleaved runs per contender; a few minutes)
#   bench/run.sh --smoke    a few runs of everything, to prove it still works (CI)
# Other arguments go to bench/bench.py (--runs N, --items 1,2,4, …).
# Runs inside a private D-Bus session with an unlocked gnome-keyring whose files live in a
# temporary directory (unless BENCH_IN_SESSION=1 says the caller already provides one).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${BENCH_NO_BUILD:-}" != 1 ]]; then
  cargo build --release --locked -p authdeck-cli
fi
[[ -d tests/node_modules ]] || (cd tests && npm ci --no-audit --no-fund --loglevel=error)
if [[ "${BENCH_IN_SESSION:-}" == 1 ]]; then
  exec python3 bench/bench.py "$@"
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/data" "$home/runtime"
export XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/runtime"
unset DBUS_SESSION_BUS_ADDRESS
dbus-run-session -- sh -c '
  eval "$(printf %s bench-password | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
  exec python3 bench/bench.py "$@"
' sh "$@"
