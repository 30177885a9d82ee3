//! A standalone consent log in storage format 2 (`commit::save_sync` /
//! `commit::open_log`, what `log.save` / `ConsentLog.load` do): 5,000
//! realistic synthetic records round-trip within WeChat's quotas (≤ 1 MB
//! per key, ≤ 10 MB in all); later saves write only what is new; every
//! altered value is a typed error; a rollback to an earlier save is caught
//! with a trusted checkpoint. Also Argon2id storage keys (small
//! parameters). Crash safety at every write is in `storage_commit.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod consent_common;

use consent_common::{device_key, device_key_of, hotel, in_suite, sensitive_given, ORIGIN, T0};
use mpshield::consent::commit::{self, Committer, LOG_PREFIX};
use mpshield::consent::record::{Event, Recipient};
use mpshield::consent::store::{self, KdfParams, StorageKey};
use mpshield::consent::ConsentLog;
use mpshield::flow::{MemoryStorage, Storage as _};
use mpshield::suite::Suite;
use mpshield::Error;
use rand_core::SeedableRng;

fn rng(n: u8) -> chacha20::ChaCha20Rng {
    chacha20::ChaCha20Rng::from_seed([n; 32])
}

fn key() -> StorageKey {
    StorageKey::from_bytes([0x42; 32])
}

fn seed() {
    mpshield::rng::add_entropy(&(0u8..32).collect::<Vec<_>>()).unwrap();
}

/// A realistic mix: hotel check-ins, separate consents to sensitive
/// fields with a third-party recipient, refusals, withdrawals.
fn realistic_log(n: u32) -> ConsentLog {
    realistic_log_of(Suite::Intl, n)
}

/// [`realistic_log`] in a log of `suite`.
fn realistic_log_of(suite: Suite, n: u32) -> ConsentLog {
    let hotel = |i| in_suite(suite, hotel(i));
    let sensitive_given = |i| in_suite(suite, sensitive_given(i));
    let mut log = ConsentLog::create(device_key_of(suite, 1), ORIGIN).unwrap();
    let mut r = rng(7);
    let mut i = 0;
    while log.size() < u64::from(n) {
        match i % 10 {
            0..=5 => {
                log.append(hotel(i)).unwrap();
            }
            6 | 7 => {
                let mut g = sensitive_given(i);
                g.purposes = vec!["实名核验".into(), "人脸比对".into()];
                g.recipients.push(Recipient {
                    name: "某某认证服务中心".into(),
                    uscc: Some(consent_common::uscc(i + 1)),
                    role: Some("handler".into()),
                });
                log.append(g).unwrap();
            }
            8 => {
                let mut f = hotel(i);
                f.event = Event::Refused;
                f.presentation = None;
                log.append(f).unwrap();
            }
            _ => {
                let target = format!("rec-{:06}", i - 3);
                log.withdraw_with_rng(&target, T0 + i64::from(i) * 60 + 30, &mut r)
                    .unwrap();
            }
        }
        i += 1;
    }
    log
}

fn bytes(storage: &MemoryStorage) -> usize {
    storage
        .entries()
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum()
}

fn load(storage: &MemoryStorage, trusted: Option<&str>) -> Result<ConsentLog, Error> {
    load_of(Suite::Intl, storage, trusted)
}

fn load_of(
    suite: Suite,
    storage: &MemoryStorage,
    trusted: Option<&str>,
) -> Result<ConsentLog, Error> {
    commit::open_log(
        &mut storage.clone(),
        &key(),
        device_key_of(suite, 1),
        ORIGIN,
        trusted,
    )
    .map(|(l, _)| l)
}

#[test]
fn five_thousand_records_within_wechat_quotas_and_saves_write_what_is_new() {
    seed();
    let mut log = realistic_log(5_000);
    let mut storage = MemoryStorage::new();
    let mut committer = Committer::new(LOG_PREFIX);
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key()).unwrap();
    let total = bytes(&storage);
    let largest = storage.entries().values().map(Vec::len).max().unwrap();
    eprintln!(
        "5,000 records: {} keys, {total} bytes in all, largest {largest} bytes, {} bytes per record",
        storage.entries().len(),
        total / 5_000
    );
    assert!(total <= 10 * 1024 * 1024, "total {total}");
    // Even base64-encoded by an adapter, each value stays under 1 MiB.
    assert!(largest.div_ceil(3) * 4 <= 1024 * 1024, "largest {largest}");
    let back = load(&storage, Some(&log.checkpoint().unwrap())).unwrap();
    assert_eq!(back.size(), 5_000);
    assert_eq!(back.root(), log.root());
    assert_eq!(back.status(T0), log.status(T0));
    assert_eq!(back.get(4_321).unwrap(), log.get(4_321).unwrap());
    // One more record: the save writes a small fraction of the log.
    log.append(hotel(9_999)).unwrap();
    let before = bytes(&storage);
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key()).unwrap();
    let written = bytes(&storage).saturating_sub(before);
    assert!(
        written < total / 10,
        "a save of one record wrote {written} of {total} bytes"
    );
    assert_eq!(load(&storage, None).unwrap().size(), 5_001);
}

/// Every value of a log saved three times, altered (a flipped bit at
/// several places, or one byte longer) or removed: a typed error, or — for
/// a head slot, which is only a hint — the newest state. For both suites.
#[test]
fn altered_or_removed_values() {
    altered_or_removed_values_of(Suite::Intl);
}

#[cfg(feature = "gm")]
#[test]
fn altered_or_removed_values_gm() {
    altered_or_removed_values_of(Suite::Gm);
}

fn altered_or_removed_values_of(suite: Suite) {
    let load = |s: &MemoryStorage, t: Option<&str>| load_of(suite, s, t);
    let hotel = |i| in_suite(suite, hotel(i));
    seed();
    let mut log = realistic_log_of(suite, 300);
    let mut storage = MemoryStorage::new();
    let mut committer = Committer::new(LOG_PREFIX);
    for _ in 0..3 {
        commit::save_sync(&mut committer, &mut storage, &log, &[], &key()).unwrap();
        log.append(hotel(log.size() as u32 + 1_000)).unwrap();
    }
    let size = log.size() - 1;
    assert_eq!(load(&storage, None).unwrap().size(), size);
    let keys: Vec<String> = storage.entries().keys().cloned().collect();
    assert!(keys.len() >= 4);
    let newest = keys
        .iter()
        .filter(|k| k.contains("/commit/"))
        .max_by_key(|k| k.rsplit('/').next().unwrap().parse::<u64>().unwrap())
        .unwrap()
        .clone();
    for k in &keys {
        let v = storage.entries()[k].clone();
        let mut cases: Vec<Vec<u8>> = [0, 4, 29, 30, v.len() / 2, v.len() - 1]
            .iter()
            .map(|&at| {
                let mut w = v.clone();
                w[at] ^= 0x10;
                w
            })
            .collect();
        let mut longer = v.clone();
        longer.push(0);
        cases.push(longer);
        for case in cases {
            let mut s = storage.clone();
            s.set(k, &case).unwrap();
            let r = load(&s, None);
            if k.contains("/head/") {
                assert_eq!(r.unwrap().size(), size, "{k}: a head slot is a hint");
            } else if k.contains("/commit/") && *k != newest {
                // A superseded commit: the newest state still loads.
                assert_eq!(r.map(|l| l.size()).unwrap_or(size), size, "{k}");
            } else {
                let code = r.err().map(|e| e.code());
                assert!(
                    matches!(code, Some("STORAGE_CORRUPT" | "DECRYPT_FAILED")),
                    "{k}: {code:?}"
                );
            }
        }
        if k.contains("/seg/") {
            let mut s = storage.clone();
            s.remove(k).unwrap();
            assert_eq!(
                load(&s, None).err().map(|e| e.code()),
                Some("STORAGE_CORRUPT"),
                "{k} removed"
            );
        }
    }
    // A wrong storage key.
    let r = commit::open_log(
        &mut storage.clone(),
        &StorageKey::from_bytes([1; 32]),
        device_key_of(suite, 1),
        ORIGIN,
        None,
    );
    assert!(matches!(
        r.err().map(|e| e.code()),
        Some("DECRYPT_FAILED" | "STORAGE_CORRUPT")
    ));
}

#[test]
fn rollback_is_detected_with_a_trusted_checkpoint() {
    rollback_is_detected_of(Suite::Intl);
}

#[cfg(feature = "gm")]
#[test]
fn rollback_is_detected_with_a_trusted_gm_checkpoint() {
    rollback_is_detected_of(Suite::Gm);
}

fn rollback_is_detected_of(suite: Suite) {
    let load = |s: &MemoryStorage, t: Option<&str>| load_of(suite, s, t);
    let hotel = |i| in_suite(suite, hotel(i));
    seed();
    let mut log = realistic_log_of(suite, 20);
    let mut storage = MemoryStorage::new();
    let mut committer = Committer::new(LOG_PREFIX);
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key()).unwrap();
    let earlier = storage.clone();
    let withdrawn = log.get(0).unwrap().id().to_owned();
    log.withdraw(&withdrawn, T0 + 99_999).unwrap();
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key()).unwrap();
    let trusted = log.checkpoint().unwrap(); // kept off the device
                                             // The earlier, complete and valid state restored: it loads, and brings
                                             // the withdrawn consent back — unless the trusted checkpoint is given.
    assert_eq!(load(&earlier, None).unwrap().size(), 20);
    assert_eq!(
        load(&earlier, Some(&trusted)).err().map(|e| e.code()),
        Some("ROLLBACK_DETECTED")
    );
    assert_eq!(
        load(&MemoryStorage::new(), Some(&trusted))
            .err()
            .map(|e| e.code()),
        Some("ROLLBACK_DETECTED")
    );
    assert_eq!(
        load(&MemoryStorage::new(), None).err().map(|e| e.code()),
        Some("STORAGE_CORRUPT")
    );
    // A fork: another history of the same size under the same key.
    let mut fork = ConsentLog::create(device_key_of(suite, 1), ORIGIN).unwrap();
    for i in 0..21 {
        fork.append(hotel(50_000 + i)).unwrap();
    }
    let mut forked = MemoryStorage::new();
    commit::save_sync(
        &mut Committer::new(LOG_PREFIX),
        &mut forked,
        &fork,
        &[],
        &key(),
    )
    .unwrap();
    assert_eq!(
        load(&forked, Some(&trusted)).err().map(|e| e.code()),
        Some("ROLLBACK_DETECTED")
    );
    assert_eq!(load(&storage, Some(&trusted)).unwrap().size(), 21);
}

#[test]
fn argon2id_storage_keys() {
    let small = KdfParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };
    let salt = [7u8; 16];
    let a = store::derive_storage_key(b"123456", &salt, &small).unwrap();
    let b = store::derive_storage_key(b"123456", &salt, &small).unwrap();
    let c = store::derive_storage_key(b"123457", &salt, &small).unwrap();
    let d = store::derive_storage_key(b"123456", &[8u8; 16], &small).unwrap();
    assert_eq!(a.expose_secret(), b.expose_secret());
    assert_ne!(a.expose_secret(), c.expose_secret());
    assert_ne!(a.expose_secret(), d.expose_secret());
    let e = |r: Result<StorageKey, Error>| r.err().unwrap().code();
    assert_eq!(
        e(store::derive_storage_key(b"", &salt, &small)),
        "INVALID_INPUT"
    );
    assert_eq!(
        e(store::derive_storage_key(b"1", &[0; 8], &small)),
        "INVALID_INPUT"
    );
    let tiny = KdfParams {
        memory_kib: 1,
        ..small
    };
    assert_eq!(
        e(store::derive_storage_key(b"1", &salt, &tiny)),
        "INVALID_INPUT"
    );
    // The documented bounds (store::KDF_MAX_*): refused before any work.
    for over in [
        KdfParams {
            memory_kib: store::KDF_MAX_MEMORY_KIB + 1,
            ..small
        },
        KdfParams {
            iterations: store::KDF_MAX_ITERATIONS + 1,
            ..small
        },
        KdfParams {
            iterations: 0,
            ..small
        },
        KdfParams {
            iterations: u32::MAX,
            ..small
        },
        KdfParams {
            parallelism: store::KDF_MAX_PARALLELISM + 1,
            ..small
        },
        KdfParams {
            parallelism: 0,
            ..small
        },
    ] {
        assert_eq!(
            e(store::derive_storage_key(b"1", &salt, &over)),
            "INVALID_INPUT"
        );
    }
    let at_max = KdfParams {
        memory_kib: 8 * store::KDF_MAX_PARALLELISM,
        iterations: store::KDF_MAX_ITERATIONS,
        parallelism: store::KDF_MAX_PARALLELISM,
    };
    assert!(store::derive_storage_key(b"1", &salt, &at_max).is_ok());
    assert_eq!(KdfParams::default().memory_kib, 12 * 1024);
    assert_eq!(e(StorageKey::from_slice(&[0; 31])), "INVALID_KEY");
    // A derived key encrypts and decrypts a log.
    let log = realistic_log(3);
    let mut storage = MemoryStorage::new();
    commit::save_sync(&mut Committer::new(LOG_PREFIX), &mut storage, &log, &[], &a).unwrap();
    let (back, _) = commit::open_log(&mut storage, &b, device_key(1), ORIGIN, None).unwrap();
    assert_eq!(back.root(), log.root());
}
