//! Differential tests of SM2 signatures and gm SD-JWTs against independent
//! implementations, both directions, through `tests/peers/sm2_gmssl.py`
//! (PyPI `gmssl`) and `tests/peers/sm2_node.mjs` (npm `sm-crypto-v2`,
//! `miniprogram-sm-crypto`, `@sd-jwt/core`):
//! - gmssl reproduces the GM/T 0003.5 example signature from its `k`, and
//!   mpshield verifies what gmssl produced;
//! - each peer signs (with a key mpshield made), mpshield verifies; mpshield
//!   signs, each peer verifies; a signature over another message, or made
//!   with another distinguishing ID, is refused on both sides;
//! - `@sd-jwt/core` (SM3 hasher and SM2 verifiers from sm-crypto-v2)
//!   verifies mpshield's gm presentations; mpshield verifies and presents
//!   SD-JWTs assembled by the peer with SM3 digests, an sm-crypto-v2
//!   signature and an `@sd-jwt/core` SM2 key binding.
//!
//! Peers run with `$MPSHIELD_PYTHON` (else `.venv/bin/python`) and `node`;
//! when one cannot run, its tests are skipped with a message, unless
//! `MPSHIELD_REQUIRE_PEERS=1`.
#![cfg(feature = "gm")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{key, rng, to_hex, NOW};
use mpshield::credential::jose::{b64url, b64url_decode};
use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use mpshield::credential::sdjwt::{self, IssueOptions, VerifyOptions};
use serde_json::{json, Value};

const NODE_LIBS: [&str; 2] = ["sm-crypto-v2", "miniprogram-sm-crypto"];
const AUD: &str = "https://gov-service.example";
const NONCE: &str = "peer-nonce-1";
/// Messages signed both ways: ASCII, a JWS signing input's shape, UTF-8.
const MESSAGES: [&str; 4] = [
    "message digest",
    "eyJhbGciOiJTTTIifQ.eyJzdWIiOiJ0ZXN0In0",
    "测试甲 广东省深圳市",
    "",
];

fn require_peers() -> bool {
    std::env::var("MPSHIELD_REQUIRE_PEERS").is_ok()
}

fn run(program: &str, script: &str, requests: &Value) -> Option<Vec<Value>> {
    let path = format!("{}/tests/peers/{script}", env!("CARGO_MANIFEST_DIR"));
    let child = Command::new(program)
        .arg(&path)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let Ok(mut child) = child else {
        assert!(
            !require_peers(),
            "MPSHIELD_REQUIRE_PEERS is set but {program} cannot run"
        );
        eprintln!("skipped: {program} cannot run {script}");
        return None;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(requests.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        assert!(
            !require_peers(),
            "{script} failed (npm ci / pip install -r requirements-test.txt)"
        );
        eprintln!("skipped: {script} failed (are its packages installed?)");
        return None;
    }
    let Value::Array(answers) = serde_json::from_slice(&out.stdout).unwrap() else {
        panic!("{script} did not answer an array")
    };
    Some(answers)
}

fn gmssl(requests: &Value) -> Option<Vec<Value>> {
    let py = std::env::var("MPSHIELD_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    run(&py, "sm2_gmssl.py", requests)
}

fn node(requests: &Value) -> Option<Vec<Value>> {
    run("node", "sm2_node.mjs", requests)
}

fn ok(answer: &Value, field: &str) -> Value {
    assert!(answer.get("error").is_none(), "peer error: {answer}");
    answer[field].clone()
}

/// `04‖x‖y` in hex, as the peers take public keys.
fn pub_hex(key: &SigningKey) -> String {
    let jwk = key.public_jwk();
    let x = b64url_decode(jwk["x"].as_str().unwrap(), "x").unwrap();
    let y = b64url_decode(jwk["y"].as_str().unwrap(), "y").unwrap();
    format!("04{}{}", to_hex(&x), to_hex(&y))
}

fn d_hex(key: &SigningKey) -> String {
    let d = key.export_private_jwk_dangerously()["d"]
        .as_str()
        .unwrap()
        .to_owned();
    to_hex(&b64url_decode(&d, "d").unwrap())
}

fn sig_bytes(answer: &Value) -> Vec<u8> {
    let hex = ok(answer, "sig");
    let hex = hex.as_str().unwrap();
    assert_eq!(hex.len(), 128, "r‖s is 64 bytes");
    common::hex(hex)
}

/// The public JWK of a peer's `04‖x‖y`.
fn jwk_of_pub(pub_hex: &str) -> Value {
    let b = common::hex(pub_hex);
    json!({ "kty": "EC", "crv": "SM2", "x": b64url(&b[1..33]), "y": b64url(&b[33..65]) })
}

#[test]
fn gmssl_reproduces_the_standard_example_and_mpshield_verifies_it() {
    let d = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
    let k = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";
    let p = "0409F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
    let Some(a) = gmssl(
        &json!([{ "op": "sign", "d": d.to_lowercase(), "msg": "message digest", "k": k.to_lowercase() }]),
    ) else {
        return;
    };
    let sig = sig_bytes(&a[0]);
    assert_eq!(
        to_hex(&sig).to_uppercase(),
        "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
    );
    let key = VerifyingKey::from_jwk(&jwk_of_pub(p)).unwrap();
    key.verify(b"message digest", &sig).unwrap();
    assert_eq!(
        key.verify(b"message digesT", &sig).unwrap_err().code(),
        "VERIFY_FAILED"
    );
}

/// Peer signs → mpshield verifies (and refuses it for another message);
/// mpshield signs → peer verifies (and refuses another message).
fn both_directions(peer: impl Fn(&Value) -> Option<Vec<Value>>, lib: Option<&str>) {
    let mpshield_key = key(Algorithm::Sm2, 71);
    let mut requests = Vec::new();
    for m in MESSAGES {
        requests.push(json!({ "op": "sign", "lib": lib, "d": d_hex(&mpshield_key), "msg": m }));
    }
    let ours: Vec<Vec<u8>> = MESSAGES
        .iter()
        .map(|m| mpshield_key.sign(m.as_bytes()).unwrap())
        .collect();
    for (m, sig) in MESSAGES.iter().zip(&ours) {
        let v = |msg: &str| json!({ "op": "verify", "lib": lib, "pub": pub_hex(&mpshield_key), "msg": msg, "sig": to_hex(sig) });
        requests.push(v(m));
        requests.push(v(&format!("{m}x")));
    }
    let Some(a) = peer(&Value::Array(requests)) else {
        return;
    };
    let public = mpshield_key.verifying_key();
    for (i, m) in MESSAGES.iter().enumerate() {
        let sig = sig_bytes(&a[i]);
        public
            .verify(m.as_bytes(), &sig)
            .unwrap_or_else(|e| panic!("{lib:?} signature over {m:?}: {e}"));
        assert_eq!(
            public
                .verify(format!("{m}x").as_bytes(), &sig)
                .unwrap_err()
                .code(),
            "VERIFY_FAILED"
        );
        let mut flipped = sig.clone();
        flipped[5] ^= 0x10;
        assert_eq!(
            public.verify(m.as_bytes(), &flipped).unwrap_err().code(),
            "VERIFY_FAILED"
        );
        assert_eq!(
            key(Algorithm::Sm2, 72)
                .verifying_key()
                .verify(m.as_bytes(), &sig)
                .unwrap_err()
                .code(),
            "VERIFY_FAILED"
        );
    }
    for (i, m) in MESSAGES.iter().enumerate() {
        let base = MESSAGES.len() + 2 * i;
        assert_eq!(
            ok(&a[base], "ok"),
            true,
            "{lib:?} verifies mpshield's signature over {m:?}"
        );
        assert_eq!(
            ok(&a[base + 1], "ok"),
            false,
            "{lib:?} refuses it for another message"
        );
    }
}

#[test]
fn gmssl_both_directions() {
    both_directions(gmssl, None);
}

#[test]
fn sm_crypto_v2_both_directions() {
    both_directions(node, Some("sm-crypto-v2"));
}

#[test]
fn miniprogram_sm_crypto_both_directions() {
    both_directions(node, Some("miniprogram-sm-crypto"));
}

#[test]
fn peer_keys_and_another_distinguishing_id() {
    let mut requests = Vec::new();
    for lib in NODE_LIBS {
        requests.push(json!({ "op": "keypair", "lib": lib }));
    }
    let Some(keys) = node(&Value::Array(requests)) else {
        return;
    };
    let mut requests = Vec::new();
    for (lib, k) in NODE_LIBS.iter().zip(&keys) {
        let d = ok(k, "d");
        requests.push(json!({ "op": "sign", "lib": lib, "d": d, "msg": "abc" }));
        requests.push(json!({ "op": "sign", "lib": lib, "d": d, "msg": "abc", "userId": "ALICE123@YAHOO.COM" }));
    }
    let ours = key(Algorithm::Sm2, 73);
    let ours_sig = to_hex(&ours.sign(b"abc").unwrap());
    for lib in NODE_LIBS {
        requests.push(json!({ "op": "verify", "lib": lib, "pub": pub_hex(&ours), "msg": "abc", "sig": ours_sig, "userId": "ALICE123@YAHOO.COM" }));
    }
    let a = node(&Value::Array(requests)).unwrap();
    for (i, (lib, k)) in NODE_LIBS.iter().zip(&keys).enumerate() {
        // The peer's own key pair, imported as a public and a private JWK.
        let public = VerifyingKey::from_jwk(&jwk_of_pub(ok(k, "pub").as_str().unwrap())).unwrap();
        let mut private = jwk_of_pub(ok(k, "pub").as_str().unwrap());
        private["d"] = json!(b64url(&common::hex(ok(k, "d").as_str().unwrap())));
        let imported = SigningKey::from_jwk(&private).unwrap();
        assert_eq!(imported.kid(), public.kid());
        public.verify(b"abc", &sig_bytes(&a[2 * i])).unwrap();
        // Signed with another user ID: refused.
        assert_eq!(
            public
                .verify(b"abc", &sig_bytes(&a[2 * i + 1]))
                .unwrap_err()
                .code(),
            "VERIFY_FAILED",
            "{lib}: a signature for another distinguishing ID"
        );
        assert_eq!(
            ok(&a[2 * NODE_LIBS.len() + i], "ok"),
            false,
            "{lib} with another ID"
        );
    }
}

fn gm_credential(issuer: &SigningKey, holder: &SigningKey) -> String {
    sdjwt::issue_with_rng(
        issuer,
        &IssueOptions {
            claims: json!({
                "name": "测试甲", "birth_date": "1990-05-17",
                "address": { "province": "广东省", "city": "深圳市" },
                "age_equal_or_over": { "18": true },
            }),
            disclosable: [
                "/name",
                "/birth_date",
                "/address",
                "/address/city",
                "/age_equal_or_over/18",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            holder_public_jwk: Some(holder.public_jwk()),
            vct: "urn:mpshield:test:gm".into(),
            iss: "https://issuer.example".into(),
            iat: Some(NOW - 60),
            ..IssueOptions::default()
        },
        &mut rng(7),
    )
    .unwrap()
}

fn present(cred: &str, holder: &SigningKey, disclose: &[&str]) -> String {
    common::present_to(cred, holder, disclose, AUD, NONCE)
}

#[test]
fn sd_jwt_core_verifies_mpshield_gm_presentations() {
    let issuer = key(Algorithm::Sm2, 81);
    let holder = key(Algorithm::Sm2, 82);
    let cred = gm_credential(&issuer, &holder);
    let p = present(&cred, &holder, &["/name", "/address/city"]);
    let mut tampered = p.clone().into_bytes();
    let at = p.find('~').unwrap() - 3;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let other = key(Algorithm::Sm2, 83);
    let req = |presentation: &str, issuer_pub: String, nonce: &str| json!({ "op": "sdjwt_verify", "presentation": presentation, "issuerPub": issuer_pub, "nonce": nonce });
    let Some(a) = node(&json!([
        req(&p, pub_hex(&issuer), NONCE),
        req(&tampered, pub_hex(&issuer), NONCE),
        req(&p, pub_hex(&other), NONCE),
        req(&p, pub_hex(&issuer), "another nonce"),
    ])) else {
        return;
    };
    let claims = ok(&a[0], "claims");
    let ours = sdjwt::verify(
        &p,
        &VerifyOptions {
            issuer_keys: vec![issuer.verifying_key().clone()],
            aud: Some(AUD.into()),
            nonce: Some(NONCE.into()),
            now: Some(NOW),
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert_eq!(claims["name"], "测试甲");
    assert_eq!(claims["address"]["city"], "深圳市");
    assert!(claims.get("birth_date").is_none());
    for k in ["name", "address", "iss", "vct"] {
        assert_eq!(claims[k], ours.claims[k], "{k}");
    }
    assert_eq!(ok(&a[0], "kb")["aud"], AUD);
    for (i, what) in [
        (1, "tampered issuer signature"),
        (2, "another issuer key"),
        (3, "another nonce"),
    ] {
        assert!(
            a[i].get("error").is_some(),
            "@sd-jwt/core accepted a presentation with {what}"
        );
    }
}

#[test]
fn mpshield_verifies_sd_jwts_assembled_by_the_peer() {
    let mpshield_holder = key(Algorithm::Sm2, 91);
    let claims = json!({ "name": "测试乙", "birth_date": "1985-02-03", "nationality": "中国" });
    let build = |holder: Option<&SigningKey>, user_id: Option<&str>, present: bool| {
        json!({
            "op": "sdjwt_build", "claims": claims, "disclosable": ["name", "birth_date"],
            "holderJwk": holder.map(SigningKey::public_jwk), "iss": "https://peer-issuer.example",
            "iat": NOW - 60, "vct": "urn:peer:test", "userId": user_id,
            "present": if present { json!({ "disclose": ["name"], "aud": AUD, "nonce": NONCE, "iat": NOW }) } else { Value::Null },
        })
    };
    let Some(a) = node(&json!([
        build(None, None, true),
        build(Some(&mpshield_holder), None, false),
        build(None, Some("ALICE123@YAHOO.COM"), true),
    ])) else {
        return;
    };
    let opts = |issuer_jwk: &Value| VerifyOptions {
        issuer_keys: vec![VerifyingKey::from_jwk(issuer_jwk).unwrap()],
        aud: Some(AUD.into()),
        nonce: Some(NONCE.into()),
        now: Some(NOW),
        ..VerifyOptions::default()
    };
    // 1. Peer issuer, peer holder (@sd-jwt/core's present and SM2 KB-JWT).
    let issuer_jwk = ok(&a[0], "issuerJwk");
    let p = ok(&a[0], "presentation");
    let v = sdjwt::verify(p.as_str().unwrap(), &opts(&issuer_jwk)).unwrap();
    assert_eq!(v.claims["name"], "测试乙");
    assert_eq!(v.claims["nationality"], "中国");
    assert!(v.claims.get("birth_date").is_none());
    assert_eq!(v.disclosed, ["/name"]);
    // Its kid is the same RFC 7638 thumbprint mpshield computes.
    assert_eq!(
        VerifyingKey::from_jwk(&issuer_jwk).unwrap().kid(),
        issuer_jwk["kid"].as_str().unwrap()
    );
    // 2. Peer issuer, mpshield holder: mpshield presents and verifies.
    let issuer_jwk2 = ok(&a[1], "issuerJwk");
    let cred = ok(&a[1], "credential");
    let p2 = present(cred.as_str().unwrap(), &mpshield_holder, &["/birth_date"]);
    let v = sdjwt::verify(&p2, &opts(&issuer_jwk2)).unwrap();
    assert_eq!(v.claims["birth_date"], "1985-02-03");
    // Negatives: the issuer signature made with another user ID; the peer
    // presentation checked against another issuer key; a wrong nonce.
    let p3 = ok(&a[2], "presentation");
    assert_eq!(
        sdjwt::verify(p3.as_str().unwrap(), &opts(&ok(&a[2], "issuerJwk")))
            .unwrap_err()
            .code(),
        "VERIFY_FAILED"
    );
    let mut stranger = opts(&issuer_jwk2);
    stranger.issuer_keys[0] = VerifyingKey::from_jwk(&issuer_jwk2).unwrap();
    let e = sdjwt::verify(p.as_str().unwrap(), &stranger).unwrap_err();
    assert_eq!(e.code(), "UNTRUSTED_ISSUER");
    let mut wrong_nonce = opts(&issuer_jwk);
    wrong_nonce.nonce = Some("another".into());
    assert_eq!(
        sdjwt::verify(p.as_str().unwrap(), &wrong_nonce)
            .unwrap_err()
            .code(),
        "INVALID_KEY_BINDING"
    );
}
