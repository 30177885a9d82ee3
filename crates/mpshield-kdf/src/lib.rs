//! `deriveStorageKey` alone: Argon2id exactly as mpshield's
//! `consent::store::derive_storage_key` computes it (same crate, same
//! bounds), compiled on its own into a WebAssembly module of a few KB for a
//! WeChat mini-program Worker, so that the 1.5 s an iPhone spends on it
//! (WeChat interprets WebAssembly there) do not freeze the page.
//!
//! The module has no imports and a raw ABI (no wasm-bindgen: its glue would
//! outweigh Argon2). `pkg/src/kdf-worker.js` is its one caller:
//! [`mpshield_kdf_alloc`] three buffers (PIN, salt, 32-byte output), copy the
//! inputs in, [`mpshield_kdf_derive`], copy the key out, then
//! [`mpshield_kdf_free`] each buffer, which zeroes it.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use argon2::{Algorithm, Argon2, Params, Version};

/// Default Argon2 memory, KiB (mpshield's `KdfParams::default()`).
pub const DEFAULT_MEMORY_KIB: u32 = 12 * 1024;
/// Default passes.
pub const DEFAULT_ITERATIONS: u32 = 3;
/// Default lanes.
pub const DEFAULT_PARALLELISM: u32 = 1;
/// Most memory, KiB (`consent::store::KDF_MAX_MEMORY_KIB`).
pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
/// Most passes (`consent::store::KDF_MAX_ITERATIONS`).
pub const MAX_ITERATIONS: u32 = 16;
/// Most lanes (`consent::store::KDF_MAX_PARALLELISM`).
pub const MAX_PARALLELISM: u32 = 4;

/// Why a derivation was refused: the number the module returns. Every one is
/// mpshield's `INVALID_INPUT` (the Worker script words it as
/// `derive_storage_key` does), except [`Refusal::OutOfMemory`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Refusal {
    /// The PIN or passphrase is empty.
    EmptyPin = 1,
    /// The salt is not 16–64 bytes.
    SaltLength = 2,
    /// Memory over [`MAX_MEMORY_KIB`].
    Memory = 3,
    /// Passes outside 1 ..= [`MAX_ITERATIONS`].
    Iterations = 4,
    /// Lanes outside 1 ..= [`MAX_PARALLELISM`].
    Parallelism = 5,
    /// Argon2 itself refused the parameters (memory under 8 × lanes KiB).
    Params = 6,
    /// The module could not allocate Argon2's memory.
    OutOfMemory = 7,
    /// A buffer pointer the caller passed is null.
    NullBuffer = 8,
}

/// The 32-byte Argon2id (v0x13) key for `pin` and `salt`, with the checks of
/// mpshield's `consent::store::derive_storage_key`, in its order.
///
/// # Errors
/// The [`Refusal`] that applies.
pub fn derive(
    pin: &[u8],
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
    out: &mut [u8; 32],
) -> Result<(), Refusal> {
    if pin.is_empty() {
        return Err(Refusal::EmptyPin);
    }
    if !(16..=64).contains(&salt.len()) {
        return Err(Refusal::SaltLength);
    }
    if m > MAX_MEMORY_KIB {
        return Err(Refusal::Memory);
    }
    if !(1..=MAX_ITERATIONS).contains(&t) {
        return Err(Refusal::Iterations);
    }
    if !(1..=MAX_PARALLELISM).contains(&p) {
        return Err(Refusal::Parallelism);
    }
    let params = Params::new(m, t, p, Some(32)).map_err(|_| Refusal::Params)?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(pin, salt, out)
        .map_err(|e| match e {
            argon2::Error::OutOfMemory => Refusal::OutOfMemory,
            _ => Refusal::Params,
        })
}

#[cfg(target_arch = "wasm32")]
mod abi;
#[cfg(target_arch = "wasm32")]
pub use abi::{mpshield_kdf_alloc, mpshield_kdf_derive, mpshield_kdf_free};

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: [u8; 16] = [7; 16];

    fn run(pin: &[u8], salt: &[u8], m: u32, t: u32, p: u32) -> Result<[u8; 32], Refusal> {
        let mut out = [0u8; 32];
        derive(pin, salt, m, t, p, &mut out).map(|()| out)
    }

    #[test]
    fn refusals_in_mpshield_order() {
        assert_eq!(run(b"", &[0; 8], 0, 0, 0), Err(Refusal::EmptyPin));
        assert_eq!(run(b"1", &[0; 15], 64, 1, 1), Err(Refusal::SaltLength));
        assert_eq!(run(b"1", &[0; 65], 64, 1, 1), Err(Refusal::SaltLength));
        assert_eq!(
            run(b"1", &SALT, MAX_MEMORY_KIB + 1, 0, 0),
            Err(Refusal::Memory)
        );
        assert_eq!(run(b"1", &SALT, 64, 0, 1), Err(Refusal::Iterations));
        assert_eq!(
            run(b"1", &SALT, 64, MAX_ITERATIONS + 1, 1),
            Err(Refusal::Iterations)
        );
        assert_eq!(run(b"1", &SALT, 64, 1, 0), Err(Refusal::Parallelism));
        assert_eq!(
            run(b"1", &SALT, 64, 1, MAX_PARALLELISM + 1),
            Err(Refusal::Parallelism)
        );
        assert_eq!(run(b"1", &SALT, 31, 1, 4), Err(Refusal::Params));
    }

    #[test]
    fn the_bounds_themselves_are_accepted() {
        assert!(run(b"123456", &[1; 64], 64, MAX_ITERATIONS, MAX_PARALLELISM).is_ok());
        assert!(run(b"123456", &SALT, 32, 1, MAX_PARALLELISM).is_ok());
    }

    /// Known answer from an independent implementation: @noble/hashes 1.8
    /// `argon2id('123456', salt = 16 × 0x07, { m: 64, t: 2, p: 1, dkLen: 32 })`
    /// (tests/miniprogram/kdf-worker.test.mjs checks the same against the
    /// shipped module and mpshield's own in-thread key).
    #[test]
    fn known_answer() {
        let key = run(b"123456", &SALT, 64, 2, 1).map(|k| {
            k.iter()
                .map(|b| alloc::format!("{b:02x}"))
                .collect::<alloc::string::String>()
        });
        assert_eq!(key, Ok(String::from(KAT_HEX)));
    }
    const KAT_HEX: &str = "c93a18fbbae74f6d353cdb96ffb862c53fa8e9d63481339766e7327fe13e7b08";
}
