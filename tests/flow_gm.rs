//! The gm (国密) disclosure flow: requests that say their suite, a gm
//! `Verifier` and a gm `Wallet`, a hotel check-in whose every protection is
//! SM (envelope version 2 / SM2 KEM / SM4-GCM, SM2 key binding, SM3
//! `sd_hash` for an `sm3` credential, SM3 record `sdHash`) with credentials
//! of an SM2 and of an EdDSA issuer; and a negative test for every suite
//! check: requests whose keys contradict their suite, unknown suites, a
//! tampered `suite`, verifiers and wallets of mixed keys or suites,
//! requests of the other suite (refused before anything is recorded or
//! stored), and key bindings of the wrong hash or suite.
//!
//! Digests are recomputed with the `sm3` and `sha2` crates directly. All
//! identities are synthetic (`tests/common`).
#![cfg(all(feature = "gm", feature = "intl"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::flow::{hotel_choices, hotel_request, id_card, uscc};
use common::{key, rng, NOW};
use mpshield::consent::StorageKey;
use mpshield::credential::jose::{b64url, b64url_decode};
use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use mpshield::credential::licence::{self, LicenceOptions};
use mpshield::flow::request::{self, Request};
use mpshield::flow::verifier::{MemoryNonceStore, Verifier};
use mpshield::flow::wallet::{OpenOptions, SeparateConsent, Wallet};
use mpshield::flow::{MemoryStorage, RESPONSE_INFO};
use mpshield::seal::envelope::{self, SealOptions};
use mpshield::seal::hpke::{self, Aead, Kem, KeyPair};
use mpshield::suite::Suite;
use serde_json::{json, Value};
use sha2::Digest as _;

fn seed() {
    let entropy: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(31) ^ 0xa7).collect();
    mpshield::rng::add_entropy(&entropy).unwrap();
}

fn code<T: std::fmt::Debug>(r: mpshield::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

fn sm3_b64(bytes: &[u8]) -> String {
    b64url(&sm3::Sm3::digest(bytes))
}

fn sha256_b64(bytes: &[u8]) -> String {
    b64url(&sha2::Sha256::digest(bytes))
}

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&b64url_decode(part, "part").unwrap()).unwrap()
}

/// Signs `header.payload` as a compact JWS with `key`.
fn sign_jws(key: &SigningKey, header: &Value, payload: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    );
    let sig = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64url(&sig))
}

/// `req` with its payload edited and signed again by `key` (header `alg`,
/// `jwk` and payload `iss` of `key`): a request someone holding `key`
/// could make.
fn resign(req: &str, key: &SigningKey, edit: impl FnOnce(&mut Value)) -> String {
    let mut parts = req.split('.');
    let header = decode_part(parts.next().unwrap());
    let mut payload = decode_part(parts.next().unwrap());
    payload["iss"] = json!(request::audience(key.verifying_key()));
    edit(&mut payload);
    let header =
        json!({ "alg": key.alg().as_str(), "typ": header["typ"], "jwk": key.public_jwk() });
    sign_jws(key, &header, &payload)
}

/// `req` with its payload replaced by `edit`'s, the signature kept.
fn tamper(req: &str, edit: impl FnOnce(&mut Value)) -> String {
    let parts: Vec<&str> = req.split('.').collect();
    let mut payload = decode_part(parts[1]);
    edit(&mut payload);
    format!(
        "{}.{}.{}",
        parts[0],
        b64url(payload.to_string().as_bytes()),
        parts[2]
    )
}

fn kem_pair(kem: Kem, seed: u8) -> KeyPair {
    hpke::generate_key_pair_with_rng(kem, &mut rng(seed)).unwrap()
}

/// The gm hotel's sealing key pair (seed 61).
fn gm_hotel_pair() -> KeyPair {
    kem_pair(Kem::Sm2, 61)
}

fn gm_hotel(issuers: &[&SigningKey]) -> Verifier {
    Verifier::with_suite(
        Suite::Gm,
        "测试酒店有限公司",
        &uscc(1),
        key(Algorithm::Sm2, 60),
        gm_hotel_pair().secret_key,
        issuers.iter().map(|k| k.verifying_key().clone()).collect(),
    )
    .unwrap()
}

fn intl_hotel(issuers: &[&SigningKey]) -> Verifier {
    Verifier::new(
        "测试国际酒店有限公司",
        &uscc(4),
        key(Algorithm::EdDsa, 62),
        kem_pair(Kem::X25519, 63).secret_key,
        issuers.iter().map(|k| k.verifying_key().clone()).collect(),
    )
    .unwrap()
}

fn trusted(verifiers: &[&Verifier]) -> Vec<VerifyingKey> {
    verifiers
        .iter()
        .map(|v| VerifyingKey::from_jwk(&v.public_jwk()).unwrap())
        .collect()
}

/// A wallet of `suite` in fresh storage, trusting `verifiers`.
fn wallet(suite: Suite, verifiers: &[&Verifier]) -> (Wallet, MemoryStorage, StorageKey) {
    let key = StorageKey::from_bytes([9; 32]);
    let mut storage = MemoryStorage::new();
    let w = Wallet::open_with(
        &mut storage,
        &key,
        &OpenOptions {
            trusted: trusted(verifiers),
            suite: Some(suite),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    (w, storage, key)
}

/// Issues the synthetic ID card with `issuer` to `holder_jwk`.
fn id_card_for(issuer: &SigningKey, holder_jwk: Value) -> String {
    let Value::Object(fields) = id_card() else {
        unreachable!()
    };
    licence::issue_with_rng(
        issuer,
        &LicenceOptions {
            licence_type: "resident_id_card".into(),
            fields,
            holder_public_jwk: holder_jwk,
            iss: "https://gov.example/issuer".into(),
            iat: Some(NOW - 86_400),
            exp: Some(NOW + 365 * 86_400),
        },
        &mut rng(64),
    )
    .unwrap()
}

fn separate() -> SeparateConsent {
    SeparateConsent::Fields(vec!["id_number".into()])
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

#[test]
fn requests_say_their_suite() {
    seed();
    let issuer = key(Algorithm::Sm2, 65);
    let gm = gm_hotel(&[&issuer]);
    let intl = intl_hotel(&[&issuer]);
    assert_eq!(gm.suite(), Suite::Gm);
    assert_eq!(intl.suite(), Suite::Intl);

    let req = hotel_request(&gm, NOW);
    let parts: Vec<&str> = req.split('.').collect();
    assert_eq!(decode_part(parts[0])["alg"], "SM2");
    assert_eq!(decode_part(parts[0])["jwk"]["crv"], "SM2");
    let payload = decode_part(parts[1]);
    assert_eq!(payload["suite"], "gm");
    let seal_key = b64url_decode(payload["sealKey"].as_str().unwrap(), "sealKey").unwrap();
    assert_eq!(seal_key.len(), 65);
    assert_eq!(seal_key[0], 4);
    let r = Request::verify(&req, NOW).unwrap();
    assert_eq!(r.suite, Suite::Gm);
    assert_eq!(r.seal_key.kem(), Kem::Sm2);
    assert_eq!(r.verifier_key.alg(), Algorithm::Sm2);

    // intl requests are written as before `suite` existed.
    let req = hotel_request(&intl, NOW);
    let payload = decode_part(req.split('.').nth(1).unwrap());
    assert!(payload.get("suite").is_none());
    let r = Request::verify(&req, NOW).unwrap();
    assert_eq!(r.suite, Suite::Intl);
    assert_eq!(r.seal_key.kem(), Kem::X25519);
    // …and saying "intl" explicitly is the same.
    let ed = key(Algorithm::EdDsa, 62);
    let explicit = resign(&req, &ed, |p| p["suite"] = json!("intl"));
    assert_eq!(Request::verify(&explicit, NOW).unwrap().suite, Suite::Intl);
}

#[test]
fn request_keys_must_belong_to_its_suite() {
    seed();
    let issuer = key(Algorithm::Sm2, 65);
    let gm = gm_hotel(&[&issuer]);
    let intl = intl_hotel(&[&issuer]);
    let gm_req = hotel_request(&gm, NOW);
    let intl_req = hotel_request(&intl, NOW);
    let ed = key(Algorithm::EdDsa, 66);
    let es = key(Algorithm::Es256, 67);
    let sm2 = key(Algorithm::Sm2, 68);
    let x25519_key = b64url(kem_pair(Kem::X25519, 69).public_key.as_bytes());
    let sm2_kem_key = b64url(kem_pair(Kem::Sm2, 70).public_key.as_bytes());

    let cases = [
        // A gm request signed with an intl algorithm.
        ("gm request signed with EdDSA", resign(&gm_req, &ed, |_| {})),
        ("gm request signed with ES256", resign(&gm_req, &es, |_| {})),
        // A gm request naming an X25519 recipient key.
        (
            "gm request with an X25519 sealKey",
            resign(&gm_req, &sm2, |p| p["sealKey"] = json!(x25519_key)),
        ),
        // An intl request that claims to be gm.
        (
            "intl request claiming suite gm",
            resign(&intl_req, &ed, |p| p["suite"] = json!("gm")),
        ),
        // An intl request (no suite) with gm keys.
        (
            "intl request signed with SM2",
            resign(&intl_req, &sm2, |_| {}),
        ),
        (
            "intl request with an SM2 sealKey",
            resign(&intl_req, &ed, |p| p["sealKey"] = json!(sm2_kem_key)),
        ),
        (
            "gm request, suite removed",
            resign(&gm_req, &sm2, |p| {
                p.as_object_mut().unwrap().remove("suite");
            }),
        ),
    ];
    for (what, req) in &cases {
        assert_eq!(code(Request::verify(req, NOW)), "INVALID_REQUEST", "{what}");
    }

    // Unknown suites.
    for bad in [
        json!("GM"),
        json!("sm"),
        json!(""),
        json!(null),
        json!(2),
        json!(["gm"]),
    ] {
        let req = resign(&gm_req, &sm2, |p| p["suite"] = bad.clone());
        assert_eq!(code(Request::verify(&req, NOW)), "INVALID_REQUEST", "{bad}");
    }

    // The suite is signed: changing it breaks the signature.
    for edit in [json!("intl"), json!(null)] {
        let req = tamper(&gm_req, |p| {
            if edit.is_null() {
                p.as_object_mut().unwrap().remove("suite");
            } else {
                p["suite"] = edit.clone();
            }
        });
        assert_eq!(code(Request::verify(&req, NOW)), "VERIFY_FAILED", "{edit}");
    }
    let req = tamper(&intl_req, |p| p["suite"] = json!("gm"));
    assert_eq!(code(Request::verify(&req, NOW)), "VERIFY_FAILED");
}

#[test]
fn a_request_is_signed_with_keys_of_one_suite() {
    seed();
    let options = {
        let issuer = key(Algorithm::Sm2, 65);
        let v = gm_hotel(&[&issuer]);
        let req = Request::verify(&hotel_request(&v, NOW), NOW).unwrap();
        request::RequestOptions {
            purpose: req.purpose,
            lawful_basis: req.lawful_basis,
            fields: req.fields,
            ttl_seconds: 300,
            notice_url: None,
        }
    };
    let uscc = uscc(1);
    let sign = |alg, kem| {
        Request::sign(
            &key(alg, 71),
            "测试酒店有限公司",
            &uscc,
            &kem_pair(kem, 72).public_key,
            &options,
            NOW,
        )
    };
    assert!(sign(Algorithm::Sm2, Kem::Sm2).is_ok());
    assert!(sign(Algorithm::EdDsa, Kem::X25519).is_ok());
    assert!(sign(Algorithm::Es256, Kem::X25519).is_ok());
    for (alg, kem) in [
        (Algorithm::Sm2, Kem::X25519),
        (Algorithm::EdDsa, Kem::Sm2),
        (Algorithm::Es256, Kem::Sm2),
    ] {
        assert_eq!(
            code(sign(alg, kem)),
            "UNSUPPORTED_ALGORITHM",
            "{alg} {kem:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Verifier
// ---------------------------------------------------------------------------

#[test]
fn a_verifier_holds_keys_of_its_suite() {
    seed();
    let issuer = key(Algorithm::Sm2, 65);
    let make = |suite, alg, kem| {
        Verifier::with_suite(
            suite,
            "测试酒店有限公司",
            &uscc(1),
            key(alg, 73),
            kem_pair(kem, 74).secret_key,
            vec![issuer.verifying_key().clone()],
        )
    };
    assert!(make(Suite::Gm, Algorithm::Sm2, Kem::Sm2).is_ok());
    assert!(make(Suite::Intl, Algorithm::EdDsa, Kem::X25519).is_ok());
    assert!(make(Suite::Intl, Algorithm::Es256, Kem::X25519).is_ok());
    for (suite, alg, kem) in [
        (Suite::Gm, Algorithm::Es256, Kem::Sm2),
        (Suite::Gm, Algorithm::EdDsa, Kem::Sm2),
        (Suite::Gm, Algorithm::Sm2, Kem::X25519),
        (Suite::Intl, Algorithm::Sm2, Kem::X25519),
        (Suite::Intl, Algorithm::EdDsa, Kem::Sm2),
    ] {
        assert_eq!(
            code(make(suite, alg, kem)),
            "UNSUPPORTED_ALGORITHM",
            "{suite:?} {alg} {kem:?}"
        );
    }
    // `new` is intl.
    let r = Verifier::new(
        "测试酒店有限公司",
        &uscc(1),
        key(Algorithm::Sm2, 73),
        kem_pair(Kem::Sm2, 74).secret_key,
        vec![issuer.verifying_key().clone()],
    );
    assert_eq!(code(r), "UNSUPPORTED_ALGORITHM");
}

// ---------------------------------------------------------------------------
// The gm hotel check-in
// ---------------------------------------------------------------------------

/// A gm wallet holding an ID card of an `issuer_alg` issuer checks in at
/// the gm hotel; every protection of the answer is SM.
fn gm_check_in(issuer_alg: Algorithm) {
    seed();
    let issuer = key(issuer_alg, 75);
    let hotel = gm_hotel(&[&issuer]);
    let (mut w, mut storage, skey) = wallet(Suite::Gm, &[&hotel]);
    assert_eq!(w.suite(), Suite::Gm);
    let holder = w.holder_public_jwk();
    assert_eq!(
        (holder["kty"].as_str(), holder["crv"].as_str()),
        (Some("EC"), Some("SM2"))
    );
    let cred = id_card_for(&issuer, holder);
    w.store_credential(&mut storage, &skey, &cred, NOW).unwrap();

    let req = hotel_request(&hotel, NOW);
    let ev = w.evaluate(&req, NOW).unwrap();
    assert_eq!(ev["suite"], "gm");
    assert_eq!(ev["verified"], true);
    assert_eq!(ev["warnings"], json!([]));
    let resp = w
        .respond(
            &mut storage,
            &skey,
            &req,
            &hotel_choices(),
            &separate(),
            NOW,
        )
        .unwrap();

    // The envelope: version 2, SM2 KEM, HKDF-SM3, SM4-GCM, SM3 key id.
    let info = envelope::inspect(&resp.envelope).unwrap();
    assert_eq!(info.version, 2);
    assert_eq!(info.suite, Suite::Gm);
    assert_eq!((info.kem, info.kdf), (0xFE10, 0xFE01));
    assert_eq!(info.aead, Aead::Sm4Gcm);
    let seal_pk = gm_hotel_pair().public_key;
    assert_eq!(info.key_id[..], sm3::Sm3::digest(seal_pk.as_bytes())[..16]);

    // The plaintext, as the hotel reads it.
    let plain = envelope::open(
        &gm_hotel_pair().secret_key,
        &resp.envelope,
        &envelope::OpenOptions {
            info: RESPONSE_INFO,
            aad: &[],
        },
    )
    .unwrap();
    let body: Value = serde_json::from_slice(&plain).unwrap();
    let presentation = body["presentation"].as_str().unwrap();
    let (without_kb, kb) = presentation.rsplit_once('~').unwrap();
    let without_kb = format!("{without_kb}~");
    let kb_parts: Vec<&str> = kb.split('.').collect();
    assert_eq!(decode_part(kb_parts[0])["alg"], "SM2");
    let issuer_payload = decode_part(presentation.split('.').nth(1).unwrap());
    let kb_sd_hash = decode_part(kb_parts[1])["sd_hash"].clone();
    if issuer_alg == Algorithm::Sm2 {
        assert_eq!(issuer_payload["_sd_alg"], "sm3");
        assert_eq!(kb_sd_hash, sm3_b64(without_kb.as_bytes()));
    } else {
        // RFC 9901: the KB-JWT's sd_hash is the credential's _sd_alg.
        assert_eq!(issuer_payload["_sd_alg"], "sha-256");
        assert_eq!(kb_sd_hash, sha256_b64(without_kb.as_bytes()));
    }

    let mut nonces = MemoryNonceStore::default();
    let got = hotel.open(&resp.envelope, &mut nonces, NOW + 5).unwrap();
    let mut disclosed = got.disclosed.clone();
    disclosed.sort();
    assert_eq!(
        disclosed,
        ["/age_equal_or_over/18", "/id_number_masked", "/name"]
    );
    assert_eq!(got.claims["name"], "测试乙");
    assert!(got.claims.get("id_number").is_none());
    // The record: its sdHash in SM3 whatever the credential's hash, the
    // recipient key id the SM3 one.
    let p = got.consent_record.presentation.clone().unwrap();
    assert_eq!(p.sd_hash, sm3_b64(without_kb.as_bytes()));
    assert_eq!(p.recipient_key_id, b64url(&info.key_id));
    assert_eq!(p.audience, hotel.audience());
    assert_eq!(got.consent_record.id(), resp.record_id);
    assert_eq!(
        code(hotel.open(&resp.envelope, &mut nonces, NOW + 6)),
        "REPLAYED"
    );

    // The device key, the log and the storage are gm too: an SM2 device
    // key, an SM3 tree whose checkpoints are SM2-signed (a gm origin), and
    // storage that opens only as gm.
    let device = w.device_public_jwk();
    assert_eq!(
        (device["kty"].as_str(), device["crv"].as_str()),
        (Some("EC"), Some("SM2"))
    );
    assert_eq!(w.log().suite(), Suite::Gm);
    assert_eq!(w.log().device_public_key().suite(), Suite::Gm);
    assert!(w.log().origin().starts_with("mpshield.wallet/sm3/"));
    let receipt = w.log().receipt(0).unwrap();
    assert_eq!(receipt[..4], *b"MPR\x02");

    // Reopened: its own suite without asking; the other suite refused.
    let back = Wallet::open(&mut storage, &skey, trusted(&[&hotel]), false).unwrap();
    assert_eq!(back.suite(), Suite::Gm);
    assert_eq!(back.log().suite(), Suite::Gm);
    assert_eq!(back.log().root(), w.log().root());
    assert_eq!(back.holder_public_jwk(), w.holder_public_jwk());
    assert_eq!(back.log().size(), 1);
    assert_eq!(back.credentials().len(), 1);
    let reopen = |suite| {
        Wallet::open_with(
            &mut storage.clone(),
            &skey,
            &OpenOptions {
                suite: Some(suite),
                ..OpenOptions::default()
            },
        )
    };
    assert_eq!(reopen(Suite::Gm).unwrap().suite(), Suite::Gm);
    assert_eq!(code(reopen(Suite::Intl)), "INVALID_INPUT");

    // Refusal and withdrawal work as in intl.
    w.withdraw(&mut storage, &skey, &resp.record_id, NOW + 60)
        .unwrap();
    let req2 = hotel_request(&hotel, NOW);
    let id = w.refuse(&mut storage, &skey, &req2, NOW).unwrap();
    let status = w.log().status(NOW + 61);
    assert_eq!(status.withdrawn, [resp.record_id]);
    assert_eq!(status.refused, [id]);
}

#[test]
fn gm_hotel_check_in_with_an_sm2_issued_credential() {
    gm_check_in(Algorithm::Sm2);
}

#[test]
fn gm_hotel_check_in_with_an_eddsa_issued_credential() {
    gm_check_in(Algorithm::EdDsa);
}

#[test]
fn an_intl_wallet_keeps_its_suite() {
    seed();
    let issuer = key(Algorithm::EdDsa, 76);
    let hotel = intl_hotel(&[&issuer]);
    let (w, storage, skey) = wallet(Suite::Intl, &[&hotel]);
    assert_eq!(w.holder_public_jwk()["crv"], "Ed25519");
    // An intl state is written without `suite` (as every state before it
    // existed) and opens as intl.
    let reopen = |suite| {
        Wallet::open_with(
            &mut storage.clone(),
            &skey,
            &OpenOptions {
                suite,
                ..OpenOptions::default()
            },
        )
    };
    assert_eq!(reopen(None).unwrap().suite(), Suite::Intl);
    assert_eq!(reopen(Some(Suite::Intl)).unwrap().suite(), Suite::Intl);
    assert_eq!(code(reopen(Some(Suite::Gm))), "INVALID_INPUT");
    // A new wallet without a suite is intl.
    let fresh = Wallet::open(&mut MemoryStorage::new(), &skey, Vec::new(), false).unwrap();
    assert_eq!(fresh.suite(), Suite::Intl);
}

// ---------------------------------------------------------------------------
// Requests of the other suite
// ---------------------------------------------------------------------------

/// `req` of the other suite than `w`'s: evaluated with a warning, refused
/// by respond and refuse with UNSUPPORTED_ALGORITHM, nothing appended or
/// stored.
fn refused_as_other_suite(
    w: &mut Wallet,
    storage: &mut MemoryStorage,
    skey: &StorageKey,
    req: &str,
) {
    let ev = w.evaluate(req, NOW).unwrap();
    assert_ne!(ev["suite"], w.suite().name());
    assert_eq!(ev["warnings"][0]["code"], "UNSUPPORTED_ALGORITHM");
    let size = w.log().size();
    let stored = storage.entries().clone();
    let r = w.respond(storage, skey, req, &hotel_choices(), &separate(), NOW);
    assert_eq!(code(r), "UNSUPPORTED_ALGORITHM");
    assert!(w
        .begin_response(req, &hotel_choices(), &separate(), NOW)
        .is_err());
    assert_eq!(
        code(w.refuse(storage, skey, req, NOW)),
        "UNSUPPORTED_ALGORITHM"
    );
    assert_eq!(w.log().size(), size, "a record was appended");
    assert_eq!(storage.entries(), &stored, "storage was written");
}

#[test]
fn a_wallet_answers_requests_of_its_own_suite_only() {
    seed();
    let sm2_issuer = key(Algorithm::Sm2, 77);
    let ed_issuer = key(Algorithm::EdDsa, 78);
    let gm = gm_hotel(&[&sm2_issuer, &ed_issuer]);
    let intl = intl_hotel(&[&sm2_issuer, &ed_issuer]);

    // A gm request to an intl wallet that trusts the gm verifier and holds
    // the credential.
    let (mut w, mut storage, skey) = wallet(Suite::Intl, &[&gm, &intl]);
    let cred = id_card_for(&sm2_issuer, w.holder_public_jwk());
    w.store_credential(&mut storage, &skey, &cred, NOW).unwrap();
    refused_as_other_suite(&mut w, &mut storage, &skey, &hotel_request(&gm, NOW));
    // …while its intl request is answered (with the SM2-issued credential).
    let req = hotel_request(&intl, NOW);
    let resp = w
        .respond(
            &mut storage,
            &skey,
            &req,
            &hotel_choices(),
            &separate(),
            NOW,
        )
        .unwrap();
    assert_eq!(envelope::inspect(&resp.envelope).unwrap().version, 1);
    let got = intl
        .open(&resp.envelope, &mut MemoryNonceStore::default(), NOW)
        .unwrap();
    assert_eq!(got.claims["name"], "测试乙");

    // The reverse: an intl request to a gm wallet.
    let (mut w, mut storage, skey) = wallet(Suite::Gm, &[&gm, &intl]);
    let cred = id_card_for(&ed_issuer, w.holder_public_jwk());
    w.store_credential(&mut storage, &skey, &cred, NOW).unwrap();
    refused_as_other_suite(&mut w, &mut storage, &skey, &hotel_request(&intl, NOW));
    // allow_unverified changes nothing about the suite.
    let mut open = Wallet::open_with(
        &mut storage,
        &skey,
        &OpenOptions {
            allow_unverified: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    refused_as_other_suite(&mut open, &mut storage, &skey, &hotel_request(&intl, NOW));
}

#[test]
fn a_gm_wallet_refuses_forged_requests() {
    seed();
    let issuer = key(Algorithm::Sm2, 79);
    let gm = gm_hotel(&[&issuer]);
    let (mut w, mut storage, skey) = wallet(Suite::Gm, &[&gm]);
    let cred = id_card_for(&issuer, w.holder_public_jwk());
    w.store_credential(&mut storage, &skey, &cred, NOW).unwrap();
    let req = hotel_request(&gm, NOW);
    let x25519_key = b64url(kem_pair(Kem::X25519, 80).public_key.as_bytes());
    let stored = storage.entries().clone();
    for (want, forged) in [
        (
            "INVALID_REQUEST",
            resign(&req, &key(Algorithm::EdDsa, 81), |_| {}),
        ),
        (
            "INVALID_REQUEST",
            resign(&req, &key(Algorithm::Es256, 82), |_| {}),
        ),
        (
            "INVALID_REQUEST",
            resign(&req, &key(Algorithm::Sm2, 60), |p| {
                p["sealKey"] = json!(x25519_key);
            }),
        ),
        (
            "VERIFY_FAILED",
            tamper(&req, |p| p["suite"] = json!("intl")),
        ),
    ] {
        assert_eq!(code(w.evaluate(&forged, NOW)), want);
        let r = w.respond(
            &mut storage,
            &skey,
            &forged,
            &hotel_choices(),
            &separate(),
            NOW,
        );
        assert_eq!(code(r), want);
    }
    assert_eq!(w.log().size(), 0);
    assert_eq!(storage.entries(), &stored);
}

// ---------------------------------------------------------------------------
// The verifier's key-binding checks
// ---------------------------------------------------------------------------

/// A response body for the gm hotel's `req` carrying `presentation` (with
/// a receipt that is never reached), sealed to the hotel.
fn forged_response(req: &str, presentation: &str) -> Vec<u8> {
    let body = json!({
        "typ": "mpshield-response", "request": req, "presentation": presentation,
        "receipt": "AA", "device": key(Algorithm::EdDsa, 83).public_jwk(),
    });
    envelope::seal(
        &gm_hotel_pair().public_key,
        &serde_json::to_vec(&body).unwrap(),
        &SealOptions {
            info: RESPONSE_INFO,
            ..SealOptions::default()
        },
    )
    .unwrap()
}

/// A presentation of `cred` (held by `holder`) for `req`, its KB-JWT
/// `sd_hash` computed by `hash`.
fn presentation_with(
    cred: &str,
    holder: &SigningKey,
    req: &Request,
    hash: fn(&[u8]) -> String,
) -> String {
    let disclose = ["/name", "/id_number_masked", "/age_equal_or_over/18"];
    let genuine = mpshield::credential::sdjwt::present(
        cred,
        holder,
        &mpshield::credential::sdjwt::PresentOptions {
            disclose: disclose.iter().map(|s| (*s).to_owned()).collect(),
            aud: req.audience(),
            nonce: req.nonce.clone(),
            iat: Some(NOW),
        },
    )
    .unwrap();
    let (without_kb, _) = genuine.rsplit_once('~').unwrap();
    let without_kb = format!("{without_kb}~");
    let kb = sign_jws(
        holder,
        &json!({ "alg": holder.alg().as_str(), "typ": "kb+jwt" }),
        &json!({ "iat": NOW, "aud": req.audience(), "nonce": req.nonce,
                 "sd_hash": hash(without_kb.as_bytes()) }),
    );
    format!("{without_kb}{kb}")
}

#[test]
fn the_gm_verifier_checks_the_key_binding() {
    seed();
    let issuer = key(Algorithm::Sm2, 84);
    let hotel = gm_hotel(&[&issuer]);
    let req_text = hotel_request(&hotel, NOW);
    let req = Request::verify(&req_text, NOW).unwrap();
    let holder = key(Algorithm::Sm2, 85);
    let cred = id_card_for(&issuer, holder.public_jwk());

    // sd_hash of the wrong hash: SHA-256 for an sm3 credential.
    let p = presentation_with(&cred, &holder, &req, sha256_b64);
    assert_eq!(
        code(hotel.check(&forged_response(&req_text, &p), NOW)),
        "INVALID_KEY_BINDING"
    );
    // With the right hash the key binding passes, and the forged receipt
    // is what fails.
    let p = presentation_with(&cred, &holder, &req, sm3_b64);
    assert_ne!(
        code(hotel.check(&forged_response(&req_text, &p), NOW)),
        "INVALID_KEY_BINDING"
    );

    // A key binding of the other suite (an Ed25519 holder) to a gm request.
    let ed_holder = key(Algorithm::EdDsa, 86);
    let cred = id_card_for(&issuer, ed_holder.public_jwk());
    let p = presentation_with(&cred, &ed_holder, &req, sm3_b64);
    assert_eq!(
        code(hotel.check(&forged_response(&req_text, &p), NOW)),
        "INVALID_RESPONSE"
    );
}

#[test]
fn a_gm_wallet_moves_to_a_new_phone_as_a_gm_wallet() {
    seed();
    let issuer = key(Algorithm::Sm2, 87);
    let hotel = gm_hotel(&[&issuer]);
    let (mut w, mut storage, skey) = wallet(Suite::Gm, &[&hotel]);
    let cred = id_card_for(&issuer, w.holder_public_jwk());
    w.store_credential(&mut storage, &skey, &cred, NOW).unwrap();
    let exported = w.export(&mut storage, &skey, NOW).unwrap();
    // gm device key: the export says its suite once the gm consent log
    // lands; until then the importer names it.
    let options = OpenOptions {
        trusted: trusted(&[&hotel]),
        suite: Some(Suite::Gm),
        ..OpenOptions::default()
    };
    let mut fresh = MemoryStorage::new();
    let (mut moved, reissue) = Wallet::import_into(
        &mut fresh,
        &skey,
        &exported.bytes,
        &exported.code,
        &options,
        NOW,
    )
    .unwrap();
    assert_eq!(moved.suite(), Suite::Gm);
    assert_eq!(moved.holder_public_jwk()["crv"], "SM2");
    assert_ne!(moved.holder_public_jwk(), w.holder_public_jwk());
    assert_eq!(reissue.as_array().unwrap().len(), 1);
    let cred = id_card_for(&issuer, moved.holder_public_jwk());
    moved
        .store_credential(&mut fresh, &skey, &cred, NOW)
        .unwrap();
    let req = hotel_request(&hotel, NOW);
    let resp = moved
        .respond(&mut fresh, &skey, &req, &hotel_choices(), &separate(), NOW)
        .unwrap();
    assert_eq!(envelope::inspect(&resp.envelope).unwrap().version, 2);
    hotel
        .open(&resp.envelope, &mut MemoryNonceStore::default(), NOW)
        .unwrap();
    // It reopens as gm.
    let back = Wallet::open(&mut fresh, &skey, Vec::new(), false).unwrap();
    assert_eq!(back.suite(), Suite::Gm);
}

/// The shared gm scenario (tests/common/flow.rs), also run in Chromium by
/// tests/web.rs.
#[test]
fn gm_hotel_check_in_shared_scenario() {
    seed();
    common::flow::gm_hotel_check_in();
}
