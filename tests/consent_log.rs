//! The consent log: append, withdrawal, expiry and refusal status, the
//! citizen's history lines, proofs against the signed checkpoint, and
//! receipts with every tamper case (flipped bits everywhere, truncation,
//! trailing garbage, wrong device key, other origin).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod consent_common;

use consent_common::{device_key, hotel, sensitive_given, ORIGIN, T0};
use mpshield::consent::merkle;
use mpshield::consent::receipt::{self, verify_receipt, verify_receipt_for_origin};
use mpshield::consent::record::{ConsentType, Event, LawfulBasis};
use mpshield::consent::{checkpoint, ConsentLog};
use rand_core::SeedableRng;

const DAY: i64 = 86_400;

fn rng() -> chacha20::ChaCha20Rng {
    chacha20::ChaCha20Rng::from_seed([5; 32])
}

fn log_with(n: u32) -> ConsentLog {
    let mut log = ConsentLog::create(device_key(1), ORIGIN).unwrap();
    for i in 0..n {
        log.append(hotel(i)).unwrap();
    }
    log
}

#[test]
fn append_prove_and_checkpoint() {
    let mut log = ConsentLog::create(device_key(1), ORIGIN).unwrap();
    assert_eq!(log.size(), 0);
    assert_eq!(log.root(), merkle::empty_root());
    let mut r = rng();
    for i in 0..20u32 {
        let mut rec = hotel(i);
        rec.record_id = None;
        let a = log.append_with_rng(rec, &mut r).unwrap();
        assert_eq!(a.index, u64::from(i));
        let stored = log.get(a.index).unwrap();
        assert_eq!(stored.id().len(), 22);
        assert_eq!(
            a.leaf_hash,
            merkle::leaf_hash(&stored.canonical_bytes().unwrap())
        );
    }
    let note = log.checkpoint().unwrap();
    let cp = checkpoint::verify(&note, &device_key(1).verifying_key(), ORIGIN).unwrap();
    assert_eq!((cp.size, cp.root), (20, log.root()));
    for i in 0..20 {
        let proof = log.inclusion_proof(i, 20).unwrap();
        let leaf = log.tree().leaf(i).unwrap();
        merkle::verify_inclusion(&leaf, i, 20, &proof, &log.root()).unwrap();
    }
    let old = log.tree().root_at(7).unwrap();
    let proof = log.consistency_proof(7, 20).unwrap();
    merkle::verify_consistency(7, 20, &old, &log.root(), &proof).unwrap();
    // Duplicate ids and invalid records are refused and change nothing.
    let dup = log.get(3).unwrap().clone();
    assert_eq!(log.append(dup).unwrap_err().code(), "INVALID_STATE");
    let mut bad = hotel(99);
    bad.purposes.clear();
    assert_eq!(log.append(bad).unwrap_err().code(), "INVALID_RECORD");
    assert_eq!(log.size(), 20);
    assert_eq!(log.get(20).unwrap_err().code(), "RECORD_NOT_FOUND");
    assert_eq!(
        log.inclusion_proof(20, 20).unwrap_err().code(),
        "INVALID_INPUT"
    );
    assert!(ConsentLog::create(device_key(1), "bad origin").is_err());
}

#[test]
fn withdrawal_expiry_and_refusal() {
    let mut log = ConsentLog::create(device_key(1), ORIGIN).unwrap();
    let mut r = rng();
    // 0: hotel disclosure, 30 days. 1: sensitive consent, longest field 30 days.
    log.append(hotel(0)).unwrap();
    let mut given = sensitive_given(1);
    given.record_id = Some("given-1".into());
    log.append(given).unwrap();
    // 2: a refusal. 3: a request (neither a consent nor a refusal).
    let mut refused = hotel(2);
    refused.event = Event::Refused;
    log.append(refused).unwrap();
    let mut requested = hotel(3);
    requested.event = Event::Requested;
    log.append(requested).unwrap();

    let s = log.status(T0 + DAY);
    assert_eq!(s.active, ["rec-000000", "given-1"]);
    assert_eq!(s.refused, ["rec-000002"]);
    assert!(s.withdrawn.is_empty() && s.expired.is_empty());

    // Withdraw the sensitive consent: a linked withdrawn record is appended.
    let w = log
        .withdraw_with_rng("given-1", T0 + 2 * DAY, &mut r)
        .unwrap();
    assert_eq!(w.index, 4);
    let wrec = log.get(4).unwrap();
    assert_eq!(wrec.event, Event::Withdrawn);
    assert_eq!(wrec.refers_to.as_deref(), Some("given-1"));
    assert_eq!(wrec.controller.name, "某某酒店");
    assert_eq!(wrec.time, T0 + 2 * DAY);
    let s = log.status(T0 + 2 * DAY);
    assert_eq!(s.active, ["rec-000000"]);
    assert_eq!(s.withdrawn, ["given-1"]);

    // Errors: twice, unknown, a refusal, a request.
    let e = log
        .withdraw_with_rng("given-1", T0 + 3 * DAY, &mut r)
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_STATE");
    let e = log.withdraw_with_rng("nope", T0, &mut r).unwrap_err();
    assert_eq!(e.code(), "RECORD_NOT_FOUND");
    assert_eq!(
        log.withdraw_with_rng("rec-000002", T0, &mut r)
            .unwrap_err()
            .code(),
        "INVALID_STATE"
    );
    assert_eq!(
        log.withdraw_with_rng("rec-000003", T0, &mut r)
            .unwrap_err()
            .code(),
        "INVALID_STATE"
    );
    // A hand-made withdrawn record follows the same rules.
    let mut manual = hotel(50);
    manual.event = Event::Withdrawn;
    manual.refers_to = Some("given-1".into());
    assert_eq!(log.append(manual).unwrap_err().code(), "INVALID_STATE");
    assert_eq!(log.size(), 5);

    // Expiry: 30 days after the disclosure (and not before).
    let s = log.status(T0 + 30 * DAY - 1);
    assert_eq!(s.active, ["rec-000000"]);
    let s = log.status(T0 + 30 * DAY);
    assert!(s.active.is_empty());
    assert_eq!(s.expired, ["rec-000000"]);
    assert_eq!(s.withdrawn, ["given-1"], "withdrawn stays withdrawn");
    // An explicit expired event ends a consent early.
    let mut log2 = log_with(1);
    let mut exp = hotel(9);
    exp.event = Event::Expired;
    exp.refers_to = Some("rec-000000".into());
    log2.append(exp.clone()).unwrap();
    assert_eq!(log2.status(T0).expired, ["rec-000000"]);
    exp.record_id = Some("rec-again".into());
    assert_eq!(log2.append(exp).unwrap_err().code(), "INVALID_STATE");
    // A withdrawal after expiry is still recorded, and wins.
    log2.withdraw_with_rng("rec-000000", T0 + 60, &mut r)
        .unwrap();
    assert_eq!(log2.status(T0).withdrawn, ["rec-000000"]);
}

#[test]
fn history_lines_in_chinese_and_english() {
    let mut log = log_with(1);
    let mut given = sensitive_given(1);
    given.record_id = Some("given-1".into());
    given.lawful_basis = LawfulBasis::Consent;
    given.consent_type = ConsentType::Separate;
    log.append(given).unwrap();
    log.withdraw_with_rng("given-1", T0 + 3_600, &mut rng())
        .unwrap();
    let zh = log.history("zh-CN").unwrap();
    assert_eq!(zh.len(), 3);
    assert_eq!(zh[0].index, 0);
    assert_eq!(
        zh[0].line,
        "2026-11-22 14:03 向 某某酒店 提供了 姓名、公民身份号码（脱敏）用于 住宿登记，保存 30 天"
    );
    assert_eq!(
        zh[1].line,
        "2026-11-22 14:04 同意向 某某酒店 提供 姓名、公民身份号码（脱敏）、相片 用于 住宿登记，保存 30 天"
    );
    assert_eq!(
        zh[2].line,
        "2026-11-22 15:03 撤回了对 某某酒店 的同意（住宿登记，记录 given-1）"
    );
    let en = log.history("en").unwrap();
    assert_eq!(
        en[0].line,
        "2026-11-22 14:03 Gave name, ID number (masked) to 某某酒店 for 住宿登记, kept 30 days"
    );
    assert_eq!(en[2].record.event, Event::Withdrawn);
    // Shanghai midnight rolls the date (UTC 16:00 = 00:00 next day).
    assert_eq!(
        mpshield::consent::log::shanghai_time(T0 + 10 * 3_600 - 180),
        "2026-11-23 00:00"
    );
    assert_eq!(log.history("fr").unwrap_err().code(), "INVALID_INPUT");
}

#[test]
fn receipts_round_trip() {
    let log = log_with(37);
    let vk = device_key(1).verifying_key();
    for i in [0u64, 1, 17, 36] {
        let bytes = log.receipt(i).unwrap();
        let v = verify_receipt(&bytes, &vk).unwrap();
        assert_eq!(v.index, i);
        assert_eq!(&v.record, log.get(i).unwrap());
        assert_eq!((v.checkpoint.size, v.checkpoint.root), (37, log.root()));
        assert_eq!(v.checkpoint.origin, ORIGIN);
        verify_receipt_for_origin(&bytes, &vk, ORIGIN).unwrap();
        assert!(bytes.len() < 2_000, "compact: {}", bytes.len());
    }
    // A receipt stays valid as the log grows; old checkpoints are consistent.
    let mut grown = log_with(37);
    let before = grown.receipt(5).unwrap();
    grown.append(hotel(100)).unwrap();
    let v = verify_receipt(&before, &vk).unwrap();
    let proof = grown
        .consistency_proof(v.checkpoint.size, grown.size())
        .unwrap();
    merkle::verify_consistency(
        v.checkpoint.size,
        grown.size(),
        &v.checkpoint.root,
        &grown.root(),
        &proof,
    )
    .unwrap();
}

#[test]
fn receipt_tamper_cases() {
    let log = log_with(9);
    let vk = device_key(1).verifying_key();
    let good = log.receipt(4).unwrap();
    let typed = ["INVALID_RECEIPT", "INVALID_PROOF", "INVALID_CHECKPOINT"];
    // A flipped bit anywhere.
    for i in 0..good.len() {
        let bit = 0x01u8 << (i % 8);
        let mut b = good.clone();
        b[i] ^= bit;
        let e = verify_receipt(&b, &vk).expect_err(&format!("byte {i} bit {bit:#x}"));
        assert!(typed.contains(&e.code()), "byte {i}: {e:?}");
    }
    // Every truncation, and trailing garbage.
    for n in 0..good.len() {
        let e = verify_receipt(&good[..n], &vk).unwrap_err();
        assert!(typed.contains(&e.code()), "truncated to {n}: {e:?}");
    }
    let mut long = good.clone();
    long.push(0);
    assert_eq!(
        verify_receipt(&long, &vk).unwrap_err().code(),
        "INVALID_RECEIPT"
    );
    // Wrong device key; another origin.
    let other = device_key(2).verifying_key();
    assert_eq!(
        verify_receipt(&good, &other).unwrap_err().code(),
        "INVALID_CHECKPOINT"
    );
    assert_eq!(
        verify_receipt_for_origin(&good, &vk, "mpshield.example/device/other")
            .unwrap_err()
            .code(),
        "INVALID_CHECKPOINT"
    );
    // A receipt assembled from another log's checkpoint (same key) fails.
    let other_log = {
        let mut l = ConsentLog::create(device_key(1), ORIGIN).unwrap();
        for i in 100..109 {
            l.append(hotel(i)).unwrap();
        }
        l
    };
    let rec = log.get(4).unwrap().canonical_bytes().unwrap();
    let proof = log.inclusion_proof(4, 9).unwrap();
    let mixed = receipt::encode(&rec, 4, &proof, &other_log.checkpoint().unwrap()).unwrap();
    assert_eq!(
        verify_receipt(&mixed, &vk).unwrap_err().code(),
        "INVALID_PROOF"
    );
    // Swapped index; index beyond the tree; a non-canonical record.
    let swapped = receipt::encode(&rec, 5, &proof, &log.checkpoint().unwrap()).unwrap();
    assert_eq!(
        verify_receipt(&swapped, &vk).unwrap_err().code(),
        "INVALID_PROOF"
    );
    let beyond = receipt::encode(&rec, 9, &proof, &log.checkpoint().unwrap()).unwrap();
    assert_eq!(
        verify_receipt(&beyond, &vk).unwrap_err().code(),
        "INVALID_PROOF"
    );
    let pretty = serde_json::to_vec_pretty(log.get(4).unwrap()).unwrap();
    let noncanon = receipt::encode(&pretty, 4, &proof, &log.checkpoint().unwrap()).unwrap();
    assert_eq!(
        verify_receipt(&noncanon, &vk).unwrap_err().code(),
        "INVALID_RECEIPT"
    );
    assert_eq!(
        verify_receipt(&[], &vk).unwrap_err().code(),
        "INVALID_RECEIPT"
    );
}
