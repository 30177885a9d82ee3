//! Consent receipts: a record, its place in the log and a signed checkpoint,
//! compact enough to travel inside the sealed payload.
//!
//! Binary layout (all integers big-endian; no padding; nothing after the
//! last field):
//!
//! ```text
//! magic      4 bytes   "MPR" 0x01 (version 1: intl) or "MPR" 0x02 (version 2: gm)
//! recordLen  u32       length of the record, 1 ..= 65536
//! record     recordLen the record's RFC 8785 canonical JSON (UTF-8)
//! index      u64       the record's index in the log
//! proofLen   u8        number of proof hashes, 0 ..= 64
//! proof      32 × proofLen   RFC 9162 inclusion proof in the checkpoint's tree
//! noteLen    u16       length of the checkpoint note
//! note       noteLen   C2SP signed-note checkpoint (UTF-8)
//! ```
//!
//! The version says the suite: version 1 (`intl`) is a SHA-256 tree with an
//! Ed25519 checkpoint, version 2 (`gm`) an SM3 tree with an SM2 checkpoint;
//! otherwise the layouts are the same.
//!
//! [`verify_receipt`] checks, in order: the layout; that the version's suite
//! is the device key's; that the record bytes are the canonical form of a
//! valid record; the checkpoint's signature by the device key under the
//! note's own origin; and the inclusion proof of `H(0x00 ‖ record)` (`H` the
//! suite's hash) at `index` against the checkpoint's root.

use super::checkpoint::{self, Checkpoint};
use super::merkle::{self, Hash};
use super::record::ConsentRecord;
use super::DevicePublicKey;
use crate::error::{Error, Result};
use crate::suite::Suite;

/// The receipt magic and version of the `intl` suite (version 1).
pub const MAGIC: [u8; 4] = *b"MPR\x01";
/// The receipt magic and version of the `gm` suite (version 2).
pub const MAGIC_GM: [u8; 4] = *b"MPR\x02";

/// The magic of a suite's receipts.
#[must_use]
pub fn magic(suite: Suite) -> [u8; 4] {
    match suite {
        Suite::Intl => MAGIC,
        Suite::Gm => MAGIC_GM,
    }
}
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

/// Encodes an `intl` receipt (version 1).
///
/// # Errors
/// [`Error::InvalidInput`] if a part exceeds the format's limits.
pub fn encode(record: &[u8], index: u64, proof: &[Hash], note: &str) -> Result<Vec<u8>> {
    encode_with(Suite::Intl, record, index, proof, note)
}

/// Encodes a receipt of `suite` (the suite of the log whose checkpoint
/// `note` is).
///
/// # Errors
/// [`Error::InvalidInput`] if a part exceeds the format's limits.
pub fn encode_with(
    suite: Suite,
    record: &[u8],
    index: u64,
    proof: &[Hash],
    note: &str,
) -> Result<Vec<u8>> {
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
    out.extend_from_slice(&magic(suite));
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
    suite: Suite,
    record: &'a [u8],
    index: u64,
    proof: Vec<Hash>,
    note: &'a str,
}

fn decode(bytes: &[u8]) -> Result<Parts<'_>> {
    let mut r = Reader { rest: bytes };
    let suite = match r.array::<4>()? {
        MAGIC => Suite::Intl,
        MAGIC_GM => Suite::Gm,
        _ => return Err(bad("not a version-1 or version-2 mpshield receipt")),
    };
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
        suite,
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
/// trailing bytes, are of the other suite than `device_key` (version 1 with
/// an SM2 key, version 2 with an Ed25519 key), or the record is not a
/// canonical valid record;
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
    if parts.suite != device_key.suite() {
        return Err(bad(
            "the receipt's version is of the other suite than the device key",
        ));
    }
    let record = ConsentRecord::from_canonical_bytes(parts.record).map_err(|e| match e {
        Error::InvalidRecord { .. } => bad("the record is not a canonical, valid consent record"),
        other => other,
    })?;
    let cp = checkpoint::verify(parts.note, device_key, &origin)?;
    if parts.index >= cp.size {
        return Err(Error::InvalidProof);
    }
    merkle::verify_inclusion_with(
        parts.suite,
        &merkle::leaf_hash_with(parts.suite, parts.record),
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
