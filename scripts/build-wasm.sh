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
#      mini-program's .wasm.br. Measured on the single module before the
#      flow (mpshield at "s", AEAD crates at opt 3; binaryen 108, brotli
#      q11): -O3 229,917 B; -O3 --converge 229,155 B; -Oz --converge
#      228,457 B; -Oz --converge --low-memory-unused 227,149 B (-2,768 B).
#      There, the AEADs and X25519 ran at the same speed under every level
#      (rustc had compiled them at opt 3), but -Oz made SD-JWT issue 7 %,
#      decode 12 % and ES256 signing 9 % slower than -O3.
#      With the two flavours (measured with the flow, Node 20, best batch):
#        release (opt 3 everywhere): -O3 and -Oz give the same size
#          (313.0 / 312.9 KB) and speed (±3 %);
#        compact (every crate "z"): -O3 costs +495 B (217,753 against
#          217,258 B) and makes ChaCha20-Poly1305 and AES-GCM 25-35 %,
#          SD-JWT issue/decode and ES256 signing 4-12 % faster.
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
# Output: build/gen{,-compact,-compact-gm}/mpshield.js (glue),
# build/wasm{,-compact,-compact-gm}/mpshield_bg.wasm{,.br} and
# build/wasm-kdf/mpshield_kdf.wasm{,.br} (see kdf_module below).
set -euo pipefail
cd "$(dirname "$0")/.."

# flavour <cargo profile> <glue dir> <module dir> [cargo args…]
flavour() {
  local profile=$1 gen=$2 out=$3 cfg=""
  shift 3
  # The phone modules take sha2's rolled ("compact") SHA-256 and SHA-512
  # compression instead of the unrolled one: -2,909 B brotli (intl module,
  # measured with the gm suite merged; 18.7 KB of unrolled rounds). SHA-2
  # hashes short inputs here (disclosures, JWS signing inputs, Merkle
  # leaves, Ed25519's SHA-512), next to curve operations that cost far more.
  [ "$profile" = compact ] && cfg='--cfg sha2_backend_soft="compact"'
  RUSTFLAGS="-C target-cpu=mvp -Z unstable-options -C panic=immediate-abort -Z location-detail=none $cfg" cargo +nightly build -q \
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

# Three modules from the same source (Cargo.toml, profiles "release" and
# "compact"): release for Node (servers and benchmarks: both suites, opt 3
# and the precomputed curve tables of feature "fast"), and two phone
# modules for browsers and mini-programs (every crate for size, to stay
# within the 250 KB budget a phone downloads; without feature "full", whose
# exports then fail with INVALID_STATE — see Cargo.toml), one per suite: a
# deployment chooses intl or gm (国密) and its phones download only that
# one. Both suites in one phone module measured 231.8 KB brotli for the
# module alone with the gm seal only (intl alone 223.5 KB), over the budget
# with the bundle.


# The module of the mini-program KDF Worker (crates/mpshield-kdf): Argon2id
# alone, no wasm-bindgen, no std (its own allocator), so a few KB instead of
# the phone module's 225 KB; WebAssembly 1.0 as above. Opt 3 throughout: it
# is small either way (wasm-opt -Oz and -O3 within 40 bytes of each other
# when measured), and under iOS's interpreter every pass counts. Output:
# build/wasm-kdf/mpshield_kdf.wasm{,.br}; scripts/build-pkg.mjs puts the .br
# into pkg/dist/miniprogram-worker/. `scripts/build-wasm.sh kdf` builds only
# this one (about a minute).
kdf_module() {
  RUSTFLAGS="-C target-cpu=mvp" cargo +nightly build -q \
    -Z build-std=core,alloc \
    --target wasm32-unknown-unknown --release -p mpshield-kdf --lib --target-dir target/mvp-kdf
  rm -rf build/wasm-kdf
  mkdir -p build/wasm-kdf
  wasm-opt -O3 --enable-mutable-globals \
    target/mvp-kdf/wasm32-unknown-unknown/release/mpshield_kdf.wasm -o build/wasm-kdf/mpshield_kdf.wasm
  brotli -q 11 -f -o build/wasm-kdf/mpshield_kdf.wasm.br build/wasm-kdf/mpshield_kdf.wasm
}

if [ "${1:-}" = kdf ]; then
  kdf_module
  exit 0
fi
flavour release build/gen build/wasm --features fast
flavour compact build/gen-compact build/wasm-compact --no-default-features --features intl
flavour compact build/gen-compact-gm build/wasm-compact-gm --no-default-features --features gm
kdf_module
