//! SD-JWT issue → present → verify round trips, and a negative test for
//! every check `verify` makes (each a typed error, never a panic).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{claims, credential, disclosable, key, rng, NOW};
use mpshield::credential::jose::{b64url, b64url_decode, sha256_b64url};
use mpshield::credential::keys::{Algorithm, SigningKey};
use mpshield::credential::sdjwt::{self, IssueOptions, PresentOptions, VerifyOptions};
use serde_json::{json, Value};

/// An edit of a JWT payload.
type Edit = Box<dyn Fn(&mut Value)>;

const AUD: &str = "https://hotel.example";
const NONCE: &str = "nonce-0001";

fn present(cred: &str, holder: &SigningKey, disclose: &[&str]) -> String {
    common::present_to(cred, holder, disclose, AUD, NONCE)
}

fn options(issuer: &SigningKey) -> VerifyOptions {
    common::verify_options(issuer, AUD, NONCE)
}

struct Fixture {
    issuer: SigningKey,
    holder: SigningKey,
    credential: String,
}

fn fixture(issuer_alg: Algorithm, holder_alg: Algorithm) -> Fixture {
    let issuer = key(issuer_alg, 1);
    let holder = key(holder_alg, 2);
    let credential = credential(&issuer, &holder, 3);
    Fixture {
        issuer,
        holder,
        credential,
    }
}

fn code(r: mpshield::Result<impl std::fmt::Debug>) -> &'static str {
    r.unwrap_err().code()
}

/// Splits a presentation into issuer JWT, disclosures and KB-JWT.
fn parts(p: &str) -> (String, Vec<String>, String) {
    let mut all: Vec<String> = p.split('~').map(str::to_owned).collect();
    let kb = all.pop().unwrap();
    let jwt = all.remove(0);
    (jwt, all, kb)
}

fn join(jwt: &str, disclosures: &[String], kb: &str) -> String {
    let mut s = jwt.to_owned();
    s.push('~');
    for d in disclosures {
        s.push_str(d);
        s.push('~');
    }
    s.push_str(kb);
    s
}

/// Re-signs a KB-JWT over `without_kb` with `payload` edits applied.
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

/// Re-signs the issuer JWT with its payload edited.
fn reissue(issuer: &SigningKey, jwt: &str, edit: impl FnOnce(&mut Value, &mut Value)) -> String {
    let mut it = jwt.split('.');
    let mut header: Value =
        serde_json::from_slice(&b64url_decode(it.next().unwrap(), "h").unwrap()).unwrap();
    let mut payload: Value =
        serde_json::from_slice(&b64url_decode(it.next().unwrap(), "p").unwrap()).unwrap();
    edit(&mut header, &mut payload);
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    );
    let sig = issuer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64url(&sig))
}

#[test]
fn round_trip_every_algorithm_pair() {
    for ia in [Algorithm::EdDsa, Algorithm::Es256] {
        for ha in [Algorithm::EdDsa, Algorithm::Es256] {
            let f = fixture(ia, ha);
            let p = present(
                &f.credential,
                &f.holder,
                &[
                    "/name",
                    "/address/city",
                    "/nationalities/2",
                    "/age_equal_or_over/18",
                ],
            );
            let v = sdjwt::verify(&p, &options(&f.issuer)).unwrap();
            assert_eq!(v.claims["name"], "测试甲");
            // Choosing /address/city reveals the address object too, but not
            // its other members.
            assert_eq!(v.claims["address"], json!({ "city": "深圳市" }));
            // HK (slot 1) is always visible; MO (slot 2) was chosen; CN hidden.
            assert_eq!(v.claims["nationalities"], json!(["HK", "MO"]));
            assert_eq!(v.claims["age_equal_or_over"], json!({ "18": true }));
            assert!(v.claims.get("birth_date").is_none());
            assert_eq!(v.claims["status"], json!({ "idx": 7 }));
            assert_eq!(v.claims["iss"], "https://issuer.example");
            assert!(v.claims.get("_sd_alg").is_none());
            let mut disclosed = v.disclosed.clone();
            disclosed.sort();
            assert_eq!(
                disclosed,
                [
                    "/address",
                    "/address/city",
                    "/age_equal_or_over/18",
                    "/name",
                    "/nationalities/2"
                ]
            );
            assert_eq!(v.issuer.as_deref(), Some("https://issuer.example"));
            assert_eq!(v.holder_public_jwk.unwrap(), f.holder.public_jwk());
            let kb = v.key_binding.unwrap();
            assert_eq!(
                (kb.iat, kb.aud.as_str(), kb.nonce.as_str()),
                (NOW, AUD, NONCE)
            );
        }
    }
}

#[test]
fn issued_form_has_the_rfc_shape() {
    let f = fixture(Algorithm::Es256, Algorithm::EdDsa);
    assert!(f.credential.ends_with('~'));
    let d = sdjwt::decode(&f.credential).unwrap();
    assert_eq!(d.header["typ"], "dc+sd-jwt");
    assert_eq!(d.header["alg"], "ES256");
    assert_eq!(d.header["kid"], f.issuer.kid());
    assert_eq!(d.payload["_sd_alg"], "sha-256");
    assert_eq!(d.payload["cnf"]["jwk"], f.holder.public_jwk());
    assert_eq!(d.payload["vct"], "urn:mpshield:test:1");
    // 4 top-level disclosable claims + 2 decoys, sorted.
    let sd: Vec<&str> = d.payload["_sd"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(sd.len(), 3 + 2);
    assert!(sd.windows(2).all(|w| w[0] < w[1]));
    // Array elements as {"...": digest}; slot 1 stays visible.
    assert_eq!(d.payload["nationalities"][1], "HK");
    assert!(d.payload["nationalities"][0]["..."].is_string());
    let mut paths: Vec<&str> = d.disclosures.iter().map(|x| x.path.as_str()).collect();
    paths.sort_unstable();
    let mut want = disclosable();
    want.sort();
    assert_eq!(paths, want);
    // Salts are 128 bits; each disclosure hashes to its digest as sent.
    for part in f.credential.split('~').skip(1).filter(|s| !s.is_empty()) {
        let arr: Value = serde_json::from_slice(&b64url_decode(part, "d").unwrap()).unwrap();
        assert_eq!(
            b64url_decode(arr[0].as_str().unwrap(), "salt")
                .unwrap()
                .len(),
            16
        );
        assert!(d
            .disclosures
            .iter()
            .any(|x| x.digest == sha256_b64url(part.as_bytes())));
    }
    // The /address disclosure's value shows no nested digests.
    let addr = d.disclosures.iter().find(|x| x.path == "/address").unwrap();
    assert_eq!(addr.value, json!({}));
}

#[test]
fn presenting_a_parent_reveals_its_children() {
    let f = fixture(Algorithm::EdDsa, Algorithm::EdDsa);
    let p = present(&f.credential, &f.holder, &["/address", "/nationalities"]);
    let v = sdjwt::verify(&p, &options(&f.issuer)).unwrap();
    assert_eq!(
        v.claims["address"],
        json!({ "province": "广东省", "city": "深圳市", "street": "测试路1号" })
    );
    assert_eq!(v.claims["nationalities"], json!(["CN", "HK", "MO"]));
}

#[test]
fn every_subset_presents_to_exactly_that_subset() {
    // Property test over the leaf-level disclosable pointers.
    let f = fixture(Algorithm::EdDsa, Algorithm::Es256);
    let leaves = [
        "/name",
        "/birth_date",
        "/address/province",
        "/address/street",
        "/nationalities/0",
        "/nationalities/2",
        "/age_equal_or_over/18",
        "/age_equal_or_over/65",
    ];
    for mask in 0u32..(1 << leaves.len()) {
        let chosen: Vec<&str> = leaves
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, p)| *p)
            .collect();
        let p = present(&f.credential, &f.holder, &chosen);
        let v = sdjwt::verify(&p, &options(&f.issuer)).unwrap();
        let mut got: Vec<String> = v
            .disclosed
            .into_iter()
            .filter(|p| p != "/address")
            .collect();
        got.sort();
        let mut want: Vec<String> = chosen.iter().map(|s| (*s).to_owned()).collect();
        want.sort();
        assert_eq!(got, want, "mask {mask:b}");
        let address_chosen = chosen.iter().any(|c| c.starts_with("/address/"));
        assert_eq!(v.claims.get("address").is_some(), address_chosen);
    }
}

#[test]
fn verifying_an_issued_credential_without_key_binding() {
    let f = fixture(Algorithm::Es256, Algorithm::Es256);
    let v = sdjwt::verify(
        &f.credential,
        &VerifyOptions {
            require_key_binding: false,
            ..options(&f.issuer)
        },
    )
    .unwrap();
    assert_eq!(v.claims["address"]["street"], "测试路1号");
    assert!(v.key_binding.is_none());
}

#[test]
fn issue_refuses_what_must_stay_visible() {
    let issuer = key(Algorithm::EdDsa, 1);
    let base = IssueOptions {
        claims: claims(),
        disclosable: vec![],
        holder_public_jwk: None,
        vct: "urn:t".into(),
        iss: "https://issuer.example".into(),
        iat: Some(NOW),
        ..IssueOptions::default()
    };
    for p in ["/status", "/status/idx"] {
        let o = IssueOptions {
            disclosable: vec![p.into()],
            ..base.clone()
        };
        assert_eq!(
            code(sdjwt::issue_with_rng(&issuer, &o, &mut rng(1))),
            "NOT_DISCLOSABLE",
            "{p}"
        );
    }
    for (claims, disclosable) in [
        (json!({ "iss": "x" }), vec![]),
        (json!({ "vct": "x" }), vec![]),
        (json!({ "a": { "_sd": [] } }), vec![]),
        (json!({ "a": [{ "...": "x" }] }), vec![]),
        (json!(["not an object"]), vec![]),
        (claims(), vec!["/nope".to_owned()]),
        (claims(), vec!["name".to_owned()]),
        (claims(), vec![String::new()]),
    ] {
        let o = IssueOptions {
            claims,
            disclosable,
            ..base.clone()
        };
        assert_eq!(
            code(sdjwt::issue_with_rng(&issuer, &o, &mut rng(1))),
            "INVALID_INPUT"
        );
    }
    let o = IssueOptions {
        decoys: Some(1000),
        ..base.clone()
    };
    assert_eq!(
        code(sdjwt::issue_with_rng(&issuer, &o, &mut rng(1))),
        "INVALID_INPUT"
    );
    let o = IssueOptions {
        holder_public_jwk: Some(json!({ "kty": "RSA", "n": "x", "e": "AQAB" })),
        ..base
    };
    assert_eq!(
        code(sdjwt::issue_with_rng(&issuer, &o, &mut rng(1))),
        "INVALID_JWK"
    );
}

#[test]
fn present_refuses_bad_requests() {
    let f = fixture(Algorithm::EdDsa, Algorithm::EdDsa);
    let other = key(Algorithm::EdDsa, 9);
    let opts = |disclose: &[&str]| PresentOptions {
        disclose: disclose.iter().map(|s| (*s).to_owned()).collect(),
        aud: AUD.into(),
        nonce: NONCE.into(),
        iat: Some(NOW),
    };
    assert_eq!(
        code(sdjwt::present(&f.credential, &other, &opts(&["/name"]))),
        "INVALID_KEY"
    );
    assert_eq!(
        code(sdjwt::present(&f.credential, &f.holder, &opts(&["/nope"]))),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(sdjwt::present(&f.credential, &f.holder, &opts(&["name"]))),
        "INVALID_INPUT"
    );
    let p = present(&f.credential, &f.holder, &["/name"]);
    assert_eq!(
        code(sdjwt::present(&p, &f.holder, &opts(&["/name"]))),
        "INVALID_CREDENTIAL"
    );
    let mut empty = opts(&["/name"]);
    empty.nonce = String::new();
    assert_eq!(
        code(sdjwt::present(&f.credential, &f.holder, &empty)),
        "INVALID_INPUT"
    );
}

// ---- Negative tests for verify -------------------------------------------

fn good() -> (Fixture, String) {
    let f = fixture(Algorithm::Es256, Algorithm::EdDsa);
    let p = present(
        &f.credential,
        &f.holder,
        &["/name", "/address/city", "/nationalities/0"],
    );
    sdjwt::verify(&p, &options(&f.issuer)).unwrap();
    (f, p)
}

fn flip_char(s: &str, at: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[at] = if b[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

#[test]
fn rejects_flipped_bits_in_signature_payload_and_header() {
    let (f, p) = good();
    let (jwt, ds, kb) = parts(&p);
    let dots: Vec<usize> = jwt.match_indices('.').map(|(i, _)| i).collect();
    // Signature: anywhere in the middle.
    let bad = flip_char(&jwt, dots[1] + 10);
    assert_eq!(
        code(sdjwt::verify(&join(&bad, &ds, &kb), &options(&f.issuer))),
        "VERIFY_FAILED"
    );
    // Payload: a byte in the middle (still base64url and JSON, or not).
    for at in [dots[0] + 20, dots[0] + 60, dots[1] - 5] {
        let bad = flip_char(&jwt, at);
        let c = code(sdjwt::verify(&join(&bad, &ds, &kb), &options(&f.issuer)));
        assert!(["VERIFY_FAILED", "INVALID_CREDENTIAL"].contains(&c), "{c}");
    }
    // KB-JWT signature.
    let kdots: Vec<usize> = kb.match_indices('.').map(|(i, _)| i).collect();
    let bad_kb = flip_char(&kb, kdots[1] + 5);
    assert_eq!(
        code(sdjwt::verify(
            &join(&jwt, &ds, &bad_kb),
            &options(&f.issuer)
        )),
        "VERIFY_FAILED"
    );
}

#[test]
fn rejects_tampered_disclosures() {
    let (f, p) = good();
    let (jwt, ds, _) = parts(&p);
    // A changed value, re-encoded: its digest is referenced nowhere.
    let mut arr: Value = serde_json::from_slice(&b64url_decode(&ds[0], "d").unwrap()).unwrap();
    let last = arr.as_array().unwrap().len() - 1;
    arr[last] = json!("测试乙");
    let mut tampered = ds.clone();
    tampered[0] = b64url(arr.to_string().as_bytes());
    let without = join(&jwt, &tampered, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "INVALID_CREDENTIAL"
    );
    // Swapped salts between two disclosures.
    let mut a: Value = serde_json::from_slice(&b64url_decode(&ds[0], "d").unwrap()).unwrap();
    let mut b: Value = serde_json::from_slice(&b64url_decode(&ds[1], "d").unwrap()).unwrap();
    let salt = a[0].clone();
    a[0] = b[0].clone();
    b[0] = salt;
    let swapped = vec![
        b64url(a.to_string().as_bytes()),
        b64url(b.to_string().as_bytes()),
        ds[2].clone(),
    ];
    let without = join(&jwt, &swapped, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "INVALID_CREDENTIAL"
    );
    // A bit flipped inside an encoded disclosure, with a matching sd_hash.
    let mut flipped = ds.clone();
    flipped[1] = flip_char(&ds[1], 8);
    let without = join(&jwt, &flipped, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "INVALID_CREDENTIAL"
    );
    // Not base64url at all.
    let mut garbage = ds.clone();
    garbage[1] = "!!!".into();
    let without = join(&jwt, &garbage, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "INVALID_CREDENTIAL"
    );
}

#[test]
fn rejects_a_disclosure_from_another_credential() {
    let (f, p) = good();
    let (jwt, mut ds, _) = parts(&p);
    let other = credential(&f.issuer, &f.holder, 77);
    let foreign = other.split('~').nth(1).unwrap().to_owned();
    ds.push(foreign);
    let without = join(&jwt, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    let e = sdjwt::verify(&format!("{without}{kb}"), &options(&f.issuer)).unwrap_err();
    assert_eq!(e.code(), "INVALID_CREDENTIAL");
    assert!(e.to_string().contains("not referenced"));
}

#[test]
fn rejects_duplicate_disclosures_and_digests() {
    let (f, p) = good();
    let (jwt, mut ds, _) = parts(&p);
    ds.push(ds[0].clone());
    let without = join(&jwt, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "INVALID_CREDENTIAL"
    );

    // The same digest twice in _sd (re-signed by the real issuer).
    let (jwt, ds, _) = parts(&p);
    let dup = reissue(&f.issuer, &jwt, |_, pl| {
        let first = pl["_sd"][0].clone();
        pl["_sd"].as_array_mut().unwrap().push(first);
    });
    let without = join(&dup, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    let e = sdjwt::verify(&format!("{without}{kb}"), &options(&f.issuer)).unwrap_err();
    assert_eq!(e.code(), "INVALID_CREDENTIAL");
    assert!(e.to_string().contains("more than once"));
}

#[test]
fn rejects_sd_tampering_and_reserved_names() {
    let (f, p) = good();
    let (jwt, ds, _) = parts(&p);
    let cases: Vec<Edit> = vec![
        // _sd not an array / holding a non-string.
        Box::new(|pl| pl["_sd"] = json!("x")),
        Box::new(|pl| pl["_sd"].as_array_mut().unwrap().push(json!(1))),
        // "..." as an ordinary object member.
        Box::new(|pl| pl["extra"] = json!({ "...": "x", "y": 1 })),
        // Unsupported _sd_alg (typed as UNSUPPORTED_ALGORITHM).
        Box::new(|pl| pl["_sd_alg"] = json!("sha-1")),
        // A disclosed name that already exists in clear.
        Box::new(|pl| pl["name"] = json!("clear")),
        // Digests removed: the disclosures are then unreferenced.
        Box::new(|pl| pl["_sd"] = json!([])),
    ];
    for (i, edit) in cases.iter().enumerate() {
        let bad = reissue(&f.issuer, &jwt, |_, pl| edit(pl));
        let without = join(&bad, &ds, "");
        let kb = kb_jwt(&f.holder, &without, |_| {});
        let c = code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer),
        ));
        let want = if i == 3 {
            "UNSUPPORTED_ALGORITHM"
        } else {
            "INVALID_CREDENTIAL"
        };
        assert_eq!(c, want, "case {i}");
    }
    // A disclosure claiming the reserved name _sd.
    let salt = b64url(&[7u8; 16]);
    let d = b64url(json!([salt, "_sd", "x"]).to_string().as_bytes());
    let digest = sha256_b64url(d.as_bytes());
    let bad = reissue(&f.issuer, &jwt, |_, pl| {
        pl["_sd"].as_array_mut().unwrap().push(json!(digest));
    });
    let mut ds2 = ds.clone();
    ds2.push(d);
    let without = join(&bad, &ds2, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "INVALID_CREDENTIAL"
    );
}

#[test]
fn rejects_wrong_or_unknown_issuer_keys_and_algorithms() {
    let (f, p) = good();
    // A trusted key with another kid: UNTRUSTED_ISSUER.
    let stranger = key(Algorithm::Es256, 42);
    let mut o = options(&f.issuer);
    o.issuer_keys = vec![stranger.verifying_key().clone()];
    assert_eq!(code(sdjwt::verify(&p, &o)), "UNTRUSTED_ISSUER");
    o.issuer_keys.clear();
    assert_eq!(code(sdjwt::verify(&p, &o)), "UNTRUSTED_ISSUER");
    // No kid in the header: keys are tried in turn; a wrong key fails.
    let (jwt, ds, _) = parts(&p);
    let no_kid = reissue(&f.issuer, &jwt, |h, _| {
        h.as_object_mut().unwrap().remove("kid");
    });
    let without = join(&no_kid, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    let pres = format!("{without}{kb}");
    let mut o = options(&f.issuer);
    o.issuer_keys = vec![
        stranger.verifying_key().clone(),
        f.issuer.verifying_key().clone(),
    ];
    sdjwt::verify(&pres, &o).unwrap();
    o.issuer_keys = vec![stranger.verifying_key().clone()];
    assert_eq!(code(sdjwt::verify(&pres, &o)), "VERIFY_FAILED");
    // A JWT signed by another key but naming the trusted kid.
    let forged = reissue(&stranger, &jwt, |_, _| {});
    let without = join(&forged, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "VERIFY_FAILED"
    );
    // alg none, HS256, and an alg that does not match the key.
    for alg in ["none", "HS256"] {
        let bad = reissue(&f.issuer, &jwt, |h, _| h["alg"] = json!(alg));
        let without = join(&bad, &ds, "");
        assert_eq!(
            code(sdjwt::verify(&without, &options(&f.issuer))),
            "UNSUPPORTED_ALGORITHM"
        );
    }
    let bad = reissue(&f.issuer, &jwt, |h, _| h["alg"] = json!("EdDSA"));
    let without = join(&bad, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "VERIFY_FAILED"
    );
    // Wrong typ, crit.
    for edit in [
        |h: &mut Value| h["typ"] = json!("JWT"),
        |h: &mut Value| {
            h.as_object_mut()
                .unwrap()
                .remove("typ")
                .map(|_| ())
                .unwrap_or(())
        },
        |h: &mut Value| h["crit"] = json!(["b64"]),
    ] {
        let bad = reissue(&f.issuer, &jwt, |h, _| edit(h));
        let without = join(&bad, &ds, "");
        let kb = kb_jwt(&f.holder, &without, |_| {});
        assert_eq!(
            code(sdjwt::verify(
                &format!("{without}{kb}"),
                &options(&f.issuer)
            )),
            "INVALID_CREDENTIAL"
        );
    }
}

#[test]
fn rejects_expired_and_not_yet_valid() {
    let (f, p) = good();
    let at = |now: i64| VerifyOptions {
        now: Some(now),
        max_key_binding_age: i64::MAX / 4,
        ..options(&f.issuer)
    };
    // exp = NOW + 86400, skew 60.
    sdjwt::verify(&p, &at(NOW + 86_400 + 59)).unwrap();
    assert_eq!(code(sdjwt::verify(&p, &at(NOW + 86_400 + 60))), "EXPIRED");
    // nbf = iat = NOW - 3600; the KB-JWT's iat (NOW) is checked too.
    let (jwt, ds, _) = parts(&p);
    let early = reissue(&f.issuer, &jwt, |_, pl| {
        pl["nbf"] = json!(NOW + 1000);
    });
    let without = join(&early, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "NOT_YET_VALID"
    );
    let future_iat = reissue(&f.issuer, &jwt, |_, pl| pl["iat"] = json!(NOW + 1000));
    let without = join(&future_iat, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "NOT_YET_VALID"
    );
    let bad_exp = reissue(&f.issuer, &jwt, |_, pl| pl["exp"] = json!("tomorrow"));
    let without = join(&bad_exp, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(
            &format!("{without}{kb}"),
            &options(&f.issuer)
        )),
        "INVALID_CREDENTIAL"
    );
}

#[test]
fn rejects_bad_key_binding() {
    let (f, p) = good();
    let (jwt, ds, _) = parts(&p);
    let without = join(&jwt, &ds, "");
    let kb_code = |kb: String, o: &VerifyOptions| code(sdjwt::verify(&format!("{without}{kb}"), o));
    let o = options(&f.issuer);
    // Missing when required.
    assert_eq!(code(sdjwt::verify(&without, &o)), "INVALID_KEY_BINDING");
    // Wrong aud / nonce in the request.
    let mut wrong = o.clone();
    wrong.aud = Some("https://bar.example".into());
    assert_eq!(code(sdjwt::verify(&p, &wrong)), "INVALID_KEY_BINDING");
    let mut wrong = o.clone();
    wrong.nonce = Some("nonce-0002".into());
    assert_eq!(code(sdjwt::verify(&p, &wrong)), "INVALID_KEY_BINDING");
    // aud/nonce not given although key binding is required.
    let mut none = o.clone();
    none.nonce = None;
    assert_eq!(code(sdjwt::verify(&p, &none)), "INVALID_INPUT");
    // Stale and future iat (max age 300, skew 60).
    let mut late = o.clone();
    late.now = Some(NOW + 360);
    sdjwt::verify(&p, &late).unwrap();
    late.now = Some(NOW + 361);
    assert_eq!(code(sdjwt::verify(&p, &late)), "INVALID_KEY_BINDING");
    assert_eq!(
        kb_code(
            kb_jwt(&f.holder, &without, |pl| pl["iat"] = json!(NOW + 500)),
            &o
        ),
        "INVALID_KEY_BINDING"
    );
    // sd_hash over something else (a disclosure dropped).
    assert_eq!(
        kb_code(
            kb_jwt(&f.holder, &without, |pl| pl["sd_hash"] =
                json!(sha256_b64url(jwt.as_bytes()))),
            &o
        ),
        "INVALID_KEY_BINDING"
    );
    let dropped = join(&jwt, &ds[..ds.len() - 1], "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(&format!("{dropped}{kb}"), &o)),
        "INVALID_KEY_BINDING"
    );
    // Missing claims, wrong typ.
    for field in ["aud", "nonce", "iat", "sd_hash"] {
        let kb = kb_jwt(&f.holder, &without, |pl| {
            pl.as_object_mut().unwrap().remove(field);
        });
        assert_eq!(kb_code(kb, &o), "INVALID_KEY_BINDING", "{field}");
    }
    // Signed by a different key.
    let thief = key(Algorithm::EdDsa, 66);
    assert_eq!(
        kb_code(kb_jwt(&thief, &without, |_| {}), &o),
        "VERIFY_FAILED"
    );
    // A KB-JWT with typ JWT.
    let header = json!({ "alg": "EdDSA", "typ": "JWT" });
    let payload = json!({ "iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sha256_b64url(without.as_bytes()) });
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    );
    let kb = format!(
        "{input}.{}",
        b64url(&f.holder.sign(input.as_bytes()).unwrap())
    );
    assert_eq!(kb_code(kb, &o), "INVALID_KEY_BINDING");
    // A credential with no cnf cannot be key-bound.
    let unbound = reissue(&f.issuer, &jwt, |_, pl| {
        pl.as_object_mut().unwrap().remove("cnf");
    });
    let without = join(&unbound, &ds, "");
    let kb = kb_jwt(&f.holder, &without, |_| {});
    assert_eq!(
        code(sdjwt::verify(&format!("{without}{kb}"), &o)),
        "INVALID_KEY_BINDING"
    );
}

#[test]
fn rejects_truncation_and_garbage_without_panicking() {
    let (f, p) = good();
    let o = options(&f.issuer);
    for cut in (0..p.len()).step_by(7) {
        if !p.is_char_boundary(cut) {
            continue;
        }
        assert!(sdjwt::verify(&p[..cut], &o).is_err(), "prefix {cut}");
        let _ = sdjwt::decode(&p[..cut]);
    }
    for garbage in ["~", "", "a.b.c~", "~~", "....~", "\u{0}~", "eyJ9.eyJ9.AA~"] {
        assert!(sdjwt::verify(garbage, &o).is_err(), "{garbage:?}");
        assert!(sdjwt::decode(garbage).is_err(), "{garbage:?}");
    }
    // Trailing garbage after the KB-JWT, or an extra ~ segment.
    for suffix in ["x", ".x", "~", "~x"] {
        let c = code(sdjwt::verify(&format!("{p}{suffix}"), &o));
        assert!(
            ["INVALID_CREDENTIAL", "VERIFY_FAILED", "INVALID_KEY_BINDING"].contains(&c),
            "{suffix}: {c}"
        );
    }
    // Every single-character corruption is rejected.
    for at in (0..p.len()).step_by(3) {
        let bad = flip_char(&p, at);
        if bad == p {
            continue;
        }
        assert!(sdjwt::verify(&bad, &o).is_err(), "flip at {at}");
    }
}
