#!/usr/bin/env bash
# sanitizer_tests.sh [JOBS] — the sanitizer part of `make test` (called by tools/run_tests.sh).
# Configures the same sources twice more, each in its own folder beside the main build, and builds only the
# sanitize_tests target there (tests/sanitize/tests.cmake): the parser, loader and CUDA-emulator libraries and
# their tests, at -O1.
#   build-asan  AddressSanitizer + UndefinedBehaviorSanitizer: the data, .npy, safetensors and emulator suites, and
#               every fuzz target's replay of its regression inputs and seeds.
#   build-tsan  ThreadSanitizer: the prefetching loader's tests (no OpenMP in anything built there).
# Any report aborts its test (-fno-sanitize-recover=all, halt_on_error). Each stage prints its time.
# THORAX_SANITIZE_DIR moves the two build folders (default: the project root).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${1:-2}
root=${THORAX_SANITIZE_DIR:-$src}
timed="$src/tools/timed.sh"
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

# stage NAME LOG COMMAND...: runs COMMAND with its output appended to LOG (shown when it fails), and prints its time.
stage() {
  local name=$1 log=$2 start
  shift 2
  start=$(date +%s)
  "$@" >> "$log" 2>&1
  local rc=$?
  echo "=== $name: $(( $(date +%s) - start )) s (exit $rc)"
  [ "$rc" -eq 0 ] || tail -60 "$log"
  return $rc
}

# sanitize KIND SANITIZERS LABELS: configure, build and run one sanitizer build (its log: DIR/sanitize.log).
sanitize() {
  local kind=$1 sanitizers=$2 labels=$3 dir="$root/build-$1"
  mkdir -p "$dir"
  local log="$dir/sanitize.log"
  : > "$log"
  stage "$kind configure" "$log" cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DTHORAX_SANITIZE="$sanitizers" \
    -DTHORAX_CUDA=OFF "${launcher[@]}" || return 1
  stage "$kind build" "$log" cmake --build "$dir" -j "$jobs" --target sanitize_tests || return 1
  (cd "$dir" && bash "$timed" "$kind tests" ctest --output-on-failure -j "$jobs" -L "$labels")
}

status=0
sanitize asan "address,undefined" "sanitize|fuzz" || status=1
sanitize tsan "thread" "sanitize" || status=1
exit $status
