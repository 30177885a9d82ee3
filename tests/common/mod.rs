//! Shared test code: the Rust smoke suite (run natively by `tests/smoke.rs`
//! and in headless Chromium by `tests/web.rs`; the JavaScript runtimes run the
//! same checks from `tests/js/smoke.mjs`), deterministic keys and a synthetic
//! credential.
#![allow(dead_code)]

use chacha20::ChaCha20Rng;
use mpshield::credential::date::Date;
use mpshield::credential::idcard;
use mpshield::credential::keys::{Algorithm, SigningKey};
use mpshield::credential::sdjwt::{self, IssueOptions};
use rand_core::SeedableRng;
use serde_json::{json, Value};

/// A fixed "now" for the tests: 2026-11-23T00:00:00Z.
pub const NOW: i64 = 1_795_392_000;

/// A deterministic generator.
pub fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

/// A deterministic key.
pub fn key(alg: Algorithm, seed: u8) -> SigningKey {
    SigningKey::generate_with_rng(alg, &mut rng(seed)).unwrap()
}

/// Synthetic claims with nested objects and an array.
pub fn claims() -> Value {
    json!({
        "name": "测试甲",
        "birth_date": "1990-05-17",
        "address": { "province": "广东省", "city": "深圳市", "street": "测试路1号" },
        "nationalities": ["CN", "HK", "MO"],
        "age_equal_or_over": { "18": true, "65": false },
        "status": { "idx": 7 }
    })
}

/// Every disclosable pointer of [`claims`] (nested object, its members,
/// array elements, predicate keys).
pub fn disclosable() -> Vec<String> {
    [
        "/name",
        "/birth_date",
        "/address",
        "/address/province",
        "/address/city",
        "/address/street",
        "/nationalities/0",
        "/nationalities/2",
        "/age_equal_or_over/18",
        "/age_equal_or_over/65",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// Issues [`claims`] with `issuer`, bound to `holder`.
pub fn credential(issuer: &SigningKey, holder: &SigningKey, seed: u8) -> String {
    sdjwt::issue_with_rng(
        issuer,
        &IssueOptions {
            claims: claims(),
            disclosable: disclosable(),
            holder_public_jwk: Some(holder.public_jwk()),
            vct: "urn:mpshield:test:1".into(),
            iss: "https://issuer.example".into(),
            iat: Some(NOW - 3600),
            nbf: Some(NOW - 3600),
            exp: Some(NOW + 86_400),
            decoys: Some(2),
        },
        &mut rng(seed),
    )
    .unwrap()
}

/// Seeds the DRBG with the given host entropy and checks the basics.
pub fn smoke(entropy: &[u8]) {
    mpshield::rng::add_entropy(entropy).unwrap();
    assert_eq!(mpshield::version(), env!("CARGO_PKG_VERSION"));

    let a = mpshield::random_bytes(32).unwrap();
    let b = mpshield::random_bytes(32).unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    assert_eq!(
        mpshield::random_bytes(0).unwrap_err().code(),
        "INVALID_INPUT"
    );
    assert_eq!(
        mpshield::random_bytes(65_537).unwrap_err().code(),
        "INVALID_INPUT"
    );

    let id = idcard::parse("11010519491231002X").unwrap();
    assert_eq!(
        (
            id.region.as_str(),
            id.province.as_str(),
            id.birth_date.as_str()
        ),
        ("110105", "北京市", "1949-12-31")
    );
    assert_eq!(id.sex, idcard::Sex::Female);
    let id = idcard::parse("440524188001010014").unwrap();
    assert_eq!(
        (id.province.as_str(), id.sex),
        ("广东省", idcard::Sex::Male)
    );
    assert_eq!(
        idcard::parse("11010519491231002x").unwrap().number,
        "11010519491231002X"
    );

    // Generated synthetic numbers, from the DRBG.
    for chunk in mpshield::random_bytes(400).unwrap().chunks(4) {
        let year = 1950 + i32::from(chunk[0] % 70);
        let birth = Date::new(year, 1 + chunk[1] % 12, 1 + chunk[2] % 28).unwrap();
        let n = idcard::synthesize("440305", birth, u16::from(chunk[3]) * 3).unwrap();
        let p = idcard::parse(&n).unwrap();
        assert_eq!(p.birth_date, birth.to_string());
        assert_eq!(p.province, "广东省");
    }

    for bad in [
        "",
        "110105194912310",
        "110105194912310021",
        "not a number at all",
    ] {
        assert_eq!(
            idcard::parse(bad).unwrap_err().code(),
            "INVALID_ID_NUMBER",
            "{bad}"
        );
    }
}
