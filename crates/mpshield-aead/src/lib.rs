//! The AEAD hot paths of mpshield, as non-generic functions.
//!
//! mpshield is compiled for size (`opt-level = "s"` or `"z"`), which halves
//! AEAD throughput in WebAssembly. The ciphers are named here, in a crate
//! the profiles compile at `opt-level = 3`, so bulk encryption stays fast
//! while the rest of the module stays small. Every AEAD here has a 16-byte
//! key or 32-byte key, a 12-byte nonce and a 16-byte tag (RFC 9180 §7.3 and,
//! for SM4-GCM, RFC 8998 §3.1); the suite's own crate does the work:
//! `aes-gcm` (also for SM4-GCM, as `AesGcm<Sm4, U12>`) and
//! `chacha20poly1305`. Which ones exist depends on the features `intl` and
//! `gm`; [`Cipher::new`] refuses the others.

use aead::{AeadInOut, KeyInit};

/// Length of every nonce here.
pub const NONCE_LEN: usize = 12;
/// Length of every tag here.
pub const TAG_LEN: usize = 16;

/// An AEAD algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    /// AES-128-GCM (16-byte key).
    Aes128Gcm,
    /// AES-256-GCM (32-byte key).
    Aes256Gcm,
    /// ChaCha20-Poly1305 (32-byte key).
    ChaCha20Poly1305,
    /// SM4-GCM (16-byte key).
    Sm4Gcm,
}

impl Alg {
    /// The key length.
    #[must_use]
    pub fn key_len(self) -> usize {
        match self {
            Self::Aes128Gcm | Self::Sm4Gcm => 16,
            Self::Aes256Gcm | Self::ChaCha20Poly1305 => 32,
        }
    }
}

/// Why a [`Cipher`] call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The algorithm is not compiled into this build.
    NotCompiledIn,
    /// The key has the wrong length.
    KeyLength,
    /// Sealing refused the input (too long for the AEAD) or opening did not
    /// authenticate.
    Aead,
}

/// SM4-GCM: GCM over the SM4 block cipher with a 96-bit nonce.
#[cfg(feature = "gm")]
type Sm4Gcm = aes_gcm::AesGcm<sm4::Sm4, aead::array::typenum::U12>;

/// A keyed AEAD. Its key schedule is zeroized on drop by the cipher crates.
#[derive(Clone)]
pub enum Cipher {
    /// AES-128-GCM.
    #[cfg(feature = "intl")]
    Aes128Gcm(aes_gcm::Aes128Gcm),
    /// AES-256-GCM.
    #[cfg(feature = "intl")]
    Aes256Gcm(aes_gcm::Aes256Gcm),
    /// ChaCha20-Poly1305.
    #[cfg(feature = "intl")]
    ChaCha20Poly1305(chacha20poly1305::ChaCha20Poly1305),
    /// SM4-GCM.
    #[cfg(feature = "gm")]
    Sm4Gcm(Sm4Gcm),
}

fn keyed<C: KeyInit>(key: &[u8]) -> Result<C, Failure> {
    C::new_from_slice(key).map_err(|_| Failure::KeyLength)
}

/// Runs `$body` with `$c` bound to the concrete cipher.
macro_rules! each {
    ($self:expr, $c:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "intl")]
            Cipher::Aes128Gcm($c) => $body,
            #[cfg(feature = "intl")]
            Cipher::Aes256Gcm($c) => $body,
            #[cfg(feature = "intl")]
            Cipher::ChaCha20Poly1305($c) => $body,
            #[cfg(feature = "gm")]
            Cipher::Sm4Gcm($c) => $body,
        }
    };
}

impl Cipher {
    /// Keys `alg` with `key`.
    ///
    /// # Errors
    /// [`Failure::NotCompiledIn`] for an algorithm of a suite this build
    /// leaves out; [`Failure::KeyLength`] for a key of the wrong length.
    pub fn new(alg: Alg, key: &[u8]) -> Result<Self, Failure> {
        let _ = key;
        match alg {
            #[cfg(feature = "intl")]
            Alg::Aes128Gcm => keyed(key).map(Self::Aes128Gcm),
            #[cfg(feature = "intl")]
            Alg::Aes256Gcm => keyed(key).map(Self::Aes256Gcm),
            #[cfg(feature = "intl")]
            Alg::ChaCha20Poly1305 => keyed(key).map(Self::ChaCha20Poly1305),
            #[cfg(feature = "gm")]
            Alg::Sm4Gcm => keyed(key).map(Self::Sm4Gcm),
            #[allow(unreachable_patterns)]
            _ => Err(Failure::NotCompiledIn),
        }
    }

    /// Encrypts `buf` in place under `nonce` and `aad`; returns the tag.
    ///
    /// # Errors
    /// [`Failure::Aead`] if the input is too long for the AEAD.
    pub fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Failure> {
        let tag = each!(self, c => c
        .encrypt_inout_detached(nonce.into(), aad, buf.into())
        .map(|t| {
            let mut out = [0u8; TAG_LEN];
            out.copy_from_slice(&t);
            out
        }));
        tag.map_err(|_| Failure::Aead)
    }

    /// Decrypts `buf` in place under `nonce` and `aad`, checking `tag`. On
    /// failure the crates leave `buf` as it was (no plaintext is released).
    ///
    /// # Errors
    /// [`Failure::Aead`] if it does not authenticate.
    pub fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), Failure> {
        each!(self, c => c.decrypt_inout_detached(nonce.into(), aad, buf.into(), tag.into()))
            .map_err(|_| Failure::Aead)
    }
}
