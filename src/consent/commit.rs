//! Commit storage (format 2): the wallet's consent log and state as
//! write-once, encrypted segments committed by numbered manifests, over a
//! plain key–value store (`get`, `set`, `remove`; no listing, no
//! compare-and-swap).
//!
//! This module is sans-I/O: [`Committer`] plans each save as a list of
//! writes and is told how they went; [`Opener`] asks for the keys it needs
//! and is fed what storage returned. The native driver ([`open_sync`],
//! [`save_sync`]) and the JavaScript one (`pkg/src/flow.js`) run the same
//! plan, so the rules live here once.
//!
//! # Why a late write cannot replace a newer state
//! - Every value is written **once**, under a key no other write uses: data
//!   and state segments under a fresh random id, commits under their
//!   generation number. A write that times out **burns** its generation: the
//!   next save uses a higher one and the timed-out save is never retried
//!   under the same number. If the late write lands afterwards, it lands
//!   under a lower generation than a later successful save, so it can never
//!   be chosen over it.
//! - On open the **highest** complete commit wins. A commit is complete
//!   when it decrypts; it is then read back by the writer before the save
//!   counts as done, so a value that storage truncated is caught while the
//!   record can still be taken back.
//! - A failed save writes an *abandoned* marker for its generation (best
//!   effort), so if its commit lands late and no later save exists, open
//!   still returns the state before it: the save is rolled back. Without
//!   the marker (storage failing throughout), a late commit may surface on
//!   the next open: its record was never released, and it can only add to
//!   the state before it, never remove a record.
//! - The commit names the log's size, root and signed checkpoint, the
//!   wallet state's segments and every data segment, so state and log are
//!   committed together and bound to each other.
//! - Two *head* slots, written alternately, say where the newest commit is;
//!   open probes forward from the larger until [`MAX_GAP`] generations in a
//!   row are missing. Old commits are removed only once every head value
//!   that storage could still return would lead the probe to the newest
//!   one.
//!
//! # Layout (`docs/FORMAT.md`, "Wallet storage (format 2)")
//! Every value is `header ‖ AEAD(body) ‖ tag` where the header is
//! `"MPS" ‖ 0x02 ‖ suite ‖ kind ‖ id (16) ‖ generation (u64)`, the key is
//! `HKDF(salt = "mpshield/store/v2", ikm = storage key, info = header)`,
//! the nonce is zero (the id is fresh for every value, so no key encrypts
//! twice) and the header is the associated data. The suite byte says the
//! algorithms: [`SUITE_INTL`] (1) HKDF-SHA256 and ChaCha20-Poly1305 (32-byte
//! key), [`SUITE_GM`] (2) HKDF-SM3 and SM4-GCM (16-byte key). The log's
//! suite (its device key's) decides what a save writes; an open reads the
//! suite from the values and refuses a store that mixes the two
//! ([`Error::StorageCorrupt`]); [`Opened::into_log`] with a device key of the
//! other suite is [`Error::UnsupportedAlgorithm`].
//!
//! Data segments hold a stream of `kind (u8) ‖ length (u32) ‖ bytes` items
//! (kind 1: a consent record's canonical JSON), DEFLATE-compressed when that
//! is smaller. New records go into a new segment at each save; the newest
//! segments are merged like a binary counter (a segment is merged into its
//! predecessor when that holds no more records, up to
//! [`SEGMENT_RAW_BYTES`]), so a save writes O(1) bytes amortised and a log
//! has O(n / capacity + log n) segments.
//!
//! A pruned log ([`ConsentLog::prune`]) is committed with an extension after
//! the segment list ([`EXT_PRUNED`]: the pruned prefix's size and frontier,
//! bounded and checked against the commit's root on open); its segments
//! hold only the records from the prune point on. A prune is a save like
//! any other: until its commit counts, the older commit and its segments
//! stand.

use mpshield_aead::{Alg, Cipher, Failure, NONCE_LEN, TAG_LEN};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::checkpoint;
use super::log::ConsentLog;
use super::merkle::{self, Hash};
use super::record::ConsentRecord;
use super::{DeviceKey, StorageKey};
use crate::error::{Error, Result};
use crate::rng::{self, CryptoRng};
use crate::seal::hpke::Kdf;
use crate::suite::{not_compiled_in, Suite};

/// The storage format this module writes and reads.
pub const FORMAT_VERSION: u8 = 2;
/// Suite byte of the international suite (ChaCha20-Poly1305, HKDF-SHA256,
/// SHA-256 tree, Ed25519 checkpoints).
pub const SUITE_INTL: u8 = 1;
/// Suite byte of the 国密 suite (SM4-GCM, HKDF-SM3, SM3 tree, SM2
/// checkpoints).
pub const SUITE_GM: u8 = 2;
/// Header: magic (3) ‖ version (1) ‖ suite (1) ‖ kind (1) ‖ id (16) ‖
/// generation (8).
pub const HEADER_BYTES: usize = 30;
/// How many generations in a row may be missing before the probe for the
/// newest commit stops.
pub const MAX_GAP: u64 = 16;
/// Failed saves in a row after which saving is refused until the wallet is
/// reopened (keeps every gap below [`MAX_GAP`]).
pub const MAX_FAILED_SAVES: u32 = 8;
/// Most generations one open probes (a bound on hostile storage).
pub const MAX_PROBED: u64 = 4096;
/// Raw bytes of records that one data segment may hold before compression.
pub const SEGMENT_RAW_BYTES: usize = 64 * 1024;
/// Largest chunk of wallet state in one segment (WeChat allows 1 MB a key).
pub const STATE_CHUNK_BYTES: usize = 512 * 1024;
/// Most segments one commit may name.
pub const MAX_COMMIT_SEGMENTS: usize = 1 << 20;
/// Largest stored value read (a bound before decrypting).
pub const MAX_VALUE_BYTES: usize = 2 * 1024 * 1024;
/// The key prefix of a standalone [`ConsentLog`]'s storage (`log.save`).
pub const LOG_PREFIX: &str = "mpshield/consent/v2/";

/// Item kind of a consent record inside a data segment.
pub const ITEM_RECORD: u8 = 1;
/// Extension kind, after a commit's segment list: the pruned prefix
/// (`size u64 ‖ n u8 ‖ n × 32` frontier hashes).
pub const EXT_PRUNED: u8 = 1;

const MAGIC: [u8; 4] = *b"MPS\x02";
const TAG_BYTES: usize = TAG_LEN;
const KIND_RECORDS: u8 = 1;
const KIND_STATE: u8 = 2;
const KIND_COMMIT: u8 = 3;
const KIND_HEAD: u8 = 4;
const KIND_ABANDONED: u8 = 5;
const ENC_RAW: u8 = 0;
const ENC_DEFLATE: u8 = 1;
const HKDF_SALT: &[u8] = b"mpshield/store/v2";

type Id = [u8; 16];

/// The suite byte of storage format 2 (and of exports).
pub(crate) fn suite_byte(suite: Suite) -> u8 {
    match suite {
        Suite::Intl => SUITE_INTL,
        Suite::Gm => SUITE_GM,
    }
}

/// The suite of a suite byte, if it is one.
pub(crate) fn suite_of_byte(byte: u8) -> Option<Suite> {
    Suite::ALL.into_iter().find(|s| suite_byte(*s) == byte)
}

/// `HKDF(salt, ikm, info)` over the suite's hash (RFC 5869 with
/// HMAC-SHA256 or HMAC-SM3), filling `out`.
pub(crate) fn hkdf(
    suite: Suite,
    salt: &[u8],
    ikm: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> Result<()> {
    let kdf = match suite {
        Suite::Intl => Kdf::HkdfSha256,
        Suite::Gm => Kdf::HkdfSm3,
    };
    let prk = kdf.extract(salt, &[ikm])?;
    kdf.expand(&prk, &[info], out)
}

fn other_suite() -> Error {
    Error::UnsupportedAlgorithm {
        name: "a log of the other suite: this storage holds an intl log and the device key is gm, or the reverse (open it with a key of its suite, or use other storage)".into(),
    }
}

fn corrupt(reason: &'static str) -> Error {
    Error::StorageCorrupt { reason }
}

fn not_persisted(reason: impl Into<String>) -> Error {
    Error::ConsentNotPersisted {
        reason: reason.into(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Header {
    suite: u8,
    kind: u8,
    id: Id,
    gen: u64,
}

impl Header {
    fn to_bytes(self) -> [u8; HEADER_BYTES] {
        let mut h = [0u8; HEADER_BYTES];
        let (magic, rest) = h.split_at_mut(4);
        magic.copy_from_slice(&MAGIC);
        let (sk, rest) = rest.split_at_mut(2);
        sk.copy_from_slice(&[self.suite, self.kind]);
        let (id, gen) = rest.split_at_mut(16);
        id.copy_from_slice(&self.id);
        gen.copy_from_slice(&self.gen.to_be_bytes());
        h
    }

    fn parse(bytes: &[u8]) -> Option<(Self, &[u8])> {
        if bytes.len() < HEADER_BYTES + TAG_BYTES || bytes.len() > MAX_VALUE_BYTES {
            return None;
        }
        let (h, body) = bytes.split_at(HEADER_BYTES);
        if h.get(..4)? != MAGIC {
            return None;
        }
        Some((
            Self {
                suite: *h.get(4)?,
                kind: *h.get(5)?,
                id: h.get(6..22)?.try_into().ok()?,
                gen: u64::from_be_bytes(h.get(22..30)?.try_into().ok()?),
            },
            body,
        ))
    }

    /// Seals `body` under this header (its suite byte says the algorithms).
    fn seal(&self, key: &StorageKey, body: &[u8]) -> Result<Vec<u8>> {
        let suite = suite_of_byte(self.suite).ok_or(Error::Internal {
            context: "suite byte",
        })?;
        seal_with_header(suite, HKDF_SALT, key, &self.to_bytes(), body)
    }

    fn open(&self, key: &StorageKey, body: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let suite = suite_of_byte(self.suite)?;
        open_with_header(suite, HKDF_SALT, key, &self.to_bytes(), body)
    }
}

/// The suite's storage AEAD keyed with `HKDF(salt, key, info = header)`:
/// ChaCha20-Poly1305 under HKDF-SHA256, or SM4-GCM under HKDF-SM3.
fn header_cipher(suite: Suite, salt: &[u8], key: &StorageKey, header: &[u8]) -> Result<Cipher> {
    let alg = match suite {
        Suite::Intl => Alg::ChaCha20Poly1305,
        Suite::Gm => Alg::Sm4Gcm,
    };
    let mut k = Zeroizing::new([0u8; 32]);
    let k = k.get_mut(..alg.key_len()).ok_or(Error::Internal {
        context: "aead key length",
    })?;
    hkdf(suite, salt, key.expose_secret(), header, k)?;
    Cipher::new(alg, k).map_err(|f| match f {
        Failure::NotCompiledIn => not_compiled_in(suite, "storage encryption"),
        _ => Error::Internal {
            context: "aead key",
        },
    })
}

/// `header ‖ AEAD(body) ‖ tag` under `HKDF(salt, key, info = header)`, zero
/// nonce, the header as associated data (the suite's KDF and AEAD: see
/// [`header_cipher`]): how storage values and exports are sealed (each
/// header is unique, so no key seals twice).
pub(crate) fn seal_with_header(
    suite: Suite,
    salt: &[u8],
    key: &StorageKey,
    header: &[u8],
    body: &[u8],
) -> Result<Vec<u8>> {
    let cipher = header_cipher(suite, salt, key, header)?;
    let mut out = Vec::with_capacity(header.len() + body.len() + TAG_LEN);
    out.extend_from_slice(header);
    out.extend_from_slice(body);
    let tag = cipher
        .seal_in_place(
            &[0u8; NONCE_LEN],
            header,
            out.get_mut(header.len()..).unwrap_or_default(),
        )
        .map_err(|_| Error::Internal { context: "seal" })?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Opens what [`seal_with_header`] made, given its suite, header and the
/// rest; `None` if it does not authenticate (or the suite is not in this
/// module).
pub(crate) fn open_with_header(
    suite: Suite,
    salt: &[u8],
    key: &StorageKey,
    header: &[u8],
    body: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let (ct, tag) = body.split_at_checked(body.len().checked_sub(TAG_LEN)?)?;
    let tag: [u8; TAG_LEN] = tag.try_into().ok()?;
    let cipher = header_cipher(suite, salt, key, header).ok()?;
    let mut buf = Zeroizing::new(ct.to_vec());
    cipher
        .open_in_place(&[0u8; NONCE_LEN], header, &mut buf, &tag)
        .ok()?;
    Some(buf)
}

/// Opens a stored value of `suite` and `kind` (and, when given, generation
/// `gen` / id `id`); `None` if it is not one or does not decrypt.
fn open_value(
    suite: Suite,
    key: &StorageKey,
    bytes: &[u8],
    kind: u8,
    gen: Option<u64>,
    id: Option<&Id>,
) -> Option<Zeroizing<Vec<u8>>> {
    let (h, body) = Header::parse(bytes)?;
    if h.suite != suite_byte(suite) || h.kind != kind {
        return None;
    }
    if gen.is_some_and(|g| g != h.gen) || id.is_some_and(|i| *i != h.id) {
        return None;
    }
    h.open(key, body)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn fresh_id(rng: &mut impl CryptoRng) -> Id {
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut id);
    id
}

/// A data segment as a commit names it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct SegRef {
    id: Id,
    records: u32,
    raw: u32,
}

/// One commit: what a generation's manifest says.
#[derive(Clone)]
struct Commit {
    /// The suite of the commit's value (its header's), which its segments
    /// share.
    suite: Suite,
    gen: u64,
    prev: u64,
    size: u64,
    root: Hash,
    note: String,
    state: Vec<Id>,
    segments: Vec<SegRef>,
    /// Records pruned from the front of the log (only their frontier is
    /// kept); the segments hold records `pruned … size − 1`.
    pruned: u64,
    frontier: Vec<Hash>,
}

impl Commit {
    fn encode(&self) -> Result<Vec<u8>> {
        let note_len = u16::try_from(self.note.len()).map_err(|_| Error::Internal {
            context: "checkpoint length",
        })?;
        let states = u16::try_from(self.state.len())
            .map_err(|_| Error::input("the wallet state is too large to store"))?;
        let segs = u32::try_from(self.segments.len())
            .ok()
            .filter(|n| (*n as usize) <= MAX_COMMIT_SEGMENTS)
            .ok_or_else(|| Error::input("the log has too many segments"))?;
        let mut out = Vec::with_capacity(64 + self.note.len() + 24 * self.segments.len());
        out.extend_from_slice(&self.prev.to_be_bytes());
        out.extend_from_slice(&self.size.to_be_bytes());
        out.extend_from_slice(&self.root);
        out.extend_from_slice(&note_len.to_be_bytes());
        out.extend_from_slice(self.note.as_bytes());
        out.extend_from_slice(&states.to_be_bytes());
        for id in &self.state {
            out.extend_from_slice(id);
        }
        out.extend_from_slice(&segs.to_be_bytes());
        for s in &self.segments {
            out.extend_from_slice(&s.id);
            out.extend_from_slice(&s.records.to_be_bytes());
            out.extend_from_slice(&s.raw.to_be_bytes());
        }
        if self.pruned > 0 {
            // Written only when something is pruned: an unpruned log's
            // commit is byte for byte what earlier versions wrote.
            let n = u8::try_from(self.frontier.len())
                .ok()
                .filter(|n| usize::from(*n) <= merkle::MAX_FRONTIER)
                .ok_or(Error::Internal {
                    context: "frontier length",
                })?;
            out.push(EXT_PRUNED);
            out.extend_from_slice(&(9 + 32 * u32::from(n)).to_be_bytes());
            out.extend_from_slice(&self.pruned.to_be_bytes());
            out.push(n);
            for h in &self.frontier {
                out.extend_from_slice(h);
            }
        }
        Ok(out)
    }

    fn decode(suite: Suite, gen: u64, body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let prev = r.u64()?;
        let size = r.u64()?;
        let root: Hash = r.array()?;
        let note_len = usize::from(r.u16()?);
        let note = std::str::from_utf8(r.take(note_len)?)
            .map_err(|_| corrupt("a commit's checkpoint is not UTF-8"))?
            .to_owned();
        let states = usize::from(r.u16()?);
        let mut state = Vec::with_capacity(states);
        for _ in 0..states {
            state.push(r.array()?);
        }
        let segs = r.u32()? as usize;
        if segs > MAX_COMMIT_SEGMENTS || segs.saturating_mul(24) > r.0.len() {
            return Err(corrupt("a commit names more segments than it holds"));
        }
        let mut segments = Vec::with_capacity(segs);
        let mut total = 0u64;
        for _ in 0..segs {
            let id = r.array()?;
            let records = r.u32()?;
            let raw = r.u32()?;
            if records == 0 {
                return Err(corrupt("a commit names an empty segment"));
            }
            total = total.saturating_add(u64::from(records));
            segments.push(SegRef { id, records, raw });
        }
        let (mut pruned, mut frontier) = (0u64, Vec::new());
        while !r.0.is_empty() {
            let kind = r.array::<1>()?[0];
            let len = r.u32()? as usize;
            let mut ext = Reader::new(r.take(len)?);
            if kind != EXT_PRUNED || pruned != 0 {
                return Err(corrupt(
                    "a commit has an unknown or repeated extension (written by a newer mpshield?)",
                ));
            }
            pruned = ext.u64()?;
            let n = usize::from(ext.array::<1>()?[0]);
            if pruned == 0
                || pruned > size
                || n > merkle::MAX_FRONTIER
                || n != pruned.count_ones() as usize
                || ext.0.len() != 32 * n
            {
                return Err(corrupt("a commit's pruned prefix is malformed"));
            }
            for _ in 0..n {
                frontier.push(ext.array()?);
            }
        }
        if total != size - pruned {
            return Err(corrupt("a commit's segments do not add up to its size"));
        }
        if prev >= gen {
            return Err(corrupt("a commit extends a later generation"));
        }
        Ok(Self {
            suite,
            gen,
            prev,
            size,
            root,
            note,
            state,
            segments,
            pruned,
            frontier,
        })
    }
}

/// Reads big-endian fields off a byte string; running short is
/// [`Error::StorageCorrupt`].
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self(bytes)
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(corrupt("a stored value is truncated"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?
            .try_into()
            .map_err(|_| corrupt("a stored value is truncated"))
    }
    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }
}

/// The storage keys of one store (a wallet), all under one prefix.
#[derive(Clone)]
struct Keys {
    prefix: String,
}

impl Keys {
    fn head(&self, slot: usize) -> String {
        format!("{}head/{slot}", self.prefix)
    }
    fn commit(&self, gen: u64) -> String {
        format!("{}commit/{gen}", self.prefix)
    }
    fn abandoned(&self, gen: u64) -> String {
        format!("{}abandoned/{gen}", self.prefix)
    }
    fn segment(&self, id: &Id) -> String {
        format!("{}seg/{}", self.prefix, hex(id))
    }
}

/// Whether a probe that starts at `start` reaches `top` through `present`
/// generations without [`MAX_GAP`] missing ones in a row.
fn reaches(start: u64, top: u64, present: &[u64]) -> bool {
    let mut last = start.saturating_sub(1);
    for g in start..=top {
        if present.contains(&g) {
            last = g;
        } else if g - last >= MAX_GAP {
            return false;
        }
    }
    last == top
}

/// The write of one save, in order: data and state segments, then the
/// commit. The driver writes them all, reads each back, and then calls
/// [`Committer::confirmed`]; on any failure, [`Committer::failed`].
pub struct SavePlan {
    /// The generation this save commits.
    pub gen: u64,
    /// `(key, bytes)` pairs, commit last. The commit's key must not exist
    /// yet (write-once); a driver checks before writing.
    pub writes: Vec<(String, Vec<u8>)>,
}

/// The head write after a confirmed save.
pub struct HeadWrite {
    /// Storage key of the head slot.
    pub key: String,
    /// Its new value.
    pub value: Vec<u8>,
}

/// Tracks what is committed and plans saves; one per open wallet.
pub struct Committer {
    keys: Keys,
    /// The store's suite, once known (from its values or the first save);
    /// every value it writes is of it.
    suite: Option<Suite>,
    head: Option<Commit>,
    next_gen: u64,
    failures: u32,
    /// Values each head slot may hold (`None`: absent or unreadable).
    slots: [Vec<Option<u64>>; 2],
    /// Commit generations other than the head that may be stored.
    stale: Vec<u64>,
    /// Generations of failed saves (their marker and commit may be stored).
    abandoned: Vec<u64>,
    /// Segment keys no commit needs any more.
    garbage: Vec<String>,
    inflight: Option<Commit>,
    inflight_new: Vec<String>,
    head_slot: Option<usize>,
    state_dirty: bool,
    /// Another writer committed to this storage: no more saves.
    foreign: bool,
    /// The next save commits the log pruned to this size (the log in
    /// memory is pruned only once that save counts).
    prune_to: u64,
}

impl Committer {
    /// A committer for a store with nothing in it yet, under `prefix`.
    #[must_use]
    pub fn new(prefix: &str) -> Self {
        Self {
            keys: Keys {
                prefix: prefix.to_owned(),
            },
            suite: None,
            head: None,
            next_gen: 1,
            failures: 0,
            slots: [vec![None], vec![None]],
            stale: Vec::new(),
            abandoned: Vec::new(),
            garbage: Vec::new(),
            inflight: None,
            inflight_new: Vec::new(),
            head_slot: None,
            state_dirty: true,
            foreign: false,
            prune_to: 0,
        }
    }

    /// The next save commits the log pruned to its first `to` records
    /// (beyond what it already prunes): the segments and frontier are
    /// planned from the unpruned log, so a failed save leaves nothing to
    /// undo. Once it is confirmed, prune the log in memory to `to`
    /// (`ConsentLog::prune`) before the next save.
    pub fn prune_next_save(&mut self, to: u64) {
        self.prune_to = to;
    }

    /// Records that the planned commit's key already existed: another
    /// writer uses this storage. Saving is refused from now on, since a
    /// later commit of this wallet would supersede the other's records.
    pub fn foreign_writer(&mut self) {
        self.foreign = true;
    }

    /// The generation of the newest confirmed commit (0 before the first).
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.head.as_ref().map_or(0, |c| c.gen)
    }

    /// The store's suite: of the commit it continues, or of the log it
    /// first saved (`None` before either).
    #[must_use]
    pub fn suite(&self) -> Option<Suite> {
        self.suite
    }

    /// The log size of the newest confirmed commit.
    #[must_use]
    pub fn committed_size(&self) -> u64 {
        self.head.as_ref().map_or(0, |c| c.size)
    }

    /// Marks the wallet state as changed: the next save writes it.
    pub fn state_changed(&mut self) {
        self.state_dirty = true;
    }

    /// Plans the save of `log` (and of `state`, the wallet state's
    /// plaintext, when it changed since the last commit).
    ///
    /// # Errors
    /// [`Error::InvalidState`] while another save is in flight;
    /// [`Error::ConsentNotPersisted`] after [`MAX_FAILED_SAVES`] failures
    /// in a row; [`Error::InvalidInput`] if a record or the state does not
    /// fit; [`Error::NotInitialized`] before the generator is seeded;
    /// [`Error::UnsupportedAlgorithm`] if the store holds values of the
    /// other suite than the log's.
    pub fn plan(&mut self, log: &ConsentLog, state: &[u8], key: &StorageKey) -> Result<SavePlan> {
        self.plan_with(log, state, key, &mut rng::rng()?)
    }

    /// [`Committer::plan`] with a caller-supplied generator for the ids.
    ///
    /// # Errors
    /// As [`Committer::plan`].
    pub fn plan_with(
        &mut self,
        log: &ConsentLog,
        state: &[u8],
        key: &StorageKey,
        rng: &mut impl CryptoRng,
    ) -> Result<SavePlan> {
        if self.inflight.is_some() {
            return Err(Error::InvalidState {
                reason: "a save of this wallet is still in progress".to_owned(),
            });
        }
        if self.foreign {
            return Err(Error::InvalidState {
                reason: "another wallet has saved to this storage since this one was opened; reopen the wallet".to_owned(),
            });
        }
        if self.failures >= MAX_FAILED_SAVES {
            return Err(not_persisted(format!(
                "storage failed {MAX_FAILED_SAVES} saves in a row; reopen the wallet once storage works again"
            )));
        }
        let suite = log.suite();
        if self.suite.is_some_and(|s| s != suite) {
            return Err(other_suite());
        }
        suite.require()?;
        let sb = suite_byte(suite);
        let gen = self.next_gen;
        let base_size = self.committed_size();
        let size = log.size();
        if size < base_size {
            return Err(Error::Internal {
                context: "log shorter than its commit",
            });
        }
        let base_pruned = self.head.as_ref().map_or(0, |c| c.pruned);
        let held = log.pruned();
        let pruned = self.prune_to.clamp(held, size);
        if pruned < base_pruned {
            return Err(Error::Internal {
                context: "log less pruned than its commit",
            });
        }
        let frontier = if pruned == held {
            log.frontier()
        } else {
            log.tree().frontier_of(pruned).ok_or(Error::Internal {
                context: "frontier",
            })?
        };
        // The records from index `pruned`; ranges index them.
        let skip = usize::try_from(pruned - held).unwrap_or(usize::MAX);
        let all: Vec<&ConsentRecord> = log.records().collect();
        let records = all.get(skip..).unwrap_or_default();
        let rel = |abs: u64| usize::try_from(abs - pruned).unwrap_or(usize::MAX);
        // (start, end, raw, existing segment) ranges of record indices.
        let mut ranges: Vec<(usize, usize, usize, Option<SegRef>)> = Vec::new();
        let mut abs = base_pruned;
        for s in self.head.iter().flat_map(|c| c.segments.iter()) {
            let end = abs + u64::from(s.records);
            if end <= pruned {
                // Wholly pruned: the new commit no longer names it.
            } else if abs < pruned {
                // Partly pruned: its remaining records are written again.
                let mut raw = 0usize;
                for r in records.iter().take(rel(end)) {
                    raw += 5 + r.canonical_bytes()?.len();
                }
                ranges.push((0, rel(end), raw, None));
            } else {
                ranges.push((rel(abs), rel(end), s.raw as usize, Some(*s)));
            }
            abs = end;
        }
        let at = rel(abs.max(pruned));
        // Canonical bytes of the new records, by index − `at`.
        let mut encoded: Vec<Vec<u8>> = Vec::new();
        let mut i = at;
        while i < records.len() {
            let mut raw = 0usize;
            let start = i;
            while let Some(r) = records.get(i) {
                let bytes = r.canonical_bytes()?;
                let need = 5 + bytes.len();
                if need > SEGMENT_RAW_BYTES {
                    return Err(Error::input("a consent record is too large to store"));
                }
                if raw + need > SEGMENT_RAW_BYTES {
                    break;
                }
                raw += need;
                encoded.push(bytes);
                i += 1;
            }
            ranges.push((start, i, raw, None));
            merge_tail(&mut ranges);
        }
        let mut writes = Vec::new();
        let mut segments = Vec::with_capacity(ranges.len());
        for (start, end, raw, existing) in ranges {
            if let Some(s) = existing {
                segments.push(s);
                continue;
            }
            let mut stream = Zeroizing::new(Vec::with_capacity(raw));
            for idx in start..end {
                let bytes = match encoded.get_mut(idx.wrapping_sub(at)) {
                    Some(b) if !b.is_empty() => std::mem::take(b),
                    _ => records
                        .get(idx)
                        .ok_or(Error::Internal {
                            context: "record index",
                        })?
                        .canonical_bytes()?,
                };
                stream.push(ITEM_RECORD);
                stream.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                stream.extend_from_slice(&bytes);
            }
            let deflated = Zeroizing::new(miniz_oxide::deflate::compress_to_vec(&stream, 6));
            let mut body = Zeroizing::new(Vec::with_capacity(stream.len() + 1));
            if deflated.len() < stream.len() {
                body.push(ENC_DEFLATE);
                body.extend_from_slice(&deflated);
            } else {
                body.push(ENC_RAW);
                body.extend_from_slice(&stream);
            }
            let id = fresh_id(rng);
            let header = Header {
                suite: sb,
                kind: KIND_RECORDS,
                id,
                gen,
            };
            writes.push((self.keys.segment(&id), header.seal(key, &body)?));
            segments.push(SegRef {
                id,
                records: u32::try_from(end - start).map_err(|_| Error::Internal {
                    context: "segment count",
                })?,
                raw: raw as u32,
            });
        }
        let state_ids = match (&self.head, self.state_dirty) {
            (Some(c), false) => c.state.clone(),
            _ => {
                let mut ids = Vec::new();
                for chunk in state.chunks(STATE_CHUNK_BYTES) {
                    let id = fresh_id(rng);
                    let header = Header {
                        suite: sb,
                        kind: KIND_STATE,
                        id,
                        gen,
                    };
                    writes.push((self.keys.segment(&id), header.seal(key, chunk)?));
                    ids.push(id);
                }
                ids
            }
        };
        let commit = Commit {
            suite,
            gen,
            prev: self.generation(),
            size,
            root: log.root(),
            note: log.checkpoint()?,
            state: state_ids,
            segments,
            pruned,
            frontier,
        };
        let header = Header {
            suite: sb,
            kind: KIND_COMMIT,
            id: fresh_id(rng),
            gen,
        };
        let body = commit.encode()?;
        self.suite = Some(suite);
        self.inflight_new = writes.iter().map(|(k, _)| k.clone()).collect();
        writes.push((self.keys.commit(gen), header.seal(key, &body)?));
        self.inflight = Some(commit);
        Ok(SavePlan { gen, writes })
    }

    /// The planned save failed (a write or a read-back failed or timed
    /// out, or another writer holds its generation). Its generation is
    /// burned; returns the abandoned marker, to write (best effort) only if
    /// the commit's write was attempted: a marker for a generation this
    /// writer never wrote could hide another writer's commit.
    ///
    /// # Errors
    /// [`Error::InvalidState`] if no save is in flight.
    pub fn failed(&mut self, key: &StorageKey) -> Result<(String, Vec<u8>)> {
        let c = self.inflight.take().ok_or_else(|| Error::InvalidState {
            reason: "no save is in progress".to_owned(),
        })?;
        self.garbage.append(&mut self.inflight_new);
        self.prune_to = 0;
        self.abandoned.push(c.gen);
        self.failures = self.failures.saturating_add(1);
        self.next_gen = c.gen + 1;
        let header = Header {
            suite: suite_byte(c.suite),
            kind: KIND_ABANDONED,
            id: fresh_id(&mut rng::rng()?),
            gen: c.gen,
        };
        Ok((self.keys.abandoned(c.gen), header.seal(key, &[])?))
    }

    /// The planned save is written and read back: it is the newest state.
    /// Returns the head write to make next (best effort; the save already
    /// counts), or `None` when the driver says the previous head write has
    /// not settled (`head_busy`), so that two writes to one head slot never
    /// overlap.
    ///
    /// # Errors
    /// [`Error::InvalidState`] if no save is in flight.
    pub fn confirmed(&mut self, key: &StorageKey, head_busy: bool) -> Result<Option<HeadWrite>> {
        let c = self.inflight.take().ok_or_else(|| Error::InvalidState {
            reason: "no save is in progress".to_owned(),
        })?;
        self.inflight_new.clear();
        self.prune_to = 0;
        if let Some(old) = self.head.take() {
            let keep: Vec<Id> = c
                .segments
                .iter()
                .map(|s| s.id)
                .chain(c.state.iter().copied())
                .collect();
            for id in old
                .segments
                .iter()
                .map(|s| s.id)
                .chain(old.state.iter().copied())
            {
                if !keep.contains(&id) {
                    self.garbage.push(self.keys.segment(&id));
                }
            }
            self.stale.push(old.gen);
        }
        self.next_gen = c.gen + 1;
        self.failures = 0;
        self.state_dirty = false;
        let (gen, gen_suite) = (c.gen, c.suite);
        self.head = Some(c);
        if head_busy {
            self.head_slot = None;
            return Ok(None);
        }
        // Write the slot that holds the older value.
        let top = |s: &Vec<Option<u64>>| s.iter().map(|v| v.unwrap_or(0)).max().unwrap_or(0);
        let slot = usize::from(top(&self.slots[0]) > top(&self.slots[1]));
        if let Some(s) = self.slots.get_mut(slot) {
            s.push(Some(gen));
            s.push(None);
        }
        self.head_slot = Some(slot);
        let header = Header {
            suite: suite_byte(gen_suite),
            kind: KIND_HEAD,
            id: fresh_id(&mut rng::rng()?),
            gen,
        };
        Ok(Some(HeadWrite {
            key: self.keys.head(slot),
            value: header.seal(key, &[])?,
        }))
    }

    /// Reports how the head write went (`ok`: written and read back) and
    /// returns the keys that are safe to remove now (best effort).
    pub fn head_written(&mut self, ok: bool) -> Vec<String> {
        if let (Some(slot), Some(gen)) = (self.head_slot.take(), self.head.as_ref().map(|c| c.gen))
        {
            if let Some(s) = self.slots.get_mut(slot).filter(|_| ok) {
                *s = vec![Some(gen)];
            }
        }
        self.removable()
    }

    /// Keys no open can need: segments of superseded commits, abandoned
    /// saves' keys below the head, and old commits that every possible head
    /// value still leads past.
    fn removable(&mut self) -> Vec<String> {
        let Some(top) = self.head.as_ref().map(|c| c.gen) else {
            return Vec::new();
        };
        let mut out: Vec<String> = std::mem::take(&mut self.garbage).into_iter().collect();
        for g in std::mem::take(&mut self.abandoned) {
            if g < top {
                out.push(self.keys.abandoned(g));
                out.push(self.keys.commit(g));
            } else {
                self.abandoned.push(g);
            }
        }
        let mut starts = Vec::new();
        for a in &self.slots[0] {
            for b in &self.slots[1] {
                starts.push(a.unwrap_or(0).max(b.unwrap_or(0)).max(1));
            }
        }
        let mut present: Vec<u64> = self.stale.clone();
        present.push(top);
        for g in std::mem::take(&mut self.stale) {
            present.retain(|p| *p != g);
            if starts.iter().all(|s| reaches(*s, top, &present)) {
                out.push(self.keys.commit(g));
            } else {
                present.push(g);
                self.stale.push(g);
            }
        }
        out
    }
}

/// Merges the newest ranges like a binary counter while they fit.
fn merge_tail(ranges: &mut Vec<(usize, usize, usize, Option<SegRef>)>) {
    while ranges.len() >= 2 {
        let n = ranges.len();
        let (Some(a), Some(b)) = (ranges.get(n - 2).copied(), ranges.get(n - 1).copied()) else {
            return;
        };
        if a.1 - a.0 > b.1 - b.0 || a.2 + b.2 > SEGMENT_RAW_BYTES {
            return;
        }
        ranges.truncate(n - 2);
        ranges.push((a.0, b.1, a.2 + b.2, None));
    }
}

enum Stage {
    Heads { asked: bool },
    Scan { from: u64, to: u64 },
    Segments,
    Done,
}

/// Finds and reads the newest commit of a store: ask [`Opener::wanted`]
/// for keys, [`Opener::feed`] what storage holds for each, until `wanted`
/// is empty; then [`Opener::finish`].
pub struct Opener {
    keys: Keys,
    key: StorageKey,
    /// The store's suite: of the first value that opened.
    suite: Option<Suite>,
    /// A suite byte seen on a value that could not be read: unknown (a
    /// newer format), or of a suite this module does not carry.
    unreadable_suite: Option<u8>,
    stage: Stage,
    slots: [Option<u64>; 2],
    /// Present commit generations → decoded commit (`None`: does not open).
    found: Vec<(u64, Option<Commit>)>,
    abandoned: Vec<u64>,
    any_value: bool,
    values: Vec<(String, Vec<u8>)>,
    chosen: Option<Commit>,
    probed: u64,
}

/// What [`Opener::finish`] found.
pub struct Opened {
    /// The wallet state's plaintext.
    pub state: Zeroizing<Vec<u8>>,
    commit: Commit,
    committer: Committer,
    records: Vec<(ConsentRecord, Vec<u8>)>,
}

impl Opener {
    /// An opener for the store under `prefix`, encrypted under `key`.
    #[must_use]
    pub fn new(prefix: &str, key: &StorageKey) -> Self {
        Self {
            keys: Keys {
                prefix: prefix.to_owned(),
            },
            key: key.clone(),
            suite: None,
            unreadable_suite: None,
            stage: Stage::Heads { asked: false },
            slots: [None, None],
            found: Vec::new(),
            abandoned: Vec::new(),
            any_value: false,
            values: Vec::new(),
            chosen: None,
            probed: 0,
        }
    }

    /// The keys to read next; empty when done.
    ///
    /// # Errors
    /// [`Error::StorageCorrupt`] if the newest commit's segments cannot be
    /// found or storage holds more generations than [`MAX_PROBED`];
    /// [`Error::DecryptFailed`] if stored values exist but none opens under
    /// the key (wrong key).
    pub fn wanted(&mut self) -> Result<Vec<String>> {
        loop {
            match self.stage {
                Stage::Heads { asked: false } => {
                    self.stage = Stage::Heads { asked: true };
                    return Ok(vec![self.keys.head(0), self.keys.head(1)]);
                }
                Stage::Heads { asked: true } => {
                    let from = self
                        .slots
                        .iter()
                        .flatten()
                        .copied()
                        .max()
                        .unwrap_or(1)
                        .max(1);
                    self.stage = Stage::Scan {
                        from,
                        to: from + MAX_GAP,
                    };
                    return Ok(self.window(from, from + MAX_GAP));
                }
                Stage::Scan { to, .. } => {
                    let top = self.found.iter().map(|(g, _)| *g).max();
                    if let Some(top) = top.filter(|t| t + MAX_GAP >= to) {
                        let next_to = top + MAX_GAP + 1;
                        self.probed = self.probed.saturating_add(next_to - to);
                        if self.probed > MAX_PROBED {
                            return Err(corrupt("storage holds too many generations"));
                        }
                        self.stage = Stage::Scan {
                            from: to,
                            to: next_to,
                        };
                        return Ok(self.window(to, next_to));
                    }
                    self.choose()?;
                    let Some(c) = &self.chosen else {
                        self.stage = Stage::Done;
                        return Ok(Vec::new());
                    };
                    let keys = c
                        .state
                        .iter()
                        .chain(c.segments.iter().map(|s| &s.id))
                        .map(|id| self.keys.segment(id))
                        .collect();
                    self.stage = Stage::Segments;
                    return Ok(keys);
                }
                Stage::Segments => {
                    self.stage = Stage::Done;
                }
                Stage::Done => return Ok(Vec::new()),
            }
        }
    }

    fn window(&self, from: u64, to: u64) -> Vec<String> {
        let mut out = Vec::new();
        for g in from..to {
            out.push(self.keys.commit(g));
            out.push(self.keys.abandoned(g));
        }
        out
    }

    /// Gives the value storage holds under `key` (`None`: absent). A value
    /// that is not what its key should hold (moved, of another kind or
    /// generation) is ignored. Each value is opened with its own suite
    /// byte's algorithms; the first that opens fixes the store's suite.
    ///
    /// # Errors
    /// [`Error::StorageCorrupt`] if values of both suites open (a store
    /// never mixes them).
    pub fn feed(&mut self, key: &str, value: Option<Vec<u8>>) -> Result<()> {
        let Some(value) = value else {
            return Ok(());
        };
        self.any_value = true;
        if let Stage::Segments = self.stage {
            self.values.push((key.to_owned(), value));
            return Ok(());
        }
        // The header says what the value claims to be; it counts only under
        // the key that such a value belongs to (and only if it opens).
        let Some((h, _)) = Header::parse(&value) else {
            return Ok(());
        };
        let Some(suite) = suite_of_byte(h.suite).filter(|s| s.compiled_in()) else {
            self.unreadable_suite = Some(h.suite);
            return Ok(());
        };
        let opened = std::cell::Cell::new(false);
        let opens = |kind| {
            let v = open_value(suite, &self.key, &value, kind, Some(h.gen), None);
            opened.set(opened.get() || v.is_some());
            v
        };
        match (&self.stage, h.kind) {
            (Stage::Heads { .. }, KIND_HEAD) => {
                let slot = usize::from(key == self.keys.head(1));
                if (key == self.keys.head(slot)) && opens(KIND_HEAD).is_some() {
                    if let Some(s) = self.slots.get_mut(slot) {
                        *s = Some(h.gen);
                    }
                }
            }
            (Stage::Scan { from, to }, KIND_COMMIT)
                if (*from..*to).contains(&h.gen) && key == self.keys.commit(h.gen) =>
            {
                let commit =
                    opens(KIND_COMMIT).and_then(|body| Commit::decode(suite, h.gen, &body).ok());
                self.found.push((h.gen, commit));
            }
            (Stage::Scan { from, to }, KIND_ABANDONED)
                if (*from..*to).contains(&h.gen)
                    && key == self.keys.abandoned(h.gen)
                    && opens(KIND_ABANDONED).is_some() =>
            {
                self.abandoned.push(h.gen);
            }
            _ => {}
        }
        if opened.get() {
            match self.suite {
                Some(s) if s != suite => {
                    return Err(corrupt("this storage holds values of both suites"))
                }
                _ => self.suite = Some(suite),
            }
        }
        Ok(())
    }

    fn choose(&mut self) -> Result<()> {
        let best = self
            .found
            .iter()
            .filter(|(g, c)| c.is_some() && !self.abandoned.contains(g))
            .max_by_key(|(g, _)| *g)
            .and_then(|(_, c)| c.as_ref());
        match best {
            Some(c) => {
                self.chosen = Some(c.clone());
                Ok(())
            }
            None => {
                if self.slots.iter().any(Option::is_some) {
                    // A head is written only after a confirmed commit.
                    Err(corrupt("no complete commit is stored"))
                } else if self.found.iter().any(|(_, c)| c.is_some()) || !self.abandoned.is_empty()
                {
                    // Only interrupted first saves: nothing was saved for good.
                    Ok(())
                } else if let Some(b) = self.unreadable_suite {
                    // Values of a suite this module cannot read.
                    match suite_of_byte(b) {
                        Some(s) => Err(not_compiled_in(s, "this storage")),
                        None => Err(corrupt(
                            "this storage is of an unknown suite (written by a newer mpshield?)",
                        )),
                    }
                } else if self.any_value {
                    // Values exist but none opens: the wrong key, or all altered.
                    Err(Error::DecryptFailed)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The highest generation any commit or abandoned marker seen uses (0
    /// if none): a new save must use a higher one, never reuse it.
    fn highest_seen(&self) -> u64 {
        self.found
            .iter()
            .map(|(g, _)| *g)
            .chain(self.abandoned.iter().copied())
            .max()
            .unwrap_or(0)
    }

    /// The committer for a new wallet on this store when it
    /// [`Opener::is_empty`]: it continues above any generation an
    /// interrupted first save used, and cleans up after it.
    #[must_use]
    pub fn committer_for_new(&self) -> Committer {
        let mut c = Committer::new(&self.keys.prefix);
        c.suite = self.suite;
        c.next_gen = self.highest_seen() + 1;
        c.abandoned = self
            .found
            .iter()
            .map(|(g, _)| g)
            .chain(self.abandoned.iter())
            .copied()
            .collect();
        c
    }

    fn value(&self, key: &str) -> Option<&Vec<u8>> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether the store is empty (nothing of format 2 is stored): the
    /// caller then creates a new wallet or reads an older format.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(self.stage, Stage::Done) && self.chosen.is_none()
    }

    /// The newest commit's state and records, checked against the commit.
    ///
    /// # Errors
    /// [`Error::StorageCorrupt`] if the store is empty or a segment is
    /// missing, altered, from another commit or holds invalid records.
    pub fn finish(mut self) -> Result<Opened> {
        let c = self
            .chosen
            .take()
            .ok_or(corrupt("no saved wallet (nothing committed)"))?;
        let same_suite = |v: &[u8]| match Header::parse(v) {
            Some((h, _)) if h.suite != suite_byte(c.suite) => {
                Err(corrupt("a segment is of the other suite than its commit"))
            }
            _ => Ok(()),
        };
        let mut state = Zeroizing::new(Vec::new());
        for id in &c.state {
            let v = self
                .value(&self.keys.segment(id))
                .ok_or(corrupt("a wallet state segment is missing"))?;
            same_suite(v)?;
            let pt = open_value(c.suite, &self.key, v, KIND_STATE, None, Some(id))
                .ok_or(corrupt("a wallet state segment was altered"))?;
            state.extend_from_slice(&pt);
        }
        let mut records =
            Vec::with_capacity(usize::try_from(c.size - c.pruned).unwrap_or(0).min(1 << 20));
        for s in &c.segments {
            let v = self
                .value(&self.keys.segment(&s.id))
                .ok_or(corrupt("a log segment is missing"))?;
            same_suite(v)?;
            let pt = open_value(c.suite, &self.key, v, KIND_RECORDS, None, Some(&s.id))
                .ok_or(corrupt("a log segment was altered"))?;
            let stream = match pt.split_first() {
                Some((&ENC_RAW, body)) => Zeroizing::new(body.to_vec()),
                Some((&ENC_DEFLATE, body)) => Zeroizing::new(
                    miniz_oxide::inflate::decompress_to_vec_with_limit(body, SEGMENT_RAW_BYTES)
                        .map_err(|_| corrupt("a log segment does not decompress"))?,
                ),
                _ => return Err(corrupt("a log segment has an unknown encoding")),
            };
            let mut r = Reader::new(&stream);
            let mut n = 0u32;
            while !r.0.is_empty() {
                let kind = r.array::<1>()?[0];
                let len = r.u32()? as usize;
                let bytes = r.take(len)?;
                if kind != ITEM_RECORD {
                    return Err(corrupt(
                        "a log segment holds an item of an unknown kind (written by a newer mpshield?)",
                    ));
                }
                let record = ConsentRecord::from_canonical_bytes(bytes)
                    .map_err(|_| corrupt("a stored record is invalid"))?;
                records.push((record, bytes.to_vec()));
                n += 1;
            }
            if n != s.records {
                return Err(corrupt("a log segment holds another number of records"));
            }
        }
        let mut committer = Committer::new(&self.keys.prefix);
        committer.suite = Some(c.suite);
        committer.next_gen = self.highest_seen().max(c.gen) + 1;
        committer.slots = [vec![self.slots[0]], vec![self.slots[1]]];
        committer.stale = self
            .found
            .iter()
            .map(|(g, _)| *g)
            .filter(|g| *g < c.gen)
            .collect();
        committer.abandoned = self.abandoned.clone();
        // Abandoned or unreadable commits above the chosen one: keep their
        // markers until a later commit supersedes them.
        for (g, commit) in &self.found {
            if *g > c.gen && commit.is_none() {
                committer.abandoned.push(*g);
            }
        }
        committer.state_dirty = false;
        committer.head = Some(c.clone());
        Ok(Opened {
            state,
            commit: c,
            committer,
            records,
        })
    }
}

impl Opened {
    /// The generation of the commit that was read.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.commit.gen
    }

    /// The log size it commits.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.commit.size
    }

    /// The log root it commits.
    #[must_use]
    pub fn root(&self) -> Hash {
        self.commit.root
    }

    /// The store's suite (its values say it): the suite of the device key
    /// the log must be rebuilt with.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.commit.suite
    }

    /// Fails unless the store is of `expected` (e.g. the suite a wallet
    /// was opened with).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for a store of the other suite.
    pub fn require_suite(&self, expected: Suite) -> Result<()> {
        if self.commit.suite == expected {
            Ok(())
        } else {
            Err(other_suite())
        }
    }

    /// Rebuilds the log with `device_key` and `origin` (read from the
    /// state), checking it against the commit and its signed checkpoint,
    /// and, with `trusted_checkpoint` (kept off the device), that it
    /// extends that checkpoint. Returns the log and the committer that
    /// continues from this commit.
    ///
    /// # Errors
    /// [`Error::StorageCorrupt`] if the records do not rebuild the commit;
    /// [`Error::InvalidCheckpoint`] if a checkpoint is not signed by the
    /// device key for `origin`; [`Error::RollbackDetected`] if the log does
    /// not extend `trusted_checkpoint`; [`Error::UnsupportedAlgorithm`] if
    /// `device_key` is of the other suite than the store.
    pub fn into_log(
        self,
        device_key: DeviceKey,
        origin: &str,
        trusted_checkpoint: Option<&str>,
    ) -> Result<(ConsentLog, Committer)> {
        self.require_suite(device_key.suite())?;
        let public = device_key.verifying_key();
        let trusted = trusted_checkpoint
            .map(|note| checkpoint::verify(note, &public, origin))
            .transpose()?;
        let stored = checkpoint::verify(&self.commit.note, &public, origin)
            .map_err(|_| corrupt("the commit's checkpoint is not this wallet's"))?;
        if stored.size != self.commit.size || !bool::from(stored.root.ct_eq(&self.commit.root)) {
            return Err(corrupt("the commit and its checkpoint disagree"));
        }
        let mut log = ConsentLog::resume(
            device_key,
            origin,
            self.commit.pruned,
            &self.commit.frontier,
        )?;
        for (record, bytes) in self.records {
            log.replay(record, &bytes)
                .map_err(|_| corrupt("stored records are inconsistent"))?;
        }
        if log.size() != self.commit.size || !bool::from(log.root().ct_eq(&self.commit.root)) {
            return Err(corrupt("the records do not rebuild the committed tree"));
        }
        if let Some(t) = trusted {
            check_extends(&log, &t)?;
        }
        Ok((log, self.committer))
    }
}

/// Why a checkpoint below a log's pruned prefix is refused.
pub(crate) const OLDER_THAN_PRUNED: &str = "it is older than the log's pruned prefix, which can no longer prove it is extended: use a checkpoint at least as large (keep the latest one off the device)";

/// Whether `log` extends the trusted checkpoint `t`.
///
/// # Errors
/// [`Error::RollbackDetected`] if it does not; [`Error::InvalidCheckpoint`]
/// if `t` is smaller than the log's pruned prefix (not empty either): the
/// log no longer holds what would prove it extends `t`, so it neither
/// accepts it (it could be a fork) nor calls it a rollback.
pub fn check_extends(log: &ConsentLog, t: &checkpoint::Checkpoint) -> Result<()> {
    let suite = log.suite();
    if t.size > log.size() {
        return Err(Error::RollbackDetected);
    }
    if t.size > 0 && t.size < log.pruned() {
        return Err(Error::InvalidCheckpoint {
            reason: OLDER_THAN_PRUNED,
        });
    }
    if t.size == 0 {
        return if bool::from(t.root.ct_eq(&merkle::empty_root_with(suite))) {
            Ok(())
        } else {
            Err(Error::RollbackDetected)
        };
    }
    let proof = log
        .consistency_proof(t.size, log.size())
        .map_err(|_| Error::RollbackDetected)?;
    merkle::verify_consistency_with(suite, t.size, log.size(), &t.root, &log.root(), &proof)
        .map_err(|_| Error::RollbackDetected)
}

/// A key–value store as the native drivers use it.
pub trait KeyValue {
    /// The value under `key`, if any.
    ///
    /// # Errors
    /// Whatever the storage reports.
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Stores `value` under `key`.
    ///
    /// # Errors
    /// Whatever the storage reports.
    fn set(&mut self, key: &str, value: &[u8]) -> Result<()>;
    /// Removes `key`.
    ///
    /// # Errors
    /// Whatever the storage reports.
    fn remove(&mut self, key: &str) -> Result<()>;
}

/// What [`open_sync`] found.
pub enum Found {
    /// The newest commit.
    Opened(Box<Opened>),
    /// Nothing saved for good: the committer a new wallet continues with.
    Empty(Box<Committer>),
}

/// Opens a standalone log saved under [`LOG_PREFIX`] (what
/// `ConsentLog.load` does), and the committer its next saves continue with.
///
/// # Errors
/// As [`open_sync`] and [`Opened::into_log`]; [`Error::StorageCorrupt`] if
/// nothing is saved ([`Error::RollbackDetected`] with a trusted checkpoint).
pub fn open_log(
    storage: &mut dyn KeyValue,
    key: &StorageKey,
    device_key: DeviceKey,
    origin: &str,
    trusted_checkpoint: Option<&str>,
) -> Result<(ConsentLog, Committer)> {
    match open_sync(storage, LOG_PREFIX, key)? {
        Found::Opened(o) => o.into_log(device_key, origin, trusted_checkpoint),
        Found::Empty(_) if trusted_checkpoint.is_some() => Err(Error::RollbackDetected),
        Found::Empty(_) => Err(corrupt("no saved consent log")),
    }
}

/// Runs an [`Opener`] over a synchronous store.
///
/// # Errors
/// As [`Opener::wanted`] and [`Opener::finish`]; a read error is
/// [`Error::StorageCorrupt`]-free: it is returned as storage reported it.
pub fn open_sync(storage: &mut dyn KeyValue, prefix: &str, key: &StorageKey) -> Result<Found> {
    let mut opener = Opener::new(prefix, key);
    loop {
        let wanted = opener.wanted()?;
        if wanted.is_empty() {
            break;
        }
        for k in wanted {
            let v = storage.get(&k)?;
            opener.feed(&k, v)?;
        }
    }
    if opener.is_empty() {
        return Ok(Found::Empty(Box::new(opener.committer_for_new())));
    }
    opener.finish().map(|o| Found::Opened(Box::new(o)))
}

/// Saves through a synchronous store: writes the plan, reads every value
/// back, then the head and the removals (best effort).
///
/// # Errors
/// [`Error::ConsentNotPersisted`] if a write or read-back fails (the save's
/// generation is then burned); as [`Committer::plan`].
pub fn save_sync(
    committer: &mut Committer,
    storage: &mut dyn KeyValue,
    log: &ConsentLog,
    state: &[u8],
    key: &StorageKey,
) -> Result<()> {
    let plan = committer.plan(log, state, key)?;
    let mut attempted = false;
    let result = (|| -> Result<()> {
        if let Some((k, _)) = plan.writes.last() {
            if storage.get(k)?.is_some() {
                committer.foreign_writer();
                return Err(not_persisted(
                    "another writer has used this generation: is the wallet open twice on one storage?",
                ));
            }
        }
        for (i, (k, v)) in plan.writes.iter().enumerate() {
            // From the commit's write on, it may land late: only then is
            // the abandoned marker needed (and written over nobody's).
            attempted |= i + 1 == plan.writes.len();
            storage.set(k, v)?;
        }
        for (k, v) in &plan.writes {
            if storage.get(k)?.as_deref() != Some(v.as_slice()) {
                return Err(not_persisted(format!("{k} did not read back as written")));
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        let (k, v) = committer.failed(key)?;
        if attempted {
            let _ = storage.set(&k, &v);
        }
        return Err(match e {
            Error::ConsentNotPersisted { .. } => e,
            other => not_persisted(other.to_string()),
        });
    }
    let head = committer.confirmed(key, false)?;
    let ok = match head {
        Some(h) => {
            storage.set(&h.key, &h.value).is_ok()
                && storage.get(&h.key).ok().flatten().as_deref() == Some(h.value.as_slice())
        }
        None => false,
    };
    for k in committer.head_written(ok) {
        let _ = storage.remove(&k);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_reachability() {
        let present = [1, 5, 20];
        assert!(reaches(1, 5, &present));
        assert!(reaches(5, 20, &present));
        assert!(!reaches(1, 20, &[1, 20]));
        assert!(reaches(3, 5, &present));
        assert!(!reaches(3, 6, &present));
    }

    fn sample(pruned: u64, frontier: Vec<Hash>) -> Commit {
        Commit {
            suite: Suite::Intl,
            gen: 2,
            prev: 1,
            size: 5,
            root: [0; 32],
            note: "n".into(),
            state: Vec::new(),
            segments: vec![SegRef {
                id: [1; 16],
                records: 2,
                raw: 10,
            }],
            pruned,
            frontier,
        }
    }

    /// Hostile pruned-prefix extensions: every malformed one is
    /// STORAGE_CORRUPT before anything is built from it (count over 64 or
    /// not one per set bit of the size, a size of 0 or above the log's,
    /// a length that does not match, repeated or unknown extensions,
    /// truncation, segments that do not add up), never a panic.
    #[test]
    fn the_pruned_prefix_extension_is_bounded() {
        let good = sample(3, vec![[9; 32]; 2]);
        let back = Commit::decode(Suite::Intl, 2, &good.encode().unwrap()).unwrap();
        assert_eq!((back.pruned, back.frontier.clone()), (3, vec![[9; 32]; 2]));
        // An unpruned commit carries no extension: what earlier versions
        // wrote and read.
        let plain = sample(0, Vec::new()).encode().unwrap();
        assert!(
            Commit::decode(Suite::Intl, 2, &plain).is_err(),
            "segments do not add up"
        );
        let base = {
            let mut c = sample(0, Vec::new());
            c.size = 2;
            c.encode().unwrap()
        };
        assert_eq!(Commit::decode(Suite::Intl, 2, &base).unwrap().pruned, 0);
        let ext = |pruned: u64, n: u8, hashes: usize, len: Option<u32>| {
            let mut out = vec![EXT_PRUNED];
            let body_len = 9 + 32 * hashes as u32;
            out.extend_from_slice(&len.unwrap_or(body_len).to_be_bytes());
            out.extend_from_slice(&pruned.to_be_bytes());
            out.push(n);
            out.extend(std::iter::repeat_n(7u8, 32 * hashes));
            out
        };
        let with = |size: u64, tail: &[u8]| {
            let mut c = sample(0, Vec::new());
            c.size = size;
            let mut b = c.encode().unwrap();
            b.extend_from_slice(tail);
            b
        };
        assert!(Commit::decode(Suite::Intl, 2, &with(5, &ext(3, 2, 2, None))).is_ok());
        let bad: Vec<Vec<u8>> = vec![
            with(2, &ext(0, 0, 0, None)),
            with(66, &ext(u64::MAX >> 1, 63, 63, None)),
            with(u64::MAX, &ext(u64::MAX - 2, 65, 65, None)),
            with(5, &ext(3, 1, 1, None)),
            with(5, &ext(3, 2, 1, Some(9 + 32))),
            with(5, &ext(3, 2, 2, Some(9 + 64 + 1))),
            with(5, &ext(3, 2, 3, Some(9 + 96))),
            with(4, &ext(3, 2, 2, None)),
            with(1, &ext(3, 2, 2, None)),
            with(5, &[ext(3, 2, 2, None), ext(3, 2, 2, None)].concat()),
            with(5, &[2, 0, 0, 0, 0]),
            with(5, &ext(3, 2, 2, None)[..40]),
            with(5, &[EXT_PRUNED, 0xff, 0xff, 0xff, 0xff]),
        ];
        for (i, b) in bad.iter().enumerate() {
            let e = Commit::decode(Suite::Intl, 2, b).err().map(|e| e.code());
            assert_eq!(e, Some("STORAGE_CORRUPT"), "case {i}");
        }
    }

    /// A frontier altered in storage (resealed with the storage key, as
    /// only its holder can) gives another root than the commit's signed
    /// one: the open is STORAGE_CORRUPT, not a log with a forged history.
    #[test]
    fn an_altered_frontier_is_refused_on_open() {
        crate::rng::add_entropy(&(0u8..32).collect::<Vec<_>>()).unwrap();
        let device = DeviceKey::from_bytes(&[1; 32]);
        let origin = "mpshield.example/device/t";
        let mut log = ConsentLog::create(device.clone(), origin).unwrap();
        let uscc = format!(
            "91440300MA0000001{}",
            super::super::record::uscc_check_character("91440300MA0000001").unwrap()
        );
        for t in 0..7 {
            let rec = super::super::record::from_json(&format!(
                r#"{{ "event": "disclosed", "time": {t}, "controller": {{ "name": "某某酒店", "uscc": "{uscc}" }},
                  "purposes": ["住宿登记"], "lawfulBasis": "legal_duty", "consentType": "explicit",
                  "fields": [{{ "licence": "resident_id_card", "field": "name", "form": "full",
                                "sensitive": false, "retentionDays": 0 }}] }}"#
            ))
            .unwrap();
            log.append(rec).unwrap();
        }
        assert_eq!(log.prune(5, 100).to, 5);
        let key = StorageKey::from_bytes([2; 32]);
        let mut storage = crate::flow::MemoryStorage::new();
        let mut committer = Committer::new(LOG_PREFIX);
        save_sync(&mut committer, &mut storage, &log, &[], &key).unwrap();
        let (ok, _) = open_log(&mut storage, &key, device.clone(), origin, None).unwrap();
        assert_eq!((ok.pruned(), ok.root()), (5, log.root()));
        let ck = format!("{LOG_PREFIX}commit/1");
        let stored = storage.entries().get(&ck).unwrap().clone();
        let body = open_value(Suite::Intl, &key, &stored, KIND_COMMIT, Some(1), None).unwrap();
        for alter in 0..2 {
            let mut c = Commit::decode(Suite::Intl, 1, &body).unwrap();
            if alter == 0 {
                c.frontier[0][0] ^= 1;
            } else {
                c.frontier.swap(0, 1);
            }
            let header = Header {
                suite: SUITE_INTL,
                kind: KIND_COMMIT,
                id: [3; 16],
                gen: 1,
            };
            let sealed = header.seal(&key, &c.encode().unwrap()).unwrap();
            let mut s = crate::flow::MemoryStorage::new();
            for (k, v) in storage.entries() {
                crate::flow::Storage::set(&mut s, k, v).unwrap();
            }
            crate::flow::Storage::set(&mut s, &ck, &sealed).unwrap();
            let e = open_log(&mut s, &key, device.clone(), origin, None)
                .err()
                .map(|e| e.code());
            assert_eq!(e, Some("STORAGE_CORRUPT"), "alteration {alter}");
        }
    }

    #[test]
    fn binary_counter_merge() {
        let mut r = Vec::new();
        for i in 0..8 {
            r.push((i, i + 1, 10, None));
            merge_tail(&mut r);
        }
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].0, r[0].1), (0, 8));
        r.push((8, 9, 10, None));
        merge_tail(&mut r);
        assert_eq!(r.len(), 2);
        // Full segments are not merged.
        let mut r = vec![(0, 1, SEGMENT_RAW_BYTES - 5, None), (1, 2, 10, None)];
        merge_tail(&mut r);
        assert_eq!(r.len(), 2);
    }
}
