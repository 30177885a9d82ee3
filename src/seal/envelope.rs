//! The envelope: one message sealed to one recipient, in a versioned,
//! self-describing byte format (`docs/FORMAT.md`, "Envelope").
//!
//! ```text
//! header (magic "MPSE"; version 1 = intl, 64 bytes; version 2 = gm,
//!         97 bytes: base mode, suite ids, recipient key id, enc,
//!         u32 ciphertext length)
//! ciphertext ‖ tag (exactly the declared length)
//! ```
//!
//! The ciphertext is RFC 9180 single-shot `Seal` (base mode) to the
//! recipient, with `info` = the caller's info and `aad` = the header bytes ‖
//! the caller's aad, so no header field can be changed unnoticed. Any
//! RFC 9180 implementation (with the gm suite's KEM, KDF and AEAD, for
//! version 2) can open an envelope from this description.
//!
//! Parsing is strict: a wrong magic or unknown version is
//! `INVALID_ENVELOPE`, an envelope cut short anywhere is `TRUNCATED`, bytes
//! after the declared length are `INVALID_ENVELOPE`, a suite or mode that
//! its version does not define is `UNSUPPORTED_ALGORITHM`; everything else
//! (wrong key — including a key of the other suite —, wrong info or aad,
//! any modified byte) is `DECRYPT_FAILED`.

use base64ct::{Base64UrlUnpadded, Encoding};
use zeroize::Zeroizing;

use super::header;
use super::hpke::{Aead, Mode, PublicKey, SecretKey, KEY_ID_LEN, TAG_LEN};
use crate::error::{Error, Result};
use crate::rng::CryptoRng;
use crate::suite::Suite;

/// The first four bytes of every envelope: ASCII `MPSE`.
pub const MAGIC: [u8; 4] = *b"MPSE";
/// Bytes an intl envelope adds to its plaintext: the 64-byte header and the
/// tag ([`overhead`] for either suite).
pub const OVERHEAD: usize = 64 + TAG_LEN;
/// Longest plaintext an envelope holds (its ciphertext length is a u32);
/// use a [`stream`](super::stream) beyond that.
pub const MAX_PLAINTEXT_LEN: usize = u32::MAX as usize - TAG_LEN;

/// Bytes an envelope of `suite` adds to its plaintext: 80 (intl) or 113
/// (gm).
#[must_use]
pub fn overhead(suite: Suite) -> usize {
    header::len_of(suite) + TAG_LEN
}

/// Options for [`seal`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SealOptions<'a> {
    /// HPKE `info` (default empty); the recipient must pass the same.
    pub info: &'a [u8],
    /// Additional authenticated data (default empty); the recipient must
    /// pass the same. It is not stored in the envelope.
    pub aad: &'a [u8],
    /// The AEAD (default: ChaCha20-Poly1305 for an X25519 recipient,
    /// SM4-GCM for an SM2 one).
    pub aead: Option<Aead>,
    /// The suite, if the caller wants it checked: it must be the recipient
    /// key's (the key decides; default: whatever the key is).
    pub suite: Option<Suite>,
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
    /// Format version (1 intl, 2 gm).
    pub version: u8,
    /// The suite the version stands for.
    pub suite: Suite,
    /// HPKE mode (base).
    pub mode: Mode,
    /// KEM id (`0x0020` or `0xFE10`).
    pub kem: u16,
    /// KDF id (`0x0001` or `0xFE01`).
    pub kdf: u16,
    /// The AEAD.
    pub aead: Aead,
    /// The recipient key id: the suite's hash of the recipient public key,
    /// first 16 bytes ([`PublicKey::key_id`]).
    pub key_id: [u8; KEY_ID_LEN],
}

struct Parsed<'a> {
    head: header::Header,
    header: &'a [u8],
    ciphertext: &'a [u8],
}

impl Parsed<'_> {
    fn info(&self) -> EnvelopeInfo {
        let h = &self.head;
        EnvelopeInfo {
            version: h.version,
            suite: h.suite.suite(),
            mode: h.mode,
            kem: h.suite.kem.id(),
            kdf: h.suite.kdf.id(),
            aead: h.suite.aead,
            key_id: h.key_id,
        }
    }
}

fn parse(bytes: &[u8]) -> Result<Parsed<'_>> {
    let (head, header_bytes, rest) = header::parse(
        &MAGIC,
        "not an mpshield envelope (wrong magic bytes)",
        bytes,
    )?;
    let declared = usize::try_from(head.word).map_err(|_| Error::InvalidEnvelope {
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
    Ok(Parsed {
        head,
        header: header_bytes,
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
/// [`crate::rng`]. The recipient key's KEM decides the suite.
///
/// # Errors
/// [`Error::UnsupportedAlgorithm`] for the export-only AEAD, an AEAD of the
/// other suite or a `suite` the key is not of;
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
    if plaintext.len() > MAX_PLAINTEXT_LEN {
        return Err(Error::input(
            "the plaintext is too large for one envelope: use a stream",
        ));
    }
    let ct_len = u32::try_from(plaintext.len().saturating_add(TAG_LEN))
        .map_err(|_| Error::input("the plaintext is too large for one envelope"))?;
    let (mut ctx, head) = header::seal(
        recipient,
        &header::Seal {
            magic: &MAGIC,
            what: "an envelope",
            aead: options.aead,
            suite: options.suite,
            info: options.info,
            word: ct_len,
        },
        rng,
    )?;
    let aad = joined(&head, options.aad);
    let mut out = Vec::with_capacity(
        plaintext
            .len()
            .saturating_add(head.len())
            .saturating_add(TAG_LEN),
    );
    out.extend_from_slice(&head);
    out.extend_from_slice(plaintext);
    let body = out.get_mut(head.len()..).ok_or(Error::Internal {
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
/// docs); [`Error::DecryptFailed`] if it was sealed to another key (or a
/// key of the other suite), with other `info` or `aad`, or was modified.
pub fn open(recipient: &SecretKey, envelope: &[u8], options: &OpenOptions<'_>) -> Result<Vec<u8>> {
    let p = parse(envelope)?;
    let mut ctx = p.head.open(recipient, options.info)?;
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
    parse(envelope).map(|p| p.info())
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
    use crate::seal::hpke::{self, Kem};
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn round_trip_every_sealing_aead() {
        let mut r = ChaCha20Rng::from_seed([1; 32]);
        for (kem, aead) in [
            (Kem::X25519, Aead::Aes128Gcm),
            (Kem::X25519, Aead::Aes256Gcm),
            (Kem::X25519, Aead::ChaCha20Poly1305),
            (Kem::Sm2, Aead::Sm4Gcm),
        ] {
            let kp = hpke::generate_key_pair_with_rng(kem, &mut r).unwrap();
            let opts = SealOptions {
                info: b"i",
                aad: b"a",
                aead: Some(aead),
                suite: Some(kem.suite()),
            };
            let env = seal_with_rng(&kp.public_key, b"hello", &opts, &mut r).unwrap();
            assert_eq!(env.len(), 5 + overhead(kem.suite()));
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
        let kp = hpke::generate_key_pair_with_rng(Kem::X25519, &mut r).unwrap();
        let eo = SealOptions {
            aead: Some(Aead::ExportOnly),
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
