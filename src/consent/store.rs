//! Storage keys: the 32-byte key that encrypts a wallet's or a log's
//! storage ([`StorageKey`]), and [`derive_storage_key`] from a PIN with
//! Argon2id. The storage format itself is [`super::commit`] (format 2).

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};

/// A 32-byte storage key, supplied by the host or derived from a PIN by
/// [`derive_storage_key`]. No `Debug`; zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct StorageKey([u8; 32]);

impl StorageKey {
    /// Wraps 32 key bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Wraps a 32-byte slice.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] unless it is exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidKey {
            reason: "a storage key is 32 bytes",
        })?;
        Ok(Self(arr))
    }

    /// The raw key bytes, for the host to keep in its secure storage. Handle
    /// with care.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Argon2id parameters for [`derive_storage_key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// Most Argon2 memory [`derive_storage_key`] accepts: 256 MiB, 21 × the
/// default, already more than a mini-program can allocate on many phones.
pub const KDF_MAX_MEMORY_KIB: u32 = 256 * 1024;
/// Most Argon2 passes: 16. With the default memory each pass costs about
/// 0.5 s on an iPhone (WeChat's interpreter), so 16 is ~8 s there.
pub const KDF_MAX_ITERATIONS: u32 = 16;
/// Most Argon2 lanes: 4. WebAssembly runs one thread, so lanes only split
/// the memory, and more than 4 buys nothing.
pub const KDF_MAX_PARALLELISM: u32 = 4;

impl Default for KdfParams {
    /// 12 MiB, 3 passes, 1 lane: OWASP's Argon2id equivalent of "19 MiB, 2
    /// passes", picked for iOS where WeChat runs wasm in an interpreter
    /// (see `docs/FORMAT.md`, "Storage key from a PIN", for cost and limits).
    fn default() -> Self {
        Self {
            memory_kib: 12 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

/// Derives a storage key from a PIN or passphrase with Argon2id (v1.3).
/// `salt` is 16–64 random bytes the host stores next to the data. A short
/// PIN stays guessable offline by whoever holds the stored data: the cost
/// only slows each guess.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty PIN, a salt outside 16–64 bytes, or
/// parameters outside 8 × lanes KiB ..= [`KDF_MAX_MEMORY_KIB`] of memory,
/// 1 ..= [`KDF_MAX_ITERATIONS`] passes or 1 ..= [`KDF_MAX_PARALLELISM`]
/// lanes.
pub fn derive_storage_key(pin: &[u8], salt: &[u8], params: &KdfParams) -> Result<StorageKey> {
    if pin.is_empty() {
        return Err(Error::input("the PIN or passphrase must not be empty"));
    }
    if !(16..=64).contains(&salt.len()) {
        return Err(Error::input("the salt must be 16–64 random bytes"));
    }
    if params.memory_kib > KDF_MAX_MEMORY_KIB {
        return Err(Error::input(format!(
            "Argon2 memory must be at most {KDF_MAX_MEMORY_KIB} KiB (256 MiB), got {}",
            params.memory_kib
        )));
    }
    if !(1..=KDF_MAX_ITERATIONS).contains(&params.iterations) {
        return Err(Error::input(format!(
            "Argon2 iterations must be 1–{KDF_MAX_ITERATIONS}, got {}",
            params.iterations
        )));
    }
    if !(1..=KDF_MAX_PARALLELISM).contains(&params.parallelism) {
        return Err(Error::input(format!(
            "Argon2 parallelism must be 1–{KDF_MAX_PARALLELISM}, got {}",
            params.parallelism
        )));
    }
    let p = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(32),
    )
    .map_err(|e| Error::input(format!("Argon2 parameters: {e}")))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pin, salt, out.as_mut())
        .map_err(|e| Error::input(format!("Argon2: {e}")))?;
    Ok(StorageKey(*out))
}
