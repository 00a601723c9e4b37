#!/usr/bin/env bash
# Runs each libFuzzer target in fuzz/ for a set time and prints its figures.
#
#   scripts/fuzz.sh [SECONDS]        each target for SECONDS (default 60)
#   scripts/fuzz.sh --smoke          each target for a few seconds (CI)
#   scripts/fuzz.sh SECONDS TARGET…  only these targets
#
# Only the stable toolchain is needed: cargo-fuzz's nightly flags (-Zsanitizer=address,
# sancov) are accepted by stable rustc under RUSTC_BOOTSTRAP=1. Seeds come from
# fuzz/corpus/<target> (committed, read-only here); what the fuzzer finds goes to
# fuzz/target/corpus/<target> and crashes to fuzz/artifacts/<target> (both ignored by git).
# Exits non-zero when a target crashes, leaks or times out.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
if [[ "${1:-}" == "--smoke" ]]; then
  seconds=${FUZZ_SMOKE_SECONDS:-5}
  shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(jwt_claims config_parse loopback_request openapi_parse)
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# ASan by default (cargo-fuzz's default); FUZZ_SANITIZER=none builds faster.
sanitizer=${FUZZ_SANITIZER:-address}

echo "== cargo fuzz build (release, sanitizer: $sanitizer)"
(cd fuzz && cargo fuzz build -O -s "$sanitizer")

status=0
printf '%-18s %8s %12s %10s %8s  %s\n' target seconds runs execs/s cov result
for target in "${targets[@]}"; do
  work=fuzz/target/corpus/$target
  mkdir -p "$work" "fuzz/artifacts/$target"
  log=fuzz/target/$target.log
  set +e
  (cd fuzz && cargo fuzz run -O -s "$sanitizer" "$target" \
    "../$work" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1) >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
  if [[ $rc -eq 0 ]]; then
    result=clean
  else
    result="FAILED (exit $rc; see $log and fuzz/artifacts/$target)"
    status=1
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -5 || true
  fi
  printf '%-18s %8s %12s %10s %8s  %s\n' "$target" "$seconds" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$result"
done
exit $status
