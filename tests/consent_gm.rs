//! The gm (国密) consent log, against independent implementations and with
//! a negative for every verification:
//! - the Merkle tree over SM3 (and, with the same test, over SHA-256)
//!   against `tests/peers/merkle_rfc6962.py`, RFC 6962 §2.1 written out
//!   from its definitions over pyca `cryptography`'s SM3 / SHA-256: roots,
//!   every inclusion and consistency proof for sizes 1 ..= 24, both ways;
//! - SM2 checkpoints against Python `gmssl` (`tests/peers/sm2_gmssl.py`)
//!   and the JavaScript `sm-crypto-v2` and WeChat's `miniprogram-sm-crypto`
//!   (`tests/peers/sm2_node.mjs`): each verifies mpshield's checkpoint
//!   signatures, mpshield verifies a checkpoint each signed, and none
//!   accepts another body;
//! - version-2 receipts: round trip, every flipped byte, keys of the other
//!   suite both ways, a version/suite mismatch, a SHA-256 tree under an SM2
//!   checkpoint;
//! - storage suite 2: round trip, crash safety at every storage operation
//!   for both suites, a store of the other suite, mixed suites, unknown
//!   suite bytes;
//! - export suite 2 and handover: round trip with continuity, a tampered
//!   export, cross-suite handovers.
//!
//! Peers run with `$MPSHIELD_PYTHON` (else `.venv/bin/python`) and `node`
//! (`make setup`).
//! Synthetic data only.
#![cfg(feature = "gm")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod consent_common;

use base64ct::{Base64, Encoding};
use common::faulty::{Faulty, MODES};
use common::{python, run_peer, to_hex};
use consent_common::{hotel, ORIGIN, T0};
use mpshield::consent::checkpoint::{self, Checkpoint};
use mpshield::consent::commit::{self, Committer};
use mpshield::consent::handover::{self, Export, Handover, RecoveryCode};
use mpshield::consent::merkle::{self, Hash, MerkleTree};
use mpshield::consent::receipt;
use mpshield::consent::record::{self, ConsentRecord, Notice};
use mpshield::consent::{verify_receipt, ConsentLog, DeviceKey, DevicePublicKey, StorageKey};
use mpshield::flow::{MemoryStorage, Storage};
use mpshield::suite::Suite;
use mpshield::Result;
use serde_json::{json, Value};

fn seed() {
    mpshield::rng::add_entropy(&(0u8..32).collect::<Vec<_>>()).unwrap();
}

fn gm_key(n: u8) -> DeviceKey {
    DeviceKey::from_seed(Suite::Gm, &[n; 32]).unwrap()
}

fn intl_key(n: u8) -> DeviceKey {
    DeviceKey::from_seed(Suite::Intl, &[n; 32]).unwrap()
}

fn key_of(suite: Suite, n: u8) -> DeviceKey {
    DeviceKey::from_seed(suite, &[n; 32]).unwrap()
}

/// The synthetic hotel record `i` as a log of `suite` writes it: its
/// notice named by the suite's hash, its principal by the suite's HMAC.
fn rec(suite: Suite, i: u32) -> ConsentRecord {
    let mut r = hotel(i);
    let url = r.notice.as_ref().unwrap().url.clone();
    r.notice = Some(Notice::of_text(
        suite,
        format!("隐私政策 {i}").as_bytes(),
        &url,
    ));
    r.principal = Some(record::principal_id_with(
        suite,
        &[9; 32],
        "synthetic-person",
    ));
    r
}

fn log_of(key: DeviceKey, records: u32) -> ConsentLog {
    let suite = key.suite();
    let mut log = ConsentLog::create(key, ORIGIN).unwrap();
    for i in 0..records {
        log.append(rec(suite, i)).unwrap();
    }
    log
}

fn unhex(s: &str) -> Vec<u8> {
    common::hex(s)
}

fn hash_of(v: &Value) -> Hash {
    unhex(v.as_str().unwrap()).try_into().unwrap()
}

fn hashes_of(v: &Value) -> Vec<Hash> {
    v.as_array().unwrap().iter().map(hash_of).collect()
}

// ---------------------------------------------------------------- keys

#[test]
fn device_keys_of_both_suites() {
    seed();
    let gm = gm_key(1);
    assert_eq!(gm.suite(), Suite::Gm);
    let public = gm.verifying_key();
    assert_eq!(public.suite(), Suite::Gm);
    assert_eq!(public.to_bytes().len(), 65);
    assert_eq!(public.to_bytes()[0], 4);
    assert_eq!(
        DevicePublicKey::from_bytes(&public.to_bytes()).unwrap(),
        public
    );
    assert_eq!(*gm.to_seed(), [1; 32]);
    assert_eq!(
        DeviceKey::from_seed(Suite::Gm, &gm.to_seed())
            .unwrap()
            .verifying_key(),
        public
    );
    let intl = intl_key(1);
    assert_eq!(intl.suite(), Suite::Intl);
    assert_eq!(intl.verifying_key().to_bytes().len(), 32);
    assert_eq!(
        intl.verifying_key(),
        DeviceKey::from_bytes(&[1; 32]).verifying_key()
    );
    for s in Suite::ALL {
        let k = DeviceKey::generate(s).unwrap();
        assert_eq!(k.suite(), s);
        assert_ne!(*k.to_seed(), [0; 32]);
    }
    // SM2 scalars 0 and ≥ n are refused.
    for bad in [[0u8; 32], [0xff; 32]] {
        let e = DeviceKey::from_seed(Suite::Gm, &bad).err().unwrap();
        assert_eq!(e.code(), "INVALID_KEY");
    }
    // Public keys: 32 or 65 bytes (04‖x‖y, on the curve), nothing else.
    let mut off = public.to_bytes();
    off[64] ^= 1;
    let mut compressed = public.to_bytes();
    compressed[0] = 2;
    for bad in [
        vec![],
        vec![4; 33],
        vec![4; 64],
        off,
        compressed,
        vec![0; 65],
        [public.to_bytes(), vec![0]].concat(),
    ] {
        let e = DevicePublicKey::from_bytes(&bad).err().unwrap();
        assert_eq!(e.code(), "INVALID_KEY", "{}", to_hex(&bad));
    }
}

// ---------------------------------------------------------------- Merkle

/// Leaves with the RFC 6962 test data's shapes (empty, one byte, longer)
/// and more, for 24 sizes.
fn leaves() -> Vec<Vec<u8>> {
    (0..24u32)
        .map(|i| match i {
            0 => Vec::new(),
            1 => vec![0],
            _ => (0..i * 3).map(|b| (b * 7 + i) as u8).collect(),
        })
        .collect()
}

fn merkle_against_the_rfc6962_peer(suite: Suite, name: &str) {
    let data = leaves();
    let answer = run_peer(
        &python(),
        "tests/peers/merkle_rfc6962.py",
        &json!({ "hash": name, "leaves": data.iter().map(|l| to_hex(l)).collect::<Vec<_>>() }),
    );
    let mut tree = MerkleTree::with_suite(suite);
    assert_eq!(tree.root(), hash_of(&answer["empty"]));
    assert_eq!(merkle::empty_root_with(suite), hash_of(&answer["empty"]));
    for l in &data {
        tree.push(merkle::leaf_hash_with(suite, l));
    }
    let other = match suite {
        Suite::Intl => Suite::Gm,
        Suite::Gm => Suite::Intl,
    };
    for t in answer["trees"].as_array().unwrap() {
        let n = t["size"].as_u64().unwrap();
        let root = hash_of(&t["root"]);
        assert_eq!(tree.root_at(n).unwrap(), root, "{name} root {n}");
        for (m, p) in t["inclusion"].as_array().unwrap().iter().enumerate() {
            let theirs = hashes_of(p);
            let m = m as u64;
            let leaf = merkle::leaf_hash_with(suite, &data[m as usize]);
            // Ours equals theirs, and ours verifies theirs.
            assert_eq!(
                tree.inclusion_proof(m, n).unwrap(),
                theirs,
                "{name} path {m} {n}"
            );
            merkle::verify_inclusion_with(suite, &leaf, m, n, &theirs, &root).unwrap();
            // The other suite's hash, another index, a flipped bit: refused
            // (a tree of one leaf hashes nothing above its leaf).
            if n > 1 {
                assert!(merkle::verify_inclusion_with(other, &leaf, m, n, &theirs, &root).is_err());
                let e = merkle::verify_inclusion_with(suite, &leaf, (m + 1) % n, n, &theirs, &root);
                assert_eq!(e.unwrap_err().code(), "INVALID_PROOF");
                let mut flipped = theirs.clone();
                flipped[0][31] ^= 1;
                assert!(
                    merkle::verify_inclusion_with(suite, &leaf, m, n, &flipped, &root).is_err()
                );
            }
        }
        for (i, p) in t["consistency"].as_array().unwrap().iter().enumerate() {
            let old = i as u64 + 1;
            let theirs = hashes_of(p);
            let old_root = tree.root_at(old).unwrap();
            assert_eq!(
                tree.consistency_proof(old, n).unwrap(),
                theirs,
                "{name} consistency {old} {n}"
            );
            merkle::verify_consistency_with(suite, old, n, &old_root, &root, &theirs).unwrap();
            if old < n {
                assert!(
                    merkle::verify_consistency_with(other, old, n, &old_root, &root, &theirs)
                        .is_err()
                );
                let mut flipped = theirs.clone();
                flipped[0][0] ^= 0x80;
                assert!(
                    merkle::verify_consistency_with(suite, old, n, &old_root, &root, &flipped)
                        .is_err()
                );
            }
        }
    }
    // The pruned frontier path agrees too (one code path for both hashes).
    let mut pruned = tree.clone();
    pruned.prune(13);
    let rebuilt = {
        let mut t = MerkleTree::from_frontier_with(suite, 13, &pruned.frontier()).unwrap();
        for l in &data[13..] {
            t.push(merkle::leaf_hash_with(suite, l));
        }
        t
    };
    assert_eq!(rebuilt.suite(), suite);
    assert_eq!(rebuilt.root(), tree.root());
    assert_eq!(
        rebuilt.consistency_proof(13, 24).unwrap(),
        tree.consistency_proof(13, 24).unwrap()
    );
}

#[test]
fn sm3_merkle_agrees_with_an_independent_rfc6962() {
    merkle_against_the_rfc6962_peer(Suite::Gm, "sm3");
}

#[test]
fn sha256_merkle_agrees_with_the_same_independent_rfc6962() {
    merkle_against_the_rfc6962_peer(Suite::Intl, "sha256");
    // And the suite-less functions are SHA-256, as before.
    assert_eq!(
        merkle::leaf_hash(b"x"),
        merkle::leaf_hash_with(Suite::Intl, b"x")
    );
    assert_ne!(
        merkle::leaf_hash(b"x"),
        merkle::leaf_hash_with(Suite::Gm, b"x")
    );
}

/// SM3("") is the published value, so the gm empty root is SM3 and not
/// SHA-256 by mistake.
#[test]
fn the_gm_empty_root_is_sm3_of_nothing() {
    assert_eq!(
        to_hex(&merkle::empty_root_with(Suite::Gm)),
        "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
    );
}

// ---------------------------------------------------------------- checkpoints

fn gmssl(requests: Value) -> Vec<Value> {
    let Value::Array(a) = run_peer(&python(), "tests/peers/sm2_gmssl.py", &requests) else {
        panic!("gmssl did not answer an array")
    };
    for x in &a {
        assert!(x.get("error").is_none(), "peer error: {x}");
    }
    a
}

fn split_note(note: &str) -> (&str, Vec<u8>) {
    let at = note.rfind("\n\n").unwrap();
    let body = &note[..=at];
    let line = note[at + 2..].trim_end();
    let b64 = line.rsplit(' ').next().unwrap();
    (body, Base64::decode_vec(b64).unwrap())
}

/// A note of `body` with one signature line: `sig` by `public` under the
/// name [`ORIGIN`].
fn note_signed(body: &str, public: &DevicePublicKey, sig: &[u8]) -> String {
    let mut blob = checkpoint::key_id(ORIGIN, public).to_vec();
    blob.extend_from_slice(sig);
    format!(
        "{body}\n\u{2014} {ORIGIN} {}\n",
        Base64::encode_string(&blob)
    )
}

#[test]
fn sm2_checkpoints_agree_with_gmssl_both_ways() {
    seed();
    let key = gm_key(5);
    let public = key.verifying_key();
    let log = log_of(key.clone(), 5);
    let note = log.checkpoint().unwrap();
    let (body, blob) = split_note(&note);
    assert_eq!(blob.len(), 68);
    assert_eq!(blob[..4], checkpoint::key_id(ORIGIN, &public));
    // The key ID is SHA-256(name ‖ 0A ‖ FF ‖ identifier ‖ 04‖x‖y)[:4].
    let mut id_input = ORIGIN.as_bytes().to_vec();
    id_input.push(0x0a);
    id_input.push(0xff);
    id_input.extend_from_slice(b"mpshield.example/signed-note/sm2-sm3");
    id_input.extend_from_slice(&public.to_bytes());
    let digest = mpshield::suite::Suite::Intl.digest(&id_input);
    assert_eq!(blob[..4], digest[..4]);
    let pub_hex = to_hex(&public.to_bytes());
    let sig_hex = to_hex(&blob[4..]);
    let other_body = body.replacen("\n5\n", "\n6\n", 1);
    // mpshield → gmssl.
    let answers = gmssl(json!([
        { "op": "verify", "pub": pub_hex, "msg": body, "sig": sig_hex },
        { "op": "verify", "pub": pub_hex, "msg": other_body, "sig": sig_hex },
    ]));
    assert_eq!(
        answers[0]["ok"], true,
        "gmssl refused mpshield's checkpoint"
    );
    assert_eq!(answers[1]["ok"], false);
    // gmssl → mpshield: gmssl signs the body with the device key's scalar.
    let answers = gmssl(json!([
        { "op": "sign", "d": to_hex(&key.to_seed()[..]), "msg": body, "k": null },
    ]));
    let sig = unhex(answers[0]["sig"].as_str().unwrap());
    assert_eq!(sig.len(), 64);
    let peer_note = note_signed(body, &public, &sig);
    let cp = checkpoint::verify(&peer_note, &public, ORIGIN).unwrap();
    assert_eq!((cp.size, cp.root), (5, log.root()));
    // The peer's signature on another body does not verify.
    let forged = peer_note.replacen("\n5\n", "\n6\n", 1);
    assert_eq!(
        checkpoint::verify(&forged, &public, ORIGIN)
            .unwrap_err()
            .code(),
        "INVALID_CHECKPOINT"
    );
}

/// The same with the JavaScript SM2 of the phones: `sm-crypto-v2` and
/// WeChat's own `miniprogram-sm-crypto` verify mpshield's checkpoint and
/// sign one that mpshield verifies.
#[test]
fn sm2_checkpoints_agree_with_the_javascript_peers_both_ways() {
    seed();
    let key = gm_key(6);
    let public = key.verifying_key();
    let log = log_of(key.clone(), 3);
    let note = log.checkpoint().unwrap();
    let (body, blob) = split_note(&note);
    let pub_hex = to_hex(&public.to_bytes());
    for lib in ["sm-crypto-v2", "miniprogram-sm-crypto"] {
        let Value::Array(a) = run_peer(
            std::path::Path::new("node"),
            "tests/peers/sm2_node.mjs",
            &json!([
                { "op": "verify", "lib": lib, "pub": pub_hex, "msg": body, "sig": to_hex(&blob[4..]) },
                { "op": "verify", "lib": lib, "pub": pub_hex, "msg": format!("{body}x"),
                  "sig": to_hex(&blob[4..]) },
                { "op": "sign", "lib": lib, "d": to_hex(&key.to_seed()[..]), "msg": body },
            ]),
        ) else {
            panic!("{lib}: not an array")
        };
        assert!(a.iter().all(|x| x.get("error").is_none()), "{lib}: {a:?}");
        assert_eq!(a[0]["ok"], true, "{lib} refused mpshield's checkpoint");
        assert_eq!(a[1]["ok"], false, "{lib} accepted another body");
        let peer_note = note_signed(body, &public, &unhex(a[2]["sig"].as_str().unwrap()));
        let cp = checkpoint::verify(&peer_note, &public, ORIGIN)
            .unwrap_or_else(|e| panic!("{lib}'s checkpoint signature: {e}"));
        assert_eq!(cp.root, log.root());
        assert!(checkpoint::verify(&peer_note, &gm_key(7).verifying_key(), ORIGIN).is_err());
    }
}

#[test]
fn checkpoints_refuse_keys_of_the_other_suite() {
    seed();
    let gm_note = log_of(gm_key(1), 2).checkpoint().unwrap();
    let intl_note = log_of(intl_key(1), 2).checkpoint().unwrap();
    for (note, key) in [
        (&gm_note, intl_key(1).verifying_key()),
        (&intl_note, gm_key(1).verifying_key()),
        (&gm_note, gm_key(2).verifying_key()),
    ] {
        assert_eq!(
            checkpoint::verify(note, &key, ORIGIN).unwrap_err().code(),
            "INVALID_CHECKPOINT"
        );
    }
    // Every single-byte change of a gm note fails (or is not UTF-8).
    let public = gm_key(1).verifying_key();
    checkpoint::verify(&gm_note, &public, ORIGIN).unwrap();
    for i in 0..gm_note.len() {
        let mut b = gm_note.as_bytes().to_vec();
        b[i] ^= 0x01;
        if let Ok(s) = String::from_utf8(b) {
            assert!(checkpoint::verify(&s, &public, ORIGIN).is_err(), "byte {i}");
        }
    }
    // A signature line with the right key ID but an Ed25519-sized garbage
    // signature is a failure, not a panic.
    let (body, mut blob) = split_note(&gm_note);
    blob.truncate(40);
    let short = format!(
        "{body}\n\u{2014} {ORIGIN} {}\n",
        Base64::encode_string(&blob)
    );
    assert!(checkpoint::verify(&short, &public, ORIGIN).is_err());
}

// ---------------------------------------------------------------- receipts

#[test]
fn gm_receipts_round_trip_and_refuse_everything_else() {
    seed();
    let gm = gm_key(3);
    let mut log = log_of(gm.clone(), 6);
    let at = log.append(rec(log.suite(), 6)).unwrap();
    assert_eq!(
        at.leaf_hash,
        merkle::leaf_hash_with(Suite::Gm, &log.get(6).unwrap().canonical_bytes().unwrap())
    );
    let r = log.receipt(at.index).unwrap();
    assert_eq!(&r[..4], b"MPR\x02");
    let v = verify_receipt(&r, &gm.verifying_key()).unwrap();
    assert_eq!((v.index, v.record.id()), (6, "rec-000006"));
    assert_eq!(v.checkpoint.root, log.root());
    receipt::verify_receipt_for_origin(&r, &gm.verifying_key(), ORIGIN).unwrap();

    // Every flipped byte is refused.
    for i in 0..r.len() {
        let mut b = r.clone();
        b[i] ^= 0x01;
        assert!(verify_receipt(&b, &gm.verifying_key()).is_err(), "byte {i}");
    }
    // Truncation and trailing garbage.
    assert!(verify_receipt(&r[..r.len() - 1], &gm.verifying_key()).is_err());
    assert!(verify_receipt(&[r.clone(), vec![0]].concat(), &gm.verifying_key()).is_err());

    // An intl key on a gm receipt, a gm key on an intl receipt.
    let intl = intl_key(3);
    let intl_log = log_of(intl.clone(), 7);
    let ri = intl_log.receipt(6).unwrap();
    assert_eq!(&ri[..4], b"MPR\x01");
    verify_receipt(&ri, &intl.verifying_key()).unwrap();
    let code = |r: &[u8], k: &DevicePublicKey| verify_receipt(r, k).unwrap_err().code();
    assert_eq!(code(&r, &intl.verifying_key()), "INVALID_RECEIPT");
    assert_eq!(code(&ri, &gm.verifying_key()), "INVALID_RECEIPT");

    // The version says the suite: a gm receipt relabelled version 1, an
    // intl one relabelled version 2, with their own keys.
    let mut relabelled = r.clone();
    relabelled[3] = 1;
    assert_eq!(code(&relabelled, &gm.verifying_key()), "INVALID_RECEIPT");
    let mut relabelled = ri.clone();
    relabelled[3] = 2;
    assert_eq!(code(&relabelled, &intl.verifying_key()), "INVALID_RECEIPT");
    let mut v3 = r.clone();
    v3[3] = 3;
    assert_eq!(code(&v3, &gm.verifying_key()), "INVALID_RECEIPT");

    // A SHA-256 tree under an SM2 checkpoint in a gm receipt: the SM3 leaf
    // is not in it.
    let bytes: Vec<Vec<u8>> = log
        .records()
        .map(|r| r.canonical_bytes().unwrap())
        .collect();
    let mut sha = MerkleTree::new();
    for b in &bytes {
        sha.push(merkle::leaf_hash(b));
    }
    let note = Checkpoint {
        origin: ORIGIN.into(),
        size: 7,
        root: sha.root(),
    }
    .sign(&gm)
    .unwrap();
    let forged = receipt::encode_with(
        Suite::Gm,
        &bytes[6],
        6,
        &sha.inclusion_proof(6, 7).unwrap(),
        &note,
    )
    .unwrap();
    assert_eq!(code(&forged, &gm.verifying_key()), "INVALID_PROOF");
    // And an SM3 tree in a version-1 receipt under an Ed25519 checkpoint.
    let mut sm3 = MerkleTree::with_suite(Suite::Gm);
    for b in &bytes {
        sm3.push(merkle::leaf_hash_with(Suite::Gm, b));
    }
    let note = Checkpoint {
        origin: ORIGIN.into(),
        size: 7,
        root: sm3.root(),
    }
    .sign(&intl)
    .unwrap();
    let forged = receipt::encode(&bytes[6], 6, &sm3.inclusion_proof(6, 7).unwrap(), &note).unwrap();
    assert_eq!(code(&forged, &intl.verifying_key()), "INVALID_PROOF");
}

// ---------------------------------------------------------------- storage

fn save(log: &ConsentLog, storage: &mut MemoryStorage, key: &StorageKey) -> Committer {
    let mut c = Committer::new(commit::LOG_PREFIX);
    commit::save_sync(&mut c, storage, log, &[], key).unwrap();
    c
}

#[test]
fn gm_storage_round_trips_and_is_sealed_with_sm4_gcm() {
    seed();
    let key = StorageKey::from_bytes([7; 32]);
    let gm = gm_key(4);
    let mut log = log_of(gm.clone(), 5);
    let mut storage = MemoryStorage::new();
    let mut committer = save(&log, &mut storage, &key);
    assert_eq!(committer.suite(), Some(Suite::Gm));
    // Every value says suite 2.
    for (k, v) in storage.entries() {
        assert_eq!(&v[..5], b"MPS\x02\x02", "{k}");
    }
    log.append(rec(log.suite(), 5)).unwrap();
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key).unwrap();
    let note = log.checkpoint().unwrap();
    let (back, _) = commit::open_log(&mut storage, &key, gm.clone(), ORIGIN, Some(&note)).unwrap();
    assert_eq!(
        (back.size(), back.root(), back.suite()),
        (6, log.root(), Suite::Gm)
    );
    match commit::open_sync(&mut storage, commit::LOG_PREFIX, &key).unwrap() {
        commit::Found::Opened(o) => {
            assert_eq!(o.suite(), Suite::Gm);
            o.require_suite(Suite::Gm).unwrap();
            assert_eq!(
                o.require_suite(Suite::Intl).unwrap_err().code(),
                "UNSUPPORTED_ALGORITHM"
            );
        }
        commit::Found::Empty(_) => panic!("nothing opened"),
    }
    // A wrong storage key is DECRYPT_FAILED, as for intl.
    let e = commit::open_log(
        &mut storage,
        &StorageKey::from_bytes([8; 32]),
        gm,
        ORIGIN,
        None,
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "DECRYPT_FAILED");
}

/// The segment layout is the documented one: header ‖ SM4-GCM(body) ‖ tag
/// under HKDF-SM3(salt "mpshield/store/v2", storage key, info = header),
/// zero nonce, header as AAD; checked with pyca's HKDF-SM3 and SM4-GCM.
#[test]
fn gm_storage_values_open_with_pyca_from_the_documented_layout() {
    seed();
    let key = StorageKey::from_bytes([7; 32]);
    let log = log_of(gm_key(4), 2);
    let mut storage = MemoryStorage::new();
    save(&log, &mut storage, &key);
    let values: Vec<(String, Vec<u8>)> = storage
        .entries()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let hkdf: Vec<Value> = values
        .iter()
        .map(|(_, v)| {
            json!({ "salt": to_hex(b"mpshield/store/v2"), "ikm": to_hex(&[7; 32]),
                    "info": to_hex(&v[..30]), "len": 16 })
        })
        .collect();
    let keys = run_peer(
        &python(),
        "tests/peers/pyca_sm.py",
        &json!({ "hkdf": hkdf }),
    );
    let open: Vec<Value> = values
        .iter()
        .zip(keys["hkdf"].as_array().unwrap())
        .map(|((_, v), k)| {
            json!({ "key": k, "nonce": to_hex(&[0; 12]), "aad": to_hex(&v[..30]),
                    "ct": to_hex(&v[30..]) })
        })
        .collect();
    let opened = run_peer(
        &python(),
        "tests/peers/pyca_sm.py",
        &json!({ "gcm_open": open }),
    );
    for ((k, _), pt) in values.iter().zip(opened["gcm_open"].as_array().unwrap()) {
        assert!(pt.is_string(), "pyca could not open {k}");
    }
    // The commit value holds the signed checkpoint in clear once opened.
    let commit_at = values
        .iter()
        .position(|(k, _)| k.ends_with("commit/1"))
        .unwrap();
    let pt = unhex(opened["gcm_open"][commit_at].as_str().unwrap());
    let text = String::from_utf8_lossy(&pt);
    assert!(text.contains(&log.checkpoint().unwrap()[..40]));
}

#[test]
fn a_store_of_the_other_suite_is_refused() {
    seed();
    let key = StorageKey::from_bytes([7; 32]);
    for (writer, reader) in [(Suite::Intl, Suite::Gm), (Suite::Gm, Suite::Intl)] {
        let log = log_of(key_of(writer, 1), 3);
        let mut storage = MemoryStorage::new();
        let mut committer = save(&log, &mut storage, &key);
        let e = commit::open_log(&mut storage, &key, key_of(reader, 1), ORIGIN, None)
            .err()
            .unwrap();
        assert_eq!(
            e.code(),
            "UNSUPPORTED_ALGORITHM",
            "{writer:?} opened as {reader:?}"
        );
        // Nor does a committer of one suite save a log of the other.
        let other = log_of(key_of(reader, 1), 4);
        let e = commit::save_sync(&mut committer, &mut storage, &other, &[], &key)
            .err()
            .unwrap();
        assert!(
            matches!(e.code(), "UNSUPPORTED_ALGORITHM" | "CONSENT_NOT_PERSISTED"),
            "{e}"
        );
        // The store still opens as what it is.
        commit::open_log(&mut storage, &key, key_of(writer, 1), ORIGIN, None).unwrap();
    }
}

/// Relabelling, mixing and unknown suite bytes: typed errors, never a
/// panic, never a log.
#[test]
fn mixed_and_relabelled_suites_are_refused() {
    seed();
    let key = StorageKey::from_bytes([7; 32]);
    let gm_log = log_of(gm_key(1), 3);
    let mut gm_store = MemoryStorage::new();
    save(&gm_log, &mut gm_store, &key);
    let intl_log = log_of(intl_key(1), 3);
    let mut intl_store = MemoryStorage::new();
    save(&intl_log, &mut intl_store, &key);
    let open = |s: &mut MemoryStorage, suite: Suite| -> Result<ConsentLog> {
        commit::open_log(s, &key, key_of(suite, 1), ORIGIN, None).map(|(l, _)| l)
    };

    // A gm segment relabelled as suite 1 (and the reverse): the segment is
    // of the other suite than its commit.
    for (store, suite, to) in [(&gm_store, Suite::Gm, 1u8), (&intl_store, Suite::Intl, 2u8)] {
        let mut s = store.clone();
        let seg = s
            .entries()
            .keys()
            .find(|k| k.contains("/seg/"))
            .unwrap()
            .clone();
        s.entries_mut().get_mut(&seg).unwrap()[4] = to;
        assert_eq!(open(&mut s, suite).unwrap_err().code(), "STORAGE_CORRUPT");
    }
    // An intl head slot in a gm store (both open under the storage key): a
    // store never mixes suites.
    let mut s = gm_store.clone();
    let head = format!("{}head/1", commit::LOG_PREFIX);
    let intl_head = intl_store
        .entries()
        .iter()
        .find(|(k, _)| k.contains("head/"))
        .map(|(_, v)| v.clone())
        .unwrap();
    s.set(&head, &intl_head).unwrap();
    assert_eq!(
        open(&mut s, Suite::Gm).unwrap_err().code(),
        "STORAGE_CORRUPT"
    );
    // Every value relabelled with an unknown suite: a newer format.
    let mut s = gm_store.clone();
    for v in s.entries_mut().values_mut() {
        v[4] = 3;
    }
    assert_eq!(
        open(&mut s, Suite::Gm).unwrap_err().code(),
        "STORAGE_CORRUPT"
    );
    // Every gm value relabelled intl: nothing opens (as with a wrong key).
    let mut s = gm_store.clone();
    for v in s.entries_mut().values_mut() {
        v[4] = 1;
    }
    assert!(open(&mut s, Suite::Intl).is_err());
    assert!(open(&mut s, Suite::Gm).is_err());
}

// ----------------------------------------------------- storage crash safety

/// The log-level twin of `tests/storage_commit.rs`'s crash safety, for
/// both suites: a failure at every storage operation of a save, in every
/// mode, reopens to the state before or after the save (after it if the
/// save said so); a later save from the reopened log wins over the late
/// write of the failed one.
fn crash_safety(suite: Suite) {
    seed();
    let key = StorageKey::from_bytes([5; 32]);
    let device = key_of(suite, 9);
    let base = log_of(device.clone(), 3);
    let mut clean = MemoryStorage::new();
    save(&base, &mut clean, &key);
    let (before_size, before_root) = (base.size(), base.root());
    let reopen = |s: &mut dyn Storage| commit::open_log(s, &key, device.clone(), ORIGIN, None);
    let mut covered = 0;
    for at in 0.. {
        let mut ran_out = true;
        for mode in MODES {
            let mut s = Faulty::new(clean.clone());
            s.mode = mode;
            let (mut log, mut committer) = reopen(&mut s).unwrap();
            s.at = Some(at);
            log.append(rec(log.suite(), 100)).unwrap();
            let first = commit::save_sync(&mut committer, &mut s, &log, &[], &key);
            if s.ops > at {
                ran_out = false;
            }
            let (now, mut c2) = reopen(&mut s.inner.clone())
                .unwrap_or_else(|e| panic!("{suite:?} at {at} {mode:?}: reopen failed: {e}"));
            let n = now.size();
            assert!(
                n == before_size || n == before_size + 1,
                "{suite:?} at {at} {mode:?}: {n}"
            );
            assert_eq!(now.tree().root_at(before_size).unwrap(), before_root);
            if first.is_ok() {
                assert_eq!(
                    n,
                    before_size + 1,
                    "{suite:?} at {at} {mode:?}: saved record lost"
                );
            }
            // A later save from the reopened log, storage working; then the
            // failed save's late write lands.
            s.at = None;
            let mut now = now;
            now.append(rec(now.suite(), 200)).unwrap();
            let mut inner = s.inner.clone();
            commit::save_sync(&mut c2, &mut inner, &now, &[], &key).unwrap();
            for (k, v) in std::mem::take(&mut s.late) {
                inner.set(&k, &v).unwrap();
            }
            let (back, _) = reopen(&mut inner)
                .unwrap_or_else(|e| panic!("{suite:?} at {at} {mode:?}: reopen failed: {e}"));
            assert_eq!(
                back.root(),
                now.root(),
                "{suite:?} at {at} {mode:?}: not the newest"
            );
            assert_eq!(back.suite(), suite);
        }
        covered = at;
        if ran_out {
            break;
        }
    }
    assert!(covered >= 3, "a save made {covered} storage operations");
}

#[test]
fn crash_safety_of_gm_storage() {
    crash_safety(Suite::Gm);
}

#[test]
fn crash_safety_of_intl_storage() {
    crash_safety(Suite::Intl);
}

// ---------------------------------------------------------------- export

/// What the wallet's export does, at the consent layer: the handover
/// record to a fresh key of the same suite, the handover checkpoint, the
/// sealed export.
fn export(log: &mut ConsentLog, next: &DeviceKey) -> Export {
    let record = handover::handover_record(log.size(), &next.verifying_key(), T0 + 9_000);
    log.append(record).unwrap();
    Export {
        origin: log.origin().to_owned(),
        device_seed: next.to_seed(),
        handovers: vec![Handover {
            key: log.device_public_key(),
            note: log.checkpoint().unwrap(),
        }],
        records: log
            .records()
            .map(|r| r.canonical_bytes().unwrap())
            .collect(),
        pruned: log.pruned(),
        frontier: log.frontier(),
        reissue: b"[]".to_vec(),
    }
}

#[test]
fn gm_export_round_trips_and_continues_the_log() {
    seed();
    let old = gm_key(1);
    let mut log = log_of(old.clone(), 4);
    let rp_note = log.checkpoint().unwrap(); // a relying party holds this
    let next = DeviceKey::generate(Suite::Gm).unwrap();
    let e = export(&mut log, &next);
    assert_eq!(e.suite(), Suite::Gm);
    let code = RecoveryCode::generate().unwrap();
    let sealed = e.seal(&code).unwrap();
    assert_eq!(&sealed[..6], b"MPX\x01\x02\x00");

    let back = Export::open(&sealed, &code).unwrap();
    assert_eq!(back.suite(), Suite::Gm);
    assert_eq!(*back.device_seed, *next.to_seed());
    let key = DeviceKey::from_seed(back.suite(), &back.device_seed).unwrap();
    let mut new_log = ConsentLog::resume(key, &back.origin, back.pruned, &back.frontier).unwrap();
    for b in &back.records {
        let r = mpshield::consent::record::ConsentRecord::from_canonical_bytes(b).unwrap();
        new_log.append(r).unwrap();
    }
    assert_eq!(new_log.root(), log.root());
    handover::check_chain(&new_log, &back.handovers).unwrap();
    new_log.append(rec(new_log.suite(), 50)).unwrap();

    // The relying party's checkpoint (old key) is continued by the new one.
    let proof = handover::continuity_proof(&new_log, &back.handovers, &rp_note).unwrap();
    assert_eq!(&proof[..4], b"MPH\x02");
    let c = handover::verify_continuity(&proof, &rp_note, &old.verifying_key(), ORIGIN).unwrap();
    assert_eq!(c.key, next.verifying_key());
    assert_eq!(c.checkpoint.size, new_log.size());
    assert_eq!(c.restored, None);
    // Negatives: every flipped byte of the proof, another key, an intl key.
    for i in (0..proof.len()).step_by(7) {
        let mut p = proof.clone();
        p[i] ^= 1;
        assert!(
            handover::verify_continuity(&p, &rp_note, &old.verifying_key(), ORIGIN).is_err(),
            "byte {i}"
        );
    }
    assert!(
        handover::verify_continuity(&proof, &rp_note, &gm_key(2).verifying_key(), ORIGIN).is_err()
    );
    assert!(
        handover::verify_continuity(&proof, &rp_note, &intl_key(1).verifying_key(), ORIGIN)
            .is_err()
    );
}

#[test]
fn intl_continuity_still_works_and_keeps_its_version() {
    seed();
    let old = intl_key(1);
    let mut log = log_of(old.clone(), 3);
    let rp_note = log.checkpoint().unwrap();
    let next = DeviceKey::generate(Suite::Intl).unwrap();
    let e = export(&mut log, &next);
    let code = RecoveryCode::generate().unwrap();
    let sealed = e.seal(&code).unwrap();
    assert_eq!(&sealed[..6], b"MPX\x01\x01\x00");
    let back = Export::open(&sealed, &code).unwrap();
    let key = DeviceKey::from_seed(back.suite(), &back.device_seed).unwrap();
    let mut new_log = ConsentLog::resume(key, &back.origin, 0, &[]).unwrap();
    for b in &back.records {
        new_log
            .append(mpshield::consent::record::ConsentRecord::from_canonical_bytes(b).unwrap())
            .unwrap();
    }
    let proof = handover::continuity_proof(&new_log, &back.handovers, &rp_note).unwrap();
    assert_eq!(&proof[..4], b"MPH\x01");
    handover::verify_continuity(&proof, &rp_note, &old.verifying_key(), ORIGIN).unwrap();
    // A gm key with an intl proof.
    assert_eq!(
        handover::verify_continuity(&proof, &rp_note, &gm_key(1).verifying_key(), ORIGIN)
            .unwrap_err()
            .code(),
        "INVALID_CHECKPOINT"
    );
}

#[test]
fn a_tampered_gm_export_is_refused() {
    seed();
    let mut log = log_of(gm_key(1), 3);
    let e = export(&mut log, &DeviceKey::generate(Suite::Gm).unwrap());
    let code = RecoveryCode::generate().unwrap();
    let sealed = e.seal(&code).unwrap();
    for i in (0..sealed.len()).step_by(3) {
        let mut b = sealed.clone();
        b[i] ^= 0x01;
        let err = Export::open(&b, &code).err().map(|e| e.code());
        assert!(
            matches!(err, Some("DECRYPT_FAILED" | "STORAGE_CORRUPT")),
            "byte {i}: {err:?}"
        );
    }
    // The suite byte relabelled: intl's algorithms do not open it.
    let mut b = sealed.clone();
    b[4] = 1;
    assert_eq!(
        Export::open(&b, &code).err().unwrap().code(),
        "DECRYPT_FAILED"
    );
    b[4] = 3;
    assert_eq!(
        Export::open(&b, &code).err().unwrap().code(),
        "STORAGE_CORRUPT"
    );
    // Another code, truncation.
    let other = RecoveryCode::generate().unwrap();
    assert_eq!(
        Export::open(&sealed, &other).err().unwrap().code(),
        "DECRYPT_FAILED"
    );
    assert!(Export::open(&sealed[..sealed.len() - 1], &code).is_err());
}

#[test]
fn cross_suite_handovers_are_refused() {
    seed();
    for (from, to) in [(Suite::Gm, Suite::Intl), (Suite::Intl, Suite::Gm)] {
        let mut log = log_of(key_of(from, 1), 2);
        let other = key_of(to, 2).verifying_key();
        let record = handover::handover_record(log.size(), &other, T0 + 9_000);
        let e = log.append(record).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_ALGORITHM", "{from:?} → {to:?}");
        assert_eq!(log.size(), 2);
        // A chain naming a key of the other suite.
        let chain = [Handover {
            key: other,
            note: log.checkpoint().unwrap(),
        }];
        assert_eq!(
            handover::check_chain(&log, &chain).unwrap_err().code(),
            "UNSUPPORTED_ALGORITHM"
        );
        // An export mixing suites is not sealed.
        let mut e = export(&mut log, &key_of(from, 3));
        e.handovers.push(Handover {
            key: key_of(to, 4).verifying_key(),
            note: String::new(),
        });
        let code = RecoveryCode::generate().unwrap();
        assert_eq!(e.seal(&code).unwrap_err().code(), "INVALID_INPUT");
    }
}

// ---------------------------------------------------------------- records

/// The gm pseudonym is HMAC-SM3 and the gm notice hash SM3 (pyca checks
/// both); a log refuses a notice named by the other suite's hash.
#[test]
fn gm_records_use_hmac_sm3_and_sm3() {
    seed();
    let id = "11010519491231002X";
    let g = record::principal_id_with(Suite::Gm, &[1; 32], id);
    let p = record::principal_id_with(Suite::Intl, &[1; 32], id);
    assert!(g.starts_with("g1:") && p.starts_with("p1:"));
    assert_eq!(p, record::principal_id(&[1; 32], id));
    let text = "隐私政策 第 3 版".as_bytes();
    let answer = run_peer(
        &python(),
        "tests/peers/pyca_sm.py",
        &json!({ "extract": [{ "salt": to_hex(&[1; 32]), "ikm": to_hex(id.as_bytes()) }],
                 "sm3": [to_hex(text)] }),
    );
    let b64 = |v: &Value| {
        use base64ct::Base64UrlUnpadded;
        Base64UrlUnpadded::encode_string(&unhex(v.as_str().unwrap()))
    };
    assert_eq!(g, format!("g1:{}", b64(&answer["extract"][0])));
    let n = Notice::of_text(Suite::Gm, text, "https://hotel.example/privacy");
    assert_eq!(n.sm3.as_deref(), Some(b64(&answer["sm3"][0]).as_str()));
    assert_eq!((n.sha256.as_deref(), n.suite()), (None, Some(Suite::Gm)));

    // Each log takes its own suite's notices only.
    for (suite, other) in [(Suite::Gm, Suite::Intl), (Suite::Intl, Suite::Gm)] {
        let mut log = log_of(key_of(suite, 1), 1);
        let mut r = rec(suite, 1);
        r.notice = Some(Notice::of_text(
            other,
            text,
            "https://hotel.example/privacy",
        ));
        assert_eq!(log.append(r).unwrap_err().code(), "INVALID_RECORD");
        let mut r = rec(suite, 2);
        let mut both = Notice::of_text(suite, text, "https://hotel.example/privacy");
        both.sha256 = both.sha256.or(Some(n.sm3.clone().unwrap()));
        both.sm3 = both.sm3.or(Some(n.sm3.clone().unwrap()));
        r.notice = Some(both);
        assert_eq!(log.append(r).unwrap_err().code(), "INVALID_RECORD");
        let mut r = rec(suite, 3);
        r.notice.as_mut().unwrap().sha256 = None;
        r.notice.as_mut().unwrap().sm3 = None;
        assert_eq!(log.append(r).unwrap_err().code(), "INVALID_RECORD");
        log.append(rec(suite, 4)).unwrap();
    }
    // The gm record's canonical form carries notice.sm3.
    let bytes = rec(Suite::Gm, 1).canonical_bytes().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(r#""notice":{"sm3":""#), "{text}");
}

// ---------------------------------------------------------------- worked example

/// docs/FORMAT.md's gm worked example is what this code writes: the
/// canonical record 0, its SM3 leaf, and the SM2-signed checkpoint of a
/// five-record log under the device key of scalar 32 × `0x01` (SM2
/// signatures here are deterministic).
#[test]
fn the_documented_gm_example_is_current() {
    seed();
    let log = log_of(gm_key(1), 5);
    let record = String::from_utf8(log.get(0).unwrap().canonical_bytes().unwrap()).unwrap();
    let leaf = to_hex(&log.tree().leaf(0).unwrap());
    let note = log.checkpoint().unwrap();
    assert_eq!(
        note,
        log.checkpoint().unwrap(),
        "SM2 signing is deterministic"
    );
    // The public key gmssl derives from the same scalar.
    assert_eq!(
        to_hex(&gm_key(1).verifying_key().to_bytes()),
        "04bba87803d5e12788b07a912ae5368e7b2720bd19b93920bdbf2e9b6286da9c4e\
         2bc093830dc0762b8e144b80ae18447b1bf6c670b93bda9a80795768af5a901e"
    );
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/FORMAT.md")).unwrap();
    for (what, text) in [("record", &record), ("leaf", &leaf), ("checkpoint", &note)] {
        assert!(
            doc.contains(text.as_str()),
            "docs/FORMAT.md lacks the gm example's {what}:\n{text}"
        );
    }
}

// ---------------------------------------------------------------- pruning

/// A pruned gm log keeps its SM3 frontier through storage and export: it
/// reopens with the same root, proves consistency from the prune point on,
/// and its export continues it.
#[test]
fn a_pruned_gm_log_survives_storage_and_export() {
    seed();
    let device = gm_key(2);
    let mut log = ConsentLog::create(device.clone(), ORIGIN).unwrap();
    let mut early = String::new();
    for i in 0..9 {
        let mut r = rec(Suite::Gm, i);
        r.fields.iter_mut().for_each(|f| f.retention_days = 0);
        log.append(r).unwrap();
        if i == 2 {
            early = log.checkpoint().unwrap(); // size 3, below the prune point
        }
    }
    let pruned = log.prune(6, T0 + 10_000);
    assert_eq!(pruned.to, 6);
    assert_eq!(log.tree().suite(), Suite::Gm);
    let key = StorageKey::from_bytes([3; 32]);
    let mut storage = MemoryStorage::new();
    save(&log, &mut storage, &key);
    let e = commit::open_log(&mut storage, &key, device.clone(), ORIGIN, Some(&early))
        .err()
        .unwrap();
    assert_eq!(e.code(), "INVALID_CHECKPOINT");
    let now = log.checkpoint().unwrap();
    let (back, _) =
        commit::open_log(&mut storage, &key, device.clone(), ORIGIN, Some(&now)).unwrap();
    assert_eq!(
        (back.pruned(), back.size(), back.root()),
        (6, 9, log.root())
    );
    let p = back.consistency_proof(6, 9).unwrap();
    merkle::verify_consistency_with(
        Suite::Gm,
        6,
        9,
        &back.tree().root_at(6).unwrap(),
        &back.root(),
        &p,
    )
    .unwrap();
    // Export of the pruned log: the frontier travels, the root is kept.
    let mut log = back;
    let next = DeviceKey::generate(Suite::Gm).unwrap();
    let e = export(&mut log, &next);
    let code = RecoveryCode::generate().unwrap();
    let opened = Export::open(&e.seal(&code).unwrap(), &code).unwrap();
    assert_eq!((opened.pruned, opened.frontier.len()), (6, 2));
    let mut new_log = ConsentLog::resume(
        DeviceKey::from_seed(Suite::Gm, &opened.device_seed).unwrap(),
        ORIGIN,
        opened.pruned,
        &opened.frontier,
    )
    .unwrap();
    for b in &opened.records {
        new_log
            .append(ConsentRecord::from_canonical_bytes(b).unwrap())
            .unwrap();
    }
    assert_eq!(new_log.root(), log.root());
    handover::check_chain(&new_log, &opened.handovers).unwrap();
}
