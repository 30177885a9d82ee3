//! The disclosure flow natively: the shared scenarios (`tests/common/flow.rs`,
//! also run in Chromium by `tests/web.rs`) and failure injection: when the
//! consent record cannot be persisted, no envelope is made, the record is
//! taken back out of memory and storage keeps its previous state.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::flow::{hotel_choices, hotel_request, world};
use common::NOW;
use mpshield::error::{Error, Result};
use mpshield::flow::verifier::MemoryNonceStore;
use mpshield::flow::wallet::{SeparateConsent, Wallet};
use mpshield::flow::{MemoryStorage, Storage};

fn seed() {
    let entropy: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(29) ^ 0x5c).collect();
    mpshield::rng::add_entropy(&entropy).unwrap();
}

#[test]
fn hotel_check_in() {
    seed();
    common::flow::hotel_check_in();
}

#[test]
fn car_rental() {
    seed();
    common::flow::car_rental();
}

#[test]
fn refusals() {
    seed();
    common::flow::refusals();
}

/// How a broken storage fails.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Every write throws.
    Throws,
    /// Writes take longer than the caller waits (as the JavaScript layer
    /// reports a timeout).
    TimesOut,
    /// The quota is reached.
    Full,
}

/// Storage that fails its writes the way `fault` says, over a working
/// store whose contents the test compares before and after.
struct Broken {
    inner: MemoryStorage,
    fault: Option<Fault>,
    quota: usize,
}

impl Storage for Broken {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>> {
        self.inner.get(key)
    }
    fn set(&mut self, key: &str, value: &[u8]) -> Result<()> {
        let used: usize = self.inner.entries().values().map(Vec::len).sum();
        match self.fault {
            Some(Fault::Throws) => Err(Error::InvalidState {
                reason: "storage unavailable".into(),
            }),
            Some(Fault::TimesOut) => Err(Error::InvalidState {
                reason: "storage timed out".into(),
            }),
            Some(Fault::Full) if used + value.len() > self.quota => Err(Error::InvalidState {
                reason: "storage full".into(),
            }),
            _ => self.inner.set(key, value),
        }
    }
    fn remove(&mut self, key: &str) -> Result<()> {
        self.inner.remove(key)
    }
}

#[test]
fn nothing_is_sealed_unless_the_consent_is_persisted() {
    seed();
    for fault in [Fault::Throws, Fault::TimesOut, Fault::Full] {
        let w = world();
        let (mut wallet, key) = (w.wallet, w.key);
        let before = wallet.credentials().len();
        let used: usize = w.storage.entries().values().map(Vec::len).sum();
        let mut storage = Broken {
            inner: w.storage,
            fault: Some(fault),
            quota: used + 64,
        };
        let req = hotel_request(&w.hotel, NOW);
        let sep = SeparateConsent::All;
        let r = wallet.respond(&mut storage, &key, &req, &hotel_choices(), &sep, NOW);
        let err = r.expect_err("an envelope came back although the consent was not saved");
        assert_eq!(err.code(), "CONSENT_NOT_PERSISTED", "{fault:?}");
        assert_eq!(
            wallet.log().size(),
            0,
            "{fault:?}: the record stayed in memory"
        );
        // Storage may hold the failed save's write-once left-overs, but it
        // reopens to the state before the save.
        let mut copy = MemoryStorage::new();
        for (k, v) in storage.inner.entries() {
            copy.set(k, v).unwrap();
        }
        let back = Wallet::open(&mut copy, &key, Vec::new(), false).unwrap();
        assert_eq!(back.log().size(), 0, "{fault:?}: storage changed");
        assert_eq!(back.credentials().len(), before, "{fault:?}");
        // Refusals and withdrawals follow the same rule.
        let r = wallet.refuse(&mut storage, &key, &req, NOW);
        assert_eq!(r.unwrap_err().code(), "CONSENT_NOT_PERSISTED");
        assert_eq!(wallet.log().size(), 0);

        // Once storage works again, the same request is answered and the
        // record is the log's first.
        storage.fault = None;
        let resp = wallet
            .respond(&mut storage, &key, &req, &hotel_choices(), &sep, NOW)
            .unwrap();
        let got = w
            .hotel
            .open(&resp.envelope, &mut MemoryNonceStore::default(), NOW)
            .unwrap();
        assert_eq!(got.receipt.index, 0);
        let reopened = Wallet::open(&mut storage.inner, &key, Vec::new(), false).unwrap();
        assert_eq!(reopened.log().size(), 1);
    }
}

#[test]
fn a_credential_for_another_holder_is_refused() {
    seed();
    let w = world();
    let mut other = Wallet::create(Vec::new(), false).unwrap();
    let cred = w.wallet.credentials()[0].sd_jwt.clone();
    let err = other.add_credential(&cred, NOW).unwrap_err();
    assert_eq!(err.code(), "INVALID_CREDENTIAL");
}

/// A receipt must describe exactly this disclosure: the genuine record,
/// changed one way at a time, signed into a log of its own and resealed to
/// the hotel, is refused each time (and the genuine one is accepted).
#[test]
fn a_receipt_that_does_not_describe_the_disclosure_is_refused() {
    use common::flow::reseal_to_hotel;
    use mpshield::consent::record::Form;
    use mpshield::consent::{ConsentLog, ConsentRecord, DeviceKey};
    use mpshield::credential::jose::b64url;
    use serde_json::json;

    seed();
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    let resp = w
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
    let device = w.wallet.log().device_public_key();
    let genuine: ConsentRecord = mpshield::consent::verify_receipt(&resp.receipt, &device)
        .unwrap()
        .record;

    let resealed = |record: ConsentRecord| {
        let key = DeviceKey::from_bytes(&[9; 32]);
        let jwk =
            json!({ "kty": "OKP", "crv": "Ed25519", "x": b64url(key.verifying_key().as_bytes()) });
        let mut log = ConsentLog::create(key, "mpshield.example/forged").unwrap();
        let index = log.append(record).unwrap().index;
        let receipt = log.receipt(index).unwrap();
        reseal_to_hotel(&resp.envelope, |body| {
            body["receipt"] = json!(b64url(&receipt));
            body["device"] = jwk;
        })
    };
    // Control: the genuine record in a log of its own is accepted.
    assert!(w.hotel.check(&resealed(genuine.clone()), NOW).is_ok());

    let mut cases: Vec<(&str, ConsentRecord)> = Vec::new();
    let mut r = genuine.clone();
    r.fields[1] = r.fields[0].clone();
    cases.push(("a field listed twice instead of another", r));
    let mut r = genuine.clone();
    r.fields.pop();
    cases.push(("a field left out", r));
    let mut r = genuine.clone();
    r.fields[1].form = Form::Full;
    cases.push(("another form", r));
    let mut r = genuine.clone();
    r.fields[0].retention_days = 365;
    cases.push(("another retention", r));
    let mut r = genuine.clone();
    r.controller.name = "另一家酒店".into();
    cases.push(("another controller", r));
    let mut r = genuine.clone();
    r.purposes = vec!["营销".into()];
    cases.push(("another purpose", r));
    let mut r = genuine.clone();
    r.presentation.as_mut().unwrap().sd_hash = b64url(&[1; 32]);
    cases.push(("another presentation", r));
    let mut r = genuine.clone();
    r.presentation.as_mut().unwrap().nonce = b64url(&[2; 16]);
    cases.push(("another request", r));
    let mut r = genuine.clone();
    r.presentation = None;
    cases.push(("no presentation", r));
    for (what, mut record) in cases {
        record.record_id = None;
        let code = w.hotel.check(&resealed(record), NOW).unwrap_err().code();
        assert_eq!(code, "INVALID_RECEIPT", "{what}");
    }
}

/// `respond` after `evaluate` of the same text skips the signature check
/// (it would give the same answer), never the other checks: another text,
/// a failed evaluation or a later clock is verified again in full.
#[test]
fn a_request_evaluated_before_is_still_checked_at_respond() {
    use common::flow::separate;
    use mpshield::flow::request::Request;
    seed();
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    // The same request with its signature's first character changed.
    let (signed, sig) = req.rsplit_once('.').unwrap();
    let first = if sig.starts_with('A') { "B" } else { "A" };
    let forged = format!("{signed}.{first}{}", &sig[1..]);
    let refused = Request::verify(&forged, NOW).unwrap_err().code();
    let respond = |w: &mut common::flow::World, text: &str, now: i64| {
        w.wallet
            .respond(
                &mut w.storage,
                &w.key,
                text,
                &hotel_choices(),
                &separate(),
                now,
            )
            .map(|_| ())
    };
    w.wallet.evaluate(&req, NOW).unwrap();
    assert_eq!(respond(&mut w, &forged, NOW).unwrap_err().code(), refused);
    // A failed evaluation is not remembered as verified.
    assert_eq!(w.wallet.evaluate(&forged, NOW).unwrap_err().code(), refused);
    assert_eq!(respond(&mut w, &forged, NOW).unwrap_err().code(), refused);
    // Time is checked again: the evaluated request has expired since.
    let later = NOW + 2 * 86_400;
    let expired = Request::verify(&req, later).unwrap_err().code();
    assert_eq!(respond(&mut w, &req, later).unwrap_err().code(), expired);
    assert_eq!(w.wallet.log().size(), 0);
    // And the evaluated request is answered.
    respond(&mut w, &req, NOW).unwrap();
    assert_eq!(w.wallet.log().size(), 1);
}
