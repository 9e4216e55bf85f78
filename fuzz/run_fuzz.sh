#!/usr/bin/env bash
# run_fuzz.sh BUILD_DIR SECONDS JOBS [TARGET...] — what `make fuzz` runs (not part of `make test` or CI).
# Configures BUILD_DIR with clang and THORAX_SANITIZE=fuzzer (libFuzzer + AddressSanitizer + UndefinedBehavior-
# Sanitizer), builds the fuzz targets, writes the seed corpora from thorax's own phantoms (fuzz_make_seeds), runs
# each target for SECONDS and prints the executions it reached. The corpus each run grows is kept in
# BUILD_DIR/corpus/<target>, so later runs start where earlier ones stopped. A crashing input is saved in
# BUILD_DIR/crashes/<target>/; copy it to fuzz/regressions/<target>/ once the parser is fixed, so `make test`
# replays it. Exits non-zero when any target crashed.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-fuzz}
seconds=${2:-60}
jobs=${3:-2}
shift 3 2>/dev/null || shift $#
targets=("$@")
case "$build" in /*) ;; *) build="$src/$build" ;; esac

cxx=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$cxx" ]; then
  echo "run_fuzz: no clang++ (libFuzzer needs clang; tools/setup_debian.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi
mkdir -p "$build"
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" -DTHORAX_SANITIZE=fuzzer \
  -DTHORAX_CUDA=OFF "${launcher[@]}" > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "$jobs" --target fuzz_all || exit 1

if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^set(THORAX_FUZZ_TARGETS \(.*\))$/\1/p' "$src/fuzz/targets.cmake" | tr ' ' '\n')
fi

# Seeds: written afresh from the phantoms; JPEG seeds are the phantom PNGs re-encoded by Pillow when it is present
# (thorax writes no JPEG itself), baseline and progressive.
seeds="$build/seeds"
rm -rf "$seeds"
ASAN_OPTIONS=detect_leaks=0 "$build/tests/fuzz_make_seeds" "$seeds" > /dev/null || exit 1
no_pillow="run_fuzz: no Pillow, so no JPEG seeds (libFuzzer still reaches JPEG through its comparison tracing)"
/usr/bin/python3 - "$seeds/image" << 'EOF' 2> /dev/null || echo "$no_pillow"
import sys
from PIL import Image
folder = sys.argv[1]
img = Image.open(folder + "/phantom.png").convert("L").crop((20, 20, 44, 44))
img.save(folder + "/phantom.jpg", quality=75)
img.save(folder + "/phantom_progressive.jpg", quality=60, progressive=True)
img.convert("RGB").save(folder + "/phantom_rgb.jpg", quality=80, subsampling=2)
EOF

status=0
results=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  crashes="$build/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  inputs=("$corpus" "$seeds/$t")
  [ -d "$src/fuzz/regressions/$t" ] && inputs+=("$src/fuzz/regressions/$t")
  log="$build/fuzz-$t.log"
  echo "=== fuzz $t: $seconds s"
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "${inputs[@]}" > "$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(find "$crashes" -type f | wc -l)
  if [ "$rc" -ne 0 ]; then
    status=1
    grep -m 3 -E "ERROR|runtime error|thorax fuzz:|SUMMARY" "$log"
    echo "fuzz $t: stopped with exit $rc after ${execs:-?} executions; input saved in $crashes (log: $log)"
  fi
  results+=("$(printf '%-14s %12s executions in %4s s   corpus %5s files   crash inputs %s' "$t" "${execs:-?}" \
    "$seconds" "$(find "$corpus" -type f | wc -l)" "$found")")
done
echo "=== fuzz summary (libFuzzer + ASan + UBSan, clang)"
printf '%s\n' "${results[@]}"
exit $status
