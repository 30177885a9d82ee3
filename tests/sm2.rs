//! SM2 signatures (JWS `alg: "SM2"`, suite `gm`) and the SD-JWT hashes:
//! the GM/T 0003.5 (GB/T 32918.5) Annex A signature example, SM3 known
//! answers through [`SdAlg`], SM2 JWKs, and a negative test for every check
//! (each a typed error, never a panic).
//!
//! The vectors are the standard's (as REFERENCE §6 of the project's notes
//! quotes them); the signature cannot be reproduced here from the
//! standard's `k` (the crate's nonce is deterministic and not injectable),
//! so it is verified, and `tests/sm2_peers.rs` has gmssl reproduce it.
#![cfg(feature = "gm")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{hex as from_hex, key};
use mpshield::credential::jose::b64url;
use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey, SM2_DISTINGUISHING_ID};
use mpshield::credential::sdjwt::SdAlg;
use serde_json::{json, Value};

// GM/T 0003.5-2012 Annex A, signature on the recommended curve.
const D: &str = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
const PX: &str = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020";
const PY: &str = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
const MSG: &[u8] = b"message digest";
const Z: &str = "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3";
const R: &str = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3";
const S: &str = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";
// The recommended curve's parameters (GM/T 0003.5 §4): for Z only.
const A: &str = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC";
const B: &str = "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93";
const GX: &str = "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7";
const GY: &str = "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0";
const P: &str = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF";
const N: &str = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123";

fn public_jwk(x: &[u8], y: &[u8]) -> Value {
    json!({ "kty": "EC", "crv": "SM2", "x": b64url(x), "y": b64url(y) })
}

fn standard_key() -> VerifyingKey {
    VerifyingKey::from_jwk(&public_jwk(&from_hex(PX), &from_hex(PY))).unwrap()
}

fn standard_signature() -> Vec<u8> {
    [from_hex(R), from_hex(S)].concat()
}

/// `a + b` for 32-byte big-endian numbers (no overflow in the uses here).
fn add_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = (s & 0xff) as u8;
        carry = s >> 8;
    }
    assert_eq!(carry, 0);
    out
}

#[test]
fn gmt_0003_5_signature_example_verifies() {
    let key = standard_key();
    assert_eq!(key.alg(), Algorithm::Sm2);
    key.verify(MSG, &standard_signature()).unwrap();
    // The private key of the example gives the example's public key.
    let private = SigningKey::from_jwk(&json!({
        "kty": "EC", "crv": "SM2",
        "x": b64url(&from_hex(PX)), "y": b64url(&from_hex(PY)), "d": b64url(&from_hex(D)),
    }))
    .unwrap();
    assert_eq!(private.kid(), key.kid());
    // Our own signature with it verifies too (a different one: our nonce
    // is not the example's k).
    let ours = private.sign(MSG).unwrap();
    assert_eq!(ours.len(), 64);
    key.verify(MSG, &ours).unwrap();
}

#[test]
fn gmt_0003_5_z_matches_the_crate() {
    // Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), ENTL = 128 bits.
    let mut input = vec![0x00, 0x80];
    input.extend_from_slice(SM2_DISTINGUISHING_ID.as_bytes());
    for h in [A, B, GX, GY, PX, PY] {
        input.extend(from_hex(h));
    }
    let z = SdAlg::Sm3.digest(&input);
    assert_eq!(z.to_vec(), from_hex(Z));
    // The crate computes the same Z: the example signature verifies as a
    // prehash e = SM3(Z ‖ M) with the standard's Z, and as a message
    // (through mpshield) with the crate's own Z.
    use sm2::dsa::signature::hazmat::PrehashVerifier as _;
    let crate_key = sm2::dsa::VerifyingKey::from_sec1_bytes(
        SM2_DISTINGUISHING_ID,
        &from_hex(&format!("04{PX}{PY}")),
    )
    .unwrap();
    let sig = sm2::dsa::Signature::from_slice(&standard_signature()).unwrap();
    let e = SdAlg::Sm3.digest(&[from_hex(Z), MSG.to_vec()].concat());
    crate_key.verify_prehash(&e, &sig).unwrap();
    standard_key().verify(MSG, &standard_signature()).unwrap();
}

#[test]
fn gmt_0003_5_signature_negatives() {
    let key = standard_key();
    let sig = standard_signature();
    // Every single flipped bit of the signature, and of the message.
    for i in 0..sig.len() * 8 {
        let mut bad = sig.clone();
        bad[i / 8] ^= 1 << (i % 8);
        assert_eq!(
            key.verify(MSG, &bad).unwrap_err().code(),
            "VERIFY_FAILED",
            "bit {i}"
        );
    }
    for i in 0..MSG.len() * 8 {
        let mut bad = MSG.to_vec();
        bad[i / 8] ^= 1 << (i % 8);
        assert_eq!(key.verify(&bad, &sig).unwrap_err().code(), "VERIFY_FAILED");
    }
    // Wrong lengths: truncated, extended, empty, DER-sized.
    for bad in [
        &sig[..63],
        &[sig.as_slice(), &[0]].concat()[..],
        &[][..],
        &[0u8; 72][..],
    ] {
        assert_eq!(key.verify(MSG, bad).unwrap_err().code(), "VERIFY_FAILED");
    }
    // r or s = 0, = n, ≥ n (n + r where it fits, and all ones).
    let n = from_hex(N);
    let (r, s) = (from_hex(R), from_hex(S));
    let zero = vec![0u8; 32];
    let ones = vec![0xffu8; 32];
    let small = from_hex("00000000000000000000000000000000000000000000000000000000000000FF");
    let n_plus = add_be(&n, &small);
    for (rr, ss) in [
        (&zero, &s),
        (&r, &zero),
        (&n, &s),
        (&r, &n),
        (&n_plus, &s),
        (&r, &n_plus),
        (&ones, &s),
        (&r, &ones),
    ] {
        let bad = [rr.clone(), ss.clone()].concat();
        assert_eq!(key.verify(MSG, &bad).unwrap_err().code(), "VERIFY_FAILED");
    }
    // Another key.
    let other = key_for(9);
    assert_eq!(
        other.verifying_key().verify(MSG, &sig).unwrap_err().code(),
        "VERIFY_FAILED"
    );
}

fn key_for(seed: u8) -> SigningKey {
    key(Algorithm::Sm2, seed)
}

#[test]
fn sm3_known_answers_through_sd_alg() {
    assert_eq!(
        SdAlg::Sm3.digest(b"abc").to_vec(),
        from_hex("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    );
    assert_eq!(
        SdAlg::Sm3.digest(&b"abcd".repeat(16)).to_vec(),
        from_hex("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    );
    // FIPS 180-2's "abc" for the other arm.
    assert_eq!(
        SdAlg::Sha256.digest(b"abc").to_vec(),
        from_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(SdAlg::parse("sm3").unwrap(), SdAlg::Sm3);
    assert_eq!(SdAlg::parse("sha-256").unwrap(), SdAlg::Sha256);
    for bad in ["SM3", "sha256", "sha-512", "", "sm3 "] {
        assert_eq!(
            SdAlg::parse(bad).unwrap_err().code(),
            "UNSUPPORTED_ALGORITHM"
        );
    }
}

#[test]
fn sm2_keys_round_trip_and_keep_their_secret() {
    let k = key_for(1);
    assert_eq!(k.alg(), Algorithm::Sm2);
    let public = k.public_jwk();
    assert_eq!(public["kty"], "EC");
    assert_eq!(public["crv"], "SM2");
    assert_eq!(b64url_len(&public["x"]), 32);
    assert_eq!(b64url_len(&public["y"]), 32);
    // kid: the RFC 7638 thumbprint (SHA-256 of the required members).
    let canonical = format!(
        r#"{{"crv":"SM2","kty":"EC","x":"{}","y":"{}"}}"#,
        public["x"].as_str().unwrap(),
        public["y"].as_str().unwrap()
    );
    assert_eq!(
        public["kid"],
        SdAlg::Sha256.digest_b64url(canonical.as_bytes())
    );
    let private = k.export_private_jwk_dangerously();
    assert_eq!(b64url_len(&private["d"]), 32);
    let again = SigningKey::from_jwk(&private).unwrap();
    assert_eq!(again.public_jwk(), public);
    let sig = again.sign(b"x").unwrap();
    VerifyingKey::from_jwk(&public)
        .unwrap()
        .verify(b"x", &sig)
        .unwrap();
    let d = private["d"].as_str().unwrap();
    assert!(!format!("{k:?}").contains(d));
    assert!(!format!("{:?}", k.verifying_key()).contains(d));
    // Generated keys differ, and a key dropped after use does not disturb
    // the others (the drop overwrites only its own copy).
    let k2 = key_for(2);
    assert_ne!(k2.kid(), k.kid());
    drop(again);
    k.verifying_key()
        .verify(b"y", &k.sign(b"y").unwrap())
        .unwrap();
    // A public JWK with d, a private one without.
    assert_eq!(
        VerifyingKey::from_jwk(&private).unwrap_err().code(),
        "INVALID_JWK"
    );
    assert_eq!(
        SigningKey::from_jwk(&public).unwrap_err().code(),
        "INVALID_JWK"
    );
    // d out of range (0, n, all ones) or not matching x, y.
    for bad_d in [vec![0u8; 32], from_hex(N), vec![0xff; 32], vec![1u8; 32]] {
        let mut j = private.clone();
        j["d"] = json!(b64url(&bad_d));
        assert_eq!(SigningKey::from_jwk(&j).unwrap_err().code(), "INVALID_JWK");
    }
    // alg member naming another algorithm.
    let mut j = public.clone();
    j["alg"] = json!("ES256");
    assert_eq!(
        VerifyingKey::from_jwk(&j).unwrap_err().code(),
        "INVALID_JWK"
    );
    j["alg"] = json!("SM2");
    VerifyingKey::from_jwk(&j).unwrap();
}

fn b64url_len(v: &Value) -> usize {
    mpshield::credential::jose::b64url_decode(v.as_str().unwrap(), "member")
        .unwrap()
        .len()
}

#[test]
fn sm2_jwks_refuse_bad_points() {
    // A point with x = 1 (found by solving y² = x³ + ax + b; cofactor 1, so
    // every point is in the group): accepted as is, refused with x + p.
    let one = from_hex("0000000000000000000000000000000000000000000000000000000000000001");
    let y1 = from_hex("9f7a091433a81e3f218f405f792355bf2aa98b5ffa95982f03870800065279a3");
    VerifyingKey::from_jwk(&public_jwk(&one, &y1)).unwrap();
    let x_plus_p = add_be(&one, &from_hex(P));
    let p = from_hex(P);
    let (px, py) = (from_hex(PX), from_hex(PY));
    let mut off_curve = py.clone();
    off_curve[31] ^= 1;
    let cases: Vec<(&str, Value)> = vec![
        ("x + p", public_jwk(&x_plus_p, &y1)),
        ("x = p", public_jwk(&p, &py)),
        ("y = p", public_jwk(&px, &p)),
        ("all ones", public_jwk(&[0xff; 32], &[0xff; 32])),
        ("off the curve", public_jwk(&px, &off_curve)),
        ("the identity (0, 0)", public_jwk(&[0; 32], &[0; 32])),
        ("short x", public_jwk(&px[1..], &py)),
        ("long y", public_jwk(&px, &[py.as_slice(), &[0]].concat())),
        (
            "y missing",
            json!({ "kty": "EC", "crv": "SM2", "x": b64url(&px) }),
        ),
        (
            "x not a string",
            json!({ "kty": "EC", "crv": "SM2", "x": 1, "y": b64url(&py) }),
        ),
        (
            "padded base64",
            json!({ "kty": "EC", "crv": "SM2", "x": format!("{}=", b64url(&px)), "y": b64url(&py) }),
        ),
        (
            "crv sm2",
            json!({ "kty": "EC", "crv": "sm2", "x": b64url(&px), "y": b64url(&py) }),
        ),
        (
            "kty OKP",
            json!({ "kty": "OKP", "crv": "SM2", "x": b64url(&px), "y": b64url(&py) }),
        ),
    ];
    for (what, jwk) in cases {
        assert_eq!(
            VerifyingKey::from_jwk(&jwk).unwrap_err().code(),
            "INVALID_JWK",
            "{what}"
        );
    }
    // The SM2 point is not a P-256 key, nor the reverse (same kty).
    let mut as_p256 = public_jwk(&px, &py);
    as_p256["crv"] = json!("P-256");
    assert_eq!(
        VerifyingKey::from_jwk(&as_p256).unwrap_err().code(),
        "INVALID_JWK"
    );
    let p256 = key(Algorithm::Es256, 3).public_jwk();
    let mut as_sm2 = p256.clone();
    as_sm2["crv"] = json!("SM2");
    as_sm2.as_object_mut().unwrap().remove("kid");
    assert_eq!(
        VerifyingKey::from_jwk(&as_sm2).unwrap_err().code(),
        "INVALID_JWK"
    );
}

#[test]
fn algorithm_names_and_generation() {
    assert_eq!(Algorithm::parse("SM2").unwrap(), Algorithm::Sm2);
    assert_eq!(Algorithm::Sm2.as_str(), "SM2");
    assert!(Algorithm::Sm2.is_gm());
    assert!(!Algorithm::Es256.is_gm() && !Algorithm::EdDsa.is_gm());
    for bad in ["sm2", "SM2withSM3", "SM3", "ES256K", "none"] {
        assert_eq!(
            Algorithm::parse(bad).unwrap_err().code(),
            "UNSUPPORTED_ALGORITHM"
        );
    }
    mpshield::rng::add_entropy(&[0x3c, 0xc3].repeat(16)).unwrap();
    let k = SigningKey::generate(Algorithm::Sm2).unwrap();
    assert_eq!(k.alg(), Algorithm::Sm2);
}
