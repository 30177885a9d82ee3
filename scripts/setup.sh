#!/usr/bin/env bash
# Installs everything mpshield's build and tests need, idempotently, from the
# package registries only: rustup targets/components for the toolchains
# already installed, Debian packages, wasm-bindgen-cli pinned to Cargo.lock,
# cargo-fuzz (pinned),
# npm dev-dependencies from package-lock.json, the framework fixtures'
# (MPSHIELD_FRAMEWORKS=1) and a Python venv from requirements-test.txt. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# --- Rust toolchains ----------------------------------------------------------
command -v rustup >/dev/null || { echo "setup: rustup is required (https://rustup.rs)"; exit 1; }
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  cat <<'MSG'
setup: no nightly Rust toolchain is installed.
  The shipped module is built with `cargo +nightly -Z build-std` so that it is
  WebAssembly 1.0 (see README, "Build"). Install one with
      rustup toolchain install nightly --profile minimal
  and run this again.
MSG
  exit 1
fi
have_target() { rustup target list --installed --toolchain "$1" 2>/dev/null | grep -qx "$2"; }
have_component() { rustup component list --installed --toolchain "$1" 2>/dev/null | grep -q "^$2"; }
for tc in stable nightly; do
  have_target "$tc" wasm32-unknown-unknown || { say "rustup target add wasm32-unknown-unknown ($tc)"; rustup target add --toolchain "$tc" wasm32-unknown-unknown; }
done
have_component nightly rust-src || { say "rustup component add rust-src (nightly)"; rustup component add --toolchain nightly rust-src; }
for c in clippy rustfmt; do
  have_component stable "$c" || { say "rustup component add $c"; rustup component add --toolchain stable "$c"; }
done

# --- Debian packages ----------------------------------------------------------
need=()
for p in chromium chromium-driver wabt binaryen brotli fonts-wqy-microhei libjavascriptcoregtk-4.0-bin; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  say "apt-get install ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- wasm-bindgen-cli, the exact version in Cargo.lock ------------------------
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$want" != "$have" ]; then
  say "cargo install wasm-bindgen-cli $want (was: ${have:-none}; takes a few minutes)"
  # Not --locked: one of its pinned dependencies is not served by the registry.
  cargo install -q wasm-bindgen-cli --version "$want"
fi

# --- cargo-fuzz (only for make fuzz*, which sets MPSHIELD_FUZZ=1) ------------
# Pinned; the fuzz targets themselves (fuzz/) take libfuzzer-sys from
# crates.io through fuzz/Cargo.lock. Cold install: about 1 m 45 s on 2 cores.
fuzz_want=0.13.1
fuzz_have=$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)
if [ "${MPSHIELD_FUZZ:-0}" = 1 ] && [ "$fuzz_want" != "$fuzz_have" ]; then
  say "cargo install cargo-fuzz $fuzz_want (was: ${fuzz_have:-none})"
  cargo install -q --locked cargo-fuzz --version "$fuzz_want"
fi

# --- npm dev-dependencies -----------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json build/.npm-stamp 2>/dev/null; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  mkdir -p build && cp package-lock.json build/.npm-stamp
fi

# --- Framework fixtures (make test-frameworks, which sets MPSHIELD_FRAMEWORKS=1) ---
# tests/frameworks/{taro,taro-tt,uniapp,uniapp-tt,web}: their own package.json
# and lockfile (Taro 4 and uni-app 3 CLIs, esbuild, webpack 5 and Vite 5 from
# npm). Installed once per lockfile change and kept
# in their node_modules (git-ignored); mpshield itself is not a dependency:
# the tests install the freshly packed tarball into each before building.
# Cold: about 40-80 s for each Taro fixture, 15-25 s for each uni-app one and
# 10 s for web on 2 cores (2.5 min in all with a warm npm cache).
if [ "${MPSHIELD_FRAMEWORKS:-0}" = 1 ]; then
  for fx in tests/frameworks/taro tests/frameworks/taro-tt tests/frameworks/uniapp tests/frameworks/uniapp-tt tests/frameworks/web; do
    if [ ! -f "$fx/node_modules/.package-lock.json" ] || ! cmp -s "$fx/package-lock.json" "$fx/node_modules/.mpshield-stamp" 2>/dev/null; then
      say "npm install in $fx (locked versions)"
      # Not `npm ci`: Taro 4.2.1's lockfile leaves out the platform bindings
      # the registry does not serve (darwin, win32, linux-arm64 at 4.2.1),
      # which `npm ci` refuses. `npm install` installs the locked versions; a
      # lockfile it would change is an error, not a silent upgrade.
      cp "$fx/package-lock.json" build/.fixture-lock.json
      (cd "$fx" && npm install --no-audit --no-fund --loglevel=error)
      if ! cmp -s "$fx/package-lock.json" build/.fixture-lock.json; then
        cp build/.fixture-lock.json "$fx/package-lock.json"
        echo "setup: npm install wanted to change $fx/package-lock.json (restored); update it on purpose"; exit 1
      fi
      cp "$fx/package-lock.json" "$fx/node_modules/.mpshield-stamp"
    fi
  done
fi

# --- Python test peers ----------------------------------------------------------
if [ ! -x .venv/bin/python ] || ! cmp -s requirements-test.txt .venv/.stamp 2>/dev/null; then
  say "python venv (.venv) from requirements-test.txt"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-test.txt
  cp requirements-test.txt .venv/.stamp
fi
