//! Shared fixtures for the integration tests: deterministic keys and a
//! synthetic credential.
#![allow(dead_code)]

use chacha20::ChaCha20Rng;
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
