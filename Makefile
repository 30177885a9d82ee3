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

.PHONY: help setup build pkg demo test lint test-native test-web test-node test-miniprogram test-jsc test-www test-frameworks size bench fmt clean \
	fuzz fuzz-build fuzz-smoke fuzz-replay fuzz-corpus fuzz-bombs fuzz-regressions

help:
	@echo "make demo   build the package, run the end-to-end demo, serve the demo page"
	@echo "make test   run every test (installs what is missing first)"
	@echo "make build  build the WebAssembly module and the npm package in pkg/"
	@echo "make size   print the shipped sizes"
	@echo "make bench  run the benchmarks and write docs/BENCHMARKS.md (BENCH_ONLY=log-growth or jsc: one section)"
	@echo "make fuzz   run every fuzz target for FUZZ_SECONDS (default 3600) each; see docs/FUZZING.md"

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
	cargo fmt --manifest-path fuzz/Cargo.toml -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features intl -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features gm -- -D warnings

test-native: setup
	cargo test
	cargo test -p mpshield-kdf

test-web: setup
	cargo test --target wasm32-unknown-unknown --test web

test-node: build
	$(NODE_TEST) tests/js/

test-miniprogram: build
	$(NODE_TEST) tests/miniprogram/

# The smoke suite and the flow in JavaScriptCore without a JIT (Debian's
# jsc, the engine of iOS WeChat), mini-program bundle and module as shipped
# (tests/miniprogram/jsc/); about 15 s on 2 cores.
test-jsc: build
	$(NODE_TEST) tests/jsc/

# The demo page (www/) in headless Chromium; screenshots in build/www-screenshots/.
test-www: build
	$(NODE_TEST) tests/www/

# Taro 4 and uni-app 3 projects (tests/frameworks/), built with their own
# CLIs from npm and run in the emulated mini-program runtime. Their
# node_modules are installed once per lockfile and kept (about 75 s cold).
test-frameworks: build
	@MPSHIELD_FRAMEWORKS=1 scripts/setup.sh
	$(NODE_TEST) tests/frameworks/

test: lint test-native fuzz-replay test-web test-node test-miniprogram test-jsc test-www test-frameworks size
	@echo "make test: all green"

size: build
	@node scripts/size.mjs

# BENCH_ONLY=log-growth runs only that section (see scripts/bench.mjs);
# BENCH_ONLY=jsc only "iPhone-class (JavaScriptCore, no JIT)"
# (scripts/bench-jsc.mjs, jsc from scripts/setup.sh), which the full run
# writes last.
bench: build
	@if [ "$(BENCH_ONLY)" = jsc ]; then node scripts/bench-jsc.mjs; \
	elif [ -n "$(BENCH_ONLY)" ]; then node scripts/bench.mjs --only $(BENCH_ONLY); \
	else node scripts/bench.mjs && node scripts/bench-jsc.mjs; fi

fmt:
	cargo fmt --all
	cargo fmt --manifest-path fuzz/Cargo.toml

# --- Fuzzing (cargo-fuzz, libFuzzer; nightly) — see docs/FUZZING.md ----------
# fuzz/ is its own workspace (own Cargo.lock, target dir fuzz/target).
FUZZ_TARGETS := envelope stream sdjwt_decode sdjwt_verify sdjwt_present request verifier \
	store receipt checkpoint record json handover
# `make fuzz` runs each target until FUZZ_RUNS executions or FUZZ_SECONDS,
# whichever comes first (the campaign's bar: 10 million or one hour), with
# FUZZ_JOBS libFuzzer workers, at nice FUZZ_NICE, with FUZZ_SANITIZER
# (address or none); FUZZ_ONLY picks targets.
FUZZ_SECONDS ?= 3600
FUZZ_RUNS ?= 10000000
FUZZ_JOBS ?= 1
FUZZ_NICE ?= 10
FUZZ_SANITIZER ?= address
FUZZ_ONLY ?= $(FUZZ_TARGETS)
# Per-input time limit (s): slower inputs are reported as timeouts.
FUZZ_TIMEOUT ?= 20
FUZZ := cd fuzz && cargo +nightly fuzz
FUZZ_ARGS := -timeout=$(FUZZ_TIMEOUT) -print_final_stats=1

fuzz-build: setup
	@MPSHIELD_FUZZ=1 scripts/setup.sh
	$(FUZZ) build

# Each target once over its committed corpus, through cargo-fuzz (nightly,
# AddressSanitizer). Not part of `make test` (cold install and sanitizer
# build take about 9 minutes); `fuzz-replay` is, without the sanitizer. Both
# also run the inputs under fuzz/regressions/ (defects found and fixed; see
# its README), and `make fuzz-regressions` runs each alone.
fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  (cd fuzz && cargo +nightly fuzz run $$t corpus/$$t $$( [ -d regressions/$$t ] && echo regressions/$$t ) -- -runs=0 $(FUZZ_ARGS) > target/smoke-$$t.log 2>&1) \
	    || { tail -n 60 fuzz/target/smoke-$$t.log; echo "fuzz-smoke: $$t FAILED"; exit 1; }; \
	  echo "fuzz-smoke: $$t: $$(grep -h 'stat::number_of_executed_units' fuzz/target/smoke-$$t.log)"; \
	done
	@echo "fuzz-smoke: every target ran over its corpus"

# Every target once over its committed corpus and the generated depth
# bombs, in `make test`: built with plain cargo on stable (libfuzzer-sys
# links libFuzzer's driver; no sanitizer, no coverage), so it costs a
# native build and a few seconds, not cargo-fuzz's nightly toolchain.
fuzz-replay: setup fuzz-bombs
	@cargo build -q --manifest-path fuzz/Cargo.toml --bins
	@for t in $(FUZZ_TARGETS); do \
	  fuzz/target/debug/$$t fuzz/corpus/$$t $$( [ -d fuzz/bombs/$$t ] && echo fuzz/bombs/$$t ) $$( [ -d fuzz/regressions/$$t ] && echo fuzz/regressions/$$t ) -runs=0 $(FUZZ_ARGS) > fuzz/target/replay-$$t.log 2>&1 \
	    || { tail -n 40 fuzz/target/replay-$$t.log; echo "fuzz-replay: $$t FAILED"; exit 1; }; \
	  echo "fuzz-replay: $$t: $$(grep -hoE 'Done [0-9]+ runs' fuzz/target/replay-$$t.log)"; \
	done

# The seed corpora (committed) and the large depth bombs (generated).
fuzz-corpus:
	cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus -- corpus

fuzz-bombs:
	cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus -- bombs

# The regression inputs and the generated bombs, one at a time; reports
# each, fails if any crashes.
fuzz-regressions: fuzz-build fuzz-bombs
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  for f in fuzz/regressions/$$t/* fuzz/bombs/$$t/*; do \
	    [ -f "$$f" ] || continue; \
	    (cd fuzz && cargo +nightly fuzz run $$t "$${f#fuzz/}" -- $(FUZZ_ARGS) > target/regression.log 2>&1) \
	      && echo "fuzz-regressions: $$f ok" \
	      || { failed="$$failed $$f"; echo "fuzz-regressions: $$f FAILED: $$(grep -m1 -oE 'ERROR: (AddressSanitizer|libFuzzer): [a-z-]+|panicked at [^ ]*' fuzz/target/regression.log)"; }; \
	  done; \
	done; [ -z "$$failed" ] || { echo "fuzz-regressions: failed:$$failed"; exit 1; }

# Every target for FUZZ_SECONDS, one after the other, niced; new inputs go
# to fuzz/work/<target> (git-ignored), crashes to fuzz/artifacts/<target>.
# Logs with the final stats in fuzz/target/fuzz-<target>.log. Then the
# regression inputs and bombs (fuzz-regressions).
fuzz: fuzz-build fuzz-bombs
	@failed=""; for t in $(FUZZ_ONLY); do \
	  mkdir -p fuzz/work/$$t; \
	  echo "fuzz: $$t for $(FUZZ_RUNS) runs or $(FUZZ_SECONDS) s"; \
	  (cd fuzz && nice -n $(FUZZ_NICE) cargo +nightly fuzz run -s $(FUZZ_SANITIZER) -j $(FUZZ_JOBS) $$t work/$$t corpus/$$t -- \
	     -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS) > target/fuzz-$$t.log 2>&1) \
	    || { failed="$$failed $$t"; echo "fuzz: $$t FAILED (fuzz/target/fuzz-$$t.log)"; }; \
	  grep -hE 'stat::number_of_executed_units|cov: ' fuzz/target/fuzz-$$t.log | tail -n 2; \
	done; \
	$(MAKE) --no-print-directory fuzz-regressions || failed="$$failed regressions"; \
	[ -z "$$failed" ] || { echo "fuzz: failed:$$failed"; exit 1; }

clean:
	rm -rf build pkg/dist pkg/LICENSE pkg/README.zh-CN.md tests/frameworks/*/dist target/mvp fuzz/target fuzz/artifacts fuzz/work fuzz/bombs
