//! Persistence: the consent log as encrypted, integrity-protected segments
//! for key–value storage with WeChat's quotas (1 MB per key, 10 MB in all).
//!
//! The storage adapters (WeChat, `localStorage`, memory, Node files) are
//! JavaScript; this module is the pure part: [`to_segments`] turns a log into
//! `(key, bytes)` pairs, [`from_segments`] reads them back through a `get`
//! function and rejects anything altered.
//!
//! # Layout (see `docs/FORMAT.md`, "Consent log storage")
//! Every save draws a fresh 16-byte state id. Data segments are stored under
//! `mpshield/consent/<state id, hex>/<i>` and the manifest under
//! `mpshield/consent/manifest`. Write the data segments first and the manifest
//! last, then remove keys under `mpshield/consent/` that the save did not
//! write: a save interrupted before the manifest leaves the previous state
//! readable.
//!
//! Each segment is `header ‖ ChaCha20-Poly1305(ciphertext ‖ tag)` where the
//! header is `"MPS" 0x01 ‖ kind (0 data, 1 manifest) ‖ state id (16) ‖ index
//! (u32) ‖ count (u32)`, the AEAD key is
//! `HKDF-SHA256(salt = "mpshield/consent-store/v1", ikm = storage key,
//! info = header)`, the nonce is zero (each key encrypts one message) and
//! the header is the associated data. So a segment moved to another key,
//! copied from another save, duplicated, dropped or altered fails to
//! decrypt or to match its place. The manifest holds the log size, root,
//! number of segments and the latest signed checkpoint; the records rebuild
//! the tree, which must match it. Rollback to an earlier (complete, valid)
//! save is caught only with a checkpoint kept elsewhere
//! (`trusted_checkpoint`).
//!
//! Records are stored as a stream of `u32 length ‖ canonical JSON`,
//! compressed with DEFLATE (RFC 1951) when that is smaller, packed into data
//! segments of at most [`DEFAULT_SEGMENT_BYTES`] each (768 KiB, so even a
//! base64-encoding adapter stays under 1 MiB per key). Compression happens
//! before encryption, so segment lengths reveal how repetitive the records
//! are; they are at rest on the owner's device, with no attacker-chosen
//! content mixed in.

use argon2::{Algorithm, Argon2, Params, Version};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::checkpoint;
use super::log::ConsentLog;
use super::record::ConsentRecord;
use super::DeviceKey;
use crate::error::{Error, Result};
use crate::rng::{self, CryptoRng};

/// Prefix of every storage key the log uses.
pub const KEY_PREFIX: &str = "mpshield/consent/";
/// The manifest's storage key.
pub const MANIFEST_KEY: &str = "mpshield/consent/manifest";
/// Default largest segment, in bytes (768 KiB: 1 MiB after base64).
pub const DEFAULT_SEGMENT_BYTES: usize = 768 * 1024;
/// Smallest segment size accepted by [`to_segments_with_limit`].
pub const MIN_SEGMENT_BYTES: usize = 4 * 1024;
/// Most data segments a manifest may name (48 GiB at the default size): a
/// bound on what an asynchronous adapter fetches for [`segment_keys`] of a
/// tampered manifest.
pub const MAX_SEGMENTS: u32 = 65_536;
/// Header: magic (4) ‖ kind (1) ‖ state id (16) ‖ index (4) ‖ count (4).
pub const HEADER_BYTES: usize = 29;
/// Poly1305 tag length.
const TAG_BYTES: usize = 16;
const MAGIC: [u8; 4] = *b"MPS\x01";
const KIND_DATA: u8 = 0;
const KIND_MANIFEST: u8 = 1;
const HKDF_SALT: &[u8] = b"mpshield/consent-store/v1";
/// Raw records grouped per segment before compression: up to this many
/// times the segment budget.
const RAW_GROUP_FACTOR: usize = 8;
/// Largest decompressed data segment accepted (a bound on inflation).
pub const MAX_RAW_SEGMENT: usize = 16 * 1024 * 1024;
/// Data segment encodings (first plaintext byte).
const ENC_RAW: u8 = 0;
const ENC_DEFLATE: u8 = 1;
/// Manifest plaintext magic.
const MANIFEST_MAGIC: [u8; 4] = *b"MPM\x01";

/// A 32-byte storage key, supplied by the host or derived from a PIN by
/// [`derive_storage_key`]. No `Debug`; zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct StorageKey([u8; 32]);

impl StorageKey {
    /// Wraps 32 key bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Wraps a 32-byte slice.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] unless it is exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidKey {
            reason: "a storage key is 32 bytes",
        })?;
        Ok(Self(arr))
    }

    /// The raw key bytes, for the host to keep in its secure storage. Handle
    /// with care.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Argon2id parameters for [`derive_storage_key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// Most Argon2 memory [`derive_storage_key`] accepts: 256 MiB, 21 × the
/// default, already more than a mini-program can allocate on many phones.
pub const KDF_MAX_MEMORY_KIB: u32 = 256 * 1024;
/// Most Argon2 passes: 16. With the default memory each pass costs about
/// 0.5 s on an iPhone (WeChat's interpreter), so 16 is ~8 s there.
pub const KDF_MAX_ITERATIONS: u32 = 16;
/// Most Argon2 lanes: 4. WebAssembly runs one thread, so lanes only split
/// the memory, and more than 4 buys nothing.
pub const KDF_MAX_PARALLELISM: u32 = 4;

impl Default for KdfParams {
    /// 12 MiB, 3 passes, 1 lane: OWASP's Argon2id equivalent of "19 MiB, 2
    /// passes", picked for iOS where WeChat runs wasm in an interpreter
    /// (see `docs/FORMAT.md`, "Storage key from a PIN", for cost and limits).
    fn default() -> Self {
        Self {
            memory_kib: 12 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

/// Derives a storage key from a PIN or passphrase with Argon2id (v1.3).
/// `salt` is 16–64 random bytes the host stores next to the data. A short
/// PIN stays guessable offline by whoever holds the stored data: the cost
/// only slows each guess.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty PIN, a salt outside 16–64 bytes, or
/// parameters outside 8 × lanes KiB ..= [`KDF_MAX_MEMORY_KIB`] of memory,
/// 1 ..= [`KDF_MAX_ITERATIONS`] passes or 1 ..= [`KDF_MAX_PARALLELISM`]
/// lanes.
pub fn derive_storage_key(pin: &[u8], salt: &[u8], params: &KdfParams) -> Result<StorageKey> {
    if pin.is_empty() {
        return Err(Error::input("the PIN or passphrase must not be empty"));
    }
    if !(16..=64).contains(&salt.len()) {
        return Err(Error::input("the salt must be 16–64 random bytes"));
    }
    if params.memory_kib > KDF_MAX_MEMORY_KIB {
        return Err(Error::input(format!(
            "Argon2 memory must be at most {KDF_MAX_MEMORY_KIB} KiB (256 MiB), got {}",
            params.memory_kib
        )));
    }
    if !(1..=KDF_MAX_ITERATIONS).contains(&params.iterations) {
        return Err(Error::input(format!(
            "Argon2 iterations must be 1–{KDF_MAX_ITERATIONS}, got {}",
            params.iterations
        )));
    }
    if !(1..=KDF_MAX_PARALLELISM).contains(&params.parallelism) {
        return Err(Error::input(format!(
            "Argon2 parallelism must be 1–{KDF_MAX_PARALLELISM}, got {}",
            params.parallelism
        )));
    }
    let p = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(32),
    )
    .map_err(|e| Error::input(format!("Argon2 parameters: {e}")))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pin, salt, out.as_mut())
        .map_err(|e| Error::input(format!("Argon2: {e}")))?;
    Ok(StorageKey(*out))
}

/// The header of a segment.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Header {
    kind: u8,
    state_id: [u8; 16],
    index: u32,
    count: u32,
}

impl Header {
    fn to_bytes(self) -> [u8; HEADER_BYTES] {
        let mut h = [0u8; HEADER_BYTES];
        let (magic, rest) = h.split_at_mut(4);
        magic.copy_from_slice(&MAGIC);
        let (kind, rest) = rest.split_at_mut(1);
        kind.copy_from_slice(&[self.kind]);
        let (sid, rest) = rest.split_at_mut(16);
        sid.copy_from_slice(&self.state_id);
        let (idx, cnt) = rest.split_at_mut(4);
        idx.copy_from_slice(&self.index.to_be_bytes());
        cnt.copy_from_slice(&self.count.to_be_bytes());
        h
    }

    fn parse(bytes: &[u8]) -> Result<(Self, &[u8])> {
        let corrupt = Error::StorageCorrupt {
            reason: "segment too short or of an unknown format",
        };
        if bytes.len() < HEADER_BYTES + TAG_BYTES || bytes.get(..4) != Some(&MAGIC[..]) {
            return Err(corrupt);
        }
        let (h, body) = bytes.split_at(HEADER_BYTES);
        let kind = *h.get(4).ok_or(Error::Internal { context: "store" })?;
        let state_id: [u8; 16] = h
            .get(5..21)
            .and_then(|s| s.try_into().ok())
            .ok_or(Error::Internal { context: "store" })?;
        let index = u32::from_be_bytes(
            h.get(21..25)
                .and_then(|s| s.try_into().ok())
                .ok_or(Error::Internal { context: "store" })?,
        );
        let count = u32::from_be_bytes(
            h.get(25..29)
                .and_then(|s| s.try_into().ok())
                .ok_or(Error::Internal { context: "store" })?,
        );
        Ok((
            Self {
                kind,
                state_id,
                index,
                count,
            },
            body,
        ))
    }

    fn seal(&self, key: &StorageKey, plaintext: &[u8]) -> Result<Vec<u8>> {
        super::commit::seal_with_header(HKDF_SALT, key, &self.to_bytes(), plaintext)
    }

    fn open(&self, key: &StorageKey, body: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        super::commit::open_with_header(HKDF_SALT, key, &self.to_bytes(), body)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The storage key of data segment `index` of the save `state_id`.
#[must_use]
pub fn segment_key(state_id: &[u8; 16], index: u32) -> String {
    format!("{KEY_PREFIX}{}/{index}", hex(state_id))
}

/// The storage keys of the data segments a stored manifest refers to, read
/// from its plaintext header (no key needed), so an asynchronous adapter can
/// fetch them all before calling [`from_segments`].
///
/// # Errors
/// [`Error::StorageCorrupt`] if `manifest` is not a manifest segment or names
/// more than [`MAX_SEGMENTS`].
pub fn segment_keys(manifest: &[u8]) -> Result<Vec<String>> {
    let (h, _) = Header::parse(manifest)?;
    if h.kind != KIND_MANIFEST || h.index != u32::MAX {
        return Err(corrupt("not a manifest segment"));
    }
    if h.count > MAX_SEGMENTS {
        return Err(corrupt("the manifest names too many segments"));
    }
    Ok((0..h.count).map(|i| segment_key(&h.state_id, i)).collect())
}

/// Total bytes of a set of segments (keys and values), as storage counts
/// them.
#[must_use]
pub fn storage_bytes(segments: &[(String, Vec<u8>)]) -> usize {
    segments.iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// The log as segments under `key`, in write order (data first, manifest
/// last), each at most [`DEFAULT_SEGMENT_BYTES`].
///
/// # Errors
/// [`Error::NotInitialized`] if the generator was never seeded.
pub fn to_segments(log: &ConsentLog, key: &StorageKey) -> Result<Vec<(String, Vec<u8>)>> {
    to_segments_with(log, key, DEFAULT_SEGMENT_BYTES, &mut rng::rng()?)
}

/// [`to_segments`] with another segment size limit (for adapters with
/// smaller quotas).
///
/// # Errors
/// [`Error::InvalidInput`] if `max_segment_bytes` is below
/// [`MIN_SEGMENT_BYTES`]; [`Error::NotInitialized`] if the generator was
/// never seeded.
pub fn to_segments_with_limit(
    log: &ConsentLog,
    key: &StorageKey,
    max_segment_bytes: usize,
) -> Result<Vec<(String, Vec<u8>)>> {
    to_segments_with(log, key, max_segment_bytes, &mut rng::rng()?)
}

/// [`to_segments_with_limit`] with a caller-supplied generator for the
/// state id.
///
/// # Errors
/// [`Error::InvalidInput`] if `max_segment_bytes` is below
/// [`MIN_SEGMENT_BYTES`] or a record does not fit in one segment.
pub fn to_segments_with(
    log: &ConsentLog,
    key: &StorageKey,
    max_segment_bytes: usize,
    rng: &mut impl CryptoRng,
) -> Result<Vec<(String, Vec<u8>)>> {
    if max_segment_bytes < MIN_SEGMENT_BYTES {
        return Err(Error::input(format!(
            "segments must allow at least {MIN_SEGMENT_BYTES} bytes"
        )));
    }
    let budget = max_segment_bytes - HEADER_BYTES - TAG_BYTES;
    // Group records by raw size, then compress each group; a group whose
    // compressed form does not fit is split in two until it does.
    let raw_cap = budget.saturating_mul(RAW_GROUP_FACTOR).min(MAX_RAW_SEGMENT);
    let mut groups: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut current: Vec<Vec<u8>> = Vec::new();
    let mut current_len = 0usize;
    for record in log.records() {
        let bytes = record.canonical_bytes()?;
        let need = 4 + bytes.len();
        if need + 1 > budget {
            return Err(Error::input("a record does not fit in one segment"));
        }
        if current_len + need > raw_cap && !current.is_empty() {
            groups.push(std::mem::take(&mut current));
            current_len = 0;
        }
        current_len += need;
        current.push(bytes);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    let mut plaintexts: Vec<Zeroizing<Vec<u8>>> = Vec::new();
    for group in groups {
        pack(&group, budget, &mut plaintexts)?;
    }
    let count = u32::try_from(plaintexts.len())
        .ok()
        .filter(|n| *n <= MAX_SEGMENTS)
        .ok_or_else(|| Error::input("too many segments"))?;
    let mut state_id = [0u8; 16];
    rng.fill_bytes(&mut state_id);
    let mut out = Vec::with_capacity(plaintexts.len() + 1);
    for (i, pt) in plaintexts.iter().enumerate() {
        let index = i as u32;
        let header = Header {
            kind: KIND_DATA,
            state_id,
            index,
            count,
        };
        out.push((segment_key(&state_id, index), header.seal(key, pt)?));
    }
    // Manifest: magic ‖ size u64 ‖ root 32 ‖ note length u16 ‖ note.
    let note = log.checkpoint()?;
    let note_len = u16::try_from(note.len()).map_err(|_| Error::Internal {
        context: "checkpoint length",
    })?;
    let mut manifest = Vec::with_capacity(4 + 8 + 32 + 2 + note.len());
    manifest.extend_from_slice(&MANIFEST_MAGIC);
    manifest.extend_from_slice(&log.size().to_be_bytes());
    manifest.extend_from_slice(&log.root());
    manifest.extend_from_slice(&note_len.to_be_bytes());
    manifest.extend_from_slice(note.as_bytes());
    let header = Header {
        kind: KIND_MANIFEST,
        state_id,
        index: u32::MAX,
        count,
    };
    out.push((MANIFEST_KEY.to_owned(), header.seal(key, &manifest)?));
    Ok(out)
}

/// Encodes `records` (`u32 length ‖ bytes` each) into one or more segment
/// plaintexts of at most `budget` bytes: `0x01 ‖ DEFLATE(stream)` when that
/// is smaller, else `0x00 ‖ stream`.
fn pack(records: &[Vec<u8>], budget: usize, out: &mut Vec<Zeroizing<Vec<u8>>>) -> Result<()> {
    let mut stream = Zeroizing::new(Vec::new());
    for r in records {
        stream.extend_from_slice(&(r.len() as u32).to_be_bytes());
        stream.extend_from_slice(r);
    }
    let deflated = Zeroizing::new(miniz_oxide::deflate::compress_to_vec(&stream, 6));
    let (enc, body) = if deflated.len() < stream.len() {
        (ENC_DEFLATE, deflated.as_slice())
    } else {
        (ENC_RAW, stream.as_slice())
    };
    if body.len() < budget {
        let mut pt = Zeroizing::new(Vec::with_capacity(body.len() + 1));
        pt.push(enc);
        pt.extend_from_slice(body);
        out.push(pt);
        return Ok(());
    }
    if records.len() < 2 {
        return Err(Error::input("a record does not fit in one segment"));
    }
    let (a, b) = records.split_at(records.len() / 2);
    pack(a, budget, out)?;
    pack(b, budget, out)
}

/// The record stream of a data segment plaintext.
fn unpack(pt: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    match pt.split_first() {
        Some((&ENC_RAW, body)) => Ok(Zeroizing::new(body.to_vec())),
        Some((&ENC_DEFLATE, body)) => {
            miniz_oxide::inflate::decompress_to_vec_with_limit(body, MAX_RAW_SEGMENT)
                .map(Zeroizing::new)
                .map_err(|_| corrupt("a segment does not decompress"))
        }
        _ => Err(corrupt("a segment has an unknown encoding")),
    }
}

fn corrupt(reason: &'static str) -> Error {
    Error::StorageCorrupt { reason }
}

/// Reads a log back from storage through `get` (the stored bytes of a key,
/// or `None`), checking every segment and the rebuilt tree against the
/// manifest and its signed checkpoint. With `trusted_checkpoint` (a note
/// kept outside the log's own storage, e.g. from a receipt or a server),
/// also proves that the loaded log extends it.
///
/// # Errors
/// - [`Error::DecryptFailed`]: the manifest does not open (wrong storage
///   key, or the manifest was altered);
/// - [`Error::StorageCorrupt`]: no manifest, a segment missing, altered,
///   moved, duplicated or from another save, or records that do not rebuild
///   the manifest's tree;
/// - [`Error::InvalidCheckpoint`]: the stored or trusted checkpoint is not
///   signed by `device_key` for `origin`;
/// - [`Error::RollbackDetected`]: the loaded log is shorter than the trusted
///   checkpoint or not an extension of it;
/// - [`Error::InvalidInput`]: `origin` is invalid.
pub fn from_segments(
    get: impl Fn(&str) -> Option<Vec<u8>>,
    key: &StorageKey,
    device_key: DeviceKey,
    origin: &str,
    trusted_checkpoint: Option<&str>,
) -> Result<ConsentLog> {
    let public = device_key.verifying_key();
    let trusted = trusted_checkpoint
        .map(|note| checkpoint::verify(note, &public, origin))
        .transpose()?;
    let Some(manifest_bytes) = get(MANIFEST_KEY) else {
        return Err(if trusted.is_some() {
            Error::RollbackDetected
        } else {
            corrupt("no saved consent log (no manifest)")
        });
    };
    let (mh, body) = Header::parse(&manifest_bytes)?;
    if mh.kind != KIND_MANIFEST || mh.index != u32::MAX {
        return Err(corrupt("the manifest key holds a data segment"));
    }
    let manifest = mh.open(key, body).ok_or(Error::DecryptFailed)?;
    let mut m = manifest.as_slice();
    let mut take = |n: usize| -> Result<&[u8]> {
        if m.len() < n {
            return Err(corrupt("manifest truncated"));
        }
        let (a, b) = m.split_at(n);
        m = b;
        Ok(a)
    };
    if take(4)? != MANIFEST_MAGIC {
        return Err(corrupt("unknown manifest format"));
    }
    let size = u64::from_be_bytes(take(8)?.try_into().map_err(|_| corrupt("manifest"))?);
    let root: [u8; 32] = take(32)?.try_into().map_err(|_| corrupt("manifest"))?;
    let note_len = usize::from(u16::from_be_bytes(
        take(2)?.try_into().map_err(|_| corrupt("manifest"))?,
    ));
    let note = std::str::from_utf8(take(note_len)?)
        .map_err(|_| corrupt("manifest checkpoint not UTF-8"))?
        .to_owned();
    if !m.is_empty() {
        return Err(corrupt("trailing bytes in the manifest"));
    }
    let stored_cp = checkpoint::verify(&note, &public, origin)?;
    if stored_cp.size != size || !bool::from(stored_cp.root.ct_eq(&root)) {
        return Err(corrupt("the manifest and its checkpoint disagree"));
    }

    let mut log = ConsentLog::create(device_key, origin)?;
    for index in 0..mh.count {
        let seg = get(&segment_key(&mh.state_id, index)).ok_or(corrupt("a segment is missing"))?;
        let (h, body) = Header::parse(&seg)?;
        if h.kind != KIND_DATA || h.state_id != mh.state_id || h.count != mh.count {
            return Err(corrupt("a segment is from another save"));
        }
        if h.index != index {
            return Err(corrupt("a segment is out of place (moved or duplicated)"));
        }
        let pt = h.open(key, body).ok_or(corrupt("a segment was altered"))?;
        let stream = unpack(&pt)?;
        let mut rest = stream.as_slice();
        if rest.is_empty() {
            return Err(corrupt("an empty segment"));
        }
        while !rest.is_empty() {
            let (len, tail) = rest
                .split_first_chunk::<4>()
                .ok_or(corrupt("a record is truncated"))?;
            let len = u32::from_be_bytes(*len) as usize;
            if tail.len() < len {
                return Err(corrupt("a record is truncated"));
            }
            let (bytes, tail) = tail.split_at(len);
            rest = tail;
            let record = ConsentRecord::from_canonical_bytes(bytes)
                .map_err(|_| corrupt("a stored record is invalid"))?;
            log.replay(record, bytes)
                .map_err(|_| corrupt("stored records are inconsistent"))?;
        }
    }
    if log.size() != size || !bool::from(log.root().ct_eq(&root)) {
        return Err(corrupt("the records do not rebuild the saved tree"));
    }
    if let Some(t) = trusted {
        super::commit::check_extends(&log, &t)?;
    }
    Ok(log)
}

impl ConsentLog {
    /// [`to_segments`] as a method.
    ///
    /// # Errors
    /// As [`to_segments`].
    pub fn to_segments(&self, key: &StorageKey) -> Result<Vec<(String, Vec<u8>)>> {
        to_segments(self, key)
    }

    /// [`from_segments`] as a constructor.
    ///
    /// # Errors
    /// As [`from_segments`].
    pub fn from_segments(
        get: impl Fn(&str) -> Option<Vec<u8>>,
        key: &StorageKey,
        device_key: DeviceKey,
        origin: &str,
        trusted_checkpoint: Option<&str>,
    ) -> Result<Self> {
        from_segments(get, key, device_key, origin, trusted_checkpoint)
    }
}
