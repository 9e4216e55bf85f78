# Thin wrapper over CMake. README command: `make test` (the main-job command `make demo` arrives with
# its issue). `make test` = install what is missing, build, run every check CI runs; each stage timed.
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: setup configure build test bench clean

setup:
	bash tools/setup_debian.sh

configure:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test:
	@bash tools/timed.sh install $(MAKE) --no-print-directory setup
	@bash tools/timed.sh build $(MAKE) --no-print-directory build
	@bash tools/timed.sh tests bash tools/run_tests.sh $(BUILD) $(JOBS)

# Kernel benches (not part of `make test`): every registered version side by side, GFLOP/s and % of peak.
bench: build
	$(BUILD)/bench/kernel_bench $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
