//! The header that envelopes and stream headers share (see
//! `docs/FORMAT.md`). Its version says its suite, so `open` needs no
//! out-of-band choice:
//!
//! ```text
//! offset size field
//!      0    4 magic ("MPSE" envelope, "MPSS" stream)
//!      4    1 version: 1 = intl (X25519), 2 = gm (SM2)
//!      5    1 HPKE mode (0 = base; the only one versions 1 and 2 define)
//!      6    2 KEM id, big-endian (v1: 0x0020; v2: 0xFE10)
//!      8    2 KDF id, big-endian (v1: 0x0001; v2: 0xFE01)
//!     10    2 AEAD id, big-endian (v1: 0x0001, 0x0002 or 0x0003; v2: 0xFE01)
//!     12   16 recipient key id: the suite's hash (SHA-256 / SM3) of the
//!             recipient public key, first 16 bytes
//!     28  Nenc enc (v1: 32 bytes; v2: 65 bytes, 04 ‖ x ‖ y)
//! 28+Nenc   4 a big-endian u32 whose meaning the format gives
//!             (envelope: ciphertext length; stream: chunk size)
//! ```
//!
//! The header is 64 bytes in version 1 and 97 bytes in version 2; all of it
//! is bound into the AEAD's associated data by the formats.

use subtle::ConstantTimeEq;

use super::hpke::{
    self, Aead, Ciphersuite, Kdf, Kem, Mode, PublicKey, ReceiverContext, ReceiverParams, SecretKey,
    SenderContext, SenderParams, KEY_ID_LEN, MAX_PUBLIC_KEY_LEN,
};
use crate::error::{Error, Result};
use crate::rng::CryptoRng;
use crate::suite::Suite;

/// Bytes of the header besides `enc`.
const FIXED_LEN: usize = 32;

/// The format version of a suite: 1 for intl, 2 for gm.
#[must_use]
pub(crate) fn version_of(suite: Suite) -> u8 {
    match suite {
        Suite::Intl => 1,
        Suite::Gm => 2,
    }
}

/// The header length of a suite: 64 bytes for intl, 97 for gm.
#[must_use]
pub(crate) fn len_of(suite: Suite) -> usize {
    FIXED_LEN + Kem::of(suite).public_key_len()
}

/// The parsed fields of a header.
pub(crate) struct Header {
    pub(crate) version: u8,
    pub(crate) mode: Mode,
    pub(crate) suite: Ciphersuite,
    pub(crate) key_id: [u8; KEY_ID_LEN],
    enc: [u8; MAX_PUBLIC_KEY_LEN],
    pub(crate) word: u32,
}

impl Header {
    /// The encapsulated key.
    pub(crate) fn enc(&self) -> &[u8] {
        self.enc
            .get(..self.suite.kem.public_key_len())
            .unwrap_or(&self.enc)
    }

    /// The header's length.
    pub(crate) fn len(&self) -> usize {
        len_of(self.suite.suite())
    }

    /// The recipient's context: refuses another recipient's key (by key id,
    /// in constant time) and a key of another suite with
    /// [`Error::DecryptFailed`].
    pub(crate) fn open(&self, recipient: &SecretKey, info: &[u8]) -> Result<ReceiverContext> {
        let own_id = recipient.public_key().key_id();
        if recipient.kem() != self.suite.kem || !bool::from(self.key_id.ct_eq(&own_id)) {
            return Err(Error::DecryptFailed);
        }
        let params = ReceiverParams {
            kdf: Some(self.suite.kdf),
            aead: Some(self.suite.aead),
            info,
            ..ReceiverParams::default()
        };
        hpke::setup_receiver(recipient, self.enc(), &params)
    }
}

/// What a sealed format asks of the sender.
pub(crate) struct Seal<'a> {
    /// The format's magic.
    pub(crate) magic: &'a [u8; 4],
    /// What the format is called in errors ("an envelope", "a stream").
    pub(crate) what: &'static str,
    /// The AEAD (`None`: the suite's default).
    pub(crate) aead: Option<Aead>,
    /// The suite the caller asked for, if any: it must be the key's.
    pub(crate) suite: Option<Suite>,
    /// HPKE `info`.
    pub(crate) info: &'a [u8],
    /// The format's word (see the layout).
    pub(crate) word: u32,
}

/// Sets up the sender's context for `recipient` and writes the header.
///
/// # Errors
/// [`Error::UnsupportedAlgorithm`] for the export-only AEAD, an AEAD of the
/// other suite, or a suite the key is not of (or this module lacks);
/// errors of [`hpke::setup_sender_with_rng`].
pub(crate) fn seal(
    recipient: &PublicKey,
    s: &Seal<'_>,
    rng: &mut impl CryptoRng,
) -> Result<(SenderContext, Vec<u8>)> {
    let kem = recipient.kem();
    if let Some(suite) = s.suite {
        if suite != kem.suite() {
            return Err(Error::UnsupportedAlgorithm {
                name: "a suite the recipient key is not of (32-byte keys: intl, 65-byte keys: gm)"
                    .into(),
            });
        }
    }
    if s.aead == Some(Aead::ExportOnly) {
        return Err(Error::UnsupportedAlgorithm {
            name: format!("the export-only AEAD (0xFFFF) in {}", s.what),
        });
    }
    let params = SenderParams {
        aead: s.aead,
        info: s.info,
        ..SenderParams::default()
    };
    let ctx = hpke::setup_sender_with_rng(recipient, &params, rng)?;
    let suite = ctx.ciphersuite();
    let mut out = Vec::with_capacity(len_of(suite.suite()));
    out.extend_from_slice(s.magic);
    out.push(version_of(suite.suite()));
    out.push(Mode::Base.id());
    out.extend_from_slice(&suite.kem.id().to_be_bytes());
    out.extend_from_slice(&suite.kdf.id().to_be_bytes());
    out.extend_from_slice(&suite.aead.id().to_be_bytes());
    out.extend_from_slice(&recipient.key_id());
    out.extend_from_slice(ctx.enc());
    out.extend_from_slice(&s.word.to_be_bytes());
    Ok((ctx, out))
}

/// Splits `N` bytes off the front of `rest`.
fn take<'a, const N: usize>(rest: &mut &'a [u8]) -> Result<&'a [u8; N]> {
    let (head, tail) = rest.split_first_chunk::<N>().ok_or(Error::Truncated)?;
    *rest = tail;
    Ok(head)
}

/// Parses the header at the front of `bytes`, returning it, its bytes and
/// what follows.
///
/// Checks, in order: the magic (as far as `bytes` goes:
/// [`Error::InvalidEnvelope`] on a mismatch), the version
/// ([`Error::InvalidEnvelope`] if unknown), the length
/// ([`Error::Truncated`] if shorter than the version's header), the mode
/// ([`Error::UnsupportedAlgorithm`] for psk/auth modes,
/// [`Error::InvalidEnvelope`] beyond 3), and the suite
/// ([`Error::UnsupportedAlgorithm`] for a KEM, KDF or AEAD that is not the
/// version's, or the export-only AEAD).
pub(crate) fn parse<'a>(
    magic: &[u8; 4],
    what: &'static str,
    bytes: &'a [u8],
) -> Result<(Header, &'a [u8], &'a [u8])> {
    let seen = bytes.len().min(magic.len());
    if bytes.get(..seen) != magic.get(..seen) {
        return Err(Error::InvalidEnvelope { reason: what });
    }
    let mut rest = bytes;
    take::<4>(&mut rest)?;
    let [version] = *take::<1>(&mut rest)?;
    let suite = Suite::ALL
        .into_iter()
        .find(|s| version_of(*s) == version)
        .ok_or(Error::InvalidEnvelope {
            reason: "unknown format version: this data needs a newer mpshield",
        })?;
    let header_len = len_of(suite);
    let header_bytes = bytes.get(..header_len).ok_or(Error::Truncated)?;
    let [mode] = *take::<1>(&mut rest)?;
    let mode = Mode::from_id(mode).map_err(|_| Error::InvalidEnvelope {
        reason: "unknown HPKE mode",
    })?;
    if mode != Mode::Base {
        return Err(Error::UnsupportedAlgorithm {
            name: format!("HPKE mode {:?} in format version {version}", mode.name()),
        });
    }
    let kem = Kem::of(suite);
    let kem_id = u16::from_be_bytes(*take::<2>(&mut rest)?);
    if kem_id != kem.id() {
        return Err(Error::UnsupportedAlgorithm {
            name: "an HPKE KEM id its format version does not use".into(),
        });
    }
    let kdf_id = u16::from_be_bytes(*take::<2>(&mut rest)?);
    let kdf: Kdf = kem.kdf();
    if kdf_id != kdf.id() {
        return Err(Error::UnsupportedAlgorithm {
            name: "an HPKE KDF id its format version does not use".into(),
        });
    }
    let aead = Aead::from_id(u16::from_be_bytes(*take::<2>(&mut rest)?))?;
    if !aead.can_seal() {
        return Err(Error::UnsupportedAlgorithm {
            name: "the export-only AEAD (0xFFFF) in a sealed format".into(),
        });
    }
    if !aead.belongs_with(kem) {
        return Err(Error::UnsupportedAlgorithm {
            name: "an HPKE AEAD its format version does not use".into(),
        });
    }
    let key_id = *take::<KEY_ID_LEN>(&mut rest)?;
    let mut enc = [0u8; MAX_PUBLIC_KEY_LEN];
    let (enc_bytes, tail) = rest
        .split_at_checked(kem.public_key_len())
        .ok_or(Error::Truncated)?;
    rest = tail;
    for (o, b) in enc.iter_mut().zip(enc_bytes) {
        *o = *b;
    }
    let word = u32::from_be_bytes(*take::<4>(&mut rest)?);
    Ok((
        Header {
            version,
            mode,
            suite: Ciphersuite { kem, kdf, aead },
            key_id,
            enc,
            word,
        },
        header_bytes,
        rest,
    ))
}
