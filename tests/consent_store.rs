//! Consent-log persistence: 5,000 realistic synthetic records round-trip
//! within WeChat's quotas (≤ 1 MB per key, ≤ 10 MB in all), and every
//! tamper case is a typed error: a flipped bit in any segment, a removed,
//! duplicated, reordered or foreign segment, a wrong storage key, and a
//! rollback to an earlier save caught with a trusted checkpoint. Also
//! Argon2id storage keys (with small parameters).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod consent_common;

use std::collections::HashMap;

use consent_common::{device_key, hotel, sensitive_given, ORIGIN, T0};
use mpshield::consent::record::{Event, Recipient};
use mpshield::consent::store::{self, KdfParams, StorageKey, MANIFEST_KEY};
use mpshield::consent::ConsentLog;
use mpshield::Error;
use rand_core::SeedableRng;

type Storage = HashMap<String, Vec<u8>>;

fn rng(n: u8) -> chacha20::ChaCha20Rng {
    chacha20::ChaCha20Rng::from_seed([n; 32])
}

fn key() -> StorageKey {
    StorageKey::from_bytes([0x42; 32])
}

/// A realistic mix: hotel check-ins, separate consents to sensitive
/// fields with a third-party recipient, refusals, withdrawals.
fn realistic_log(n: u32) -> ConsentLog {
    let mut log = ConsentLog::create(device_key(1), ORIGIN).unwrap();
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

fn save(log: &ConsentLog, storage: &mut Storage, limit: usize, seed: u8) {
    let segs = store::to_segments_with(log, &key(), limit, &mut rng(seed)).unwrap();
    // What an adapter does: write data, then the manifest, then drop stale keys.
    let written: Vec<String> = segs.iter().map(|(k, _)| k.clone()).collect();
    for (k, v) in segs {
        storage.insert(k, v);
    }
    storage.retain(|k, _| !k.starts_with(store::KEY_PREFIX) || written.contains(k));
}

fn load(storage: &Storage, trusted: Option<&str>) -> Result<ConsentLog, Error> {
    ConsentLog::from_segments(
        |k| storage.get(k).cloned(),
        &key(),
        device_key(1),
        ORIGIN,
        trusted,
    )
}

#[test]
fn five_thousand_records_within_wechat_quotas() {
    let log = realistic_log(5_000);
    let segs =
        store::to_segments_with(&log, &key(), store::DEFAULT_SEGMENT_BYTES, &mut rng(1)).unwrap();
    let total = store::storage_bytes(&segs);
    let largest = segs.iter().map(|(_, v)| v.len()).max().unwrap();
    eprintln!(
        "5,000 records: {} segments, {total} bytes in all, largest {largest} bytes, {} bytes per record",
        segs.len(),
        total / 5_000
    );
    assert!(total <= 10 * 1024 * 1024, "total {total}");
    assert!(largest <= 1024 * 1024, "largest {largest}");
    // Even base64-encoded by an adapter, each value stays under 1 MiB.
    assert!(largest.div_ceil(3) * 4 <= 1024 * 1024);
    assert_eq!(segs.last().unwrap().0, MANIFEST_KEY);

    let mut storage = Storage::new();
    save(&log, &mut storage, store::DEFAULT_SEGMENT_BYTES, 1);
    let back = load(&storage, Some(&log.checkpoint().unwrap())).unwrap();
    assert_eq!(back.size(), 5_000);
    assert_eq!(back.root(), log.root());
    assert_eq!(back.status(T0), log.status(T0));
    assert_eq!(back.get(4_321).unwrap(), log.get(4_321).unwrap());
}

/// A log of 300 records saved in small (4 KiB) segments, for tampering.
fn small_saved() -> (ConsentLog, Storage) {
    let log = realistic_log(300);
    let mut storage = Storage::new();
    save(&log, &mut storage, 4 * 1024, 2);
    (log, storage)
}

fn data_keys(storage: &Storage) -> Vec<String> {
    let mut keys: Vec<String> = storage
        .keys()
        .filter(|k| *k != MANIFEST_KEY)
        .cloned()
        .collect();
    keys.sort_by_key(|k| k.rsplit('/').next().unwrap().parse::<u32>().unwrap());
    keys
}

#[test]
fn round_trip_and_continue_appending() {
    let (log, mut storage) = small_saved();
    assert!(data_keys(&storage).len() >= 10, "several segments");
    let mut back = load(&storage, None).unwrap();
    assert_eq!(back.root(), log.root());
    // The manifest names the data keys (what an async adapter prefetches).
    let listed = store::segment_keys(&storage[MANIFEST_KEY]).unwrap();
    assert_eq!(listed, data_keys(&storage));
    let e = store::segment_keys(&storage[&listed[0]]).unwrap_err();
    assert_eq!(e.code(), "STORAGE_CORRUPT");
    // A manifest whose (unauthenticated) header claims a huge count is
    // refused before anyone fetches billions of keys.
    let mut huge = storage[MANIFEST_KEY].clone();
    huge[25..29].copy_from_slice(&u32::MAX.to_be_bytes());
    let e = store::segment_keys(&huge).unwrap_err();
    assert_eq!(e.code(), "STORAGE_CORRUPT");
    back.append(hotel(10_000)).unwrap();
    save(&back, &mut storage, 4 * 1024, 3);
    let again = load(&storage, Some(&log.checkpoint().unwrap())).unwrap();
    assert_eq!(again.size(), 301);
    // An empty log saves and loads too.
    let empty = ConsentLog::create(device_key(1), ORIGIN).unwrap();
    let mut s = Storage::new();
    save(&empty, &mut s, store::DEFAULT_SEGMENT_BYTES, 4);
    assert_eq!(s.len(), 1);
    assert_eq!(
        load(&s, Some(&empty.checkpoint().unwrap())).unwrap().size(),
        0
    );
}

#[test]
fn flipped_bits_in_any_segment() {
    let (_, storage) = small_saved();
    let mut keys = data_keys(&storage);
    keys.push(MANIFEST_KEY.to_owned());
    for k in &keys {
        let len = storage[k].len();
        for pos in [0, 4, 5, 20, 21, 25, 28, 29, len / 2, len - 17, len - 1] {
            let mut s = storage.clone();
            s.get_mut(k).unwrap()[pos] ^= 0x10;
            let e = load(&s, None).expect_err(&format!("{k} byte {pos}"));
            assert!(
                ["STORAGE_CORRUPT", "DECRYPT_FAILED"].contains(&e.code()),
                "{k} byte {pos}: {e:?}"
            );
        }
        // Truncated and extended values.
        let mut s = storage.clone();
        s.get_mut(k).unwrap().truncate(len - 1);
        assert!(load(&s, None).is_err());
        let mut s = storage.clone();
        s.get_mut(k).unwrap().push(0);
        assert!(load(&s, None).is_err());
    }
}

#[test]
fn removed_duplicated_reordered_and_foreign_segments() {
    let (_, storage) = small_saved();
    let keys = data_keys(&storage);
    let code = |s: &Storage| load(s, None).unwrap_err().code();
    // Removed (first, middle, last = truncation).
    for k in [&keys[0], &keys[keys.len() / 2], &keys[keys.len() - 1]] {
        let mut s = storage.clone();
        s.remove(k);
        assert_eq!(code(&s), "STORAGE_CORRUPT", "removed {k}");
    }
    // Duplicated: segment 1 copied over segment 2.
    let mut s = storage.clone();
    let one = s[&keys[1]].clone();
    s.insert(keys[2].clone(), one);
    assert_eq!(code(&s), "STORAGE_CORRUPT");
    // Reordered: segments 0 and 3 swapped.
    let mut s = storage.clone();
    let (a, b) = (s[&keys[0]].clone(), s[&keys[3]].clone());
    s.insert(keys[0].clone(), b);
    s.insert(keys[3].clone(), a);
    assert_eq!(code(&s), "STORAGE_CORRUPT");
    // Manifest removed; manifest replaced by a data segment.
    let mut s = storage.clone();
    s.remove(MANIFEST_KEY);
    assert_eq!(code(&s), "STORAGE_CORRUPT");
    let mut s = storage.clone();
    let seg = s[&keys[0]].clone();
    s.insert(MANIFEST_KEY.to_owned(), seg);
    assert_eq!(code(&s), "STORAGE_CORRUPT");
    // A segment from another save of the same log, under this save's key.
    let (log, _) = small_saved();
    let mut other = Storage::new();
    save(&log, &mut other, 4 * 1024, 9);
    let other_keys = data_keys(&other);
    let mut s = storage.clone();
    s.insert(keys[1].clone(), other[&other_keys[1]].clone());
    assert_eq!(code(&s), "STORAGE_CORRUPT");
    // The other save's manifest with this save's segments.
    let mut s = storage.clone();
    s.insert(MANIFEST_KEY.to_owned(), other[MANIFEST_KEY].clone());
    assert_eq!(code(&s), "STORAGE_CORRUPT");
    // Wrong storage key; wrong device key; other origin.
    let wrong = StorageKey::from_bytes([0x43; 32]);
    let e = ConsentLog::from_segments(
        |k| storage.get(k).cloned(),
        &wrong,
        device_key(1),
        ORIGIN,
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "DECRYPT_FAILED");
    let e = ConsentLog::from_segments(
        |k| storage.get(k).cloned(),
        &key(),
        device_key(2),
        ORIGIN,
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_CHECKPOINT");
    let e = ConsentLog::from_segments(
        |k| storage.get(k).cloned(),
        &key(),
        device_key(1),
        "mpshield.example/device/other",
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "INVALID_CHECKPOINT");
}

#[test]
fn rollback_is_detected_with_a_trusted_checkpoint() {
    let (mut log, mut storage) = small_saved();
    let old_storage = storage.clone();
    for i in 0..5 {
        log.append(hotel(20_000 + i)).unwrap();
    }
    save(&log, &mut storage, 4 * 1024, 5);
    let trusted = log.checkpoint().unwrap();
    // The newer state loads; the earlier save is complete and valid, so
    // only the trusted checkpoint tells it apart.
    load(&storage, Some(&trusted)).unwrap();
    load(&old_storage, None).unwrap();
    assert_eq!(
        load(&old_storage, Some(&trusted)).unwrap_err().code(),
        "ROLLBACK_DETECTED"
    );
    // Storage wiped entirely: also a rollback when a checkpoint is trusted.
    assert_eq!(
        load(&Storage::new(), Some(&trusted)).unwrap_err().code(),
        "ROLLBACK_DETECTED"
    );
    // A fork: same size as the trusted checkpoint, different records.
    let mut fork = realistic_log(300);
    for i in 0..5 {
        fork.append(hotel(30_000 + i)).unwrap();
    }
    let mut forked = Storage::new();
    save(&fork, &mut forked, 4 * 1024, 6);
    assert_eq!(
        load(&forked, Some(&trusted)).unwrap_err().code(),
        "ROLLBACK_DETECTED"
    );
    // A trusted checkpoint signed by another key is refused as such.
    let foreign = ConsentLog::create(device_key(3), ORIGIN)
        .unwrap()
        .checkpoint()
        .unwrap();
    assert_eq!(
        load(&storage, Some(&foreign)).unwrap_err().code(),
        "INVALID_CHECKPOINT"
    );
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
    let segs =
        store::to_segments_with(&log, &a, store::DEFAULT_SEGMENT_BYTES, &mut rng(8)).unwrap();
    let map: Storage = segs.into_iter().collect();
    let back = ConsentLog::from_segments(|k| map.get(k).cloned(), &b, device_key(1), ORIGIN, None)
        .unwrap();
    assert_eq!(back.root(), log.root());
}
