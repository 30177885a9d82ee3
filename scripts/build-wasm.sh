#!/usr/bin/env bash
# Builds the shipped WebAssembly 1.0 module and its wasm-bindgen glue.
#
#   1. nightly cargo with -Z build-std and -C target-cpu=mvp: std itself is
#      recompiled without post-MVP features (route A in README "Build");
#   2. wasm-bindgen --target web: ESM glue into build/gen/ (git-ignored);
#   3. the two #[no_mangle] statics wasm-bindgen's runtime exports as wasm
#      Globals (unused by the glue when panic=abort) are un-exported, since
#      iOS WeChat cannot load modules that export Globals;
#   4. wasm-opt -O3 (measured: the same brotli size as -Oz for this module,
#      but -Oz halves ChaCha20-Poly1305 throughput), then brotli for the
#      mini-program's .wasm.br.
# Panics: -C panic=immediate-abort (nightly) drops panic messages and their
# formatting code (about 11 KB brotli). A panic was already a trap with
# panic = "abort"; the boundary is written so that none can happen.
# Output: build/gen/mpshield.js (glue) and build/wasm/mpshield_bg.wasm{,.br}.
set -euo pipefail
cd "$(dirname "$0")/.."

RUSTFLAGS="-C target-cpu=mvp -Z unstable-options -C panic=immediate-abort" cargo +nightly build -q \
  -Z build-std=std,panic_abort \
  --target wasm32-unknown-unknown --release --lib --target-dir target/mvp

rm -rf build/gen build/wasm
mkdir -p build/gen build/wasm
wasm-bindgen --target web --out-dir build/gen \
  target/mvp/wasm32-unknown-unknown/release/mpshield.wasm

wasm2wat build/gen/mpshield_bg.wasm \
  | grep -v -E '^\s*\(export "[^"]*" \(global [0-9]+\)\)\s*$' \
  > build/gen/mpshield_bg.wat
wat2wasm build/gen/mpshield_bg.wat -o build/gen/mpshield_bg.noglobals.wasm

wasm-opt -O3 --enable-mutable-globals \
  build/gen/mpshield_bg.noglobals.wasm -o build/wasm/mpshield_bg.wasm
brotli -q 11 -f -o build/wasm/mpshield_bg.wasm.br build/wasm/mpshield_bg.wasm
