//! Pruning record bodies under a kept Merkle frontier (`ConsentLog::prune`,
//! `Wallet::prune`): the rule that decides what may go, which proofs
//! survive, reopening, export and import, rollback checks, and what it
//! frees. Crash safety at every write is in `tests/storage_commit.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::flow::{hotel_choices, hotel_request, world, World};
use common::NOW;
use mpshield::consent::handover::RecoveryCode;
use mpshield::consent::{checkpoint, merkle, verify_receipt, PruneStop};
use mpshield::error::{Error, Result};
use mpshield::flow::wallet::{OpenOptions, SeparateConsent, Wallet};
use mpshield::flow::{MemoryStorage, Storage};

const DAY: i64 = 86_400;

fn seed() {
    mpshield::rng::add_entropy(&(0u8..32).collect::<Vec<_>>()).unwrap();
}

fn copy(s: &MemoryStorage) -> MemoryStorage {
    let mut out = MemoryStorage::new();
    for (k, v) in s.entries() {
        out.set(k, v).unwrap();
    }
    out
}

fn stored_bytes(s: &MemoryStorage) -> usize {
    s.entries().iter().map(|(k, v)| k.len() + v.len()).sum()
}

fn open(
    storage: &mut dyn Storage,
    key: &mpshield::consent::StorageKey,
    checkpoint: Option<String>,
) -> Result<Wallet> {
    Wallet::open_with(
        storage,
        key,
        &OpenOptions {
            trusted: Vec::new(),
            allow_unverified: false,
            trusted_checkpoint: checkpoint,
            suite: None,
        },
    )
}

/// Grows the wallet's log: `n` pairs of a refusal and a hotel disclosure
/// (30 days' retention), all at `NOW`; returns the disclosures' receipts.
fn grow(w: &mut World, n: usize) -> Vec<(String, Vec<u8>)> {
    let req = hotel_request(&w.hotel, NOW);
    let mut out = Vec::new();
    for _ in 0..n {
        w.wallet.refuse(&mut w.storage, &w.key, &req, NOW).unwrap();
        let r = w
            .wallet
            .respond(
                &mut w.storage,
                &w.key,
                &req,
                &hotel_choices(),
                &SeparateConsent::All,
                NOW,
            )
            .unwrap();
        out.push((r.record_id, r.receipt));
    }
    out
}

/// The main promise: after a prune the log keeps its size and root, reopens,
/// appends, signs checkpoints and answers history; every receipt issued
/// before still verifies with what the relying party holds; a relying
/// party's checkpoint at or above the prune point gets a consistency proof
/// to the new checkpoint, one below it is refused (not answered wrongly);
/// new records have inclusion proofs. And storage shrinks.
#[test]
fn a_pruned_log_keeps_its_promises() {
    seed();
    let mut w = world();
    let receipts = grow(&mut w, 20);
    let pk = w.wallet.log().device_public_key();
    let origin = w.wallet.log().origin().to_owned();
    // A relying party holds an early checkpoint (from its receipt) and the
    // integrator's server the latest one.
    let early = verify_receipt(&receipts[0].1, &pk).unwrap().checkpoint;
    let latest_note = w.wallet.log().checkpoint().unwrap();
    let latest = checkpoint::verify(&latest_note, &pk, &origin).unwrap();
    let size = w.wallet.log().size();
    let root = w.wallet.log().root();
    let before = stored_bytes(&w.storage);

    // 31 days on, every disclosure's retention has ended.
    let p = w
        .wallet
        .prune(&mut w.storage, &w.key, Some(latest.size), NOW + 31 * DAY)
        .unwrap();
    assert_eq!((p.from, p.to, p.stop), (0, size, PruneStop::UpTo));
    assert_eq!(p.records(), size);
    let after = stored_bytes(&w.storage);
    assert!(
        after + 40 * 20 < before,
        "storage did not shrink: {before} → {after}"
    );

    let mut back = open(&mut w.storage, &w.key, Some(latest_note.clone())).unwrap();
    assert_eq!(back.log().size(), size);
    assert_eq!(back.log().root(), root);
    assert_eq!(back.log().pruned(), size);
    assert_eq!(back.log().records().len(), 0);
    assert!(back.history("zh-CN").unwrap().is_empty());
    let e = back.log().get(0).unwrap_err();
    assert_eq!(e.code(), "RECORD_NOT_FOUND");
    assert!(e.to_string().contains("pruned"), "{e}");
    // Receipts issued before verify on their own.
    for (_, r) in &receipts {
        verify_receipt(r, &pk).unwrap();
    }
    // Withdrawing a pruned consent: it is not in the log any more.
    let e = back
        .withdraw(&mut w.storage, &w.key, &receipts[0].0, NOW + 32 * DAY)
        .unwrap_err();
    assert_eq!(e.code(), "RECORD_NOT_FOUND");

    // It appends and signs; history shows the new records.
    let req = hotel_request(&w.hotel, NOW);
    back.refuse(&mut w.storage, &w.key, &req, NOW).unwrap();
    let now_note = back.log().checkpoint().unwrap();
    let now = checkpoint::verify(&now_note, &pk, &origin).unwrap();
    assert_eq!(now.size, size + 1);
    let h = back.history("en").unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].index, size);
    let leaf = back.log().tree().leaf(size).unwrap();
    let proof = back.log().inclusion_proof(size, now.size).unwrap();
    merkle::verify_inclusion(&leaf, size, now.size, &proof, &now.root).unwrap();
    let receipt = back.log().receipt(size).unwrap();
    verify_receipt(&receipt, &pk).unwrap();

    // Consistency from the server's checkpoint (= the prune point) to now.
    let proof = back.log().consistency_proof(latest.size, now.size).unwrap();
    merkle::verify_consistency(latest.size, now.size, &latest.root, &now.root, &proof).unwrap();
    // From the relying party's early checkpoint: refused, not faked.
    let e = back
        .log()
        .consistency_proof(early.size, now.size)
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_INPUT");
    assert!(e.to_string().contains("pruned"), "{e}");
    assert!(back.log().inclusion_proof(0, now.size).is_err());
    assert!(back.log().tree().root_at(early.size).is_err());

    // And it reopens once more, with the newest checkpoint.
    let again = open(&mut w.storage, &w.key, Some(now_note)).unwrap();
    assert_eq!(again.log().root(), back.log().root());
    assert_eq!(again.log().pruned(), size);
}

/// The rule never breaks a promise: a consent in force (not withdrawn,
/// retention not ended) is never pruned, nor anything after it; a
/// withdrawal is pruned only together with the consent it ends (so the log
/// never holds a withdrawal of a record it forgot, or loses the fact that a
/// held consent was withdrawn).
#[test]
fn consents_in_force_and_their_withdrawals_stay() {
    seed();
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    w.wallet.refuse(&mut w.storage, &w.key, &req, NOW).unwrap();
    let given = w
        .wallet
        .respond(
            &mut w.storage,
            &w.key,
            &req,
            &hotel_choices(),
            &SeparateConsent::All,
            NOW,
        )
        .unwrap();
    for _ in 0..3 {
        w.wallet.refuse(&mut w.storage, &w.key, &req, NOW).unwrap();
    }
    let at = w.wallet.log().index_of(&given.record_id).unwrap();
    assert_eq!(at, 1);
    // A day later the disclosure (30 days) is in force: the prune stops
    // right before it, whatever size is asked for.
    let p = w
        .wallet
        .prune(&mut w.storage, &w.key, None, NOW + DAY)
        .unwrap();
    assert_eq!((p.to, p.stop), (1, PruneStop::InForce));
    assert!(w.wallet.log().get(1).is_ok());
    assert_eq!(
        w.wallet.log().status(NOW + DAY).active,
        vec![given.record_id.clone()]
    );
    // Nothing more to prune: no save, nothing changes.
    let gen = w.wallet.generation();
    let p = w
        .wallet
        .prune(&mut w.storage, &w.key, None, NOW + DAY)
        .unwrap();
    assert_eq!((p.records(), p.stop), (0, PruneStop::InForce));
    assert_eq!(w.wallet.generation(), gen);

    // Withdrawn, the consent may go — but only with its withdrawal: a prune
    // up to a size between the two stops before the consent.
    w.wallet
        .withdraw(&mut w.storage, &w.key, &given.record_id, NOW + 2 * DAY)
        .unwrap();
    let size = w.wallet.log().size();
    let p = w
        .wallet
        .prune(&mut w.storage, &w.key, Some(size - 1), NOW + 2 * DAY)
        .unwrap();
    assert_eq!((p.to, p.stop), (1, PruneStop::Referenced));
    let back = open(&mut w.storage, &w.key, None).unwrap();
    assert_eq!(
        back.log().status(NOW + 2 * DAY).withdrawn,
        vec![given.record_id.clone()]
    );
    let p = w
        .wallet
        .prune(&mut w.storage, &w.key, None, NOW + 2 * DAY)
        .unwrap();
    assert_eq!((p.from, p.to, p.stop), (1, size, PruneStop::UpTo));
    let back = open(&mut w.storage, &w.key, None).unwrap();
    assert_eq!(back.log().pruned(), size);
}

/// Rollback detection keeps working at and above the prune point: an older
/// copy of storage is still ROLLBACK_DETECTED given the newest checkpoint.
/// A trusted checkpoint below the prune point cannot be checked any more:
/// it is refused explicitly (INVALID_CHECKPOINT, saying why), never
/// accepted — it could be a fork's.
#[test]
fn trusted_checkpoints_below_the_prune_point_are_refused() {
    seed();
    let mut w = world();
    grow(&mut w, 4);
    let old_note = w.wallet.log().checkpoint().unwrap();
    let old_copy = copy(&w.storage);
    grow(&mut w, 2);
    let server = w.wallet.log().size();
    let server_note = w.wallet.log().checkpoint().unwrap();
    w.wallet
        .prune(&mut w.storage, &w.key, Some(server), NOW + 31 * DAY)
        .unwrap();
    grow(&mut w, 1);
    let newest = w.wallet.log().checkpoint().unwrap();
    for note in [&server_note, &newest] {
        open(&mut copy(&w.storage), &w.key, Some(note.clone())).unwrap();
    }
    let e = open(&mut copy(&w.storage), &w.key, Some(old_note.clone())).unwrap_err();
    assert_eq!(e.code(), "INVALID_CHECKPOINT");
    assert!(e.to_string().contains("pruned prefix"), "{e}");
    // The copy from before the prune is older than the newest checkpoint.
    let e = open(&mut copy(&old_copy), &w.key, Some(newest)).unwrap_err();
    assert_eq!(e.code(), "ROLLBACK_DETECTED");
}

/// Export and import of a pruned log: the export carries the frontier, the
/// new phone rebuilds the same size and root from it, the handover chain
/// check passes, and the moved log goes on; a trusted checkpoint below the
/// prune point is refused on import as on open. The handover record itself
/// is never pruned (the chain check and continuity proofs need it).
#[test]
fn export_and_import_after_a_prune() {
    seed();
    let mut w = world();
    grow(&mut w, 2);
    let early = w.wallet.log().checkpoint().unwrap();
    grow(&mut w, 3);
    w.wallet
        .prune(&mut w.storage, &w.key, None, NOW + 31 * DAY)
        .unwrap();
    let pruned = w.wallet.log().pruned();
    assert_eq!(pruned, 10);
    let exported = w
        .wallet
        .export(&mut w.storage, &w.key, NOW + 31 * DAY)
        .unwrap();
    let size = w.wallet.log().size();
    let root = w.wallet.log().root();
    let code = RecoveryCode::parse(&exported.code.to_text()).unwrap();
    let mut phone = MemoryStorage::new();
    let (mut moved, _) = Wallet::import_into(
        &mut phone,
        &w.key,
        &exported.bytes,
        &code,
        &OpenOptions::default(),
        NOW + 31 * DAY,
    )
    .unwrap();
    assert_eq!(moved.log().size(), size);
    assert_eq!(moved.log().root(), root);
    assert_eq!(moved.log().pruned(), pruned);
    assert_eq!(moved.log().records().len(), 1, "only the handover record");
    // It reopens (the chain is checked again) and goes on.
    let req = hotel_request(&w.hotel, NOW);
    moved.refuse(&mut phone, &w.key, &req, NOW).unwrap();
    let back = Wallet::open(&mut phone, &w.key, Vec::new(), false).unwrap();
    assert_eq!(back.log().root(), moved.log().root());
    // The handover record stays, whatever is asked.
    let p = moved
        .prune(&mut phone, &w.key, None, NOW + 62 * DAY)
        .unwrap();
    assert_eq!((p.to, p.stop), (pruned, PruneStop::DeviceRecord));
    // A continuity proof for a checkpoint at the prune point or above
    // verifies; the old phone's early checkpoint is below it.
    let handover = moved.continuity_proof(&back.log().checkpoint().unwrap());
    assert!(handover.is_ok());
    let e = moved.continuity_proof(&early).unwrap_err();
    assert_eq!(e.code(), "INVALID_CHECKPOINT");
    // Importing with a trusted checkpoint below the prune point.
    let e = Wallet::import(
        &exported.bytes,
        &code,
        &OpenOptions {
            trusted_checkpoint: Some(early),
            ..OpenOptions::default()
        },
        NOW,
    )
    .map(|_| ())
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_CHECKPOINT");
}

/// The standalone log prunes in memory and the next `save` writes it; the
/// saved log reopens pruned, and a save of the unpruned log before it is
/// what an older state looks like (it still opens, unpruned).
#[test]
fn a_standalone_log_prunes_and_saves() {
    use mpshield::consent::{commit, record, ConsentLog, DeviceKey, StorageKey};
    seed();
    let device = DeviceKey::from_bytes(&[1; 32]);
    let origin = "mpshield.example/device/prune";
    let mut log = ConsentLog::create(device.clone(), origin).unwrap();
    let uscc = common::flow::uscc(9);
    for i in 0..40 {
        let rec = record::from_json(&format!(
            r#"{{ "event": "disclosed", "time": {}, "controller": {{ "name": "某某酒店", "uscc": "{uscc}" }},
              "purposes": ["住宿登记"], "lawfulBasis": "legal_duty", "consentType": "explicit",
              "fields": [{{ "licence": "resident_id_card", "field": "name", "form": "full",
                            "sensitive": false, "retentionDays": {} }}] }}"#,
            NOW + i,
            if i == 30 { 365 } else { 7 }
        ))
        .unwrap();
        log.append(rec).unwrap();
    }
    let key = StorageKey::from_bytes([3; 32]);
    let mut storage = MemoryStorage::new();
    let mut committer = commit::Committer::new(commit::LOG_PREFIX);
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key).unwrap();
    let unpruned = copy(&storage);
    let p = log.prune(u64::MAX, NOW + 8 * DAY);
    assert_eq!((p.to, p.stop), (30, PruneStop::InForce));
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key).unwrap();
    let note = log.checkpoint().unwrap();
    let (back, _) =
        commit::open_log(&mut storage, &key, device.clone(), origin, Some(&note)).unwrap();
    assert_eq!(
        (back.size(), back.pruned(), back.root()),
        (40, 30, log.root())
    );
    assert_eq!(back.frontier(), log.frontier());
    assert_eq!(back.frontier().len(), 30u64.count_ones() as usize);
    let (old, _) = commit::open_log(&mut copy(&unpruned), &key, device, origin, None).unwrap();
    assert_eq!((old.pruned(), old.root()), (0, log.root()));
}

/// Storage full: the adapter's `set` fails, the save is
/// CONSENT_NOT_PERSISTED with the adapter's message and the way forward
/// (prune, export), nothing is disclosed; a prune then frees room and the
/// next response goes through.
#[test]
fn a_full_storage_says_prune_and_pruning_frees_it() {
    seed();
    struct Quota {
        inner: MemoryStorage,
        limit: usize,
    }
    impl Storage for Quota {
        fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>> {
            self.inner.get(key)
        }
        fn set(&mut self, key: &str, value: &[u8]) -> Result<()> {
            let old = self
                .inner
                .entries()
                .get(key)
                .map_or(0, |v| key.len() + v.len());
            if stored_bytes(&self.inner) - old + key.len() + value.len() > self.limit {
                return Err(Error::InvalidState {
                    reason: "setStorage:fail exceed storage max size".into(),
                });
            }
            self.inner.set(key, value)
        }
        fn remove(&mut self, key: &str) -> Result<()> {
            self.inner.remove(key)
        }
    }
    let mut w = world();
    grow(&mut w, 30);
    let mut s = Quota {
        limit: stored_bytes(&w.storage) + 200,
        inner: copy(&w.storage),
    };
    let mut wallet = Wallet::open(&mut s, &w.key, vec![], true).unwrap();
    let req = hotel_request(&w.hotel, NOW);
    let size = wallet.log().size();
    let e = wallet
        .respond(
            &mut s,
            &w.key,
            &req,
            &hotel_choices(),
            &SeparateConsent::All,
            NOW,
        )
        .unwrap_err();
    assert_eq!(e.code(), "CONSENT_NOT_PERSISTED");
    let m = e.to_string();
    assert!(m.contains("exceed storage max size"), "{m}");
    assert!(
        m.contains("wallet.prune()") && m.contains("wallet.exportLog()"),
        "{m}"
    );
    assert_eq!(wallet.log().size(), size, "the record was taken back");
    // A prune needs little room: it writes a commit, then removes segments.
    s.limit += 2_000;
    let p = wallet.prune(&mut s, &w.key, None, NOW + 31 * DAY).unwrap();
    assert_eq!(p.to, size);
    wallet
        .respond(
            &mut s,
            &w.key,
            &req,
            &hotel_choices(),
            &SeparateConsent::All,
            NOW,
        )
        .unwrap();
}

/// The figures of docs/FORMAT.md "Pruning": what storage holds at 10,000
/// records (9 in 10 hotel disclosures, 1 in 10 refusals, every one saved
/// as `respond` / `refuse` do), and after pruning them all 31 days on.
/// `cargo test --release --test prune -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement (about a minute in release)"]
fn what_pruning_frees_at_10000_records() {
    seed();
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    let empty = stored_bytes(&w.storage);
    for i in 0..10_000 {
        if i % 10 == 9 {
            w.wallet.refuse(&mut w.storage, &w.key, &req, NOW).unwrap();
        } else {
            w.wallet
                .respond(
                    &mut w.storage,
                    &w.key,
                    &req,
                    &hotel_choices(),
                    &SeparateConsent::All,
                    NOW,
                )
                .unwrap();
        }
    }
    let full = stored_bytes(&w.storage);
    let keys = w.storage.entries().len();
    let p = w
        .wallet
        .prune(&mut w.storage, &w.key, None, NOW + 31 * DAY)
        .unwrap();
    let pruned = stored_bytes(&w.storage);
    println!(
        "empty wallet {empty} B; 10,000 records {full} B in {keys} keys; pruned {} records: {pruned} B in {} keys; freed {} B",
        p.records(),
        w.storage.entries().len(),
        full - pruned
    );
    assert!(pruned < full / 4);
}

/// An export whose frontier was altered (resealed with its own recovery
/// code, as only its holder can) rebuilds another tree: the handover
/// checkpoint, signed by the old phone, no longer verifies against it, and
/// the import is STORAGE_CORRUPT — a forged pruned history is not imported.
#[test]
fn an_export_with_an_altered_frontier_is_refused() {
    use mpshield::consent::handover::Export;
    seed();
    let mut w = world();
    grow(&mut w, 3);
    w.wallet
        .prune(&mut w.storage, &w.key, None, NOW + 31 * DAY)
        .unwrap();
    let exported = w
        .wallet
        .export(&mut w.storage, &w.key, NOW + 31 * DAY)
        .unwrap();
    let code = RecoveryCode::parse(&exported.code.to_text()).unwrap();
    let mut e = Export::open(&exported.bytes, &code).unwrap();
    assert_eq!(e.pruned, 6);
    e.frontier[0][0] ^= 1;
    let forged = e.seal(&code).unwrap();
    let r = Wallet::import(&forged, &code, &OpenOptions::default(), NOW);
    assert_eq!(r.err().map(|e| e.code()), Some("STORAGE_CORRUPT"));
    // Dropping the frontier altogether: a malformed export.
    let mut e = Export::open(&exported.bytes, &code).unwrap();
    e.frontier.pop();
    let r = Wallet::import(&e.seal(&code).unwrap(), &code, &OpenOptions::default(), NOW);
    assert_eq!(r.err().map(|e| e.code()), Some("STORAGE_CORRUPT"));
}

/// The rule against a brute force: in a log where withdrawals refer back
/// to earlier consents at random distances (every retention ended), the
/// prune point for every `upTo` is the largest cut no later record's
/// reference crosses — never one that strands a withdrawal.
#[test]
fn the_prune_point_matches_a_brute_force() {
    use mpshield::consent::{record, ConsentLog, DeviceKey};
    seed();
    let uscc = common::flow::uscc(7);
    let mut log =
        ConsentLog::create(DeviceKey::from_bytes(&[2; 32]), "mpshield.example/d").unwrap();
    let mut open: Vec<String> = Vec::new();
    let mut links: Vec<(u64, u64)> = Vec::new();
    let mut x = 7u64;
    for t in 0..60i64 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if x >> 62 == 0 && !open.is_empty() {
            let target = open.remove((x >> 8) as usize % open.len());
            let i = log.index_of(&target).unwrap();
            let a = log.withdraw(&target, NOW + t).unwrap();
            links.push((i, a.index));
        } else {
            let rec = record::from_json(&format!(
                r#"{{ "event": "disclosed", "time": {}, "controller": {{ "name": "某某酒店", "uscc": "{uscc}" }},
                  "purposes": ["住宿登记"], "lawfulBasis": "legal_duty", "consentType": "explicit",
                  "fields": [{{ "licence": "resident_id_card", "field": "name", "form": "full",
                                "sensitive": false, "retentionDays": 1 }}] }}"#,
                NOW + t
            ))
            .unwrap();
            let a = log.append(rec).unwrap();
            open.push(log.get(a.index).unwrap().id().to_owned());
        }
    }
    assert!(links.len() > 5, "{} links", links.len());
    let later = NOW + 10 * DAY;
    for up_to in 0..=log.size() + 1 {
        let expected = (0..=up_to.min(log.size()))
            .rev()
            .find(|q| links.iter().all(|(i, j)| !(i < q && q <= j)))
            .unwrap();
        let p = log.prune_point(up_to, later);
        assert_eq!(p.to, expected, "upTo {up_to}");
        let crossed = expected < up_to.min(log.size());
        assert_eq!(p.stop == PruneStop::Referenced, crossed, "upTo {up_to}");
    }
    // Pruned at such a point, the log reopens consistently (links inside).
    let to = log.prune(log.size() / 2, later).to;
    assert_eq!(log.pruned(), to);
    assert!(log.records().all(|r| r
        .refers_to
        .as_deref()
        .is_none_or(|t| log.index_of(t).is_ok())));
}
