//! Moving a consent log to a new phone: the encrypted export, its recovery
//! code, the handover chain and the continuity proof a relying party checks.
//!
//! - **Export** (`docs/FORMAT.md`, "Log export"): the old device appends a
//!   `handover` record naming a fresh device key for the new phone, signs a
//!   checkpoint that includes it (the *handover checkpoint*), and seals the
//!   log's records, the new device key's seed, the handover chain and the
//!   list of credentials to re-issue under a key derived from a
//!   [`RecoveryCode`] (160 random bits, shown to the citizen).
//! - **Import**: the new device opens the export, rebuilds the tree, checks
//!   every handover of the chain and continues the same log under the new
//!   key. Given a newer checkpoint kept off the device that the export does
//!   not reach, it appends a signed `restored` record naming it.
//! - **Continuity**: [`verify_continuity`] lets a relying party that holds a
//!   checkpoint signed by an earlier device key check that the current
//!   device's checkpoint continues it (or that a `restored` record declares
//!   what was lost).

use base64ct::{Base64UrlUnpadded, Encoding};
use rand_core::Rng as _;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::checkpoint::{self, Checkpoint};
use super::commit::{open_with_header, seal_with_header, suite_byte, suite_of_byte, Reader};
use super::merkle::{self, Hash};
use super::receipt::{self, VerifiedReceipt};
use super::record::{ConsentRecord, Event};
use super::{ConsentLog, DevicePublicKey, StorageKey};
use crate::error::{Error, Result};
use crate::suite::Suite;

/// Random bytes in a recovery code (160 bits).
pub const RECOVERY_CODE_BYTES: usize = 20;
/// Magic and version of an export.
pub const EXPORT_MAGIC: [u8; 4] = *b"MPX\x01";
/// Magic and version of a continuity proof of an `intl` log (32-byte
/// Ed25519 keys).
pub const PROOF_MAGIC: [u8; 4] = *b"MPH\x01";
/// Magic and version of a continuity proof of a `gm` log (65-byte SM2
/// keys, version-2 receipts, SM3 proofs).
pub const PROOF_MAGIC_GM: [u8; 4] = *b"MPH\x02";
/// Largest export accepted (sealed bytes) and largest plaintext inside it.
pub const MAX_EXPORT_BYTES: usize = 16 * 1024 * 1024;
/// Most handovers a log's chain may hold.
pub const MAX_HANDOVERS: usize = 64;
const SALT: &[u8] = b"mpshield/export/v1";
/// Crockford's base32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn malformed(reason: &'static str) -> Error {
    Error::StorageCorrupt { reason }
}

/// The code that opens an export: 160 random bits, written as 32 Crockford
/// base32 characters in groups of four. Zeroized on drop; no `Debug`.
pub struct RecoveryCode(Zeroizing<[u8; RECOVERY_CODE_BYTES]>);

impl RecoveryCode {
    /// A fresh code from the seeded generator.
    ///
    /// # Errors
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn generate() -> Result<Self> {
        let mut b = Zeroizing::new([0u8; RECOVERY_CODE_BYTES]);
        crate::rng::rng()?.fill_bytes(b.as_mut());
        Ok(Self(b))
    }

    /// The code as the citizen writes it down, e.g. `7K2M-…` (39 ASCII
    /// bytes: 8 groups of 4 characters joined by `-`).
    #[must_use]
    pub fn to_text(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(39));
        let (mut acc, mut bits) = (0u32, 0);
        for &b in self.0.iter() {
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                if !out.is_empty() && out.len() % 5 == 4 {
                    out.push(b'-');
                }
                out.extend(ALPHABET.get(((acc >> bits) & 31) as usize));
            }
        }
        out
    }

    /// Reads a code as typed: case, spaces and `-` do not matter, and `O`,
    /// `I`, `L` are read as `0`, `1`, `1`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless it is 32 base32 characters.
    pub fn parse(text: &[u8]) -> Result<Self> {
        let bad = || Error::input("the recovery code is 32 letters and digits (groups of four)");
        let mut out = Zeroizing::new([0u8; RECOVERY_CODE_BYTES]);
        let (mut acc, mut bits, mut n, mut chars) = (0u32, 0, 0, 0);
        for &c in text {
            let c = match c.to_ascii_uppercase() {
                b' ' | b'-' => continue,
                b'O' => b'0',
                b'I' | b'L' => b'1',
                c => c,
            };
            let v = ALPHABET.iter().position(|&a| a == c).ok_or_else(bad)?;
            chars += 1;
            if chars > 32 {
                return Err(bad());
            }
            acc = (acc << 5) | v as u32;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                *out.get_mut(n).ok_or_else(bad)? = (acc >> bits) as u8;
                n += 1;
            }
        }
        if chars != 32 {
            return Err(bad());
        }
        Ok(Self(out))
    }

    /// The export key: `HKDF(salt = "mpshield/export/v1", ikm = code,
    /// info = "export key", 32)` over the suite's hash (SHA-256 or SM3).
    fn key(&self, suite: Suite) -> Result<StorageKey> {
        let mut k = Zeroizing::new([0u8; 32]);
        super::commit::hkdf(suite, SALT, self.0.as_ref(), b"export key", k.as_mut())?;
        Ok(StorageKey::from_bytes(*k))
    }
}

/// One handover of the chain: the key that handed the log over, and the
/// checkpoint it signed that includes its `handover` record (the last leaf).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    /// The earlier device key.
    pub key: DevicePublicKey,
    /// Its handover checkpoint note.
    pub note: String,
}

/// What an export holds.
pub struct Export {
    /// The log's origin.
    pub origin: String,
    /// The seed of the new device key.
    pub device_seed: Zeroizing<[u8; 32]>,
    /// The handover chain, oldest first; the last one is this export's.
    pub handovers: Vec<Handover>,
    /// The log's records (canonical JSON), in order, from index
    /// `pruned` on.
    pub records: Vec<Vec<u8>>,
    /// How many leading records the log had pruned (0: none).
    pub pruned: u64,
    /// Their frontier ([`ConsentLog::frontier`]).
    pub frontier: Vec<Hash>,
    /// The credentials to re-issue (JSON array of `wallet.credentials()`
    /// summaries).
    pub reissue: Vec<u8>,
}

fn put(out: &mut Vec<u8>, len_bytes: usize, data: &[u8]) {
    let n = (data.len() as u64).to_be_bytes();
    out.extend_from_slice(n.get(8 - len_bytes..).unwrap_or_default());
    out.extend_from_slice(data);
}

impl Export {
    /// The export's suite: its handover keys' (all of one suite), the
    /// suite of the log and of the new device key.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.handovers
            .first()
            .map_or(Suite::Intl, |h| h.key.suite())
    }

    /// Seals the export under `code`: `"MPX" 01 ‖ suite ‖ 00 ‖ id (16)`,
    /// then the DEFLATE-compressed contents as storage format 2 seals a
    /// value of that suite (suite 1: HKDF-SHA256 and ChaCha20-Poly1305;
    /// suite 2: HKDF-SM3 and SM4-GCM, with the export key from the code
    /// by HKDF-SM3 too).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if it exceeds [`MAX_EXPORT_BYTES`], has no
    /// handover or handovers of both suites;
    /// [`Error::NotInitialized`] before the generator is seeded.
    pub fn seal(&self, code: &RecoveryCode) -> Result<Vec<u8>> {
        let suite = self.suite();
        if self.handovers.is_empty() || self.handovers.iter().any(|h| h.key.suite() != suite) {
            return Err(Error::input(
                "an export needs its handover chain, all of one suite",
            ));
        }
        let mut p = Zeroizing::new(Vec::new());
        put(&mut p, 2, self.origin.as_bytes());
        p.extend_from_slice(self.device_seed.as_ref());
        p.push(self.handovers.len() as u8);
        for h in &self.handovers {
            p.extend_from_slice(h.key.as_bytes());
            put(&mut p, 2, h.note.as_bytes());
        }
        put(&mut p, 4, &self.reissue);
        p.extend_from_slice(&(self.records.len() as u32).to_be_bytes());
        for r in &self.records {
            put(&mut p, 4, r);
        }
        if self.pruned > 0 {
            // Only for a pruned log: other exports stay what earlier
            // versions wrote and read.
            p.extend_from_slice(&self.pruned.to_be_bytes());
            p.push(self.frontier.len() as u8);
            for h in &self.frontier {
                p.extend_from_slice(h);
            }
        }
        if p.len() > MAX_EXPORT_BYTES || self.handovers.len() > MAX_HANDOVERS {
            return Err(Error::input("the log is too large to export (16 MiB)"));
        }
        let body = Zeroizing::new(miniz_oxide::deflate::compress_to_vec(&p, 6));
        let mut header = [0u8; 22];
        let (fixed, id) = header.split_at_mut(6);
        fixed.copy_from_slice(&[b'M', b'P', b'X', 1, suite_byte(suite), 0]);
        crate::rng::rng()?.fill_bytes(id);
        seal_with_header(suite, SALT, &code.key(suite)?, &header, &body)
    }

    /// Opens an export sealed by [`Export::seal`].
    ///
    /// # Errors
    /// [`Error::DecryptFailed`] for a wrong code or an altered export;
    /// [`Error::StorageCorrupt`] if it is not an export of this version or
    /// its contents are malformed; [`Error::UnsupportedAlgorithm`] for an
    /// export of a suite this module does not carry.
    pub fn open(bytes: &[u8], code: &RecoveryCode) -> Result<Self> {
        if bytes.len() > MAX_EXPORT_BYTES || bytes.len() < 22 + 16 {
            return Err(malformed("not an export"));
        }
        let (header, body) = bytes.split_at(22);
        let suite = match header.get(..6) {
            Some([b'M', b'P', b'X', 1, s, 0]) => {
                suite_of_byte(*s).ok_or(malformed("not an export of this version"))?
            }
            _ => return Err(malformed("not an export of this version")),
        };
        suite.require()?;
        let packed = open_with_header(suite, SALT, &code.key(suite)?, header, body)
            .ok_or(Error::DecryptFailed)?;
        let plain = Zeroizing::new(
            miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_EXPORT_BYTES)
                .map_err(|_| malformed("the export does not decompress"))?,
        );
        Self::parse(suite, &plain).map_err(|_| malformed("the export is malformed"))
    }

    fn parse(suite: Suite, plain: &[u8]) -> Result<Self> {
        let mut r = Reader::new(plain);
        let len = usize::from(r.u16()?);
        let origin = String::from_utf8(r.take(len)?.to_vec()).map_err(|_| malformed("origin"))?;
        let device_seed = Zeroizing::new(r.array::<32>()?);
        let mut handovers = Vec::new();
        for _ in 0..r.array::<1>()?[0] {
            let key = DevicePublicKey::from_bytes_of(suite, r.take(key_len(suite))?)
                .map_err(|_| malformed("a handover key is not a key"))?;
            let len = usize::from(r.u16()?);
            let note = String::from_utf8(r.take(len)?.to_vec()).map_err(|_| malformed("note"))?;
            handovers.push(Handover { key, note });
        }
        let len = r.u32()? as usize;
        let reissue = r.take(len)?.to_vec();
        let count = r.u32()?;
        let mut records = Vec::new();
        for _ in 0..count {
            let len = r.u32()? as usize;
            records.push(r.take(len)?.to_vec());
        }
        let (mut pruned, mut frontier) = (0u64, Vec::new());
        if !r.is_empty() {
            pruned = r.u64()?;
            let n = usize::from(r.array::<1>()?[0]);
            if pruned == 0 || n > merkle::MAX_FRONTIER || n != pruned.count_ones() as usize {
                return Err(malformed("the export is malformed"));
            }
            for _ in 0..n {
                frontier.push(r.array::<32>()?);
            }
        }
        if !r.is_empty() || handovers.is_empty() || handovers.len() > MAX_HANDOVERS {
            return Err(malformed("the export is malformed"));
        }
        Ok(Self {
            origin,
            device_seed,
            handovers,
            records,
            pruned,
            frontier,
            reissue,
        })
    }
}

/// The length of a suite's device public keys: 32 (Ed25519), 65 (SM2).
fn key_len(suite: Suite) -> usize {
    match suite {
        Suite::Intl => 32,
        Suite::Gm => 65,
    }
}

/// The device key a `handover` record hands over to (its encoding).
fn handed_to(record: &ConsentRecord) -> Option<Vec<u8>> {
    let d = record
        .device
        .as_ref()
        .filter(|_| record.event == Event::Handover)?;
    Base64UrlUnpadded::decode_vec(d.key.as_deref()?).ok()
}

fn cross_suite() -> Error {
    Error::UnsupportedAlgorithm {
        name: "a handover to a device key of the other suite (a log keeps its suite: an intl log continues under an Ed25519 key, a gm log under an SM2 key)".into(),
    }
}

/// Checks that a `handover` record of a log of `suite` hands over to a key
/// of the same suite.
///
/// # Errors
/// [`Error::UnsupportedAlgorithm`] for a key of the other suite.
pub(crate) fn check_next_key(suite: Suite, record: &ConsentRecord) -> Result<()> {
    match handed_to(record) {
        Some(k) if k.len() != key_len(suite) => Err(cross_suite()),
        _ => Ok(()),
    }
}

/// Checks a log's handover chain: each handover checkpoint is signed by
/// its key for `log`'s origin, `log` extends it, and its last leaf is a
/// `handover` record naming the next key (the last names `log`'s own).
///
/// # Errors
/// [`Error::InvalidCheckpoint`] for a checkpoint not signed by its key;
/// [`Error::RollbackDetected`] if `log` does not extend one;
/// [`Error::StorageCorrupt`] if a handover record is missing or names
/// another key; [`Error::UnsupportedAlgorithm`] if a key of the chain is of
/// another suite than the log (cross-suite handovers are refused).
pub fn check_chain(log: &ConsentLog, chain: &[Handover]) -> Result<()> {
    if chain.len() > MAX_HANDOVERS {
        return Err(malformed("the handover chain is too long"));
    }
    if chain.iter().any(|h| h.key.suite() != log.suite()) {
        return Err(cross_suite());
    }
    let current = log.device_public_key();
    for (i, h) in chain.iter().enumerate() {
        let cp = checkpoint::verify(&h.note, &h.key, log.origin())?;
        super::commit::check_extends(log, &cp)?;
        let next = chain.get(i + 1).map_or(&current, |n| &n.key);
        let last = cp.size.checked_sub(1).map(|i| log.get(i)).transpose()?;
        if last.and_then(handed_to).as_deref() != Some(next.as_bytes()) {
            return Err(malformed(
                "a handover checkpoint does not end in the handover to the next key",
            ));
        }
    }
    Ok(())
}

/// Verifies `note` against the current key or any earlier key of `chain`.
///
/// # Errors
/// [`Error::InvalidCheckpoint`] if none of them signed it.
pub fn verify_any(note: &str, log: &ConsentLog, chain: &[Handover]) -> Result<Checkpoint> {
    let current = log.device_public_key();
    let mut last = Err(Error::InvalidCheckpoint {
        reason: "not signed by this log's keys",
    });
    for key in chain.iter().map(|h| &h.key).chain([&current]) {
        last = checkpoint::verify(note, key, log.origin());
        if last.is_ok() {
            break;
        }
    }
    last
}

fn put_proof(out: &mut Vec<u8>, proof: &[Hash]) {
    out.push(proof.len() as u8);
    for h in proof {
        out.extend_from_slice(h);
    }
}

/// The magic of a suite's continuity proofs.
fn proof_magic(suite: Suite) -> [u8; 4] {
    match suite {
        Suite::Intl => PROOF_MAGIC,
        Suite::Gm => PROOF_MAGIC_GM,
    }
}

/// The continuity proof for a relying party that holds `checkpoint` (any
/// of this log's checkpoints, under any key of `chain`):
///
/// ```text
/// "MPH" 01 ‖ current key (32) ‖ u16 ‖ current checkpoint note
/// u8 n ‖ n × (key (32) ‖ u32 ‖ receipt of the handover record under its
///            handover checkpoint ‖ u8 m ‖ m × 32 consistency proof to now)
/// u8 0|1 ‖ [u32 ‖ receipt of the restored record naming `checkpoint`]
/// u8 k ‖ k × 32 consistency proof from `checkpoint` to now
/// ```
///
/// A `gm` log's proof is `"MPH" 02` with 65-byte SM2 keys, version-2
/// receipts and SM3 consistency proofs; otherwise the same.
///
/// # Errors
/// [`Error::InvalidCheckpoint`] if `checkpoint` does not parse, or is
/// smaller than the log's pruned prefix (but not empty).
pub fn continuity_proof(log: &ConsentLog, chain: &[Handover], checkpoint: &str) -> Result<Vec<u8>> {
    let split = checkpoint.find("\n\n").map_or(checkpoint.len(), |i| i + 1);
    let theirs = Checkpoint::parse_body(checkpoint.get(..split).unwrap_or(""))?;
    if theirs.size > 0 && theirs.size < log.pruned() {
        return Err(Error::InvalidCheckpoint {
            reason: super::commit::OLDER_THAN_PRUNED,
        });
    }
    let size = log.size();
    let suite = log.suite();
    let mut out = proof_magic(suite).to_vec();
    out.extend_from_slice(log.device_public_key().as_bytes());
    put(&mut out, 2, log.checkpoint()?.as_bytes());
    out.push(chain.len() as u8);
    for h in chain {
        let split = h.note.find("\n\n").map_or(0, |i| i + 1);
        let at = Checkpoint::parse_body(h.note.get(..split).unwrap_or(""))?.size;
        let index = at.saturating_sub(1);
        let bytes = log.get(index)?.canonical_bytes()?;
        let proof = log.inclusion_proof(index, at)?;
        out.extend_from_slice(h.key.as_bytes());
        put(
            &mut out,
            4,
            &receipt::encode_with(suite, &bytes, index, &proof, &h.note)?,
        );
        put_proof(&mut out, &log.consistency_proof(at, size)?);
    }
    let restored = log
        .records()
        .enumerate()
        .filter(|(_, r)| {
            r.event == Event::Restored
                && r.device
                    .as_ref()
                    .is_some_and(|d| d.lost_size == Some(theirs.size))
        })
        .last();
    match restored {
        Some((i, _)) => {
            out.push(1);
            put(&mut out, 4, &log.receipt(log.pruned() + i as u64)?);
        }
        None => out.push(0),
    }
    let proof = if theirs.size <= size && theirs.size > 0 {
        log.consistency_proof(theirs.size, size)?
    } else {
        Vec::new()
    };
    put_proof(&mut out, &proof);
    Ok(out)
}

/// What [`verify_continuity`] established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Continuity {
    /// The current device key.
    pub key: DevicePublicKey,
    /// The current checkpoint, signed by it.
    pub checkpoint: Checkpoint,
    /// The current checkpoint note.
    pub note: String,
    /// When the relying party's checkpoint is not in the log: the size of
    /// the export that was restored and the relying party's size, as the
    /// signed `restored` record declares them.
    pub restored: Option<(u64, u64)>,
}

fn get_proof(r: &mut Reader<'_>) -> Result<Vec<Hash>> {
    (0..r.array::<1>()?[0]).map(|_| r.array::<32>()).collect()
}

fn b64_root(root: &Hash) -> String {
    Base64UrlUnpadded::encode_string(root)
}

/// Checks that the log whose checkpoint `checkpoint` (signed by `key` for
/// `origin`) a relying party holds is continued by the device that sent
/// `proof` ([`continuity_proof`]), across any handovers.
///
/// # Errors
/// [`Error::InvalidCheckpoint`] if `checkpoint` is not signed by `key`;
/// [`Error::InvalidProof`] if the proof is malformed, a handover is not
/// signed by the key before it, or a proof does not verify;
/// [`Error::RollbackDetected`] if the chain is sound but the current log
/// does not continue `checkpoint` and declares no restore from it.
/// Works for logs of either suite (the proof's version says which; it must
/// be `key`'s, else [`Error::InvalidProof`]).
pub fn verify_continuity(
    proof: &[u8],
    checkpoint: &str,
    key: &DevicePublicKey,
    origin: &str,
) -> Result<Continuity> {
    let theirs = checkpoint::verify(checkpoint, key, origin)?;
    fn bad<E>(_: E) -> Error {
        Error::InvalidProof
    }
    let suite = key.suite();
    let mut r = Reader::new(proof);
    if r.array::<4>().map_err(bad)? != proof_magic(suite) {
        return Err(Error::InvalidProof);
    }
    let klen = key_len(suite);
    let current = DevicePublicKey::from_bytes_of(suite, r.take(klen).map_err(bad)?).map_err(bad)?;
    let len = usize::from(r.u16().map_err(bad)?);
    let note =
        String::from_utf8(r.take(len).map_err(bad)?.to_vec()).map_err(|_| Error::InvalidProof)?;
    let now = checkpoint::verify(&note, &current, origin).map_err(bad)?;
    let links = r.array::<1>().map_err(bad)?[0];
    // The relying party's key must be one of the chain's; its authority
    // ends at its handover checkpoint.
    let mut boundary = (*key == current).then_some(now.size);
    let mut keys = Vec::new();
    let mut receipts = Vec::new();
    for _ in 0..links {
        let k = DevicePublicKey::from_bytes_of(suite, r.take(klen).map_err(bad)?).map_err(bad)?;
        let len = r.u32().map_err(bad)? as usize;
        let v = receipt::verify_receipt_for_origin(r.take(len).map_err(bad)?, &k, origin)
            .map_err(bad)?;
        let consistency = get_proof(&mut r).map_err(bad)?;
        merkle::verify_consistency_with(
            suite,
            v.checkpoint.size,
            now.size,
            &v.checkpoint.root,
            &now.root,
            &consistency,
        )
        .map_err(bad)?;
        if v.index + 1 != v.checkpoint.size {
            return Err(Error::InvalidProof);
        }
        if k == *key {
            boundary = Some(v.checkpoint.size);
        }
        keys.push(k);
        receipts.push(v);
    }
    for (i, v) in receipts.iter().enumerate() {
        let next = keys.get(i + 1).unwrap_or(&current);
        if handed_to(&v.record).as_deref() != Some(next.as_bytes()) {
            return Err(Error::InvalidProof);
        }
    }
    let restored: Option<VerifiedReceipt> = match r.array::<1>().map_err(bad)?[0] {
        0 => None,
        1 => {
            let len = r.u32().map_err(bad)? as usize;
            Some(
                receipt::verify_receipt_for_origin(r.take(len).map_err(bad)?, &current, origin)
                    .map_err(bad)?,
            )
        }
        _ => return Err(Error::InvalidProof),
    };
    let consistency = get_proof(&mut r).map_err(bad)?;
    if !r.is_empty() {
        return Err(Error::InvalidProof);
    }
    let boundary = boundary.ok_or(Error::InvalidProof)?;
    // An empty log's checkpoint is continued by any log (no proof exists).
    let continues = theirs.size <= boundary
        && if theirs.size == 0 {
            bool::from(theirs.root.ct_eq(&merkle::empty_root_with(suite)))
        } else {
            merkle::verify_consistency_with(
                suite,
                theirs.size,
                now.size,
                &theirs.root,
                &now.root,
                &consistency,
            )
            .is_ok()
        };
    let declared = restored.and_then(|v| {
        let d = v.record.device.as_ref()?;
        let ok = v.record.event == Event::Restored
            && v.checkpoint.size == now.size
            && bool::from(v.checkpoint.root.ct_eq(&now.root))
            && d.lost_size == Some(theirs.size)
            && d.lost_root.as_deref() == Some(b64_root(&theirs.root).as_str());
        ok.then_some((d.from_size, theirs.size))
    });
    if !continues && declared.is_none() {
        return Err(Error::RollbackDetected);
    }
    Ok(Continuity {
        key: current,
        checkpoint: now,
        note,
        restored: if continues { None } else { declared },
    })
}

/// The `restored` record a new device appends when the checkpoint `lost`
/// (kept off the device) is newer than the export of `from_size` records.
#[must_use]
pub fn restored_record(from_size: u64, lost: &Checkpoint, time: i64) -> ConsentRecord {
    device_record(
        Event::Restored,
        super::record::DeviceChange {
            from_size,
            key: None,
            lost_root: Some(b64_root(&lost.root)),
            lost_size: Some(lost.size),
        },
        time,
    )
}

/// The `handover` record of a log of `from_size` records to `new_key`.
#[must_use]
pub fn handover_record(from_size: u64, new_key: &DevicePublicKey, time: i64) -> ConsentRecord {
    device_record(
        Event::Handover,
        super::record::DeviceChange {
            from_size,
            key: Some(Base64UrlUnpadded::encode_string(new_key.as_bytes())),
            lost_root: None,
            lost_size: None,
        },
        time,
    )
}

fn device_record(event: Event, device: super::record::DeviceChange, time: i64) -> ConsentRecord {
    ConsentRecord {
        consent_type: super::record::ConsentType::Explicit,
        controller: super::record::Controller::default(),
        cross_border: None,
        device: Some(device),
        event,
        fields: Vec::new(),
        jurisdiction: None,
        lawful_basis: super::record::LawfulBasis::Consent,
        notice: None,
        presentation: None,
        principal: None,
        purposes: Vec::new(),
        recipients: Vec::new(),
        record_id: None,
        refers_to: None,
        schema_version: None,
        storage_location: None,
        time,
        withdrawal_method: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(trailer: &[u8]) -> Vec<u8> {
        let mut p = Vec::new();
        put(&mut p, 2, b"o");
        p.extend_from_slice(&[0; 32]);
        p.push(1);
        p.extend_from_slice(
            super::super::DeviceKey::from_bytes(&[3; 32])
                .verifying_key()
                .as_bytes(),
        );
        put(&mut p, 2, b"note");
        put(&mut p, 4, b"[]");
        p.extend_from_slice(&1u32.to_be_bytes());
        put(&mut p, 4, b"{}");
        p.extend_from_slice(trailer);
        p
    }

    fn trailer(pruned: u64, n: u8, hashes: usize) -> Vec<u8> {
        let mut t = pruned.to_be_bytes().to_vec();
        t.push(n);
        t.extend(std::iter::repeat_n(9u8, 32 * hashes));
        t
    }

    /// Hostile pruned-prefix trailers of an export: a size of 0, a count
    /// over 64 or not one per set bit, truncation and trailing bytes are
    /// refused before anything is built; a well-formed one reads back.
    #[test]
    fn the_pruned_prefix_of_an_export_is_bounded() {
        let e = Export::parse(Suite::Intl, &plain(&[])).unwrap();
        assert_eq!((e.pruned, e.frontier.len()), (0, 0));
        let e = Export::parse(Suite::Intl, &plain(&trailer(6, 2, 2))).unwrap();
        assert_eq!((e.pruned, e.frontier.len()), (6, 2));
        for (i, t) in [
            trailer(0, 0, 0),
            trailer(6, 1, 1),
            trailer(6, 2, 1),
            trailer(6, 2, 3),
            trailer(u64::MAX, 65, 65),
            trailer(6, 2, 2)[..20].to_vec(),
            [trailer(6, 2, 2), vec![0]].concat(),
        ]
        .iter()
        .enumerate()
        {
            let r = Export::parse(Suite::Intl, &plain(t))
                .err()
                .map(|e| e.code());
            assert_eq!(r, Some("STORAGE_CORRUPT"), "case {i}");
        }
    }
}
