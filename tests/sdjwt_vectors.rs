//! Known answers from texts we did not write: RFC 8037 (Ed25519 JWK,
//! thumbprint, JWS), RFC 9901 §5.1 disclosure digests, and the complete
//! issuance / presentation example of draft-ietf-oauth-selective-disclosure-jwt-12
//! §5 (the example the RFC 9901 text grew from).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mpshield::credential::jose::{b64url_decode, sha256_b64url};
use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use mpshield::credential::sdjwt::{self, VerifyOptions};
use serde_json::json;

// RFC 8037 appendix A.1 (private key) and A.2 (public key).
const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

#[test]
fn rfc8037_a3_thumbprint_is_the_kid() {
    let key = SigningKey::from_jwk(&json!({
        "kty": "OKP", "crv": "Ed25519", "d": RFC8037_D, "x": RFC8037_X
    }))
    .unwrap();
    assert_eq!(key.alg(), Algorithm::EdDsa);
    assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    assert_eq!(
        key.public_jwk(),
        json!({ "kty": "OKP", "crv": "Ed25519", "x": RFC8037_X,
                "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k" })
    );
    assert_eq!(key.export_private_jwk_dangerously()["d"], RFC8037_D);
}

#[test]
fn rfc8037_a4_signature() {
    let key = SigningKey::from_jwk(&json!({
        "kty": "OKP", "crv": "Ed25519", "d": RFC8037_D, "x": RFC8037_X
    }))
    .unwrap();
    // Header {"alg":"EdDSA"}, payload "Example of Ed25519 signing".
    let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    let expected =
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    let sig = key.sign(input.as_bytes()).unwrap();
    assert_eq!(mpshield::credential::jose::b64url(&sig), expected);
    let public =
        VerifyingKey::from_jwk(&json!({ "kty": "OKP", "crv": "Ed25519", "x": RFC8037_X })).unwrap();
    public
        .verify(input.as_bytes(), &b64url_decode(expected, "sig").unwrap())
        .unwrap();
    let mut bad = b64url_decode(expected, "sig").unwrap();
    bad[10] ^= 1;
    assert_eq!(
        public.verify(input.as_bytes(), &bad).unwrap_err().code(),
        "VERIFY_FAILED"
    );
}

#[test]
fn rfc9901_disclosure_digests() {
    // §4.2.1 / §5.1: an object member with a non-ASCII value, and an array
    // element ("US" in nationalities).
    for (disclosure, digest) in [
        (
            "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
            "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0",
        ),
        (
            "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0",
            "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo",
        ),
    ] {
        assert_eq!(sha256_b64url(disclosure.as_bytes()), digest);
    }
}

// draft-ietf-oauth-selective-disclosure-jwt-12 §5: issuer key, issuer JWT,
// and the presentation of family_name, address, given_name and one
// nationality with a key-binding JWT.
const EXAMPLE_ISSUER_X: &str = "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ";
const EXAMPLE_ISSUER_Y: &str = "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8";
const EXAMPLE_PRESENTATION: &str = concat!(
    "eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImV4YW1wbGUrc2Qtand0In0.eyJfc2QiOiBb",
    "IkNyUWU3UzVrcUJBSHQtbk1ZWGdjNmJkdDJTSDVhVFkxc1VfTS1QZ2tqUEkiLCAiSnpZ",
    "akg0c3ZsaUgwUjNQeUVNZmVadTZKdDY5dTVxZWhabzdGN0VQWWxTRSIsICJQb3JGYnBL",
    "dVZ1Nnh5bUphZ3ZrRnNGWEFiUm9jMkpHbEFVQTJCQTRvN2NJIiwgIlRHZjRvTGJnd2Q1",
    "SlFhSHlLVlFaVTlVZEdFMHc1cnREc3JaemZVYW9tTG8iLCAiWFFfM2tQS3QxWHlYN0tB",
    "TmtxVlI2eVoyVmE1TnJQSXZQWWJ5TXZSS0JNTSIsICJYekZyendzY002R242Q0pEYzZ2",
    "Vks4QmtNbmZHOHZPU0tmcFBJWmRBZmRFIiwgImdiT3NJNEVkcTJ4Mkt3LXc1d1BFemFr",
    "b2I5aFYxY1JEMEFUTjNvUUw5Sk0iLCAianN1OXlWdWx3UVFsaEZsTV8zSmx6TWFTRnpn",
    "bGhRRzBEcGZheVF3TFVLNCJdLCAiaXNzIjogImh0dHBzOi8vaXNzdWVyLmV4YW1wbGUu",
    "Y29tIiwgImlhdCI6IDE2ODMwMDAwMDAsICJleHAiOiAxODgzMDAwMDAwLCAic3ViIjog",
    "InVzZXJfNDIiLCAibmF0aW9uYWxpdGllcyI6IFt7Ii4uLiI6ICJwRm5kamtaX1ZDem15",
    "VGE2VWpsWm8zZGgta284YUlLUWM5RGxHemhhVllvIn0sIHsiLi4uIjogIjdDZjZKa1B1",
    "ZHJ5M2xjYndIZ2VaOGtoQXYxVTFPU2xlclAwVmtCSnJXWjAifV0sICJfc2RfYWxnIjog",
    "InNoYS0yNTYiLCAiY25mIjogeyJqd2siOiB7Imt0eSI6ICJFQyIsICJjcnYiOiAiUC0y",
    "NTYiLCAieCI6ICJUQ0FFUjE5WnZ1M09IRjRqNFc0dmZTVm9ISVAxSUxpbERsczd2Q2VH",
    "ZW1jIiwgInkiOiAiWnhqaVdXYlpNUUdIVldLVlE0aGJTSWlyc1ZmdWVjQ0U2dDRqVDlG",
    "MkhaUSJ9fX0.ZfSxIFLHf7f84WIMqt7Fzme8-586WutjFnXH4TO5XuWG_peQ4hPsqDpi",
    "MBClkh2aUJdl83bwyyOriqvdFra-bg~WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgI",
    "mZhbWlseV9uYW1lIiwgIkRvZSJd~WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImFk",
    "ZHJlc3MiLCB7InN0cmVldF9hZGRyZXNzIjogIjEyMyBNYWluIFN0IiwgImxvY2FsaXR5",
    "IjogIkFueXRvd24iLCAicmVnaW9uIjogIkFueXN0YXRlIiwgImNvdW50cnkiOiAiVVMi",
    "fV0~WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd",
    "~WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0~eyJhbGciOiAiRVMyNTYiLCA",
    "idHlwIjogImtiK2p3dCJ9.eyJub25jZSI6ICIxMjM0NTY3ODkwIiwgImF1ZCI6ICJodH",
    "RwczovL3ZlcmlmaWVyLmV4YW1wbGUub3JnIiwgImlhdCI6IDE3MjUzNzQ0MTMsICJzZF",
    "9oYXNoIjogIkF5T0p2TFlQVk1sS2REbGZacnpVeTFrX2ltQ0tfTFZKMzI2Yl94QmtFM0",
    "0ifQ.B2o5kubh-Dzcd-2v_mWxUMPNM5WSAJqMQTDsGQUXkZXzsN1U5Ou5mr-7iJsCGcx",
    "6_uU39u-2HKB0xLvYd9BMcQ"
);

#[test]
fn draft12_example_signatures_and_sd_hash() {
    let (without_kb, kb) =
        EXAMPLE_PRESENTATION.split_at(EXAMPLE_PRESENTATION.rfind('~').unwrap() + 1);
    // sd_hash of the presentation (the KB-JWT's published value).
    assert_eq!(
        sha256_b64url(without_kb.as_bytes()),
        "AyOJvLYPVMlKdDlfZrzUy1k_imCK_LVJ326b_xBkE3M"
    );
    // The issuer's ES256 signature (raw r‖s) verifies with the published key.
    let issuer = VerifyingKey::from_jwk(&json!({
        "kty": "EC", "crv": "P-256", "x": EXAMPLE_ISSUER_X, "y": EXAMPLE_ISSUER_Y
    }))
    .unwrap();
    let jwt = without_kb.split('~').next().unwrap();
    let (input, sig) = jwt.rsplit_once('.').unwrap();
    issuer
        .verify(input.as_bytes(), &b64url_decode(sig, "sig").unwrap())
        .unwrap();
    // The holder's KB-JWT signature verifies with cnf.jwk.
    let decoded = sdjwt::decode(EXAMPLE_PRESENTATION).unwrap();
    let holder = VerifyingKey::from_jwk(&decoded.payload["cnf"]["jwk"]).unwrap();
    let (kb_input, kb_sig) = kb.rsplit_once('.').unwrap();
    holder
        .verify(kb_input.as_bytes(), &b64url_decode(kb_sig, "sig").unwrap())
        .unwrap();
    assert_eq!(
        decoded.key_binding.unwrap().payload["sd_hash"],
        "AyOJvLYPVMlKdDlfZrzUy1k_imCK_LVJ326b_xBkE3M"
    );
}

#[test]
fn draft12_example_decodes_to_the_published_claims() {
    let decoded = sdjwt::decode(EXAMPLE_PRESENTATION).unwrap();
    let paths: Vec<&str> = decoded
        .disclosures
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    // Outermost first, in _sd order; "US" is the first nationality slot.
    assert_eq!(paths.len(), 4);
    for p in [
        "/family_name",
        "/address",
        "/given_name",
        "/nationalities/0",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    let address = decoded
        .disclosures
        .iter()
        .find(|d| d.path == "/address")
        .unwrap();
    assert_eq!(
        address.value,
        json!({ "street_address": "123 Main St", "locality": "Anytown",
                "region": "Anystate", "country": "US" })
    );
    let us = decoded
        .disclosures
        .iter()
        .find(|d| d.path == "/nationalities/0")
        .unwrap();
    assert_eq!(us.digest, "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo");
    assert_eq!(us.value, "US");
}

#[test]
fn draft12_example_is_refused_only_for_its_typ() {
    // The example is a plain SD-JWT (typ example+sd-jwt); mpshield verifies
    // SD-JWT VCs only (typ dc+sd-jwt), and says so.
    let issuer = VerifyingKey::from_jwk(&json!({
        "kty": "EC", "crv": "P-256", "x": EXAMPLE_ISSUER_X, "y": EXAMPLE_ISSUER_Y
    }))
    .unwrap();
    let err = sdjwt::verify(
        EXAMPLE_PRESENTATION,
        &VerifyOptions {
            issuer_keys: vec![issuer],
            aud: Some("https://verifier.example.org".into()),
            nonce: Some("1234567890".into()),
            now: Some(1_725_374_413),
            ..VerifyOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "INVALID_CREDENTIAL");
    assert!(err.to_string().contains("dc+sd-jwt"));
}
