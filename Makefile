# Engram: the two commands a newcomer needs are `make run` and `make test`.
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test bench eval clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null

build: configure
	@ninja -C $(BUILD_DIR) -j $(JOBS)

# Starts engramd on 127.0.0.1:8420 with its data in ./data (Ctrl-C stops it gracefully).
run: build
	./$(BUILD_DIR)/engramd --listen 127.0.0.1:8420 --data-dir ./data

# Every test: unit tests, store conformance, black-box HTTP tests against a real engramd.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Benchmarks; they print their figures (see docs/benchmarks.md).
bench: build
	@scripts/bench.sh $(BUILD_DIR)

# Retrieval evaluation on ../shared/data (recall@k per category).
eval: build
	@scripts/eval.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
