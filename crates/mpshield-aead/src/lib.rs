//! The HPKE AEAD hot paths of mpshield, as non-generic functions.
//!
//! The `hpke` crate's contexts are generic over the AEAD, so their sealing
//! and opening code is compiled in whichever crate names the concrete types.
//! mpshield is compiled for size (`opt-level = "s"`), which halves AEAD
//! throughput in WebAssembly; naming the concrete contexts here, in a crate
//! the release profile compiles at `opt-level = 3`, keeps the bulk
//! encryption fast while the rest of the module stays small. Behaviour is
//! exactly the `hpke` crate's.

use hpke::aead::{AeadCtxR, AeadCtxS, AeadTag, AesGcm128, AesGcm256, ChaCha20Poly1305};
use hpke::inout::InOutBuf;
use hpke::HpkeError;

/// The KDF of every mpshield context.
pub type Kdf = hpke::kdf::HkdfSha256;
/// The KEM of every mpshield context.
pub type Kem = hpke::kem::X25519HkdfSha256;

/// Sealing and opening in place with a detached tag, for the three real
/// AEADs' contexts.
pub trait HotAead {
    /// The context's tag type.
    type Tag;
    /// Encrypts `buf` in place as the next message; returns the tag.
    ///
    /// # Errors
    /// As `hpke`'s `seal_inout_detached`.
    fn hot_seal(&mut self, buf: &mut [u8], aad: &[u8]) -> Result<Self::Tag, HpkeError>;
}

/// Opening in place for the receiver contexts.
pub trait HotOpen {
    /// The context's tag type.
    type Tag;
    /// Decrypts `buf` in place as the next message.
    ///
    /// # Errors
    /// As `hpke`'s `open_inout_detached`.
    fn hot_open(&mut self, buf: &mut [u8], aad: &[u8], tag: &Self::Tag) -> Result<(), HpkeError>;
}

macro_rules! hot {
    ($($aead:ty),*) => {$(
        impl HotAead for AeadCtxS<$aead, Kdf, Kem> {
            type Tag = AeadTag<$aead>;
            fn hot_seal(&mut self, buf: &mut [u8], aad: &[u8]) -> Result<Self::Tag, HpkeError> {
                self.seal_inout_detached(InOutBuf::from(buf), aad)
            }
        }
        impl HotOpen for AeadCtxR<$aead, Kdf, Kem> {
            type Tag = AeadTag<$aead>;
            fn hot_open(&mut self, buf: &mut [u8], aad: &[u8], tag: &Self::Tag) -> Result<(), HpkeError> {
                self.open_inout_detached(InOutBuf::from(buf), aad, tag)
            }
        }
    )*};
}

hot!(AesGcm128, AesGcm256, ChaCha20Poly1305);
