#!/usr/bin/env bash
# Dependency rules of the workspace, checked with `cargo tree` (normal dependencies, this
# platform; no build):
# - authdeck-core never depends on Tauri (the CLI must not carry the GUI stack);
# - a build of the shipped binaries without the `demo` feature has no demo-idp in it;
# - on Linux the shipped binaries link one zbus (the Secret Service client and Tauri's
#   plugins share it; a second one costs ~0.5 MiB of the desktop app). notify-rust 4.19
#   moved to zbus 6, so Cargo.lock keeps 4.18: a `cargo update` that brings it back fails here.
# Each rule is also run where it must find the crate, so a query that silently matches
# nothing (a renamed crate, a changed cargo) cannot pass the check.
set -euo pipefail
cd "$(dirname "$0")/.."

# absent CRATE CARGO-TREE-ARGS...: fails when CRATE is in the tree those args select.
absent() {
  local crate=$1 out
  shift
  if out=$(cargo tree --locked -e normal -i "$crate" "$@" 2>&1); then
    echo "deps-check: $crate must not be a dependency of: $*. It is, through:" >&2
    echo "$out" >&2
    exit 1
  fi
  case "$out" in
    *"did not match any packages"*) echo "   no $crate in: $*" ;;
    *) echo "deps-check: cargo tree failed: $out" >&2; exit 1 ;;
  esac
}

# present CRATE CARGO-TREE-ARGS...: fails unless CRATE is in that tree.
present() {
  local crate=$1
  shift
  cargo tree --locked -e normal -i "$crate" "$@" >/dev/null 2>&1 || {
    echo "deps-check: the check itself is broken: $crate should be found in: $*" >&2
    exit 1
  }
}

absent tauri -p authdeck-core
present tauri -p authdeck-desktop
absent demo-idp -p authdeck-cli -p authdeck-desktop --features authdeck-desktop/custom-protocol
present demo-idp -p authdeck-cli -p authdeck-desktop --features authdeck-cli/demo,authdeck-desktop/demo

# One version of CRATE in the shipped binaries' tree (and at least one).
once() {
  local crate=$1 versions
  versions=$(cargo tree --locked -e normal --prefix none --format '{p}' \
    -p authdeck-cli -p authdeck-desktop --features authdeck-desktop/custom-protocol |
    awk -v c="$crate" '$1 == c { print $2 }' | sort -u)
  case "$(printf '%s' "$versions" | grep -c .)" in
    1) echo "   one $crate ($versions) in the shipped binaries" ;;
    0) echo "deps-check: the check itself is broken: no $crate in the shipped binaries" >&2; exit 1 ;;
    *) echo "deps-check: the shipped binaries link several $crate:" $versions \
         "(see: cargo tree -d -e normal -p authdeck-desktop)" >&2; exit 1 ;;
  esac
}

if [ "$(uname -s)" = Linux ]; then
  once zbus
fi
