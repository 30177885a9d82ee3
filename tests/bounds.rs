//! Issue 11, "bounded everything": every input from outside has a stated
//! limit (depth, length, count), refused with a typed error before the work
//! it would cost; and the two gaps found next to them (key-binding `exp` and
//! `nbf`, bidirectional controls in what the consent screen shows).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod consent_common;

use common::flow::{hotel_request, world};
use common::{credential, disclosure_chain, key, rng, NOW};
use mpshield::consent::record::{self, LawfulBasis};
use mpshield::credential::jose::{b64url, b64url_decode, sha256_b64url};
use mpshield::credential::keys::{Algorithm, SigningKey};
use mpshield::credential::sdjwt::{
    self, IssueOptions, PresentOptions, VerifyOptions, MAX_CLAIM_DEPTH, MAX_DISCLOSURES,
    MAX_SD_JWT_BYTES,
};
use mpshield::flow::request::{Request, RequestOptions, MAX_FIELDS, MAX_REQUEST_BYTES};
use serde_json::{json, Value};

const ID_CARD_VCT: &str = "urn:mpshield:licence:resident_id_card:1";
const AUD: &str = "https://hotel.example";
const NONCE: &str = "nonce-0001";

/// Seeds the module's generator (the flow draws nonces and ids from it).
fn seed() {
    let entropy: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(29) ^ 0x5c).collect();
    mpshield::rng::add_entropy(&entropy).unwrap();
}

fn code<T: std::fmt::Debug>(r: mpshield::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

fn no_kb(issuer: &SigningKey) -> VerifyOptions {
    VerifyOptions {
        issuer_keys: vec![issuer.verifying_key().clone()],
        require_key_binding: false,
        now: Some(NOW),
        ..VerifyOptions::default()
    }
}

/// The nesting of `v` (objects and arrays), measured without recursion.
fn depth(v: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(v, 0)];
    while let Some((v, d)) = stack.pop() {
        let children: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::Object(m) => m.values().collect(),
            _ => continue,
        };
        deepest = deepest.max(d + 1);
        stack.extend(children.into_iter().map(|c| (c, d + 1)));
    }
    deepest
}

// Attack: 10,000 disclosures nested in one another, each parsed alone. The
// walk that substitutes them recursed once per link and overflowed the
// stack (natively a crash; in the Node module "Maximum call stack size
// exceeded" and a corrupted instance). Refused now with INVALID_CREDENTIAL
// by every entry that reads an SD-JWT, and a wallet keeps working.
#[test]
fn a_chain_of_10_000_nested_disclosures_is_refused_everywhere() {
    seed();
    let issuer = key(Algorithm::Es256, 1);
    let holder = key(Algorithm::EdDsa, 2);
    let bomb = disclosure_chain(&issuer, &holder.public_jwk(), ID_CARD_VCT, 10_000);
    assert_eq!(code(sdjwt::decode(&bomb)), "INVALID_CREDENTIAL");
    assert_eq!(
        code(sdjwt::verify(&bomb, &no_kb(&issuer))),
        "INVALID_CREDENTIAL"
    );
    let present = PresentOptions {
        disclose: vec!["/a".into()],
        aud: AUD.into(),
        nonce: NONCE.into(),
        iat: Some(NOW),
    };
    assert_eq!(
        code(sdjwt::present(&bomb, &holder, &present)),
        "INVALID_CREDENTIAL"
    );

    let mut w = world();
    let held = w.wallet.credentials().len();
    let bomb = disclosure_chain(
        &w.issuer,
        &w.wallet.holder_public_jwk(),
        ID_CARD_VCT,
        10_000,
    );
    assert_eq!(
        code(w.wallet.add_credential(&bomb, NOW)),
        "INVALID_CREDENTIAL"
    );
    assert_eq!(
        code(
            w.wallet
                .store_credential(&mut w.storage, &w.key, &bomb, NOW)
        ),
        "INVALID_CREDENTIAL"
    );
    assert_eq!(w.wallet.credentials().len(), held);
    // Nothing was stored: the wallet still works, and still reopens.
    let request = hotel_request(&w.hotel, NOW);
    let ev = w.wallet.evaluate(&request, NOW).unwrap();
    assert_eq!(ev["verified"], json!(true));
    w.wallet
        .refuse(&mut w.storage, &w.key, &request, NOW)
        .unwrap();
    let reopened =
        mpshield::flow::wallet::Wallet::open(&mut w.storage, &w.key, Vec::new(), false).unwrap();
    assert_eq!(reopened.credentials().len(), held);
}

// The same chain just over MAX_CLAIM_DEPTH: few disclosures, each small and
// shallow, so only the composed depth can catch it.
#[test]
fn a_chain_one_link_over_max_claim_depth_is_refused() {
    seed();
    let issuer = key(Algorithm::EdDsa, 1);
    let holder = key(Algorithm::EdDsa, 2);
    let bomb = disclosure_chain(
        &issuer,
        &holder.public_jwk(),
        ID_CARD_VCT,
        MAX_CLAIM_DEPTH + 1,
    );
    let e = sdjwt::decode(&bomb).unwrap_err();
    assert_eq!(e.code(), "INVALID_CREDENTIAL");
    assert!(e.to_string().contains("deeper than 32"), "{e}");
    assert_eq!(
        code(sdjwt::verify(&bomb, &no_kb(&issuer))),
        "INVALID_CREDENTIAL"
    );
    let mut w = world();
    let bomb = disclosure_chain(
        &w.issuer,
        &w.wallet.holder_public_jwk(),
        ID_CARD_VCT,
        MAX_CLAIM_DEPTH + 1,
    );
    assert_eq!(
        code(w.wallet.add_credential(&bomb, NOW)),
        "INVALID_CREDENTIAL"
    );
}

#[test]
fn a_chain_at_max_claim_depth_decodes_verifies_and_presents() {
    let issuer = key(Algorithm::EdDsa, 1);
    let holder = key(Algorithm::EdDsa, 2);
    let chain = disclosure_chain(&issuer, &holder.public_jwk(), ID_CARD_VCT, MAX_CLAIM_DEPTH);
    let d = sdjwt::decode(&chain).unwrap();
    assert_eq!(d.disclosures.len(), MAX_CLAIM_DEPTH);
    assert_eq!(
        d.disclosures.last().unwrap().path,
        "/a".repeat(MAX_CLAIM_DEPTH)
    );
    let v = sdjwt::verify(&chain, &no_kb(&issuer)).unwrap();
    assert_eq!(v.disclosed.len(), MAX_CLAIM_DEPTH);
    // The claims object and 31 objects inside it, the last holding a string.
    assert_eq!(depth(&v.claims), MAX_CLAIM_DEPTH);
    let p = sdjwt::present(
        &chain,
        &holder,
        &PresentOptions {
            disclose: vec!["/a".repeat(MAX_CLAIM_DEPTH)],
            aud: AUD.into(),
            nonce: NONCE.into(),
            iat: Some(NOW),
        },
    )
    .unwrap();
    let verified = sdjwt::verify(
        &p,
        &VerifyOptions {
            aud: Some(AUD.into()),
            nonce: Some(NONCE.into()),
            require_key_binding: true,
            ..no_kb(&issuer)
        },
    )
    .unwrap();
    assert_eq!(verified.disclosed.len(), MAX_CLAIM_DEPTH);
}

fn nested(levels: usize) -> Value {
    let mut v = json!("leaf");
    for _ in 0..levels {
        v = json!({ "a": v });
    }
    v
}

fn issue_claims(claims: Value, disclosable: Vec<String>) -> mpshield::Result<String> {
    let issuer = key(Algorithm::EdDsa, 1);
    sdjwt::issue_with_rng(
        &issuer,
        &IssueOptions {
            claims,
            disclosable,
            vct: "urn:mpshield:test:1".into(),
            iss: "https://issuer.example".into(),
            iat: Some(NOW),
            decoys: Some(0),
            ..IssueOptions::default()
        },
        &mut rng(9),
    )
}

// Deep claims without any disclosure: issue refuses what verify would.
#[test]
fn issue_refuses_claims_deeper_than_max_claim_depth() {
    assert!(issue_claims(nested(MAX_CLAIM_DEPTH), vec![]).is_ok());
    let e = issue_claims(nested(MAX_CLAIM_DEPTH + 1), vec![]).unwrap_err();
    assert_eq!(e.code(), "INVALID_INPUT");
    // serde_json parses 128 levels; the composed payload is refused too.
    let issuer = key(Algorithm::EdDsa, 1);
    let deep_payload = {
        let header = json!({ "alg": "EdDSA", "typ": "dc+sd-jwt" });
        let mut payload = nested(100);
        payload["iss"] = json!("https://issuer.example");
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(payload.to_string().as_bytes())
        );
        let sig = issuer.sign(input.as_bytes()).unwrap();
        format!("{input}.{}~", b64url(&sig))
    };
    assert_eq!(code(sdjwt::decode(&deep_payload)), "INVALID_CREDENTIAL");
    assert_eq!(
        code(sdjwt::verify(&deep_payload, &no_kb(&issuer))),
        "INVALID_CREDENTIAL"
    );
}

#[test]
fn disclosures_are_counted_before_they_are_decoded() {
    let mut claims = serde_json::Map::new();
    for i in 0..=MAX_DISCLOSURES {
        claims.insert(format!("c{i}"), json!(i));
    }
    let all: Vec<String> = (0..=MAX_DISCLOSURES).map(|i| format!("/c{i}")).collect();
    assert_eq!(
        code(issue_claims(Value::Object(claims.clone()), all.clone())),
        "INVALID_INPUT"
    );
    let at_limit = issue_claims(Value::Object(claims), all[..MAX_DISCLOSURES].to_vec()).unwrap();
    let issuer = key(Algorithm::EdDsa, 1);
    assert_eq!(
        sdjwt::verify(&at_limit, &no_kb(&issuer))
            .unwrap()
            .disclosed
            .len(),
        MAX_DISCLOSURES
    );
    // One more (not even base64url: refused by the count, not the decoder).
    let over = format!("{at_limit}!!~");
    let e = sdjwt::decode(&over).unwrap_err();
    assert_eq!(e.code(), "INVALID_CREDENTIAL");
    assert!(e.to_string().contains("at most 256 disclosures"), "{e}");
}

#[test]
fn sd_jwt_text_is_measured_before_it_is_decoded() {
    let issuer = key(Algorithm::EdDsa, 1);
    let holder = key(Algorithm::EdDsa, 2);
    let good = credential(&issuer, &holder, 3);
    let padded = format!("{good}{}", "A".repeat(MAX_SD_JWT_BYTES - good.len()));
    assert_eq!(padded.len(), MAX_SD_JWT_BYTES);
    // At the limit it is read (and refused for what it is: a bad KB-JWT).
    assert_ne!(
        sdjwt::decode(&padded).unwrap_err().to_string(),
        sdjwt::decode(&format!("{padded}A"))
            .unwrap_err()
            .to_string()
    );
    let e = sdjwt::decode(&format!("{padded}A")).unwrap_err();
    assert_eq!(e.code(), "INVALID_CREDENTIAL");
    assert!(e.to_string().contains("at most 524288 bytes"), "{e}");
    assert_eq!(
        code(sdjwt::verify(&format!("{padded}A"), &no_kb(&issuer))),
        "INVALID_CREDENTIAL"
    );
    // A photo of 600 KB makes a credential too long to issue.
    assert_eq!(
        code(issue_claims(
            json!({ "photo": "A".repeat(600_000) }),
            vec![]
        )),
        "INVALID_INPUT"
    );
}

fn kb_jwt(holder: &SigningKey, without_kb: &str, edit: impl FnOnce(&mut Value)) -> String {
    let header = json!({ "alg": holder.alg().as_str(), "typ": "kb+jwt" });
    let mut payload = json!({
        "iat": NOW, "aud": AUD, "nonce": NONCE,
        "sd_hash": sha256_b64url(without_kb.as_bytes()),
    });
    edit(&mut payload);
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    );
    let sig = holder.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64url(&sig))
}

// Attack: a presentation the holder limited with `exp` (or scheduled with
// `nbf`) was accepted after (or before) that time; RFC 7519 and sd-jwt-js
// refuse it. Checked with the verifier's clock skew, as `iat` is.
#[test]
fn key_binding_exp_and_nbf_are_enforced() {
    let issuer = key(Algorithm::Es256, 1);
    let holder = key(Algorithm::EdDsa, 2);
    let without = credential(&issuer, &holder, 3);
    let now = NOW + 10;
    let opts = VerifyOptions {
        issuer_keys: vec![issuer.verifying_key().clone()],
        aud: Some(AUD.into()),
        nonce: Some(NONCE.into()),
        now: Some(now),
        ..VerifyOptions::default()
    };
    let skew = opts.clock_skew;
    let with = |edit: Box<dyn FnOnce(&mut Value)>| {
        let kb = kb_jwt(&holder, &without, edit);
        sdjwt::verify(&format!("{without}{kb}"), &opts)
    };
    assert!(with(Box::new(|_| {})).is_ok());
    let cases: Vec<(Value, Value, bool)> = vec![
        (json!("exp"), json!(now - skew - 1), false),
        (json!("exp"), json!(now - skew), false),
        (json!("exp"), json!(now - skew + 1), true),
        (json!("exp"), json!("tomorrow"), false),
        (json!("nbf"), json!(now + skew + 1), false),
        (json!("nbf"), json!(now + skew), true),
        (json!("nbf"), json!(now), true),
        (json!("nbf"), json!(null), false),
    ];
    for (name, value, ok) in cases {
        let n = name.as_str().unwrap().to_owned();
        let v = value.clone();
        let r = with(Box::new(move |p| p[n] = v));
        if ok {
            assert!(r.is_ok(), "{name} {value}: {r:?}");
        } else {
            assert_eq!(
                r.unwrap_err().code(),
                "INVALID_KEY_BINDING",
                "{name} {value}"
            );
        }
    }
}

/// An edit of a request's payload.
type Edit = Box<dyn Fn(&mut Value)>;

const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

fn options(purpose: &str, notice_url: Option<&str>) -> RequestOptions {
    RequestOptions {
        purpose: purpose.into(),
        lawful_basis: LawfulBasis::LegalDuty,
        fields: vec![mpshield::flow::request::RequestField {
            licence: "resident_id_card".into(),
            field: "name".into(),
            required: true,
            forms: vec![record::Form::Full],
            retention_days: 30,
            predicate: None,
        }],
        ttl_seconds: 300,
        notice_url: notice_url.map(str::to_owned),
    }
}

/// Re-signs `request` (signed by `key`) with its payload edited.
fn resign(key: &SigningKey, request: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut it = request.split('.');
    let header = it.next().unwrap();
    let mut payload: Value =
        serde_json::from_slice(&b64url_decode(it.next().unwrap(), "p").unwrap()).unwrap();
    edit(&mut payload);
    let input = format!("{header}.{}", b64url(payload.to_string().as_bytes()));
    let sig = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64url(&sig))
}

// Attack: a relying party writes its purpose as "…\u{202E}noitiled…" so the
// consent screen shows the words in another order than the ones signed (and
// recorded). Refused when the request is made and when a wallet reads one.
#[test]
fn request_texts_refuse_bidi_and_control_characters() {
    seed();
    let w = world();
    for c in BIDI
        .iter()
        .copied()
        .chain(['\n', '\t', '\u{0}', '\u{7f}', '\u{85}'])
    {
        let purpose = format!("住宿登记{c}tisoped");
        assert_eq!(
            code(w.hotel.create_request(&options(&purpose, None), NOW)),
            "INVALID_INPUT",
            "U+{:04X}",
            c as u32
        );
        let url = format!("https://hotel.example/{c}privacy");
        assert_eq!(
            code(
                w.hotel
                    .create_request(&options("住宿登记", Some(&url)), NOW)
            ),
            "INVALID_INPUT",
            "U+{:04X}",
            c as u32
        );
    }

    // A request signed without mpshield's checks, read by the wallet.
    let signer = key(Algorithm::EdDsa, 41);
    let seal = mpshield::seal::hpke::generate_key_pair_with_rng(
        mpshield::seal::hpke::Kem::X25519,
        &mut rng(5),
    )
    .unwrap()
    .public_key;
    let good = Request::sign(
        &signer,
        "测试酒店有限公司",
        &common::flow::uscc(1),
        &seal,
        &options("住宿登记", Some("https://hotel.example/privacy")),
        NOW,
    )
    .unwrap();
    assert!(Request::verify(&good, NOW).is_ok());
    assert!(w.wallet.evaluate(&good, NOW).is_ok());
    let edits: Vec<Edit> = vec![
        Box::new(|p| p["purpose"] = json!("住宿登记\u{202E}tisoped")),
        Box::new(|p| p["purpose"] = json!("住宿\u{2066}登记\u{2069}")),
        Box::new(|p| p["purpose"] = json!("住宿登记\r\n附加")),
        Box::new(|p| p["verifier"]["name"] = json!("测试\u{202B}酒店有限公司")),
        Box::new(|p| p["noticeUrl"] = json!("https://hotel.example/\u{200F}privacy")),
        Box::new(|p| p["purpose"] = json!("长".repeat(400))),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let bad = resign(&signer, &good, edit);
        assert_eq!(
            code(Request::verify(&bad, NOW)),
            "INVALID_REQUEST",
            "edit {i}"
        );
        assert_eq!(
            code(w.wallet.evaluate(&bad, NOW)),
            "INVALID_REQUEST",
            "edit {i}"
        );
    }
}

#[test]
fn requests_are_measured_and_counted_before_they_are_read() {
    seed();
    let signer = key(Algorithm::EdDsa, 41);
    let seal = mpshield::seal::hpke::generate_key_pair_with_rng(
        mpshield::seal::hpke::Kem::X25519,
        &mut rng(5),
    )
    .unwrap()
    .public_key;
    let good = Request::sign(
        &signer,
        "测试酒店有限公司",
        &common::flow::uscc(1),
        &seal,
        &options("住宿登记", None),
        NOW,
    )
    .unwrap();
    let many = resign(&signer, &good, |p| {
        let f = p["fields"][0].clone();
        p["fields"] = Value::Array(vec![f; MAX_FIELDS + 1]);
    });
    let e = Request::verify(&many, NOW).unwrap_err();
    assert_eq!(e.code(), "INVALID_REQUEST");
    assert!(e.to_string().contains("at most 64 fields"), "{e}");
    let long = format!("{good}{}", "A".repeat(MAX_REQUEST_BYTES));
    let e = Request::verify(&long, NOW).unwrap_err();
    assert_eq!(e.code(), "INVALID_REQUEST");
    assert!(e.to_string().contains("at most 65536 bytes"), "{e}");
}

#[test]
fn records_are_measured_and_counted() {
    let long = format!(
        r#"{{"purposes": ["{}"]}}"#,
        "a".repeat(record::MAX_RECORD_BYTES)
    );
    let e = record::from_json(&long).unwrap_err();
    assert_eq!(e.code(), "INVALID_RECORD");
    assert!(e.to_string().contains("at most 65536 bytes"), "{e}");

    let mut r = consent_common::hotel(1);
    r.schema_version = Some(record::SCHEMA_VERSION);
    r.purposes = vec!["住宿登记".into(); record::MAX_RECORD_ITEMS];
    r.validate().unwrap();
    r.purposes.push("住宿登记".into());
    let e = r.validate().unwrap_err();
    assert!(e.to_string().contains("at most 64 entries"), "{e}");
    // Valid texts, but more than the log could read back: refused on append.
    r.purposes = vec!["长".repeat(341); record::MAX_RECORD_ITEMS];
    let e = r.validate().unwrap_err();
    assert_eq!(e.code(), "INVALID_RECORD");
    assert!(e.to_string().contains("canonical JSON"), "{e}");
}
