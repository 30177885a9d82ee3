//! The only source of randomness in mpshield: a ChaCha20 DRBG seeded by the
//! host.
//!
//! WeChat mini-programs have no `crypto.getRandomValues`, so the module cannot
//! ask the platform for randomness when it needs it. Instead the loader seeds
//! one process-wide generator at `init()` with at least 32 bytes from the
//! platform's secure source (`crypto.getRandomValues` in browsers and Node,
//! `wx.getRandomValues` in mini-programs) and tops it up whenever it can.
//!
//! Design (see `docs/THREAT_MODEL.md`):
//! - the state is a 256-bit ChaCha20 key ([`chacha20::ChaCha20Rng`], zeroized
//!   on drop);
//! - seeding: `key = SHA-256("mpshield/drbg/v1/seed" ‖ len ‖ entropy)`;
//! - topping up: `key' = SHA-256("mpshield/drbg/v1/reseed" ‖ 32 bytes of
//!   output ‖ len ‖ entropy)`, so fresh entropy is mixed in and the old state
//!   cannot be recovered from the new one;
//! - every consumer gets its own child generator ([`rng`]) keyed from 32
//!   bytes of the global output, and the global state is ratcheted after each
//!   draw, so a later compromise of the state does not reveal earlier output;
//! - entropy shorter than 32 bytes, or made of one repeated byte (a broken
//!   host shim), is refused with [`Error::NoEntropy`]; there is no fallback.
//!
//! Functions that need randomness come in pairs: `f(..)` draws from this
//! module, `f_with_rng(.., rng)` takes any [`CryptoRng`] so tests can be
//! deterministic.

use std::sync::Mutex;

use chacha20::ChaCha20Rng;
pub use rand_core::CryptoRng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Minimum number of entropy bytes accepted for seeding or topping up.
pub const MIN_ENTROPY_BYTES: usize = 32;

/// Largest request [`random_bytes`] serves in one call.
pub const MAX_RANDOM_BYTES: usize = 65_536;

static DRBG: Mutex<Option<ChaCha20Rng>> = Mutex::new(None);

fn lock() -> Result<std::sync::MutexGuard<'static, Option<ChaCha20Rng>>> {
    DRBG.lock().map_err(|_| Error::Internal {
        context: "rng lock",
    })
}

fn check_entropy(entropy: &[u8]) -> Result<()> {
    if entropy.len() < MIN_ENTROPY_BYTES {
        return Err(Error::NoEntropy {
            reason: "fewer than 32 bytes",
        });
    }
    if entropy.iter().all(|b| Some(b) == entropy.first()) {
        return Err(Error::NoEntropy {
            reason: "all bytes are equal",
        });
    }
    Ok(())
}

fn derive_key(label: &[u8], previous: Option<&[u8; 32]>, entropy: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(label);
    if let Some(p) = previous {
        h.update(p);
    }
    h.update((entropy.len() as u64).to_be_bytes());
    h.update(entropy);
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&h.finalize());
    key
}

/// Seeds the generator, or mixes fresh entropy into it if it is already
/// seeded. The loader calls this at `init()` and whenever it can get more
/// entropy from the host.
///
/// # Errors
/// [`Error::NoEntropy`] if `entropy` is shorter than [`MIN_ENTROPY_BYTES`] or
/// is one repeated byte.
pub fn add_entropy(entropy: &[u8]) -> Result<()> {
    check_entropy(entropy)?;
    let mut guard = lock()?;
    let key = match guard.as_mut() {
        None => derive_key(b"mpshield/drbg/v1/seed", None, entropy),
        Some(current) => {
            let mut prev = Zeroizing::new([0u8; 32]);
            current.fill_bytes(prev.as_mut());
            derive_key(b"mpshield/drbg/v1/reseed", Some(&prev), entropy)
        }
    };
    *guard = Some(ChaCha20Rng::from_seed(*key));
    Ok(())
}

/// Whether the generator has been seeded.
#[must_use]
pub fn is_seeded() -> bool {
    lock().map(|g| g.is_some()).unwrap_or(false)
}

/// A child generator for one operation, keyed from the global one.
///
/// The global state is ratcheted (re-keyed from its own output) after the
/// draw, so the child's key cannot be recomputed from any later state.
///
/// # Errors
/// [`Error::NotInitialized`] if the generator was never seeded.
pub fn rng() -> Result<ChaCha20Rng> {
    let mut guard = lock()?;
    let global = guard.as_mut().ok_or(Error::NotInitialized)?;
    let mut child = Zeroizing::new([0u8; 32]);
    global.fill_bytes(child.as_mut());
    let mut next = Zeroizing::new([0u8; 32]);
    global.fill_bytes(next.as_mut());
    *global = ChaCha20Rng::from_seed(*next);
    Ok(ChaCha20Rng::from_seed(*child))
}

/// `n` random bytes from the generator, `1 ≤ n ≤ 65536`.
///
/// # Errors
/// [`Error::InvalidInput`] if `n` is out of range; [`Error::NotInitialized`]
/// if the generator was never seeded.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    random_bytes_with_rng(n, &mut rng()?)
}

/// [`random_bytes`] from a caller-supplied generator.
///
/// # Errors
/// [`Error::InvalidInput`] if `n` is out of range.
pub fn random_bytes_with_rng(n: usize, rng: &mut impl CryptoRng) -> Result<Vec<u8>> {
    if !(1..=MAX_RANDOM_BYTES).contains(&n) {
        return Err(Error::input(format!(
            "randomBytes(n) needs 1 ≤ n ≤ {MAX_RANDOM_BYTES}, got {n}"
        )));
    }
    let mut out = vec![0u8; n];
    rng.fill_bytes(&mut out);
    Ok(out)
}

#[cfg(test)]
pub(crate) fn seed_for_tests() {
    let seed: Vec<u8> = (0u8..64).collect();
    // Ignoring the result is fine: the seed is valid by construction.
    let _ = add_entropy(&seed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_short_and_constant_entropy() {
        assert_eq!(add_entropy(&[7u8; 31]).unwrap_err().code(), "NO_ENTROPY");
        assert_eq!(add_entropy(&[0u8; 64]).unwrap_err().code(), "NO_ENTROPY");
        assert_eq!(add_entropy(&[]).unwrap_err().code(), "NO_ENTROPY");
    }

    #[test]
    fn range_is_enforced() {
        let mut r = ChaCha20Rng::from_seed([1; 32]);
        assert_eq!(
            random_bytes_with_rng(0, &mut r).unwrap_err().code(),
            "INVALID_INPUT"
        );
        assert_eq!(
            random_bytes_with_rng(MAX_RANDOM_BYTES + 1, &mut r)
                .unwrap_err()
                .code(),
            "INVALID_INPUT"
        );
        assert_eq!(random_bytes_with_rng(1, &mut r).unwrap().len(), 1);
        assert_eq!(
            random_bytes_with_rng(MAX_RANDOM_BYTES, &mut r)
                .unwrap()
                .len(),
            MAX_RANDOM_BYTES
        );
    }

    #[test]
    fn draws_differ_and_reseeding_changes_output() {
        seed_for_tests();
        let a = random_bytes(32).unwrap();
        let b = random_bytes(32).unwrap();
        assert_ne!(a, b);
        assert_ne!(a, vec![0u8; 32]);
        add_entropy(&[
            9u8, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
            1, 2, 3, 4,
        ])
        .unwrap();
        let c = random_bytes(32).unwrap();
        assert_ne!(b, c);
    }

    #[test]
    fn deterministic_with_rng_twin() {
        let x = random_bytes_with_rng(16, &mut ChaCha20Rng::from_seed([3; 32])).unwrap();
        let y = random_bytes_with_rng(16, &mut ChaCha20Rng::from_seed([3; 32])).unwrap();
        assert_eq!(x, y);
    }
}
