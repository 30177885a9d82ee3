//! The consent log: an append-only RFC 6962 Merkle tree over canonical
//! consent records, with checkpoints signed by the device key.
//!
//! Only checkpoints are signed, never single records: a receipt proves a
//! record is in the tree a signed checkpoint commits to. Once anyone outside
//! holds a checkpoint, the log cannot be rewritten below it without the
//! rewrite being caught by a consistency proof.
//!
//! [`ConsentLog::prune`] drops the bodies of a prefix of records that no
//! promise depends on any more (the rule is at
//! [`ConsentLog::prune_point`]), keeping the tree's frontier: the log keeps
//! its size and root, and proves inclusion of every record it holds and
//! consistency from every size at or above the prune point
//! (`docs/FORMAT.md`, "Pruning").

use std::collections::{BTreeMap, BTreeSet};

use super::checkpoint::{self, Checkpoint};
use super::merkle::{Hash, MerkleTree};
use super::receipt;
use super::record::{new_record_id, ConsentRecord, Event, Form};
use super::{DeviceKey, DevicePublicKey};
use crate::credential::date::Date;
use crate::error::{Error, Result};
use crate::rng::CryptoRng;
use crate::suite::Suite;

/// Seconds in a day, for retention.
const DAY: i64 = 86_400;
/// Asia/Shanghai is UTC+8 all year (no daylight saving time).
const SHANGHAI_OFFSET: i64 = 8 * 3_600;

/// Where an appended record landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Its index in the log (0-based).
    pub index: u64,
    /// Its Merkle leaf hash.
    pub leaf_hash: Hash,
}

/// Which consents are in force, as record ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// `given`/`disclosed` records neither withdrawn nor past retention.
    pub active: Vec<String>,
    /// `given`/`disclosed` records a later `withdrawn` event refers to.
    pub withdrawn: Vec<String>,
    /// `given`/`disclosed` records past their longest declared retention (or
    /// named by an `expired` event), and not withdrawn.
    pub expired: Vec<String>,
    /// `refused` records.
    pub refused: Vec<String>,
}

/// Why [`ConsentLog::prune`] stopped where it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PruneStop {
    /// At the size asked for (or the end of the log).
    UpTo,
    /// At a consent still in force: a `given` or `disclosed` record that is
    /// neither withdrawn nor past its retention.
    InForce,
    /// At a device record (`handover`, `restored`), which the handover
    /// chain and continuity proofs need.
    DeviceRecord,
    /// Before a record that a later record, which stays, refers to (a
    /// withdrawal or expiry stays with the consent it ends).
    Referenced,
}

impl PruneStop {
    /// `"upTo"`, `"inForce"`, `"deviceRecord"` or `"referenced"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UpTo => "upTo",
            Self::InForce => "inForce",
            Self::DeviceRecord => "deviceRecord",
            Self::Referenced => "referenced",
        }
    }
}

/// What [`ConsentLog::prune`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pruned {
    /// The pruned prefix's size before.
    pub from: u64,
    /// The pruned prefix's size now: records `0 … to − 1` are gone, their
    /// frontier stays.
    pub to: u64,
    /// Why it stopped at `to`.
    pub stop: PruneStop,
}

impl Pruned {
    /// How many records this prune dropped.
    #[must_use]
    pub fn records(&self) -> u64 {
        self.to - self.from
    }
}

/// One line of the citizen's view of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Index in the log.
    pub index: u64,
    /// The record.
    pub record: ConsentRecord,
    /// One readable line in the requested language.
    pub line: String,
}

/// The language of [`ConsentLog::history`] lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    /// Simplified Chinese (`zh-CN`).
    ZhCn,
    /// English (`en`).
    En,
}

impl Locale {
    /// Parses a BCP 47 tag: `zh…` is Chinese, `en…` English.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for any other language.
    pub fn parse(tag: &str) -> Result<Self> {
        let t = tag.to_ascii_lowercase();
        if t == "zh" || t.starts_with("zh-") {
            Ok(Self::ZhCn)
        } else if t == "en" || t.starts_with("en-") {
            Ok(Self::En)
        } else {
            Err(Error::input(format!(
                "locale must be \"zh-CN\" or \"en\", got {tag:?}"
            )))
        }
    }
}

/// A device's consent log.
pub struct ConsentLog {
    key: DeviceKey,
    origin: String,
    tree: MerkleTree,
    records: Vec<ConsentRecord>,
    by_id: BTreeMap<String, u64>,
    withdrawn: BTreeSet<String>,
    expired_events: BTreeSet<String>,
}

impl std::fmt::Debug for ConsentLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentLog")
            .field("origin", &self.origin)
            .field("size", &self.size())
            .finish_non_exhaustive()
    }
}

impl ConsentLog {
    /// An empty log signed by `device_key` under the name `origin` (for
    /// example `"mpshield.example/device/1a2b"`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `origin` is not a valid checkpoint origin.
    pub fn create(device_key: DeviceKey, origin: &str) -> Result<Self> {
        let tree = MerkleTree::with_suite(device_key.suite());
        Self::with_tree(device_key, origin, tree)
    }

    /// A log whose first `pruned` records were pruned, from their frontier
    /// ([`ConsentLog::frontier`]); the records from `pruned` on are
    /// replayed next (as storage and import do).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an invalid origin;
    /// [`Error::StorageCorrupt`] unless `frontier` has one hash per set bit
    /// of `pruned`.
    pub fn resume(
        device_key: DeviceKey,
        origin: &str,
        pruned: u64,
        frontier: &[Hash],
    ) -> Result<Self> {
        let suite = device_key.suite();
        let tree = if pruned == 0 && frontier.is_empty() {
            MerkleTree::with_suite(suite)
        } else {
            MerkleTree::from_frontier_with(suite, pruned, frontier)?
        };
        Self::with_tree(device_key, origin, tree)
    }

    fn with_tree(device_key: DeviceKey, origin: &str, tree: MerkleTree) -> Result<Self> {
        checkpoint::validate_origin(origin)?;
        Ok(Self {
            key: device_key,
            origin: origin.to_owned(),
            tree,
            records: Vec::new(),
            by_id: BTreeMap::new(),
            withdrawn: BTreeSet::new(),
            expired_events: BTreeSet::new(),
        })
    }

    /// The log's suite: its device key's. A `gm` log is an SM3 tree with
    /// SM2-signed checkpoints, version-2 receipts and SM4-GCM storage.
    #[must_use]
    pub fn suite(&self) -> Suite {
        self.key.suite()
    }

    /// The log's origin (the checkpoints' key name).
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The device's signing key (for the wallet, which stores it
    /// encrypted alongside the log).
    pub(crate) fn device_key(&self) -> &DeviceKey {
        &self.key
    }

    /// The device's public key, which verifies checkpoints and receipts.
    #[must_use]
    pub fn device_public_key(&self) -> DevicePublicKey {
        self.key.verifying_key()
    }

    /// Appends a record: fills in `recordId` (random) and `schemaVersion`
    /// when absent, validates it, and adds its canonical form to the tree.
    /// A `withdrawn` record must refer to a `given` or `disclosed` record of
    /// this log that is not yet withdrawn.
    ///
    /// # Errors
    /// [`Error::InvalidRecord`] if the record is invalid;
    /// [`Error::InvalidState`] if its id is already in the log or it
    /// withdraws what cannot be withdrawn; [`Error::RecordNotFound`] if
    /// `refersTo` is not in the log; [`Error::NotInitialized`] if an id is
    /// needed and the generator was never seeded;
    /// [`Error::UnsupportedAlgorithm`] for a `handover` to a device key of
    /// the other suite (a log keeps its suite across devices); also
    /// [`Error::InvalidRecord`] for a notice hashed with the other suite's
    /// hash (`notice.sha256` in a gm log, `notice.sm3` in an intl one).
    pub fn append(&mut self, mut record: ConsentRecord) -> Result<Appended> {
        if record.record_id.is_none() {
            record.record_id = Some(new_record_id()?);
        }
        record
            .schema_version
            .get_or_insert(super::record::SCHEMA_VERSION);
        self.append_checked(record)
    }

    /// [`ConsentLog::append`] with a caller-supplied generator for the id.
    ///
    /// # Errors
    /// As [`ConsentLog::append`], except [`Error::NotInitialized`].
    pub fn append_with_rng(
        &mut self,
        mut record: ConsentRecord,
        rng: &mut impl CryptoRng,
    ) -> Result<Appended> {
        record.complete_with_rng(rng);
        self.append_checked(record)
    }

    fn append_checked(&mut self, record: ConsentRecord) -> Result<Appended> {
        record.validate()?;
        self.check_links(&record)?;
        let bytes = record.canonical_bytes()?;
        Ok(self.push_unchecked(record, &bytes))
    }

    /// The rules that depend on the log rather than the record alone.
    fn check_links(&self, record: &ConsentRecord) -> Result<()> {
        if self.by_id.contains_key(record.id()) {
            return Err(Error::InvalidState {
                reason: format!("record {} is already in the log", record.id()),
            });
        }
        let from = record.device.as_ref().map_or(0, |d| d.from_size);
        let size = self.size();
        if record.event == Event::Handover {
            super::handover::check_next_key(self.suite(), record)?;
        }
        if let Some(n) = &record.notice {
            if n.suite() != Some(self.suite()) {
                return Err(Error::InvalidRecord {
                    reason: match self.suite() {
                        Suite::Intl => "an intl log names its notices by notice.sha256".into(),
                        Suite::Gm => "a gm log names its notices by notice.sm3 (SM3)".into(),
                    },
                });
            }
        }
        if (record.event == Event::Handover && from != size)
            || (record.event == Event::Restored && from > size)
        {
            return Err(Error::InvalidState {
                reason:
                    "a handover record's fromSize is its index; a restored record's is at most it"
                        .into(),
            });
        }
        if let (Event::Withdrawn | Event::Expired, Some(target)) =
            (record.event, record.refers_to.as_deref())
        {
            let original = self.record_by_id(target)?;
            if !matches!(original.event, Event::Given | Event::Disclosed) {
                return Err(Error::InvalidState {
                    reason: format!("record {target} is not a consent that can end"),
                });
            }
            if self.withdrawn.contains(target) {
                return Err(Error::InvalidState {
                    reason: format!("consent {target} is already withdrawn"),
                });
            }
            if record.event == Event::Expired && self.expired_events.contains(target) {
                return Err(Error::InvalidState {
                    reason: format!("consent {target} is already marked expired"),
                });
            }
        }
        Ok(())
    }

    /// Adds a validated record whose canonical bytes are `bytes`.
    pub(crate) fn push_unchecked(&mut self, record: ConsentRecord, bytes: &[u8]) -> Appended {
        let leaf_hash = super::merkle::leaf_hash_with(self.suite(), bytes);
        let index = self.tree.push(leaf_hash);
        if let Some(target) = record.refers_to.clone() {
            match record.event {
                Event::Withdrawn => {
                    self.withdrawn.insert(target);
                }
                Event::Expired => {
                    self.expired_events.insert(target);
                }
                _ => {}
            }
        }
        self.by_id.insert(record.id().to_owned(), index);
        self.records.push(record);
        Appended { index, leaf_hash }
    }

    /// Undoes appends back to `size` records: used when an appended record
    /// could not be persisted, so that memory never holds more than
    /// storage. A no-op when the log is not larger.
    pub(crate) fn truncate(&mut self, size: u64) {
        while self.size() > size {
            let Some(record) = self.records.pop() else {
                break;
            };
            self.by_id.remove(record.id());
            if let Some(target) = &record.refers_to {
                match record.event {
                    Event::Withdrawn => {
                        self.withdrawn.remove(target);
                    }
                    Event::Expired => {
                        self.expired_events.remove(target);
                    }
                    _ => {}
                }
            }
            self.tree
                .truncate(self.pruned() + self.records.len() as u64);
        }
    }

    /// Re-adds a stored record (used when loading): validated and linked as
    /// on append.
    pub(crate) fn replay(&mut self, record: ConsentRecord, bytes: &[u8]) -> Result<()> {
        self.check_links(&record)?;
        self.push_unchecked(record, bytes);
        Ok(())
    }

    fn record_by_id(&self, record_id: &str) -> Result<&ConsentRecord> {
        self.by_id
            .get(record_id)
            .and_then(|i| self.held(*i))
            .ok_or_else(|| Error::RecordNotFound {
                id: record_id.to_owned(),
            })
    }

    /// Withdraws the consent `record_id` at `time` (seconds since the
    /// epoch): appends a `withdrawn` record that refers to it and repeats its
    /// controller, recipients, purposes and fields.
    ///
    /// # Errors
    /// [`Error::RecordNotFound`] if the record is not in the log;
    /// [`Error::InvalidState`] if it is already withdrawn or is not a
    /// `given`/`disclosed` consent; [`Error::NotInitialized`] if the
    /// generator was never seeded.
    pub fn withdraw(&mut self, record_id: &str, time: i64) -> Result<Appended> {
        let record = self.withdrawal_of(record_id, time, new_record_id()?)?;
        self.append_checked(record)
    }

    /// [`ConsentLog::withdraw`] with a caller-supplied generator for the id.
    ///
    /// # Errors
    /// As [`ConsentLog::withdraw`], except [`Error::NotInitialized`].
    pub fn withdraw_with_rng(
        &mut self,
        record_id: &str,
        time: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Appended> {
        let id = super::record::new_record_id_with_rng(rng);
        let record = self.withdrawal_of(record_id, time, id)?;
        self.append_checked(record)
    }

    fn withdrawal_of(&self, record_id: &str, time: i64, new_id: String) -> Result<ConsentRecord> {
        let original = self.record_by_id(record_id)?;
        if self.withdrawn.contains(record_id) {
            return Err(Error::InvalidState {
                reason: format!("consent {record_id} is already withdrawn"),
            });
        }
        Ok(ConsentRecord {
            record_id: Some(new_id),
            schema_version: Some(super::record::SCHEMA_VERSION),
            event: Event::Withdrawn,
            time,
            refers_to: Some(record_id.to_owned()),
            notice: None,
            presentation: None,
            ..original.clone()
        })
    }

    /// Number of records.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.tree.len()
    }

    /// The Merkle root of the whole log.
    #[must_use]
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The Merkle tree (leaf hashes and subtree hashes).
    #[must_use]
    pub fn tree(&self) -> &MerkleTree {
        &self.tree
    }

    /// A checkpoint of the current size and root, as C2SP signed-note text
    /// signed by the device key under the origin.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the origin is invalid (cannot happen for a
    /// log made by [`ConsentLog::create`]).
    pub fn checkpoint(&self) -> Result<String> {
        Checkpoint {
            origin: self.origin.clone(),
            size: self.size(),
            root: self.root(),
        }
        .sign(&self.key)
    }

    /// The inclusion proof of record `index` in the log's first `tree_size`
    /// records.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `index < tree_size ≤ size`.
    pub fn inclusion_proof(&self, index: u64, tree_size: u64) -> Result<Vec<Hash>> {
        self.tree.inclusion_proof(index, tree_size)
    }

    /// The consistency proof from the first `old_size` to the first
    /// `new_size` records.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless `0 < old_size ≤ new_size ≤ size`.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>> {
        self.tree.consistency_proof(old_size, new_size)
    }

    /// The record at `index`.
    ///
    /// # Errors
    /// [`Error::RecordNotFound`] if `index ≥ size`, or if the record was
    /// pruned (`index < pruned`).
    pub fn get(&self, index: u64) -> Result<&ConsentRecord> {
        self.held(index).ok_or_else(|| Error::RecordNotFound {
            id: if index < self.pruned() {
                format!("#{index} (pruned)")
            } else {
                format!("#{index}")
            },
        })
    }

    fn held(&self, index: u64) -> Option<&ConsentRecord> {
        let i = index.checked_sub(self.pruned())?;
        self.records.get(usize::try_from(i).ok()?)
    }

    /// How many leading records were pruned ([`ConsentLog::prune`]): the
    /// log holds records `pruned … size − 1` and the frontier of the rest.
    #[must_use]
    pub fn pruned(&self) -> u64 {
        self.tree.pruned()
    }

    /// The frontier of the pruned records (see [`MerkleTree::frontier`]).
    #[must_use]
    pub fn frontier(&self) -> Vec<Hash> {
        self.tree.frontier()
    }

    /// Whether `r` is a consent still in force at `now`: `given` or
    /// `disclosed`, not withdrawn or marked expired, and `now` before the
    /// end of its longest retention.
    fn in_force(&self, r: &ConsentRecord, now: i64) -> bool {
        matches!(r.event, Event::Given | Event::Disclosed)
            && !self.withdrawn.contains(r.id())
            && !self.expired_events.contains(r.id())
            && now < retention_end(r)
    }

    /// Where [`ConsentLog::prune`] with `up_to` and `now` would stop, and
    /// why; nothing is changed.
    ///
    /// The rule: the pruned prefix grows to the largest size `p ≤ up_to`
    /// such that none of the records before `p` is a consent in force at
    /// `now` or a device record (`handover`, `restored`), and no record at
    /// or after `p` refers to one before it (a withdrawal or expiry is
    /// pruned only together with the consent it ends). It never shrinks.
    #[must_use]
    pub fn prune_point(&self, up_to: u64, now: i64) -> Pruned {
        let from = self.pruned();
        let limit = up_to.min(self.size()).max(from);
        let mut cap = limit;
        let mut stop = PruneStop::UpTo;
        for (i, r) in self.records.iter().enumerate() {
            let index = from + i as u64;
            if index >= limit {
                break;
            }
            if matches!(r.event, Event::Handover | Event::Restored) {
                (cap, stop) = (index, PruneStop::DeviceRecord);
                break;
            }
            if self.in_force(r, now) {
                (cap, stop) = (index, PruneStop::InForce);
                break;
            }
        }
        // A cut q (prune [0, q)) is allowed when every record at or after
        // q that refers to another refers to one at or after q: going down
        // from the end, `lowest` is the lowest index referred to from q on.
        let (mut q, mut lowest) = (self.size(), u64::MAX);
        let to = loop {
            if q <= cap && lowest >= q {
                break q;
            }
            if q <= from {
                break from;
            }
            q -= 1;
            if let Some(i) = self
                .held(q)
                .and_then(|r| r.refers_to.as_deref())
                .and_then(|t| self.by_id.get(t))
            {
                lowest = lowest.min(*i);
            }
        };
        if to < cap {
            stop = PruneStop::Referenced;
        }
        Pruned { from, to, stop }
    }

    /// Prunes record bodies under the rule of [`ConsentLog::prune_point`]:
    /// drops records `pruned … p − 1` from memory, keeping the log's size,
    /// root and the frontier of the first `p` records, so that it still
    /// appends, signs checkpoints, and proves inclusion of every record it
    /// holds and consistency from every size `≥ p`. Save the log next
    /// (the next save writes the prune; until then storage holds the
    /// records).
    ///
    /// A pruned record's id is forgotten: [`ConsentLog::get`],
    /// [`ConsentLog::receipt`] and withdrawing it are
    /// [`Error::RecordNotFound`], and [`ConsentLog::history`] and
    /// [`ConsentLog::status`] list only the records held. Receipts issued
    /// before stay verifiable on their own (they carry their proof and
    /// checkpoint).
    pub fn prune(&mut self, up_to: u64, now: i64) -> Pruned {
        let plan = self.prune_point(up_to, now);
        self.prune_to(plan.to);
        plan
    }

    /// Prunes the first `to` records (a point [`ConsentLog::prune_point`]
    /// chose; a no-op unless it is beyond [`ConsentLog::pruned`]).
    pub(crate) fn prune_to(&mut self, to: u64) {
        let from = self.pruned();
        if to <= from || to > self.size() {
            return;
        }
        let drop = usize::try_from(to - from).unwrap_or(usize::MAX);
        for r in self.records.iter().take(drop) {
            self.by_id.remove(r.id());
            self.withdrawn.remove(r.id());
            self.expired_events.remove(r.id());
        }
        self.records = self.records.split_off(drop.min(self.records.len()));
        self.tree.prune(to);
    }

    /// The index of the record with id `record_id`.
    ///
    /// # Errors
    /// [`Error::RecordNotFound`] if it is not in the log.
    pub fn index_of(&self, record_id: &str) -> Result<u64> {
        self.by_id
            .get(record_id)
            .copied()
            .ok_or_else(|| Error::RecordNotFound {
                id: record_id.to_owned(),
            })
    }

    /// The records held (all but the pruned ones), in log order; the first
    /// is at index [`ConsentLog::pruned`].
    pub fn records(&self) -> impl ExactSizeIterator<Item = &ConsentRecord> {
        self.records.iter()
    }

    /// A receipt for record `index` (see [`receipt`]): its canonical bytes,
    /// its index, its inclusion proof in the current tree and a checkpoint
    /// of the current tree signed now.
    ///
    /// # Errors
    /// [`Error::RecordNotFound`] if `index ≥ size`.
    pub fn receipt(&self, index: u64) -> Result<Vec<u8>> {
        let record = self.get(index)?;
        let bytes = record.canonical_bytes()?;
        let proof = self.inclusion_proof(index, self.size())?;
        let note = self.checkpoint()?;
        receipt::encode_with(self.suite(), &bytes, index, &proof, &note)
    }

    /// Which consents are active, withdrawn, expired (at `now`, seconds
    /// since the epoch) or refused. A `given` or `disclosed` record expires
    /// when `now ≥ time + 86400 × (longest retentionDays of its fields)`.
    #[must_use]
    pub fn status(&self, now: i64) -> Status {
        let mut s = Status::default();
        for r in &self.records {
            let id = r.id().to_owned();
            match r.event {
                Event::Refused => s.refused.push(id),
                Event::Given | Event::Disclosed => {
                    let ends = retention_end(r);
                    if self.withdrawn.contains(&id) {
                        s.withdrawn.push(id);
                    } else if self.expired_events.contains(&id) || now >= ends {
                        s.expired.push(id);
                    } else {
                        s.active.push(id);
                    }
                }
                Event::Requested
                | Event::Withdrawn
                | Event::Expired
                | Event::Handover
                | Event::Restored => {}
            }
        }
        s
    }

    /// The citizen's view: every record held with one readable line, times in
    /// Asia/Shanghai (UTC+8), e.g. `2026-11-22 14:03 向 某某酒店 提供了
    /// 姓名、公民身份号码（脱敏）用于 住宿登记，保存 30 天`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `locale` is neither Chinese nor English.
    pub fn history(&self, locale: &str) -> Result<Vec<HistoryEntry>> {
        let locale = Locale::parse(locale)?;
        let from = self.pruned();
        Ok(self
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| HistoryEntry {
                index: from + i as u64,
                record: r.clone(),
                line: history_line(r, locale),
            })
            .collect())
    }
}

/// When a record's longest declared retention ends.
fn retention_end(r: &ConsentRecord) -> i64 {
    r.time
        .saturating_add(i64::from(r.max_retention_days()).saturating_mul(DAY))
}

/// `YYYY-MM-DD hh:mm` in Asia/Shanghai.
#[must_use]
pub fn shanghai_time(secs: i64) -> String {
    let local = secs.saturating_add(SHANGHAI_OFFSET);
    let Some(d) = Date::from_unix(local) else {
        return secs.to_string();
    };
    let in_day = local.rem_euclid(DAY);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.year(),
        d.month(),
        d.day(),
        in_day / 3_600,
        (in_day % 3_600) / 60
    )
}

/// Display names of the licence fields mpshield knows (zh, en).
fn field_label(field: &str) -> (&str, &str) {
    match field {
        "name" => ("姓名", "name"),
        "sex" => ("性别", "sex"),
        "ethnicity" => ("民族", "ethnicity"),
        "birth_date" => ("出生日期", "date of birth"),
        "address" => ("住址", "address"),
        "id_number" => ("公民身份号码", "ID number"),
        "issuing_authority" => ("签发机关", "issuing authority"),
        "valid_from" => ("有效期起始日期", "valid from"),
        "valid_until" => ("有效期截止日期", "valid until"),
        "photo" => ("相片", "photo"),
        "age_equal_or_over" => ("年龄", "age"),
        "household_province" => ("户籍省份", "household province"),
        "id_number_masked" => ("公民身份号码", "ID number"),
        "name_masked" => ("姓名", "name"),
        "licence_number" => ("证号", "licence number"),
        "nationality" => ("国籍", "nationality"),
        "first_issue_date" => ("初次领证日期", "first issue date"),
        "vehicle_classes" => ("准驾车型", "vehicle classes"),
        "file_number" => ("档案编号", "file number"),
        other => (other, other),
    }
}

fn fields_text(r: &ConsentRecord, locale: Locale) -> String {
    let parts: Vec<String> = r
        .fields
        .iter()
        .map(|f| {
            let (zh, en) = field_label(&f.field);
            match (locale, f.form) {
                (Locale::ZhCn, Form::Full) => zh.to_owned(),
                (Locale::ZhCn, Form::Masked) => format!("{zh}（脱敏）"),
                (Locale::ZhCn, Form::Predicate) => format!("{zh}（仅验证）"),
                (Locale::En, Form::Full) => en.to_owned(),
                (Locale::En, Form::Masked) => format!("{en} (masked)"),
                (Locale::En, Form::Predicate) => format!("{en} (check only)"),
            }
        })
        .collect();
    match locale {
        Locale::ZhCn => parts.join("、"),
        Locale::En => parts.join(", "),
    }
}

fn history_line(r: &ConsentRecord, locale: Locale) -> String {
    let t = shanghai_time(r.time);
    let who = &r.controller.name;
    let mut fields = fields_text(r, locale);
    // Chinese needs no space after a full-width bracket.
    if locale == Locale::ZhCn && !fields.ends_with('）') {
        fields.push(' ');
    }
    let days = r.max_retention_days();
    let reference = r.refers_to.as_deref().unwrap_or("");
    match locale {
        Locale::ZhCn => {
            let purposes = r.purposes.join("、");
            let keep = if days == 0 {
                "不保存".to_owned()
            } else {
                format!("保存 {days} 天")
            };
            match r.event {
                Event::Requested => format!("{t} {who} 请求 {fields}用于 {purposes}"),
                Event::Given => format!("{t} 同意向 {who} 提供 {fields}用于 {purposes}，{keep}"),
                Event::Disclosed => {
                    format!("{t} 向 {who} 提供了 {fields}用于 {purposes}，{keep}")
                }
                Event::Refused => format!("{t} 拒绝向 {who} 提供 {fields}用于 {purposes}"),
                Event::Withdrawn => {
                    format!("{t} 撤回了对 {who} 的同意（{purposes}，记录 {reference}）")
                }
                Event::Expired => {
                    format!("{t} 对 {who} 的同意已到期（{purposes}，记录 {reference}）")
                }
                Event::Handover => format!("{t} 同意记录已移交给新设备"),
                Event::Restored => {
                    let (from, lost) = sizes(r);
                    format!("{t} 在新设备上恢复了 {from} 条同意记录；之后的 {lost} 条未能恢复")
                }
            }
        }
        Locale::En => {
            let purposes = r.purposes.join(", ");
            let keep = match days {
                0 => "not kept".to_owned(),
                1 => "kept 1 day".to_owned(),
                n => format!("kept {n} days"),
            };
            match r.event {
                Event::Requested => format!("{t} {who} asked for {fields} for {purposes}"),
                Event::Given => {
                    format!("{t} Agreed to give {fields} to {who} for {purposes}, {keep}")
                }
                Event::Disclosed => format!("{t} Gave {fields} to {who} for {purposes}, {keep}"),
                Event::Refused => {
                    format!("{t} Refused to give {fields} to {who} for {purposes}")
                }
                Event::Withdrawn => {
                    format!("{t} Withdrew consent given to {who} ({purposes}, record {reference})")
                }
                Event::Expired => {
                    format!("{t} Consent given to {who} expired ({purposes}, record {reference})")
                }
                Event::Handover => format!("{t} Consent log handed over to a new device"),
                Event::Restored => {
                    let (from, lost) = sizes(r);
                    format!("{t} Restored {from} consent records on a new device; {lost} later ones could not be restored")
                }
            }
        }
    }
}

/// A `restored` record's restored and lost record counts.
fn sizes(r: &ConsentRecord) -> (u64, u64) {
    r.device.as_ref().map_or((0, 0), |d| {
        (
            d.from_size,
            d.lost_size.unwrap_or(0).saturating_sub(d.from_size),
        )
    })
}
