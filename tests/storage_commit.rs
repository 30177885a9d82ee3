//! Storage format 2 (`src/consent/commit.rs`): crash safety at every write,
//! late writes, rollback detection with a trusted checkpoint, reopening a
//! new wallet, and what a save costs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::BTreeMap;

use common::faulty::{Faulty, Mode, MODES};
use common::flow::{hotel_choices, hotel_request, world, World};
use common::NOW;
use mpshield::consent::StorageKey;
use mpshield::error::Result;
use mpshield::flow::wallet::{OpenOptions, SeparateConsent, Wallet};
use mpshield::flow::{MemoryStorage, Storage};

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

fn trusted(w: &World) -> Vec<mpshield::credential::keys::VerifyingKey> {
    vec![mpshield::credential::keys::VerifyingKey::from_jwk(&w.hotel.public_jwk()).unwrap()]
}

/// A world whose wallet has `n` records (refusals and hotel disclosures).
fn world_with(n: usize) -> World {
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    for i in 0..n {
        if i % 2 == 0 {
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
    w
}

fn open(storage: &mut dyn Storage, key: &StorageKey) -> Result<Wallet> {
    Wallet::open(storage, key, Vec::new(), false)
}

/// Failure injected at every single set/remove of a save, in every mode,
/// for a fresh log and a 1,000-record one. After reopening, the log is the
/// state before the save or after it, never anything else, and never
/// lacks the record of an envelope that was released. A late write lands
/// after a second save has succeeded (and was released): it must not
/// displace that save.
fn crash_safety(records: usize) {
    seed();
    let w = world_with(records);
    let req = hotel_request(&w.hotel, NOW);
    let before_size = w.wallet.log().size();
    let before_root = w.wallet.log().root();
    let mut covered = 0;
    for at in 0.. {
        let mut ran_out = true;
        for mode in MODES {
            let mut s = Faulty::new(copy(&w.storage));
            let mut wallet = Wallet::open(&mut s, &w.key, trusted(&w), false).unwrap();
            s.ops = 0;
            s.at = Some(at);
            s.mode = mode;
            let first = wallet.respond(
                &mut s,
                &w.key,
                &req,
                &hotel_choices(),
                &SeparateConsent::All,
                NOW,
            );
            if s.ops > at {
                ran_out = false;
            }
            // Reopened right after the faulty save: before or after it,
            // and after it if its envelope was released.
            let now = open(&mut copy(&s.inner), &w.key)
                .unwrap_or_else(|e| panic!("at {at} {mode:?}: reopen failed: {e}"));
            let n = now.log().size();
            assert!(
                n == before_size || n == before_size + 1,
                "at {at} {mode:?}: {n} records"
            );
            assert_eq!(now.log().tree().root_at(before_size).unwrap(), before_root);
            if let Ok(r) = &first {
                assert_eq!(
                    n,
                    before_size + 1,
                    "at {at} {mode:?}: a released record is missing"
                );
                assert_eq!(now.log().get(before_size).unwrap().id(), r.record_id);
            }
            // A second save, with storage working again: its envelope is
            // released; then the late write of the first lands.
            s.at = None;
            let second = wallet
                .respond(
                    &mut s,
                    &w.key,
                    &req,
                    &hotel_choices(),
                    &SeparateConsent::All,
                    NOW,
                )
                .unwrap();
            s.land();
            let back = open(&mut s.inner, &w.key)
                .unwrap_or_else(|e| panic!("at {at} {mode:?}: reopen failed: {e}"));
            let log = back.log();
            assert_eq!(
                log.tree().root_at(before_size).unwrap(),
                before_root,
                "at {at} {mode:?}: the earlier records changed"
            );
            let ids: Vec<&str> = log.records().map(|r| r.id()).collect();
            assert!(
                ids.contains(&second.record_id.as_str()),
                "at {at} {mode:?}: the released second record is missing"
            );
            if let Ok(r) = &first {
                assert!(
                    ids.contains(&r.record_id.as_str()),
                    "at {at} {mode:?}: a released record is missing"
                );
            }
            // Exactly the state after the second save: the memory of the
            // wallet that made it.
            assert_eq!(
                log.root(),
                wallet.log().root(),
                "at {at} {mode:?}: not the newest state"
            );
            // And a third save from the reopened wallet works.
            let mut back = back;
            back.refuse(&mut s.inner, &w.key, &req, NOW).unwrap();
        }
        covered = at;
        if ran_out {
            break;
        }
    }
    assert!(covered >= 3, "a save made {covered} storage operations");
}

#[test]
fn crash_safety_fresh_log() {
    crash_safety(0);
}

#[test]
fn crash_safety_1000_records() {
    crash_safety(1000);
}

/// The late write alone: a save times out at its commit, nothing else is
/// saved, and the commit lands later. The abandoned marker makes reopening
/// roll the save back; without the marker (storage failing throughout),
/// the late commit surfaces, adding only its unreleased record.
#[test]
fn a_late_commit_alone_is_rolled_back() {
    seed();
    let w = world_with(2);
    let req = hotel_request(&w.hotel, NOW);
    let size = w.wallet.log().size();
    let root = w.wallet.log().root();
    for marker_lands in [true, false] {
        let mut s = Faulty::new(copy(&w.storage));
        let mut wallet = open(&mut s, &w.key).unwrap();
        s.faults.push(("/commit/", Mode::Late));
        if !marker_lands {
            s.faults.push(("/abandoned/", Mode::Throws));
        }
        let r = wallet.refuse(&mut s, &w.key, &req, NOW);
        assert_eq!(r.err().map(|e| e.code()), Some("CONSENT_NOT_PERSISTED"));
        assert_eq!(wallet.log().size(), size, "the record stayed in memory");
        s.land();
        let back = open(&mut s.inner, &w.key).unwrap();
        if marker_lands {
            assert_eq!(back.log().root(), root);
        } else {
            assert_eq!(back.log().size(), size + 1);
            assert_eq!(back.log().tree().root_at(size).unwrap(), root);
        }
    }
}

/// Every earlier snapshot of a wallet's storage, restored, is refused
/// given the latest checkpoint, which is held outside that storage.
#[test]
fn every_earlier_snapshot_is_a_rollback() {
    seed();
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    let mut snapshots: Vec<(u64, MemoryStorage)> = vec![(0, copy(&w.storage))];
    let first = w
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
    snapshots.push((w.wallet.log().size(), copy(&w.storage)));
    w.wallet.refuse(&mut w.storage, &w.key, &req, NOW).unwrap();
    snapshots.push((w.wallet.log().size(), copy(&w.storage)));
    w.wallet
        .withdraw(&mut w.storage, &w.key, &first.record_id, NOW + 60)
        .unwrap();
    let checkpoint = w.wallet.log().checkpoint().unwrap();
    let options = OpenOptions {
        trusted_checkpoint: Some(checkpoint.clone()),
        ..OpenOptions::default()
    };
    for (size, snap) in &snapshots {
        let mut s = copy(snap);
        let r = Wallet::open_with(&mut s, &w.key, &options);
        assert_eq!(
            r.err().map(|e| e.code()),
            Some("ROLLBACK_DETECTED"),
            "a snapshot with {size} records"
        );
    }
    // Restoring the snapshot before the withdrawal would bring the consent
    // back as active: it is one of the refused ones above. The current
    // storage opens, and so does an empty one without a checkpoint.
    let back = Wallet::open_with(&mut w.storage, &w.key, &options).unwrap();
    assert!(back.log().status(NOW + 120).active.is_empty());
    let r = Wallet::open_with(&mut MemoryStorage::new(), &w.key, &options);
    assert_eq!(r.err().map(|e| e.code()), Some("ROLLBACK_DETECTED"));
    // A checkpoint of another log is no proof of anything.
    let other = world_with(1);
    let foreign = OpenOptions {
        trusted_checkpoint: Some(other.wallet.log().checkpoint().unwrap()),
        ..OpenOptions::default()
    };
    let r = Wallet::open_with(&mut w.storage, &w.key, &foreign);
    assert_eq!(r.err().map(|e| e.code()), Some("INVALID_CHECKPOINT"));
}

/// A new wallet is committed at once: it reopens before its first consent
/// (it used to be STORAGE_CORRUPT "no saved consent log").
#[test]
fn a_new_wallet_reopens_before_its_first_consent() {
    seed();
    let w = world();
    assert_eq!(w.wallet.log().size(), 0);
    let mut s = copy(&w.storage);
    let back = open(&mut s, &w.key).unwrap();
    assert_eq!(back.credentials().len(), 2);
    assert_eq!(back.holder_public_jwk(), w.wallet.holder_public_jwk());
    // And straight after Wallet::open, before anything was added.
    let mut s = MemoryStorage::new();
    let a = open(&mut s, &w.key).unwrap();
    let b = open(&mut s, &w.key).unwrap();
    assert_eq!(a.holder_public_jwk(), b.holder_public_jwk());
}

/// Tampering: a flipped bit in any stored value is refused, except in the
/// head slots, which are only hints (the probe finds the commit anyway).
#[test]
fn tampering_is_detected() {
    seed();
    let mut w = world_with(3);
    let size = w.wallet.log().size();
    let keys: Vec<String> = w.storage.entries().keys().cloned().collect();
    for k in keys {
        let mut s = copy(&w.storage);
        let v = s.entries_mut().get_mut(&k).unwrap();
        let n = v.len();
        v[n / 2] ^= 1;
        let r = open(&mut s, &w.key);
        if k.contains("/head/") {
            assert_eq!(r.unwrap().log().size(), size, "{k}");
        } else {
            let code = r.err().map(|e| e.code());
            assert!(
                matches!(code, Some("STORAGE_CORRUPT" | "DECRYPT_FAILED")),
                "{k}: {code:?}"
            );
        }
    }
    let other = StorageKey::from_bytes([8; 32]);
    let r = open(&mut w.storage, &other);
    assert_eq!(r.err().map(|e| e.code()), Some("DECRYPT_FAILED"));
    // Nothing superseded is left behind: two head slots, one commit, the
    // state and the log's segments.
    let commits = w
        .storage
        .entries()
        .keys()
        .filter(|k| k.contains("/commit/"))
        .count();
    assert_eq!(
        commits,
        1,
        "{:?}",
        w.storage.entries().keys().collect::<Vec<_>>()
    );
    let r = w
        .wallet
        .refuse(&mut w.storage, &w.key, &hotel_request(&w.hotel, NOW), NOW);
    assert!(r.is_ok());
}

/// What a save writes does not grow with the log: at 1,000 records a save
/// writes about what it writes at 10 (new records go to a new segment;
/// segments merge like a binary counter up to 64 KiB).
#[test]
fn a_save_writes_what_is_new() {
    seed();
    struct Counting {
        inner: MemoryStorage,
        written: usize,
    }
    impl Storage for Counting {
        fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>> {
            self.inner.get(key)
        }
        fn set(&mut self, key: &str, value: &[u8]) -> Result<()> {
            self.written += value.len();
            self.inner.set(key, value)
        }
        fn remove(&mut self, key: &str) -> Result<()> {
            self.inner.remove(key)
        }
    }
    let mut w = world_with(1000);
    let req = hotel_request(&w.hotel, NOW);
    let mut s = Counting {
        inner: copy(&w.storage),
        written: 0,
    };
    let mut wallet = open(&mut s, &w.key).unwrap();
    let mut per_save = BTreeMap::new();
    for i in 0..64 {
        s.written = 0;
        wallet.refuse(&mut s, &w.key, &req, NOW).unwrap();
        per_save.insert(i, s.written);
    }
    let total: usize = per_save.values().sum();
    let stored: usize = s.inner.entries().values().map(Vec::len).sum();
    // 64 saves, each a record of about 700 bytes plus the commit: merges
    // rewrite at most log2(64) times each record's compressed bytes.
    assert!(total < 64 * 8 * 1024, "64 saves wrote {total} bytes");
    assert!(stored < 1064 * 700, "storage holds {stored} bytes");
    let _ = &mut w.wallet;
}

/// The very first save of a new wallet fails (and its commit lands late):
/// storage then holds only an interrupted save, which is not a wallet, so
/// the next open creates one above it, and it saves and reopens.
#[test]
fn an_interrupted_first_save_is_not_a_wallet() {
    seed();
    let key = StorageKey::from_bytes([9; 32]);
    for late_commit in [false, true] {
        let mut s = Faulty::new(MemoryStorage::new());
        s.faults.push((
            "/commit/",
            if late_commit {
                Mode::Late
            } else {
                Mode::Throws
            },
        ));
        let r = open(&mut s, &key);
        assert_eq!(r.err().map(|e| e.code()), Some("CONSENT_NOT_PERSISTED"));
        s.land();
        let w = open(&mut s, &key).unwrap();
        let jwk = w.holder_public_jwk();
        let again = open(&mut s.inner, &key).unwrap();
        assert_eq!(again.holder_public_jwk(), jwk, "late commit {late_commit}");
        // The interrupted save's keys are gone once the new wallet commits.
        assert!(
            s.inner.entries().keys().all(|k| !k.contains("/abandoned/")),
            "{:?}",
            s.inner.entries().keys().collect::<Vec<_>>()
        );
    }
}

/// Two wallets on one storage: the second one's save finds its commit key
/// taken and fails, and must not mark the first one's commit abandoned —
/// the first wallet's released record stays in storage.
#[test]
fn a_second_writer_never_hides_the_first_ones_commit() {
    seed();
    let mut w = world();
    let verifiers = trusted(&w);
    let mut second = Wallet::open(&mut w.storage, &w.key, verifiers, false).unwrap();
    let req = hotel_request(&w.hotel, NOW);
    let sent = w
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
    let r = second.refuse(&mut w.storage, &w.key, &req, NOW);
    assert_eq!(r.err().map(|e| e.code()), Some("CONSENT_NOT_PERSISTED"));
    let back = open(&mut w.storage, &w.key).unwrap();
    assert_eq!(back.log().size(), w.wallet.log().size());
    assert!(back.log().index_of(&sent.record_id).is_ok());
}

/// A day, for retention.
const DAY: i64 = 86_400;

/// Pruning is a save like any other: failure injected at every set and
/// remove of a prune, in every mode. After reopening, the log has the same
/// size and root (nothing is lost that the tree commits to) and is pruned
/// either as before or as after — after if the prune reported success,
/// never half (segments of one state with the prefix of the other would
/// not rebuild the root, and are refused). A failed prune leaves the
/// wallet's memory unpruned; a later save from it wins over a late write of
/// the failed prune, and the reopened log then equals that memory.
#[test]
fn crash_safety_of_a_prune() {
    // The whole log (every segment dropped), and part of it (the segment
    // that straddles the prune point is written again).
    crash_safety_prune(None);
    crash_safety_prune(Some(151));
}

fn crash_safety_prune(up_to: Option<u64>) {
    seed();
    let w = world_with(300);
    let req = hotel_request(&w.hotel, NOW);
    let size = w.wallet.log().size();
    let root = w.wallet.log().root();
    let later = NOW + 31 * DAY;
    let target = up_to.unwrap_or(size);
    let mut covered = 0;
    for at in 0.. {
        let mut ran_out = true;
        for mode in MODES {
            let mut s = Faulty::new(copy(&w.storage));
            let mut wallet = Wallet::open(&mut s, &w.key, trusted(&w), false).unwrap();
            assert_eq!(wallet.log().pruned(), 0);
            s.ops = 0;
            s.at = Some(at);
            s.mode = mode;
            let r = wallet.prune(&mut s, &w.key, up_to, later);
            if s.ops > at {
                ran_out = false;
            }
            match &r {
                Ok(p) => {
                    assert_eq!(p.to, target, "at {at} {mode:?}");
                    assert_eq!(wallet.log().pruned(), target);
                }
                Err(e) => {
                    assert_eq!(e.code(), "CONSENT_NOT_PERSISTED", "at {at} {mode:?}");
                    assert_eq!(
                        wallet.log().pruned(),
                        0,
                        "at {at} {mode:?}: memory half pruned"
                    );
                    assert_eq!(wallet.log().records().len() as u64, size);
                }
            }
            // Only the records after the prune point are stored; a partial
            // prune writes the straddling segment again.
            if r.is_ok() {
                let back = open(&mut copy(&s.inner), &w.key).unwrap();
                assert_eq!(back.log().records().len() as u64, size - target);
                let new_segments = s
                    .inner
                    .entries()
                    .keys()
                    .filter(|k| k.contains("/seg/") && !w.storage.entries().contains_key(*k))
                    .count();
                assert_eq!(
                    new_segments,
                    usize::from(up_to.is_some()),
                    "at {at} {mode:?}"
                );
            }
            let now = open(&mut copy(&s.inner), &w.key)
                .unwrap_or_else(|e| panic!("at {at} {mode:?}: reopen failed: {e}"));
            assert_eq!(now.log().size(), size, "at {at} {mode:?}");
            assert_eq!(now.log().root(), root, "at {at} {mode:?}");
            let pruned = now.log().pruned();
            assert!(
                pruned == 0 || pruned == target,
                "at {at} {mode:?}: {pruned}"
            );
            if r.is_ok() {
                assert_eq!(
                    pruned, target,
                    "at {at} {mode:?}: a reported prune is missing"
                );
            }
            // Storage works again: a later save from memory, then the late
            // write of the prune lands. The newest save wins.
            s.at = None;
            wallet.refuse(&mut s, &w.key, &req, NOW).unwrap();
            s.land();
            let back = open(&mut s.inner, &w.key)
                .unwrap_or_else(|e| panic!("at {at} {mode:?}: reopen failed: {e}"));
            assert_eq!(back.log().root(), wallet.log().root(), "at {at} {mode:?}");
            assert_eq!(
                back.log().pruned(),
                wallet.log().pruned(),
                "at {at} {mode:?}"
            );
            assert_eq!(
                back.log().tree().root_at(size).unwrap(),
                root,
                "at {at} {mode:?}: the earlier tree changed"
            );
        }
        covered = at;
        if ran_out {
            break;
        }
    }
    assert!(covered >= 3, "a prune made {covered} storage operations");
}
