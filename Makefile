# mpshield — the verbs a newcomer needs. `make demo` and `make test` install
# whatever is missing first (scripts/setup.sh), so they are the whole set-up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
# Differential tests against the Python and npm peers fail (not skip) when a
# peer is missing.
export MPSHIELD_REQUIRE_PEERS ?= 1
NODE_TEST := node --test --test-reporter=spec

.PHONY: help setup build pkg demo test lint test-native test-web test-node test-miniprogram test-www size bench fmt clean

help:
	@echo "make demo   build the package, run the end-to-end demo, serve the demo page"
	@echo "make test   run every test (installs what is missing first)"
	@echo "make build  build the WebAssembly module and the npm package in pkg/"
	@echo "make size   print the shipped sizes"
	@echo "make bench  run the benchmarks and write docs/BENCHMARKS.md"

setup:
	@scripts/setup.sh

# The wasm module (build/wasm) and the package bundles (pkg/dist).
build: setup
	@scripts/build-wasm.sh
	@node scripts/build-pkg.mjs

pkg: build

demo: build
	@node scripts/demo.mjs
	@node scripts/serve.mjs

lint: setup
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings

test-native: setup
	cargo test

test-web: setup
	cargo test --target wasm32-unknown-unknown --test web

test-node: build
	$(NODE_TEST) tests/js/

test-miniprogram: build
	$(NODE_TEST) tests/miniprogram/

# The demo page (www/) in headless Chromium; screenshots in build/www-screenshots/.
test-www: build
	$(NODE_TEST) tests/www/

test: lint test-native test-web test-node test-miniprogram test-www size
	@echo "make test: all green"

size: build
	@node scripts/size.mjs

bench: build
	@node scripts/bench.mjs

fmt:
	cargo fmt --all

clean:
	rm -rf build pkg/dist target/mvp
