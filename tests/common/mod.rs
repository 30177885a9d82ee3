//! Helpers shared by the integration tests: hex, the project's Python
//! environment (for `cryptography-vectors` and pyca `cryptography`), and a
//! generator that replays fixed bytes.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rand_core::{TryCryptoRng, TryRng};

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SETUP_HINT: &str = "run `make setup` (it creates .venv with the Python packages \
     in requirements-test.txt)";

/// The project's Python (`MPSHIELD_PYTHON`, else `.venv/bin/python`).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("MPSHIELD_PYTHON") {
        return PathBuf::from(p);
    }
    let p = root().join(".venv/bin/python");
    assert!(p.exists(), "{} not found: {SETUP_HINT}", p.display());
    p
}

/// RFC 9180's `test-vectors.json` from the PyPI package
/// `cryptography-vectors` (`MPSHIELD_HPKE_VECTORS` overrides).
pub fn hpke_vectors_path() -> PathBuf {
    if let Some(p) = std::env::var_os("MPSHIELD_HPKE_VECTORS") {
        return PathBuf::from(p);
    }
    let lib = root().join(".venv/lib");
    let entries =
        std::fs::read_dir(&lib).unwrap_or_else(|e| panic!("{}: {e}: {SETUP_HINT}", lib.display()));
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with("python3") {
            let p = entry
                .path()
                .join("site-packages/cryptography_vectors/HPKE/test-vectors.json");
            if p.exists() {
                return p;
            }
        }
    }
    panic!(
        "cryptography_vectors/HPKE/test-vectors.json not found under {}: {SETUP_HINT}",
        lib.display()
    );
}

/// A "generator" that hands out exactly the given bytes, then panics: it
/// feeds a test vector's `ikmE` to the `_with_rng` functions.
pub struct Replay(pub Vec<u8>);

impl TryRng for Replay {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        assert!(dst.len() <= self.0.len(), "Replay ran out of bytes");
        let rest = self.0.split_off(dst.len());
        dst.copy_from_slice(&self.0);
        self.0 = rest;
        Ok(())
    }
}

impl TryCryptoRng for Replay {}
