//! The envelope: one message sealed to one recipient, in a versioned,
//! self-describing byte format (`docs/FORMAT.md`, "Envelope").
//!
//! ```text
//! header (64 bytes, magic "MPSE", version 1, base mode, suite ids,
//!         recipient key id, enc, u32 ciphertext length)
//! ciphertext ‖ tag (exactly the declared length)
//! ```
//!
//! The ciphertext is RFC 9180 single-shot `Seal` (base mode) to the
//! recipient, with `info` = the caller's info and `aad` = the 64 header
//! bytes ‖ the caller's aad, so no header field can be changed unnoticed.
//! Any RFC 9180 implementation can open an envelope from this description.
//!
//! Parsing is strict: a wrong magic or unknown version is
//! `INVALID_ENVELOPE`, an envelope cut short anywhere is `TRUNCATED`, bytes
//! after the declared length are `INVALID_ENVELOPE`, a suite or mode that
//! version 1 does not define is `UNSUPPORTED_ALGORITHM`; everything else
//! (wrong key, wrong info or aad, any modified byte) is `DECRYPT_FAILED`.

use base64ct::{Base64UrlUnpadded, Encoding};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::header::{self, HEADER_LEN};
use super::hpke::{
    self, Aead, Mode, PublicKey, ReceiverParams, SecretKey, SenderParams, KEY_ID_LEN, TAG_LEN,
};
use crate::error::{Error, Result};
use crate::rng::CryptoRng;

/// The first four bytes of every envelope: ASCII `MPSE`.
pub const MAGIC: [u8; 4] = *b"MPSE";
/// The envelope format version this code writes and reads.
pub const VERSION: u8 = header::VERSION;
/// Bytes an envelope adds to its plaintext: the header and the tag.
pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN;
/// Longest plaintext an envelope holds (its ciphertext length is a u32);
/// use a [`stream`](super::stream) beyond that.
pub const MAX_PLAINTEXT_LEN: usize = u32::MAX as usize - TAG_LEN;

/// Options for [`seal`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SealOptions<'a> {
    /// HPKE `info` (default empty); the recipient must pass the same.
    pub info: &'a [u8],
    /// Additional authenticated data (default empty); the recipient must
    /// pass the same. It is not stored in the envelope.
    pub aad: &'a [u8],
    /// The AEAD (default ChaCha20-Poly1305).
    pub aead: Aead,
}

/// Options for [`open`].
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenOptions<'a> {
    /// HPKE `info`, as sealed.
    pub info: &'a [u8],
    /// Additional authenticated data, as sealed.
    pub aad: &'a [u8],
}

/// What an envelope says about itself, read without the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeInfo {
    /// Format version (1).
    pub version: u8,
    /// HPKE mode (base).
    pub mode: Mode,
    /// KEM id (`0x0020`).
    pub kem: u16,
    /// KDF id (`0x0001`).
    pub kdf: u16,
    /// The AEAD.
    pub aead: Aead,
    /// The recipient key id: SHA-256(recipient public key)[0..16]
    /// ([`PublicKey::key_id`]).
    pub key_id: [u8; KEY_ID_LEN],
}

struct Parsed<'a> {
    info: EnvelopeInfo,
    header: &'a [u8],
    enc: [u8; hpke::ENC_LEN],
    ciphertext: &'a [u8],
}

fn parse(bytes: &[u8]) -> Result<Parsed<'_>> {
    let (h, rest) = header::parse(
        &MAGIC,
        "not an mpshield envelope (wrong magic bytes)",
        bytes,
    )?;
    let declared = usize::try_from(h.word).map_err(|_| Error::InvalidEnvelope {
        reason: "the ciphertext length does not fit in memory",
    })?;
    if declared < TAG_LEN {
        return Err(Error::InvalidEnvelope {
            reason: "the declared ciphertext is shorter than its tag",
        });
    }
    if rest.len() < declared {
        return Err(Error::Truncated);
    }
    if rest.len() > declared {
        return Err(Error::InvalidEnvelope {
            reason: "trailing bytes after the envelope",
        });
    }
    let header_bytes = bytes.get(..HEADER_LEN).ok_or(Error::Truncated)?;
    Ok(Parsed {
        info: EnvelopeInfo {
            version: VERSION,
            mode: h.mode,
            kem: hpke::KEM_ID,
            kdf: hpke::KDF_ID,
            aead: h.aead,
            key_id: h.key_id,
        },
        header: header_bytes,
        enc: h.enc,
        ciphertext: rest,
    })
}

fn joined(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(a.len().saturating_add(b.len()));
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    v
}

/// Seals `plaintext` to `recipient`, drawing the ephemeral key from
/// [`crate::rng`].
///
/// # Errors
/// [`Error::UnsupportedAlgorithm`] for the export-only AEAD;
/// [`Error::InvalidInput`] if the plaintext exceeds [`MAX_PLAINTEXT_LEN`];
/// [`Error::NotInitialized`] before the generator is seeded.
pub fn seal(recipient: &PublicKey, plaintext: &[u8], options: &SealOptions<'_>) -> Result<Vec<u8>> {
    seal_with_rng(recipient, plaintext, options, &mut crate::rng::rng()?)
}

/// [`seal`] with the ephemeral key drawn from `rng`.
///
/// # Errors
/// As [`seal`].
pub fn seal_with_rng(
    recipient: &PublicKey,
    plaintext: &[u8],
    options: &SealOptions<'_>,
    rng: &mut impl CryptoRng,
) -> Result<Vec<u8>> {
    if !options.aead.can_seal() {
        return Err(Error::UnsupportedAlgorithm {
            name: "the export-only AEAD (0xFFFF) in an envelope".into(),
        });
    }
    if plaintext.len() > MAX_PLAINTEXT_LEN {
        return Err(Error::input(
            "the plaintext is too large for one envelope: use a stream",
        ));
    }
    let ct_len = u32::try_from(plaintext.len().saturating_add(TAG_LEN))
        .map_err(|_| Error::input("the plaintext is too large for one envelope"))?;
    let params = SenderParams {
        aead: options.aead,
        info: options.info,
        ..SenderParams::default()
    };
    let mut ctx = hpke::setup_sender_with_rng(recipient, &params, rng)?;
    let head = header::write(&MAGIC, options.aead, &recipient.key_id(), ctx.enc(), ct_len);
    let aad = joined(&head, options.aad);
    let mut out = Vec::with_capacity(plaintext.len().saturating_add(OVERHEAD));
    out.extend_from_slice(&head);
    out.extend_from_slice(plaintext);
    let body = out.get_mut(HEADER_LEN..).ok_or(Error::Internal {
        context: "envelope layout",
    })?;
    let tag = ctx.seal_in_place(body, &aad)?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Opens an envelope with the recipient's secret key.
///
/// # Errors
/// [`Error::InvalidEnvelope`], [`Error::Truncated`] or
/// [`Error::UnsupportedAlgorithm`] if it is malformed (see the module
/// docs); [`Error::DecryptFailed`] if it was sealed to another key, with
/// other `info` or `aad`, or was modified.
pub fn open(recipient: &SecretKey, envelope: &[u8], options: &OpenOptions<'_>) -> Result<Vec<u8>> {
    let p = parse(envelope)?;
    let own_id = recipient.public_key().key_id();
    if !bool::from(p.info.key_id.ct_eq(&own_id)) {
        return Err(Error::DecryptFailed);
    }
    let params = ReceiverParams {
        aead: p.info.aead,
        info: options.info,
        ..ReceiverParams::default()
    };
    let mut ctx = hpke::setup_receiver(recipient, &p.enc, &params)?;
    let split = p
        .ciphertext
        .len()
        .checked_sub(TAG_LEN)
        .ok_or(Error::DecryptFailed)?;
    let (body, tag) = p
        .ciphertext
        .split_at_checked(split)
        .ok_or(Error::DecryptFailed)?;
    let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| Error::DecryptFailed)?;
    let aad = joined(p.header, options.aad);
    let mut out = Zeroizing::new(body.to_vec());
    ctx.open_in_place(&mut out, tag, &aad)?;
    Ok(core::mem::take(&mut *out))
}

/// Reads an envelope's header without decrypting it, after checking that
/// the whole envelope is well-formed.
///
/// # Errors
/// As the parsing steps of [`open`].
pub fn inspect(envelope: &[u8]) -> Result<EnvelopeInfo> {
    parse(envelope).map(|p| p.info)
}

/// The envelope as base64url text without padding (RFC 4648 §5).
///
/// # Errors
/// As [`inspect`]: only well-formed envelopes are encoded.
pub fn to_text(envelope: &[u8]) -> Result<String> {
    parse(envelope)?;
    Ok(Base64UrlUnpadded::encode_string(envelope))
}

/// The envelope from its [`to_text`] form.
///
/// # Errors
/// [`Error::InvalidEnvelope`] if the text is not canonical base64url
/// without padding; otherwise as [`inspect`].
pub fn from_text(text: &str) -> Result<Vec<u8>> {
    let bytes = Base64UrlUnpadded::decode_vec(text).map_err(|_| Error::InvalidEnvelope {
        reason: "the text is not base64url without padding",
    })?;
    parse(&bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn round_trip_every_sealing_aead() {
        let mut r = ChaCha20Rng::from_seed([1; 32]);
        let kp = hpke::generate_key_pair_with_rng(&mut r);
        for aead in [Aead::Aes128Gcm, Aead::Aes256Gcm, Aead::ChaCha20Poly1305] {
            let opts = SealOptions {
                info: b"i",
                aad: b"a",
                aead,
            };
            let env = seal_with_rng(&kp.public_key, b"hello", &opts, &mut r).unwrap();
            assert_eq!(env.len(), 5 + OVERHEAD);
            let info = inspect(&env).unwrap();
            assert_eq!(info.aead, aead);
            assert_eq!(info.key_id, kp.public_key.key_id());
            let text = to_text(&env).unwrap();
            assert_eq!(from_text(&text).unwrap(), env);
            let o = OpenOptions {
                info: b"i",
                aad: b"a",
            };
            assert_eq!(open(&kp.secret_key, &env, &o).unwrap(), b"hello");
        }
        let eo = SealOptions {
            aead: Aead::ExportOnly,
            ..SealOptions::default()
        };
        assert_eq!(
            seal_with_rng(&kp.public_key, b"", &eo, &mut r)
                .unwrap_err()
                .code(),
            "UNSUPPORTED_ALGORITHM"
        );
    }
}
