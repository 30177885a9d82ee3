//! The shared smoke suite and the error mapping, in headless Chromium
//! (`wasm-bindgen-test`). Run with `make test-web`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod consent_common;

use mpshield::Error;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// 64 bytes from the browser's `crypto.getRandomValues`.
fn browser_entropy() -> Vec<u8> {
    let global = js_sys::global();
    let crypto = js_sys::Reflect::get(&global, &"crypto".into()).unwrap();
    let get: js_sys::Function = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let buf = js_sys::Uint8Array::new_with_length(64);
    get.call1(&crypto, &buf).unwrap();
    buf.to_vec()
}

#[wasm_bindgen_test]
fn smoke_in_browser() {
    mpshield::wasm::start();
    common::smoke(&browser_entropy());
}

#[wasm_bindgen_test]
fn every_error_maps_to_an_mpshield_error() {
    let table: Vec<Error> = mpshield::error::examples()
        .into_iter()
        .map(|(e, _, _)| e)
        .collect();
    let mut codes: Vec<&str> = table.iter().map(Error::code).collect();
    codes.sort_unstable();
    let mut all = mpshield::error::ALL_CODES.to_vec();
    all.sort_unstable();
    assert_eq!(codes, all, "the table covers every code");
    for err in &table {
        let js = mpshield::wasm::error_to_js(err);
        let e: js_sys::Error = js.clone().dyn_into().unwrap();
        assert_eq!(e.name(), "MpShieldError");
        assert_eq!(String::from(e.message()), err.to_string());
        let code = js_sys::Reflect::get(&js, &JsValue::from_str("code")).unwrap();
        assert_eq!(code.as_string().unwrap(), err.code());
    }
}

#[wasm_bindgen_test]
fn boundary_functions_return_errors_not_panics() {
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    for n in [0u32, 65_537, u32::MAX] {
        let e = mpshield::wasm::random_bytes(n).unwrap_err();
        let code = js_sys::Reflect::get(&e, &"code".into()).unwrap();
        assert_eq!(code.as_string().unwrap(), "INVALID_INPUT");
    }
    for bad in [
        "",
        "\u{0}",
        "x".repeat(100_000).as_str(),
        "１１０１０５１９４９１２３１００２Ｘ",
    ] {
        let e = mpshield::wasm::idcard_parse(bad).unwrap_err();
        let code = js_sys::Reflect::get(&e, &"code".into()).unwrap();
        assert_eq!(code.as_string().unwrap(), "INVALID_ID_NUMBER");
    }
    assert_eq!(mpshield::wasm::random_bytes(8).unwrap().len(), 8);
}

/// The consent log in WebAssembly: append with random ids, receipts, a
/// withdrawal, encrypted save and load, and a rollback caught.
#[wasm_bindgen_test]
fn consent_log_in_browser() {
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    use mpshield::consent::commit::{self, Committer, LOG_PREFIX};
    use mpshield::consent::store::StorageKey;
    use mpshield::consent::{verify_receipt, ConsentLog};
    use mpshield::flow::MemoryStorage;
    let device = consent_common::device_key(1);
    let origin = consent_common::ORIGIN;
    let mut log = ConsentLog::create(device.clone(), origin).unwrap();
    for i in 0..50 {
        let mut r = consent_common::hotel(i);
        r.record_id = None;
        log.append(r).unwrap();
    }
    let first = log.get(0).unwrap().id().to_owned();
    assert_eq!(first.len(), 22);
    let receipt = log.receipt(7).unwrap();
    let v = verify_receipt(&receipt, &device.verifying_key()).unwrap();
    assert_eq!(v.index, 7);
    let key = StorageKey::from_bytes([3; 32]);
    let mut storage = MemoryStorage::new();
    let mut committer = Committer::new(LOG_PREFIX);
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key).unwrap();
    let old = storage.clone();
    log.withdraw(&first, consent_common::T0 + 100).unwrap();
    let trusted = log.checkpoint().unwrap();
    commit::save_sync(&mut committer, &mut storage, &log, &[], &key).unwrap();
    let (back, _) =
        commit::open_log(&mut storage, &key, device.clone(), origin, Some(&trusted)).unwrap();
    assert_eq!(back.status(consent_common::T0).withdrawn, [first]);
    let e = commit::open_log(&mut old.clone(), &key, device, origin, Some(&trusted))
        .err()
        .unwrap();
    assert_eq!(e.code(), "ROLLBACK_DETECTED");
    let used: usize = storage
        .entries()
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum();
    assert!(used < 64 * 1024);
}

/// Structured values cross the boundary as JSON text: results parse, and
/// malformed JSON or a wrong shape is `INVALID_INPUT`, never a trap.
#[wasm_bindgen_test]
fn json_arguments_and_results() {
    use mpshield::wasm::credential::{self, JsSigningKey};
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    let code = |e: JsValue| {
        js_sys::Reflect::get(&e, &"code".into())
            .unwrap()
            .as_string()
            .unwrap()
    };
    let parsed: serde_json::Value =
        serde_json::from_str(&mpshield::wasm::idcard_parse("11010519491231002X").unwrap()).unwrap();
    assert_eq!(parsed["birthDate"], "1949-12-31");

    let key = JsSigningKey::generate("EdDSA").unwrap();
    let private = key.export_private_jwk_dangerously().unwrap();
    let again = JsSigningKey::from_jwk(&private).unwrap();
    assert_eq!(again.public_jwk().unwrap(), key.public_jwk().unwrap());
    for bad in ["", "{", "[]", "null", "{\"kty\":1}"] {
        let e = JsSigningKey::from_jwk(bad).err().unwrap();
        assert!(["INVALID_INPUT", "INVALID_JWK"].contains(&code(e).as_str()));
    }
    for bad in [
        "",
        "{",
        "{}",
        "{\"presentation\":\"x\",\"issuerKeys\":[],\"extra\":1}",
        "{\"presentation\":1,\"issuerKeys\":[]}",
        "{\"presentation\":\"x\",\"issuerKeys\":[],\"now\":1.5}",
    ] {
        let e = credential::sdjwt_verify(bad).unwrap_err();
        assert_eq!(code(e), "INVALID_INPUT", "{bad}");
    }
    let e = mpshield::wasm::consent::checkpoint_verify("x", "{", "example.gov.cn/log").unwrap_err();
    assert_eq!(code(e), "INVALID_INPUT");
    let rules: serde_json::Value =
        serde_json::from_str(&credential::mask_rules().unwrap()).unwrap();
    assert!(rules.as_array().is_some_and(|r| !r.is_empty()));
}

#[wasm_bindgen_test]
fn flow_hotel_check_in_in_browser() {
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    common::flow::hotel_check_in();
}

#[wasm_bindgen_test]
fn flow_gm_hotel_check_in_in_browser() {
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    common::flow::gm_hotel_check_in();
}

#[wasm_bindgen_test]
fn flow_car_rental_in_browser() {
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    common::flow::car_rental();
}

#[wasm_bindgen_test]
fn flow_refusals_in_browser() {
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    common::flow::refusals();
}

/// Issue 11 in Chromium: a 10,000-link chain of nested disclosures (each
/// disclosure's value holding the next one's digest) is INVALID_CREDENTIAL
/// through the boundary functions and the wallet, without exhausting the
/// module's stack; the instance keeps answering.
#[wasm_bindgen_test]
fn a_chain_of_nested_disclosures_is_refused_in_browser() {
    use mpshield::credential::keys::Algorithm;
    use mpshield::credential::sdjwt::MAX_CLAIM_DEPTH;
    use mpshield::wasm::credential;
    mpshield::wasm::start();
    mpshield::rng::add_entropy(&browser_entropy()).unwrap();
    let code = |e: JsValue| {
        js_sys::Reflect::get(&e, &"code".into())
            .unwrap()
            .as_string()
            .unwrap()
    };
    const VCT: &str = "urn:mpshield:licence:resident_id_card:1";
    let issuer = common::key(Algorithm::EdDsa, 1);
    let mut w = common::flow::world();
    let holder = w.wallet.holder_public_jwk();
    let verify_options = |p: &str| {
        serde_json::json!({
            "presentation": p, "issuerKeys": [issuer.public_jwk()], "requireKeyBinding": false,
        })
        .to_string()
    };
    for links in [10_000, MAX_CLAIM_DEPTH + 1] {
        let bomb = common::disclosure_chain(&issuer, &holder, VCT, links);
        assert_eq!(
            code(credential::sdjwt_decode(&bomb).unwrap_err()),
            "INVALID_CREDENTIAL"
        );
        assert_eq!(
            code(credential::sdjwt_verify(&verify_options(&bomb)).unwrap_err()),
            "INVALID_CREDENTIAL"
        );
        let e = w.wallet.add_credential(&bomb, common::NOW).unwrap_err();
        assert_eq!(e.code(), "INVALID_CREDENTIAL");
    }
    let chain = common::disclosure_chain(&issuer, &holder, VCT, MAX_CLAIM_DEPTH);
    assert!(credential::sdjwt_decode(&chain).is_ok());
    assert!(credential::sdjwt_verify(&verify_options(&chain)).is_ok());
    assert_eq!(w.wallet.credentials().len(), 2);
    assert_eq!(mpshield::wasm::random_bytes(8).unwrap().len(), 8);
}
