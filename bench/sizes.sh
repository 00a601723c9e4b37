#!/usr/bin/env bash
# Sizes of what ships, next to a peer: builds the release Debian package (scripts/deb.sh:
# `authdeck`, `authdeck-full`, `authdeck-desktop` with the release profile, no demo mode)
# and the size peer, bench/peer (a hello-world Tauri 2 window + reqwest, same profile,
# crates from Authdeck's Cargo.lock, offline), then prints their sizes.
#   bench/sizes.sh              build both, print the table (~25 min on 2 busy cores)
#   bench/sizes.sh --no-build   print the table for what is built
#   bench/sizes.sh --crates     also: which crates the bytes of each binary come from
#                               (an unstripped build of the same profile, then `nm`)
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
crates=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --crates) crates=1 ;;
    *) echo "usage: bench/sizes.sh [--no-build] [--crates]" >&2; exit 2 ;;
  esac
done
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# The peer must be built like Authdeck: the same release profile.
python3 - <<'PY'
import sys, tomllib
ours = tomllib.load(open("Cargo.toml", "rb"))["profile"]["release"]
peer = tomllib.load(open("bench/peer/Cargo.toml", "rb"))["profile"]["release"]
if ours != peer:
    sys.exit(f"bench/peer/Cargo.toml's [profile.release] {peer} differs from Cargo.toml's {ours}: copy it")
PY

if [ "$build" = 1 ]; then
  start=$(date +%s)
  scripts/deb.sh
  echo "== release build and package: $(( $(date +%s) - start )) s"
  start=$(date +%s)
  # The workspace's lock pins the peer's crates to the versions Authdeck builds with.
  cp Cargo.lock bench/peer/Cargo.lock
  CARGO_TARGET_DIR=$target cargo build --release --offline --manifest-path bench/peer/Cargo.toml
  echo "== peer build: $(( $(date +%s) - start )) s"
fi

python3 - "$target/release" <<'PY'
import glob, os, sys
out = sys.argv[1]
MiB = 1024 * 1024
debs = sorted(glob.glob(f"{out}/bundle/deb/*.deb"), key=os.path.getmtime)
rows = [
    ("authdeck (front)", f"{out}/authdeck", None),
    ("authdeck-full", f"{out}/authdeck-full", 8 * MiB),
    ("authdeck-desktop", f"{out}/authdeck-desktop", 12 * MiB),
    (".deb", debs[-1] if debs else f"{out}/bundle/deb/(none)", 9.31 * MiB),
    ("peer: hello-world Tauri + reqwest", f"{out}/authdeck-bench-peer", None),
]
print(f"| file | bytes | MiB | target | |")
print(f"|---|---|---|---|---|")
for name, path, limit in rows:
    if not os.path.exists(path):
        print(f"| {name} | missing: {path} | | | |")
        continue
    size = os.path.getsize(path)
    verdict = "" if limit is None else ("met" if size <= limit else "NOT met")
    target = "" if limit is None else f"≤ {limit / MiB:.2f} MiB"
    print(f"| {name} | {size:,} | {size / MiB:.2f} | {target} | {verdict} |")
PY

[ "$crates" = 1 ] || exit 0
# Symbols survive only unstripped: the same profile with `strip = false`, in its own
# target dir (a whole second build). Sizes are of the symbols `nm` sees (code and data
# with a symbol; not string literals or tables without one), by the crate their name
# starts with (generic code counts for the crate that defines it).
symbols=$target/sizes-symbols
CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR=$symbols \
  cargo build --release --locked -p authdeck-cli -p authdeck-desktop --features authdeck-desktop/custom-protocol
for bin in authdeck-full authdeck-desktop; do
  echo "== $bin: bytes by crate (top 20), from nm"
  nm --size-sort --print-size --demangle "$symbols/release/$bin" | python3 -c '
import re, sys
from collections import Counter
by = Counter()
total = 0
for line in sys.stdin:
    parts = line.split(None, 3)
    if len(parts) < 4:
        continue
    size, name = int(parts[1], 16), parts[3].strip()
    total += size
    # The first path segment: "<tauri::x as core::y>::z" -> tauri, "tokio::a::b" -> tokio.
    m = re.match(r"[<&\s]*(?:dyn |mut |const )?([A-Za-z_][A-Za-z0-9_]*)(?:::|$)", name)
    crate = m.group(1) if m and "::" in name else "(C/other)"
    by[crate] += size
print(f"| crate | KiB | share |")
print(f"|---|---|---|")
for crate, size in by.most_common(20):
    print(f"| {crate} | {size / 1024:.0f} | {100 * size / total:.1f} % |")
print(f"| all symbols | {total / 1024:.0f} | 100 % |")
'
done
