#!/usr/bin/env bash
# Builds the shipped WebAssembly 1.0 module and its wasm-bindgen glue.
#
#   1. nightly cargo with -Z build-std and -C target-cpu=mvp: std itself is
#      recompiled without post-MVP features (route A in README "Build");
#   2. wasm-bindgen --target web: ESM glue into build/gen/ (git-ignored);
#   3. the two #[no_mangle] statics wasm-bindgen's runtime exports as wasm
#      Globals (unused by the glue when panic=abort) are un-exported, since
#      iOS WeChat cannot load modules that export Globals;
#   4. wasm-opt -Oz --converge --low-memory-unused, then brotli for the
#      mini-program's .wasm.br. Measured (binaryen 108, module brotli q11):
#        -O3                                  229,917 B
#        -O3 --converge                       229,155 B
#        -Oz --converge                       228,457 B
#        -Oz --converge --low-memory-unused   227,149 B  (-2,768 B) — chosen
#      with ChaCha20-Poly1305, AES-GCM, X25519 and envelope throughput in
#      Node unchanged (±2 %, best of 6 runs each): the AEAD hot paths are
#      compiled at opt 3 by rustc (crates/mpshield-aead), so wasm-opt's level
#      no longer decides their speed (-Oz once halved ChaCha20-Poly1305, when
#      that code was compiled at mpshield's opt "s").
#      --low-memory-unused lets wasm-opt fold `ptr + c` (c < 1024) into load
#      and store offsets; it assumes nothing lives in the low 1 KiB. Here that
#      is the far end of the 1 MiB shadow stack (data, heap and the stack
#      pointer start at 1 MiB and the stack grows down), reached only by a
#      stack overflow, which is already undefined in WebAssembly.
# Panics: -C panic=immediate-abort (nightly) drops panic messages and their
# formatting code (about 11 KB brotli). A panic was already a trap with
# panic = "abort"; the boundary is written so that none can happen.
# -Z location-detail=none (nightly) then drops the file/line/column records
# that #[track_caller] code still embedded for those panics (38 source
# paths, build-machine registry paths among them): -1,088 B brotli.
# Output: build/gen{,-compact}/mpshield.js (glue) and
# build/wasm{,-compact}/mpshield_bg.wasm{,.br}.
set -euo pipefail
cd "$(dirname "$0")/.."

# flavour <cargo profile> <glue dir> <module dir> [cargo args…]
flavour() {
  local profile=$1 gen=$2 out=$3
  shift 3
  RUSTFLAGS="-C target-cpu=mvp -Z unstable-options -C panic=immediate-abort -Z location-detail=none" cargo +nightly build -q \
    -Z build-std=std,panic_abort \
    --target wasm32-unknown-unknown --profile "$profile" --lib --target-dir target/mvp "$@"

  rm -rf "$gen" "$out"
  mkdir -p "$gen" "$out"
  wasm-bindgen --target web --out-dir "$gen" \
    "target/mvp/wasm32-unknown-unknown/$profile/mpshield.wasm"

  wasm2wat "$gen/mpshield_bg.wasm" \
    | grep -v -E '^\s*\(export "[^"]*" \(global [0-9]+\)\)\s*$' \
    > "$gen/mpshield_bg.wat"
  wat2wasm "$gen/mpshield_bg.wat" -o "$gen/mpshield_bg.noglobals.wasm"

  wasm-opt -Oz --converge --low-memory-unused --enable-mutable-globals \
    "$gen/mpshield_bg.noglobals.wasm" -o "$out/mpshield_bg.wasm"
  brotli -q 11 -f -o "$out/mpshield_bg.wasm.br" "$out/mpshield_bg.wasm"
}

# Two modules from the same source (Cargo.toml, profiles "release" and
# "compact"): release for Node (servers and benchmarks: opt 3 and the
# precomputed curve tables of feature "fast"), compact for browsers and
# mini-programs (every crate for size, to stay within the 250 KB budget a
# phone downloads).
flavour release build/gen build/wasm --features fast
flavour compact build/gen-compact build/wasm-compact
