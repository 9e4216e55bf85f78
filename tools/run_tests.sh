#!/usr/bin/env bash
# Runs every ctest test of BUILD_DIR. A test that skips (exit 77) for missing data while the data
# folder exists fails the run (DESIGN.md, "Data directory for tests"); tests that skip for lack of a
# GPU carry the ctest label cuda-device and are exempt.
set -uo pipefail
build=${1:-build}
jobs=${2:-2}
data_dir=$(sed -n 's/^THORAX_DATA_DIR:PATH=//p' "$build/CMakeCache.txt")
log=$(mktemp)
# Tests run two at a time on two cores: OpenMP threads that spin while waiting slow the other test several-fold.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
(cd "$build" && ctest --output-on-failure -j "$jobs" -LE cuda-device) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
(cd "$build" && ctest --output-on-failure -L cuda-device) > /dev/null 2>&1 || true
if [ "$status" -eq 0 ] && [ -n "$data_dir" ] && [ -d "$data_dir" ] && grep -q "Skipped" "$log"; then
  echo "run_tests: a test skipped although the data folder $data_dir exists:" >&2
  grep "Skipped" "$log" >&2
  status=1
fi
rm -f "$log"
# The parser, loader and CUDA-emulator libraries again, under ASan + UBSan and TSan, in build-asan/ and build-tsan/.
bash "$(dirname "$0")/sanitizer_tests.sh" "$jobs" || status=1
exit "$status"
