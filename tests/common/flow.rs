//! The disclosure flow end to end, shared by `tests/flow.rs` (native) and
//! `tests/web.rs` (wasm in headless Chromium): a hotel check-in and a car
//! rental, and one refusal per rule. All identities are synthetic.

use mpshield::consent::record::{self, Form, LawfulBasis};
use mpshield::consent::StorageKey;
use mpshield::credential::date::Date;
use mpshield::credential::idcard;
use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use mpshield::credential::licence::{self, LicenceOptions};
use mpshield::flow::request::{RequestField, RequestOptions};
use mpshield::flow::verifier::{MemoryNonceStore, Verifier};
use mpshield::flow::wallet::{Choice, OpenOptions, SeparateConsent, Wallet};
use mpshield::flow::MemoryStorage;
use mpshield::seal::{envelope, hpke};
use mpshield::suite::Suite;
use serde_json::{json, Value};

use super::{key, rng, NOW};

/// A synthetic USCC with a valid check character.
pub fn uscc(n: u32) -> String {
    let first = format!("91440300MA{:07}", n % 10_000_000);
    let check = record::uscc_check_character(&first).unwrap();
    format!("{first}{check}")
}

/// A synthetic ID number: born 1990-05-17 in 440305, sequence 123 (male).
pub fn id_number() -> String {
    idcard::synthesize("440305", Date::new(1990, 5, 17).unwrap(), 123).unwrap()
}

/// Everyone in the scenarios.
pub struct World {
    /// The licence issuer's key.
    pub issuer: SigningKey,
    /// The hotel.
    pub hotel: Verifier,
    /// The car-rental company.
    pub rental: Verifier,
    /// A relying party no wallet trusts.
    pub stranger: Verifier,
    /// The citizen's wallet.
    pub wallet: Wallet,
    /// Its storage.
    pub storage: MemoryStorage,
    /// Its storage key.
    pub key: StorageKey,
}

fn verifier(name: &str, n: u32, seed: u8, issuer: &SigningKey) -> Verifier {
    let kp = hpke::generate_key_pair_with_rng(mpshield::seal::hpke::Kem::X25519, &mut rng(seed))
        .unwrap();
    Verifier::new(
        name,
        &uscc(n),
        key(Algorithm::EdDsa, seed),
        kp.secret_key,
        vec![issuer.verifying_key().clone()],
    )
    .unwrap()
}

/// Issuer, two trusted relying parties, a stranger and a wallet holding a
/// synthetic ID card and driving licence.
pub fn world() -> World {
    let issuer = key(Algorithm::Es256, 40);
    let hotel = verifier("测试酒店有限公司", 1, 41, &issuer);
    let rental = verifier("测试租车有限公司", 2, 42, &issuer);
    let stranger = verifier("未知商户", 3, 43, &issuer);
    let trusted = vec![
        VerifyingKey::from_jwk(&hotel.public_jwk()).unwrap(),
        VerifyingKey::from_jwk(&rental.public_jwk()).unwrap(),
    ];
    let key = StorageKey::from_bytes([7; 32]);
    let mut storage = MemoryStorage::new();
    let mut wallet = Wallet::open(&mut storage, &key, trusted, false).unwrap();
    for (t, fields) in [
        ("resident_id_card", id_card()),
        ("driving_licence", driving()),
    ] {
        let Value::Object(fields) = fields else {
            unreachable!()
        };
        let sd = licence::issue_with_rng(
            &issuer,
            &LicenceOptions {
                licence_type: t.into(),
                fields,
                holder_public_jwk: wallet.holder_public_jwk(),
                iss: "https://gov.example/issuer".into(),
                iat: Some(NOW - 86_400),
                exp: Some(NOW + 365 * 86_400),
            },
            &mut rng(44),
        )
        .unwrap();
        wallet
            .store_credential(&mut storage, &key, &sd, NOW)
            .unwrap();
    }
    World {
        issuer,
        hotel,
        rental,
        stranger,
        wallet,
        storage,
        key,
    }
}

/// The synthetic ID card's fields.
pub fn id_card() -> Value {
    json!({
        "name": "测试乙", "sex": "male", "ethnicity": "汉", "birth_date": "1990-05-17",
        "address": "广东省深圳市南山区测试路1号", "id_number": id_number(),
        "issuing_authority": "深圳市公安局南山分局", "valid_from": "2024-01-01",
        "valid_until": "2034-01-01"
    })
}

fn driving() -> Value {
    json!({
        "licence_number": id_number(), "name": "测试乙", "sex": "male", "nationality": "中国",
        "address": "广东省深圳市南山区测试路1号", "birth_date": "1990-05-17",
        "first_issue_date": "2012-09-01", "vehicle_classes": ["C1"],
        "valid_from": "2022-09-01", "valid_until": "2032-09-01",
        "issuing_authority": "深圳市公安局交通警察支队", "file_number": "440300123456"
    })
}

fn field(licence: &str, field: &str, forms: &[Form], predicate: Option<&str>) -> RequestField {
    RequestField {
        licence: licence.into(),
        field: field.into(),
        required: true,
        forms: forms.to_vec(),
        retention_days: 30,
        predicate: predicate.map(str::to_owned),
    }
}

/// The hotel's request: name, ID number (masked accepted), over 18.
pub fn hotel_request(v: &Verifier, now: i64) -> String {
    v.create_request(
        &RequestOptions {
            purpose: "住宿登记".into(),
            lawful_basis: LawfulBasis::LegalDuty,
            fields: vec![
                field("resident_id_card", "name", &[Form::Full], None),
                field(
                    "resident_id_card",
                    "id_number",
                    &[Form::Full, Form::Masked],
                    None,
                ),
                field(
                    "resident_id_card",
                    "birth_date",
                    &[Form::Predicate],
                    Some("age_equal_or_over/18"),
                ),
            ],
            ttl_seconds: 300,
            notice_url: Some("https://hotel.example/privacy".into()),
        },
        now,
    )
    .unwrap()
}

/// The car-rental request: driving-licence classes and validity only.
pub fn rental_request(v: &Verifier, now: i64) -> String {
    v.create_request(
        &RequestOptions {
            purpose: "租车资格核验".into(),
            lawful_basis: LawfulBasis::Contract,
            fields: vec![
                field("driving_licence", "vehicle_classes", &[Form::Full], None),
                field("driving_licence", "valid_from", &[Form::Full], None),
                field("driving_licence", "valid_until", &[Form::Full], None),
            ],
            ttl_seconds: 300,
            notice_url: None,
        },
        now,
    )
    .unwrap()
}

/// The citizen's hotel choices: full name, masked ID number, over 18.
pub fn hotel_choices() -> Vec<Choice> {
    vec![
        choice("resident_id_card", "name", Form::Full),
        choice("resident_id_card", "id_number", Form::Masked),
        choice("resident_id_card", "birth_date", Form::Predicate),
    ]
}

/// One choice.
pub fn choice(licence: &str, field: &str, form: Form) -> Choice {
    Choice {
        licence: licence.into(),
        field: field.into(),
        form,
    }
}

/// The separate consent the hotel check-in needs: for the ID number.
pub fn separate() -> SeparateConsent {
    SeparateConsent::Fields(vec!["id_number".into()])
}

fn code<T: std::fmt::Debug>(r: mpshield::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

/// The hotel check-in: the hotel learns exactly the chosen claims.
pub fn hotel_check_in() {
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    let ev = w.wallet.evaluate(&req, NOW).unwrap();
    assert_eq!(ev["verified"], json!(true));
    assert_eq!(ev["items"].as_array().unwrap().len(), 3);
    assert_eq!(ev["items"][1]["sensitive"], json!(true));
    let masked = mpshield::credential::mask::apply("id_number", &id_number()).unwrap();
    assert_eq!(ev["items"][1]["forms"][1]["preview"], json!(masked));
    assert_eq!(ev["items"][2]["forms"][0]["preview"], json!(true));
    let resp = w
        .wallet
        .respond(
            &mut w.storage,
            &w.key,
            &req,
            &hotel_choices(),
            &separate(),
            NOW,
        )
        .unwrap();
    let mut nonces = MemoryNonceStore::default();
    let got = w.hotel.open(&resp.envelope, &mut nonces, NOW + 5).unwrap();
    let mut disclosed = got.disclosed.clone();
    disclosed.sort();
    assert_eq!(
        disclosed,
        ["/age_equal_or_over/18", "/id_number_masked", "/name"]
    );
    assert_eq!(got.claims["name"], json!("测试乙"));
    assert!(got.claims.get("id_number").is_none());
    assert!(got.claims.get("birth_date").is_none());
    assert!(got.claims.get("address").is_none());
    assert_eq!(got.claims["age_equal_or_over"], json!({ "18": true }));
    assert_eq!(got.consent_record.id(), resp.record_id);
    // The stored log holds the record: a reopened wallet sees it.
    let reopened = Wallet::open(&mut w.storage, &w.key, Vec::new(), false).unwrap();
    assert_eq!(reopened.log().size(), 1);
    assert_eq!(reopened.credentials().len(), 2);
    // Replaying the same envelope is refused.
    assert_eq!(
        code(w.hotel.open(&resp.envelope, &mut nonces, NOW + 6)),
        "REPLAYED"
    );
    // Withdrawal is recorded.
    w.wallet
        .withdraw(&mut w.storage, &w.key, &resp.record_id, NOW + 60)
        .unwrap();
    let status = w.wallet.log().status(NOW + 61);
    assert_eq!(status.withdrawn, std::slice::from_ref(&resp.record_id));
}

/// The car rental: only the classes and validity leave the phone.
pub fn car_rental() {
    let mut w = world();
    let req = rental_request(&w.rental, NOW);
    let choices = [
        choice("driving_licence", "vehicle_classes", Form::Full),
        choice("driving_licence", "valid_from", Form::Full),
    ];
    let resp = w
        .wallet
        .respond(
            &mut w.storage,
            &w.key,
            &req,
            &choices,
            &SeparateConsent::None,
            NOW,
        )
        .unwrap();
    let got = w
        .rental
        .open(&resp.envelope, &mut MemoryNonceStore::default(), NOW)
        .unwrap();
    let mut disclosed = got.disclosed.clone();
    disclosed.sort();
    assert_eq!(disclosed, ["/valid_from", "/vehicle_classes"]);
    for hidden in [
        "licence_number",
        "address",
        "name",
        "birth_date",
        "file_number",
    ] {
        assert!(got.claims.get(hidden).is_none(), "{hidden} left the phone");
    }
    assert_eq!(got.claims["vehicle_classes"], json!(["C1"]));
    assert_eq!(got.claims["valid_until"], json!("2032-09-01"));
    // valid_until is always visible: the record lists it although it was
    // not chosen.
    let recorded: Vec<&str> = got
        .consent_record
        .fields
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(recorded, ["vehicle_classes", "valid_from", "valid_until"]);
}

/// Every refusal the issue lists, and that none leaves a record behind.
pub fn refusals() {
    let mut w = world();
    let req = hotel_request(&w.hotel, NOW);
    let sep = separate();

    // Unsigned (alg none / stripped signature) and altered requests.
    let parts: Vec<&str> = req.split('.').collect();
    let unsigned = format!("{}.{}.", parts[0], parts[1]);
    let r = w.wallet.respond(
        &mut w.storage,
        &w.key,
        &unsigned,
        &hotel_choices(),
        &sep,
        NOW,
    );
    assert!(matches!(code(r), "INVALID_REQUEST" | "VERIFY_FAILED"));
    let mut payload = parts[1].as_bytes().to_vec();
    payload[10] ^= 1;
    let altered = format!(
        "{}.{}.{}",
        parts[0],
        String::from_utf8(payload).unwrap(),
        parts[2]
    );
    let r = w.wallet.respond(
        &mut w.storage,
        &w.key,
        &altered,
        &hotel_choices(),
        &sep,
        NOW,
    );
    assert!(matches!(code(r), "INVALID_REQUEST" | "VERIFY_FAILED"));
    // Expired.
    let r = w.wallet.respond(
        &mut w.storage,
        &w.key,
        &req,
        &hotel_choices(),
        &sep,
        NOW + 3600,
    );
    assert_eq!(code(r), "EXPIRED");
    // Untrusted verifier: evaluate says so, respond refuses.
    let strange = hotel_request(&w.stranger, NOW);
    let ev = w.wallet.evaluate(&strange, NOW).unwrap();
    assert_eq!(ev["verified"], json!(false));
    assert_eq!(ev["warnings"][0]["code"], json!("UNTRUSTED_VERIFIER"));
    let r = w.wallet.respond(
        &mut w.storage,
        &w.key,
        &strange,
        &hotel_choices(),
        &sep,
        NOW,
    );
    assert_eq!(code(r), "UNTRUSTED_VERIFIER");
    // A choice that was not requested, a form not accepted, a missing
    // required field.
    let mut extra = hotel_choices();
    extra.push(choice("resident_id_card", "address", Form::Full));
    let r = w
        .wallet
        .respond(&mut w.storage, &w.key, &req, &extra, &sep, NOW);
    assert_eq!(code(r), "NOT_REQUESTED");
    let mut wrong_form = hotel_choices();
    wrong_form[2] = choice("resident_id_card", "birth_date", Form::Full);
    let r = w
        .wallet
        .respond(&mut w.storage, &w.key, &req, &wrong_form, &sep, NOW);
    assert_eq!(code(r), "NOT_REQUESTED");
    let r = w.wallet.respond(
        &mut w.storage,
        &w.key,
        &req,
        &hotel_choices()[..2],
        &sep,
        NOW,
    );
    assert_eq!(code(r), "NOT_REQUESTED");
    // A sensitive field without separate consent.
    let r = w.wallet.respond(
        &mut w.storage,
        &w.key,
        &req,
        &hotel_choices(),
        &SeparateConsent::None,
        NOW,
    );
    assert_eq!(code(r), "SEPARATE_CONSENT_REQUIRED");
    assert_eq!(w.wallet.log().size(), 0, "a refused response left a record");

    // An envelope sealed to another verifier.
    let resp = w
        .wallet
        .respond(&mut w.storage, &w.key, &req, &hotel_choices(), &sep, NOW)
        .unwrap();
    let r = w
        .rental
        .open(&resp.envelope, &mut MemoryNonceStore::default(), NOW);
    assert_eq!(code(r), "DECRYPT_FAILED");
    // Any flipped bit of the envelope.
    for i in [0, 40, resp.envelope.len() / 2, resp.envelope.len() - 1] {
        let mut e = resp.envelope.clone();
        e[i] ^= 0x10;
        assert!(w.hotel.check(&e, NOW).is_err());
    }
    let short = &resp.envelope[..resp.envelope.len() - 1];
    assert_eq!(code(w.hotel.check(short, NOW)), "TRUNCATED");
    // Too late: the request has expired.
    assert_eq!(code(w.hotel.check(&resp.envelope, NOW + 3600)), "EXPIRED");

    // A receipt that does not match the presentation: answer a second
    // request, then swap its receipt into the first answer.
    let req2 = hotel_request(&w.hotel, NOW);
    let resp2 = w
        .wallet
        .respond(&mut w.storage, &w.key, &req2, &hotel_choices(), &sep, NOW)
        .unwrap();
    let forged = reseal_to_hotel(&resp.envelope, |body| {
        body["receipt"] = json!(mpshield::credential::jose::b64url(&resp2.receipt));
    });
    assert_eq!(code(w.hotel.check(&forged, NOW)), "INVALID_RECEIPT");

    // A refusal is recorded.
    let id = w.wallet.refuse(&mut w.storage, &w.key, &req, NOW).unwrap();
    assert_eq!(w.wallet.log().status(NOW).refused, [id]);
}

/// Opens `envelope` as the hotel would (the test knows the hotel's sealing
/// key: seed 41 in [`world`]), lets `edit` change the response body, and
/// seals it to the hotel again — what someone holding that key could forge.
pub fn reseal_to_hotel(envelope: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
    let kp =
        hpke::generate_key_pair_with_rng(mpshield::seal::hpke::Kem::X25519, &mut rng(41)).unwrap();
    let info = mpshield::flow::RESPONSE_INFO;
    let plain = envelope::open(&kp.secret_key, envelope, &OpenOptions { info, aad: &[] }).unwrap();
    let mut body: Value = serde_json::from_slice(&plain).unwrap();
    edit(&mut body);
    let opts = SealOptions {
        info,
        ..SealOptions::default()
    };
    envelope::seal(&kp.public_key, &serde_json::to_vec(&body).unwrap(), &opts).unwrap()
}

/// The hotel check-in in the gm (国密) suite: an SM2 issuer, an SM2 hotel
/// sealing to an SM2 KEM key, a gm wallet (SM2 holder and device keys); the
/// envelope is gm and the hotel learns exactly the chosen claims; an intl
/// request is refused before anything is recorded; the wallet reopens from
/// storage in its suite.
pub fn gm_hotel_check_in() {
    let issuer = key(Algorithm::Sm2, 70);
    let kem = hpke::generate_key_pair_with_rng(hpke::Kem::Sm2, &mut rng(71)).unwrap();
    let hotel = Verifier::with_suite(
        Suite::Gm,
        "测试酒店有限公司",
        &uscc(1),
        key(Algorithm::Sm2, 72),
        kem.secret_key,
        vec![issuer.verifying_key().clone()],
    )
    .unwrap();
    let intl_hotel = verifier("测试国际酒店有限公司", 4, 73, &issuer);
    let trusted = vec![
        VerifyingKey::from_jwk(&hotel.public_jwk()).unwrap(),
        VerifyingKey::from_jwk(&intl_hotel.public_jwk()).unwrap(),
    ];
    let options = OpenOptions {
        trusted,
        suite: Some(Suite::Gm),
        ..OpenOptions::default()
    };
    let storage_key = StorageKey::from_bytes([8; 32]);
    let mut storage = MemoryStorage::new();
    let mut wallet = Wallet::open_with(&mut storage, &storage_key, &options).unwrap();
    assert_eq!(wallet.holder_public_jwk()["crv"], json!("SM2"));
    let Value::Object(fields) = id_card() else {
        unreachable!()
    };
    let sd = licence::issue_with_rng(
        &issuer,
        &LicenceOptions {
            licence_type: "resident_id_card".into(),
            fields,
            holder_public_jwk: wallet.holder_public_jwk(),
            iss: "https://gov.example/issuer".into(),
            iat: Some(NOW - 86_400),
            exp: Some(NOW + 365 * 86_400),
        },
        &mut rng(74),
    )
    .unwrap();
    wallet
        .store_credential(&mut storage, &storage_key, &sd, NOW)
        .unwrap();

    let req = hotel_request(&hotel, NOW);
    let ev = wallet.evaluate(&req, NOW).unwrap();
    assert_eq!(ev["suite"], json!("gm"));
    assert_eq!(ev["verified"], json!(true));
    let resp = wallet
        .respond(
            &mut storage,
            &storage_key,
            &req,
            &hotel_choices(),
            &separate(),
            NOW,
        )
        .unwrap();
    assert_eq!(envelope::inspect(&resp.envelope).unwrap().suite, Suite::Gm);
    let mut nonces = MemoryNonceStore::default();
    let got = hotel.open(&resp.envelope, &mut nonces, NOW + 5).unwrap();
    let mut disclosed = got.disclosed.clone();
    disclosed.sort();
    assert_eq!(
        disclosed,
        ["/age_equal_or_over/18", "/id_number_masked", "/name"]
    );
    assert!(got.claims.get("id_number").is_none());
    assert_eq!(got.device_public_jwk["crv"], json!("SM2"));

    // A request of the other suite: refused, nothing recorded.
    let intl_req = hotel_request(&intl_hotel, NOW);
    let refused = wallet.respond(
        &mut storage,
        &storage_key,
        &intl_req,
        &hotel_choices(),
        &separate(),
        NOW,
    );
    assert_eq!(code(refused), "UNSUPPORTED_ALGORITHM");
    assert_eq!(wallet.log().size(), 1);

    let reopened = Wallet::open_with(
        &mut storage,
        &storage_key,
        &OpenOptions {
            suite: None,
            ..options
        },
    )
    .unwrap();
    assert_eq!(reopened.log().size(), 1);
    assert_eq!(reopened.device_public_jwk()["crv"], json!("SM2"));
}
