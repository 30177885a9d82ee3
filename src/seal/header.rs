//! The 64-byte header that envelopes and stream headers share (see
//! `docs/FORMAT.md`):
//!
//! ```text
//! offset size field
//!      0    4 magic ("MPSE" envelope, "MPSS" stream)
//!      4    1 version (1)
//!      5    1 HPKE mode (0 = base; the only one version 1 defines)
//!      6    2 KEM id, big-endian (0x0020)
//!      8    2 KDF id, big-endian (0x0001)
//!     10    2 AEAD id, big-endian (0x0001, 0x0002 or 0x0003)
//!     12   16 recipient key id: SHA-256(recipient public key)[0..16]
//!     28   32 enc
//!     60    4 a big-endian u32 whose meaning the format gives
//!             (envelope: ciphertext length; stream: chunk size)
//! ```

use super::hpke::{self, Aead, Mode, ENC_LEN, KEY_ID_LEN};
use crate::error::{Error, Result};

/// Length of the header.
pub(crate) const HEADER_LEN: usize = 64;
/// The only version defined.
pub(crate) const VERSION: u8 = 1;

/// The parsed fields of a header.
pub(crate) struct Header {
    pub(crate) mode: Mode,
    pub(crate) aead: Aead,
    pub(crate) key_id: [u8; KEY_ID_LEN],
    pub(crate) enc: [u8; ENC_LEN],
    pub(crate) word: u32,
}

/// Writes a base-mode header.
pub(crate) fn write(
    magic: &[u8; 4],
    aead: Aead,
    key_id: &[u8; KEY_ID_LEN],
    enc: &[u8; ENC_LEN],
    word: u32,
) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    let fields: [&[u8]; 9] = [
        magic,
        &[VERSION],
        &[Mode::Base.id()],
        &hpke::KEM_ID.to_be_bytes(),
        &hpke::KDF_ID.to_be_bytes(),
        &aead.id().to_be_bytes(),
        key_id,
        enc,
        &word.to_be_bytes(),
    ];
    let mut dst = out.iter_mut();
    for b in fields.iter().flat_map(|f| f.iter()) {
        if let Some(d) = dst.next() {
            *d = *b;
        }
    }
    out
}

/// Splits `N` bytes off the front of `rest`.
fn take<'a, const N: usize>(rest: &mut &'a [u8]) -> Result<&'a [u8; N]> {
    let (head, tail) = rest.split_first_chunk::<N>().ok_or(Error::Truncated)?;
    *rest = tail;
    Ok(head)
}

/// Parses the header at the front of `bytes`, returning it and what follows.
///
/// Checks, in order: the magic (as far as `bytes` goes:
/// [`Error::InvalidEnvelope`] on a mismatch), the version
/// ([`Error::InvalidEnvelope`] if unknown), the length
/// ([`Error::Truncated`] if shorter than the header), the mode
/// ([`Error::UnsupportedAlgorithm`] for psk/auth modes,
/// [`Error::InvalidEnvelope`] beyond 3), and the suite
/// ([`Error::UnsupportedAlgorithm`] for anything but X25519 / HKDF-SHA256 /
/// a sealing AEAD).
pub(crate) fn parse<'a>(
    magic: &[u8; 4],
    what: &'static str,
    bytes: &'a [u8],
) -> Result<(Header, &'a [u8])> {
    let seen = bytes.len().min(magic.len());
    if bytes.get(..seen) != magic.get(..seen) {
        return Err(Error::InvalidEnvelope { reason: what });
    }
    let mut rest = bytes;
    take::<4>(&mut rest)?;
    let [version] = *take::<1>(&mut rest)?;
    if version != VERSION {
        return Err(Error::InvalidEnvelope {
            reason: "unknown format version: this data needs a newer mpshield",
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(Error::Truncated);
    }
    let [mode] = *take::<1>(&mut rest)?;
    let mode = Mode::from_id(mode).map_err(|_| Error::InvalidEnvelope {
        reason: "unknown HPKE mode",
    })?;
    if mode != Mode::Base {
        return Err(Error::UnsupportedAlgorithm {
            name: format!("HPKE mode {:?} in format version 1", mode.name()),
        });
    }
    let kem = u16::from_be_bytes(*take::<2>(&mut rest)?);
    if kem != hpke::KEM_ID {
        return Err(Error::UnsupportedAlgorithm {
            name: format!("HPKE KEM id 0x{kem:04x}"),
        });
    }
    let kdf = u16::from_be_bytes(*take::<2>(&mut rest)?);
    if kdf != hpke::KDF_ID {
        return Err(Error::UnsupportedAlgorithm {
            name: format!("HPKE KDF id 0x{kdf:04x}"),
        });
    }
    let aead = Aead::from_id(u16::from_be_bytes(*take::<2>(&mut rest)?))?;
    if !aead.can_seal() {
        return Err(Error::UnsupportedAlgorithm {
            name: "the export-only AEAD (0xFFFF) in a sealed format".into(),
        });
    }
    let key_id = *take::<KEY_ID_LEN>(&mut rest)?;
    let enc = *take::<ENC_LEN>(&mut rest)?;
    let word = u32::from_be_bytes(*take::<4>(&mut rest)?);
    Ok((
        Header {
            mode,
            aead,
            key_id,
            enc,
            word,
        },
        rest,
    ))
}
