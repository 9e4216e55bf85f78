# Thin wrapper over CMake. README commands: `make demo` (install what is missing, build, run the main job on the
# generated phantom set, or on real data with DATA=SPEC) and `make test` (install, build, run every check CI runs;
# each stage timed).
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: setup configure build test demo bench fuzz install clean

setup:
	bash tools/setup_debian.sh

# ccache (installed by setup) lets the sanitizer builds of `make test` reuse what the main build compiled.
CCACHE := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
configure:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CCACHE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test:
	@bash tools/timed.sh install $(MAKE) --no-print-directory setup
	@bash tools/timed.sh build $(MAKE) --no-print-directory build
	@bash tools/timed.sh tests bash tools/run_tests.sh $(BUILD) $(JOBS)

# The main job (tools/demo.sh): PRESET=toy|default|full, DATA=SPEC (default: phantoms), SEED, DEMO_OUT.
DEMO_OUT ?= demo
PRESET ?= default
demo:
	@bash tools/timed.sh install $(MAKE) --no-print-directory setup
	@bash tools/timed.sh build $(MAKE) --no-print-directory build
	@DATA="$(if $(filter command line environment,$(origin DATA)),$(DATA),)" PRESET="$(PRESET)" bash tools/demo.sh $(BUILD) $(DEMO_OUT)

# Benches (not part of `make test`): every registered kernel version side by side (GFLOP/s, % of peak); the model
# table (training step and inference images/s, peak RSS); the loader's images/s beside resnet18's training step.
BENCH_MODELS ?= resnet18 resnet50 mobilenet_v2 vgg16 densenet121 inception_v3@299 efficientnet_b0
BENCH_DATA ?= ../shared/data
bench: build
	$(BUILD)/bench/kernel_bench $(BENCH_ARGS)
	$(BUILD)/thorax bench model $(BENCH_MODELS) --batch 8 --res 224 --threads 2
	@if [ -d "$(BENCH_DATA)/kermany/train" ]; then $(BUILD)/thorax bench loader --data "folder:$(BENCH_DATA)/kermany/train" --threads 2; \
	else echo "loader bench skipped: no $(BENCH_DATA)/kermany/train (set BENCH_DATA=...)"; fi

# Fuzzing (not part of `make test` or CI): each fuzz/ target under libFuzzer + ASan + UBSan (clang, build-fuzz/) for
# FUZZ_SECONDS, printing the executions reached; FUZZ_TARGETS="npy zip_reader" runs only those.
FUZZ_SECONDS ?= 60
fuzz:
	bash fuzz/run_fuzz.sh build-fuzz $(FUZZ_SECONDS) $(JOBS) $(FUZZ_TARGETS)

# thorax as a library: the command, static libraries, headers and a CMake package (find_package(thorax)) under PREFIX.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)
