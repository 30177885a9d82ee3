//! Consent receipts: a record, its place in the log and a signed checkpoint,
//! compact enough to travel inside the sealed payload.
//!
//! Binary layout (all integers big-endian; no padding; nothing after the
//! last field):
//!
//! ```text
//! magic      4 bytes   "MPR" 0x01   (format version 1)
//! recordLen  u32       length of the record, 1 ..= 65536
//! record     recordLen the record's RFC 8785 canonical JSON (UTF-8)
//! index      u64       the record's index in the log
//! proofLen   u8        number of proof hashes, 0 ..= 64
//! proof      32 × proofLen   RFC 9162 inclusion proof in the checkpoint's tree
//! noteLen    u16       length of the checkpoint note
//! note       noteLen   C2SP signed-note checkpoint (UTF-8)
//! ```
//!
//! [`verify_receipt`] checks, in order: the layout; that the record bytes are
//! the canonical form of a valid record; the checkpoint's Ed25519 signature
//! by the device key under the note's own origin; and the inclusion proof of
//! `SHA-256(0x00 ‖ record)` at `index` against the checkpoint's root.

use super::checkpoint::{self, Checkpoint};
use super::merkle::{self, Hash};
use super::record::ConsentRecord;
use super::DevicePublicKey;
use crate::error::{Error, Result};

/// The receipt magic and version.
pub const MAGIC: [u8; 4] = *b"MPR\x01";
/// Longest record a receipt carries.
pub const MAX_RECORD_BYTES: usize = 65_536;
/// Most proof hashes (a tree of 2^64 leaves needs 64).
pub const MAX_PROOF: usize = 64;

/// What a verified receipt proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedReceipt {
    /// The consent record.
    pub record: ConsentRecord,
    /// Its index in the device's log.
    pub index: u64,
    /// The signed checkpoint it is included in.
    pub checkpoint: Checkpoint,
    /// The checkpoint note as signed, to keep as evidence.
    pub note: String,
}

fn bad(reason: &'static str) -> Error {
    Error::InvalidReceipt { reason }
}

/// Encodes a receipt.
///
/// # Errors
/// [`Error::InvalidInput`] if a part exceeds the format's limits.
pub fn encode(record: &[u8], index: u64, proof: &[Hash], note: &str) -> Result<Vec<u8>> {
    if record.is_empty() || record.len() > MAX_RECORD_BYTES {
        return Err(Error::input("the record is empty or longer than 64 KiB"));
    }
    let proof_len = u8::try_from(proof.len())
        .ok()
        .filter(|n| usize::from(*n) <= MAX_PROOF)
        .ok_or_else(|| Error::input("the proof is longer than 64 hashes"))?;
    let note_len =
        u16::try_from(note.len()).map_err(|_| Error::input("the checkpoint is too long"))?;
    let mut out =
        Vec::with_capacity(4 + 4 + record.len() + 8 + 1 + 32 * proof.len() + 2 + note.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&(record.len() as u32).to_be_bytes());
    out.extend_from_slice(record);
    out.extend_from_slice(&index.to_be_bytes());
    out.push(proof_len);
    for h in proof {
        out.extend_from_slice(h);
    }
    out.extend_from_slice(&note_len.to_be_bytes());
    out.extend_from_slice(note.as_bytes());
    Ok(out)
}

/// A cursor over receipt bytes.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.rest.len() < n {
            return Err(bad("truncated"));
        }
        let (a, b) = self.rest.split_at(n);
        self.rest = b;
        Ok(a)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| bad("truncated"))
    }
}

/// The parts of a receipt, unverified.
struct Parts<'a> {
    record: &'a [u8],
    index: u64,
    proof: Vec<Hash>,
    note: &'a str,
}

fn decode(bytes: &[u8]) -> Result<Parts<'_>> {
    let mut r = Reader { rest: bytes };
    if r.array::<4>()? != MAGIC {
        return Err(bad("not a version-1 mpshield receipt"));
    }
    let record_len = u32::from_be_bytes(r.array()?) as usize;
    if record_len == 0 || record_len > MAX_RECORD_BYTES {
        return Err(bad("record length out of range"));
    }
    let record = r.take(record_len)?;
    let index = u64::from_be_bytes(r.array()?);
    let proof_len = usize::from(r.array::<1>()?[0]);
    if proof_len > MAX_PROOF {
        return Err(bad("proof too long"));
    }
    let mut proof = Vec::with_capacity(proof_len);
    for _ in 0..proof_len {
        proof.push(r.array::<32>()?);
    }
    let note_len = usize::from(u16::from_be_bytes(r.array()?));
    let note = std::str::from_utf8(r.take(note_len)?).map_err(|_| bad("checkpoint not UTF-8"))?;
    if !r.rest.is_empty() {
        return Err(bad("trailing bytes"));
    }
    Ok(Parts {
        record,
        index,
        proof,
        note,
    })
}

/// Verifies a receipt against the device's public key and returns what it
/// proves.
///
/// # Errors
/// [`Error::InvalidReceipt`] if the bytes are malformed, truncated, carry
/// trailing bytes, or the record is not a canonical valid record;
/// [`Error::InvalidCheckpoint`] if the checkpoint is not signed by this key;
/// [`Error::InvalidProof`] if the record is not at `index` in the
/// checkpoint's tree.
pub fn verify_receipt(bytes: &[u8], device_key: &DevicePublicKey) -> Result<VerifiedReceipt> {
    let parts = decode(bytes)?;
    let body_origin = parts.note.split('\n').next().unwrap_or_default();
    verify_parts(parts, device_key, body_origin.to_owned())
}

/// [`verify_receipt`], also requiring the checkpoint's origin to be `origin`
/// (the log the relying party expects).
///
/// # Errors
/// As [`verify_receipt`]; [`Error::InvalidCheckpoint`] for another origin.
pub fn verify_receipt_for_origin(
    bytes: &[u8],
    device_key: &DevicePublicKey,
    origin: &str,
) -> Result<VerifiedReceipt> {
    verify_parts(decode(bytes)?, device_key, origin.to_owned())
}

fn verify_parts(
    parts: Parts<'_>,
    device_key: &DevicePublicKey,
    origin: String,
) -> Result<VerifiedReceipt> {
    let record = ConsentRecord::from_canonical_bytes(parts.record).map_err(|e| match e {
        Error::InvalidRecord { .. } => bad("the record is not a canonical, valid consent record"),
        other => other,
    })?;
    let cp = checkpoint::verify(parts.note, device_key, &origin)?;
    if parts.index >= cp.size {
        return Err(Error::InvalidProof);
    }
    merkle::verify_inclusion(
        &merkle::leaf_hash(parts.record),
        parts.index,
        cp.size,
        &parts.proof,
        &cp.root,
    )?;
    Ok(VerifiedReceipt {
        record,
        index: parts.index,
        checkpoint: cp,
        note: parts.note.to_owned(),
    })
}
