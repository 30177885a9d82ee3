//! Moving a wallet to a new phone (`src/consent/handover.rs`): export under
//! a recovery code, import on fresh storage, the handover chain, the
//! continuity a relying party checks with the checkpoint it already holds,
//! `restored` records, and tampered exports.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::flow::{hotel_choices, hotel_request, world, World};
use common::NOW;
use mpshield::consent::handover::{verify_continuity, RecoveryCode};
use mpshield::consent::record::Event;
use mpshield::consent::StorageKey;
use mpshield::flow::wallet::{OpenOptions, SeparateConsent, Wallet};
use mpshield::flow::MemoryStorage;

fn seed() {
    mpshield::rng::add_entropy(&(0u8..32).collect::<Vec<_>>()).unwrap();
}

fn respond(
    w: &mut World,
    wallet: &mut Wallet,
    storage: &mut MemoryStorage,
    key: &StorageKey,
) -> u64 {
    let req = hotel_request(&w.hotel, NOW);
    let sent = wallet
        .respond(
            storage,
            key,
            &req,
            &hotel_choices(),
            &SeparateConsent::All,
            NOW,
        )
        .unwrap();
    // The hotel opens it: the receipt's checkpoint is what it keeps.
    w.hotel.check(&sent.envelope, NOW).unwrap();
    wallet.log().size()
}

fn trusted(w: &World) -> Vec<mpshield::credential::keys::VerifyingKey> {
    vec![mpshield::credential::keys::VerifyingKey::from_jwk(&w.hotel.public_jwk()).unwrap()]
}

fn code_of(e: &mpshield::flow::wallet::Exported) -> RecoveryCode {
    RecoveryCode::parse(&e.code.to_text()).unwrap()
}

/// Export → import on a fresh storage → the hotel's old checkpoint (signed
/// by the old device key) verifies consistency with the new device's.
#[test]
fn a_relying_partys_old_checkpoint_continues_across_the_move() {
    seed();
    let mut w = world();
    let (mut old_storage, key) = (w.storage.clone(), w.key.clone());
    let mut old = Wallet::open(&mut old_storage, &key, trusted(&w), false).unwrap();
    respond(&mut w, &mut old, &mut old_storage, &key);
    let hotel_holds = old.log().checkpoint().unwrap();
    let old_key = old.log().device_public_key();
    let origin = old.log().origin().to_owned();
    let history_before = old.log().size();

    let exported = old.export(&mut old_storage, &key, NOW + 10).unwrap();
    let text = exported.code.to_text();
    assert_eq!(text.len(), 39, "8 groups of 4 joined by '-'");
    assert_eq!(text.iter().filter(|&&c| c == b'-').count(), 7);

    // The new phone: fresh storage, its own storage key.
    let new_key = StorageKey::from_bytes([9; 32]);
    let mut new_storage = MemoryStorage::new();
    let lower: Vec<u8> = text
        .iter()
        .map(u8::to_ascii_lowercase)
        .filter(|c| *c != b'-')
        .collect();
    let (moved, reissue) = Wallet::import_into(
        &mut new_storage,
        &new_key,
        &exported.bytes,
        &RecoveryCode::parse(&lower).unwrap(),
        &OpenOptions {
            trusted: trusted(&w),
            ..OpenOptions::default()
        },
        NOW + 20,
    )
    .unwrap();
    // The same log, one handover record longer, under a new device key;
    // no credentials, and the list of those to re-issue.
    assert_eq!(moved.log().size(), history_before + 1);
    assert_eq!(moved.log().origin(), origin);
    assert_ne!(moved.log().device_public_key(), old_key);
    assert_eq!(
        moved.log().get(history_before).unwrap().event,
        Event::Handover
    );
    assert!(moved.credentials().is_empty());
    assert_eq!(
        reissue.as_array().unwrap().len(),
        w.wallet.credentials().len()
    );
    assert_ne!(moved.holder_public_jwk(), old.holder_public_jwk());

    // It reopens from its storage, handover chain included.
    let mut reopened = Wallet::open(&mut new_storage, &new_key, trusted(&w), false).unwrap();
    assert_eq!(reopened.log().root(), moved.log().root());

    // The hotel checks its old checkpoint against the new device's log.
    let proof = moved.continuity_proof(&hotel_holds).unwrap();
    let c = verify_continuity(&proof, &hotel_holds, &old_key, &origin).unwrap();
    assert_eq!(c.key, moved.log().device_public_key());
    assert_eq!(c.checkpoint.size, moved.log().size());
    assert_eq!(c.restored, None);

    // A checkpoint the old phone signed is a trusted checkpoint for the new one.
    let options = OpenOptions {
        trusted: trusted(&w),
        trusted_checkpoint: Some(hotel_holds.clone()),
        ..OpenOptions::default()
    };
    Wallet::open_with(&mut new_storage, &new_key, &options).unwrap();

    // The new phone goes on; the proof still holds, and a checkpoint of
    // the new key verifies too.
    let req = hotel_request(&w.hotel, NOW);
    reopened
        .refuse(&mut new_storage, &new_key, &req, NOW + 30)
        .unwrap();
    let proof = reopened.continuity_proof(&hotel_holds).unwrap();
    let c = verify_continuity(&proof, &hotel_holds, &old_key, &origin).unwrap();
    assert_eq!(c.checkpoint.size, reopened.log().size());
    let newer = moved.log().checkpoint().unwrap();
    let proof = reopened.continuity_proof(&newer).unwrap();
    verify_continuity(&proof, &newer, &moved.log().device_public_key(), &origin).unwrap();
}

/// A second move chains: a checkpoint of the first device still verifies
/// against the third.
#[test]
fn two_moves_chain() {
    seed();
    let mut w = world();
    let (mut s1, key) = (w.storage.clone(), w.key.clone());
    let mut a = Wallet::open(&mut s1, &key, trusted(&w), false).unwrap();
    respond(&mut w, &mut a, &mut s1, &key);
    let first = a.log().checkpoint().unwrap();
    let first_key = a.log().device_public_key();
    let e1 = a.export(&mut s1, &key, NOW).unwrap();
    let mut s2 = MemoryStorage::new();
    let (mut b, _) = Wallet::import_into(
        &mut s2,
        &key,
        &e1.bytes,
        &code_of(&e1),
        &OpenOptions::default(),
        NOW,
    )
    .unwrap();
    let e2 = b.export(&mut s2, &key, NOW).unwrap();
    let mut s3 = MemoryStorage::new();
    let (c, _) = Wallet::import_into(
        &mut s3,
        &key,
        &e2.bytes,
        &code_of(&e2),
        &OpenOptions::default(),
        NOW,
    )
    .unwrap();
    let proof = c.continuity_proof(&first).unwrap();
    let origin = c.log().origin().to_owned();
    let got = verify_continuity(&proof, &first, &first_key, &origin).unwrap();
    assert_eq!(got.key, c.log().device_public_key());
    Wallet::open(&mut s3, &key, Vec::new(), false).unwrap();
}

/// The old phone went on after the export and a relying party holds a
/// checkpoint the export does not reach: the import, given it, appends a
/// signed `restored` record, and the relying party sees a declared restore,
/// not a silent fork. Without it, the relying party sees a fork.
#[test]
fn restoring_an_older_export_is_declared() {
    seed();
    let mut w = world();
    let (mut s1, key) = (w.storage.clone(), w.key.clone());
    let mut a = Wallet::open(&mut s1, &key, trusted(&w), false).unwrap();
    respond(&mut w, &mut a, &mut s1, &key);
    let e = a.export(&mut s1, &key, NOW).unwrap();
    let exported_size = a.log().size();
    respond(&mut w, &mut a, &mut s1, &key);
    let newer = a.log().checkpoint().unwrap();
    let origin = a.log().origin().to_owned();
    let old_key = a.log().device_public_key();

    // Without the newer checkpoint: the new log does not continue it.
    let (silent, _) = Wallet::import(&e.bytes, &code_of(&e), &OpenOptions::default(), NOW).unwrap();
    let proof = silent.continuity_proof(&newer).unwrap();
    let r = verify_continuity(&proof, &newer, &old_key, &origin);
    assert_eq!(r.err().map(|e| e.code()), Some("ROLLBACK_DETECTED"));

    // With it (kept off the device): declared.
    let options = OpenOptions {
        trusted_checkpoint: Some(newer.clone()),
        ..OpenOptions::default()
    };
    let mut s2 = MemoryStorage::new();
    let (b, _) = Wallet::import_into(&mut s2, &key, &e.bytes, &code_of(&e), &options, NOW).unwrap();
    let last = b.log().get(b.log().size() - 1).unwrap();
    assert_eq!(last.event, Event::Restored);
    let proof = b.continuity_proof(&newer).unwrap();
    let c = verify_continuity(&proof, &newer, &old_key, &origin).unwrap();
    assert_eq!(c.restored, Some((exported_size, exported_size + 1)));
    let line = &b.history("zh-CN").unwrap()[b.log().size() as usize - 1].line;
    assert!(line.contains("恢复了"), "{line}");
    // A trusted checkpoint the export contradicts (same size, other
    // root) is a rollback, not a restore.
    let mut other = world();
    let (mut so, ko) = (other.storage.clone(), other.key.clone());
    let mut stranger = Wallet::open(&mut so, &ko, trusted(&other), false).unwrap();
    respond(&mut other, &mut stranger, &mut so, &ko);
    let foreign = OpenOptions {
        trusted_checkpoint: Some(stranger.log().checkpoint().unwrap()),
        ..OpenOptions::default()
    };
    let r = Wallet::import(&e.bytes, &code_of(&e), &foreign, NOW);
    assert_eq!(r.err().map(|e| e.code()), Some("INVALID_CHECKPOINT"));
}

/// Tampered exports, wrong codes and forged proofs are refused.
#[test]
fn tampering_is_refused() {
    seed();
    let mut w = world();
    let (mut s1, key) = (w.storage.clone(), w.key.clone());
    let mut a = Wallet::open(&mut s1, &key, trusted(&w), false).unwrap();
    respond(&mut w, &mut a, &mut s1, &key);
    let hotel_holds = a.log().checkpoint().unwrap();
    let old_key = a.log().device_public_key();
    let origin = a.log().origin().to_owned();
    let e = a.export(&mut s1, &key, NOW).unwrap();
    let code = code_of(&e);
    let import = |bytes: &[u8], code: &RecoveryCode| {
        Wallet::import(bytes, code, &OpenOptions::default(), NOW).map(|_| ())
    };
    import(&e.bytes, &code).unwrap();
    // Every byte flipped: a header change or an AEAD failure.
    for i in 0..e.bytes.len() {
        let mut b = e.bytes.clone();
        b[i] ^= 0x01;
        let got = import(&b, &code).err().map(|e| e.code());
        assert!(
            matches!(got, Some("DECRYPT_FAILED" | "STORAGE_CORRUPT")),
            "byte {i}: {got:?}"
        );
    }
    for cut in [0, 10, 22, e.bytes.len() - 1] {
        assert!(import(&e.bytes[..cut], &code).is_err());
    }
    let wrong = RecoveryCode::generate().unwrap();
    assert_eq!(
        import(&e.bytes, &wrong).err().map(|e| e.code()),
        Some("DECRYPT_FAILED")
    );
    for bad in [&b"0000"[..], b"", &[b'A'; 33], &[b'U'; 32], "é".as_bytes()] {
        assert_eq!(
            RecoveryCode::parse(bad).err().map(|e| e.code()),
            Some("INVALID_INPUT")
        );
    }
    // Continuity proofs: every byte flipped is refused, as are another
    // log's checkpoint and key.
    let (b, _) = Wallet::import(&e.bytes, &code, &OpenOptions::default(), NOW).unwrap();
    let proof = b.continuity_proof(&hotel_holds).unwrap();
    verify_continuity(&proof, &hotel_holds, &old_key, &origin).unwrap();
    for i in 0..proof.len() {
        let mut p = proof.clone();
        p[i] ^= 0x01;
        assert!(
            verify_continuity(&p, &hotel_holds, &old_key, &origin).is_err(),
            "byte {i}"
        );
    }
    assert!(verify_continuity(&proof[..proof.len() - 1], &hotel_holds, &old_key, &origin).is_err());
    let r = verify_continuity(&proof, &hotel_holds, &b.log().device_public_key(), &origin);
    assert_eq!(r.err().map(|e| e.code()), Some("INVALID_CHECKPOINT"));
    // An import refuses storage that already holds a wallet.
    let r = Wallet::import_into(&mut s1, &key, &e.bytes, &code, &OpenOptions::default(), NOW);
    assert_eq!(r.err().map(|e| e.code()), Some("INVALID_STATE"));
}

/// The recovery code round-trips and carries 160 bits.
#[test]
fn recovery_codes() {
    seed();
    let a = RecoveryCode::generate().unwrap();
    let b = RecoveryCode::generate().unwrap();
    assert_ne!(*a.to_text(), *b.to_text());
    let back = RecoveryCode::parse(&a.to_text()).unwrap();
    assert_eq!(*back.to_text(), *a.to_text());
    // O, I and L read as 0, 1, 1.
    let t: Vec<u8> = a
        .to_text()
        .iter()
        .map(|&c| match c {
            b'0' => b'O',
            b'1' => b'l',
            c => c,
        })
        .collect();
    assert_eq!(*RecoveryCode::parse(&t).unwrap().to_text(), *a.to_text());
}
