//! Differential test against an independent implementation: pyca
//! `cryptography`'s HPKE (PyPI, in the project's `.venv`), driven through
//! `tests/peers/pyca_hpke.py`. Both directions — pyca seals and mpshield
//! opens, mpshield seals and pyca opens — for every suite both support
//! (base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 with AES-128-GCM,
//! AES-256-GCM and ChaCha20-Poly1305; pyca has no aad argument and no
//! export-only AEAD), with 0 bytes, 1 byte, random sizes and 1 MiB.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use chacha20::ChaCha20Rng;
use common::{hex, python, to_hex};
use mpshield::seal::hpke::{self, Aead, ReceiverParams, SenderParams};
use rand_core::{Rng, SeedableRng};
use serde_json::{json, Value};

fn pyca(request: &Value) -> Value {
    common::run_peer(&python(), "tests/peers/pyca_hpke.py", request)
}

struct Case {
    aead: Aead,
    info: Vec<u8>,
    pt: Vec<u8>,
}

fn cases(rng: &mut ChaCha20Rng) -> Vec<Case> {
    let mut out = Vec::new();
    for aead in [Aead::Aes128Gcm, Aead::Aes256Gcm, Aead::ChaCha20Poly1305] {
        let random_sizes: Vec<usize> = (0..3)
            .map(|_| 2 + (rng.next_u32() as usize % 5000))
            .collect();
        for size in [0, 1].into_iter().chain(random_sizes).chain([1 << 20]) {
            let mut pt = vec![0u8; size];
            rng.fill_bytes(&mut pt);
            let mut info = vec![0u8; (rng.next_u32() % 40) as usize];
            rng.fill_bytes(&mut info);
            out.push(Case { aead, info, pt });
        }
    }
    out
}

#[test]
fn pyca_seals_mpshield_opens_and_back() {
    let mut rng = ChaCha20Rng::from_seed([0x51; 32]);
    let recipient =
        hpke::generate_key_pair_with_rng(mpshield::seal::hpke::Kem::X25519, &mut rng).unwrap();
    let cases = cases(&mut rng);

    // mpshield → pyca
    let mut to_open = Vec::new();
    for c in &cases {
        let sp = SenderParams {
            aead: Some(c.aead),
            info: &c.info,
            ..SenderParams::default()
        };
        let s = hpke::seal_with_rng(&recipient.public_key, &sp, b"", &c.pt, &mut rng).unwrap();
        let mut wire = s.enc.to_vec();
        wire.extend_from_slice(&s.ciphertext);
        to_open.push(json!({
            "aead": c.aead.id(),
            "sk": to_hex(&*recipient.secret_key.to_bytes()),
            "info": to_hex(&c.info),
            "ct": to_hex(&wire),
        }));
    }
    // a tampered one must not open in pyca either
    let mut tampered = to_open[2].clone();
    let mut ct = hex(tampered["ct"].as_str().unwrap());
    *ct.last_mut().unwrap() ^= 0x80;
    tampered["ct"] = json!(to_hex(&ct));
    to_open.push(tampered);

    // pyca → mpshield
    let to_seal: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "aead": c.aead.id(),
                "pk": to_hex(recipient.public_key.as_bytes()),
                "info": to_hex(&c.info),
                "pt": to_hex(&c.pt),
            })
        })
        .collect();

    let reply = pyca(&json!({ "seal": to_seal, "open": to_open }));

    let opened = reply["opened"].as_array().unwrap();
    assert_eq!(opened.len(), cases.len() + 1);
    for (c, o) in cases.iter().zip(opened) {
        let got = hex(o.as_str().unwrap_or_else(|| {
            panic!(
                "pyca could not open {} bytes, {}",
                c.pt.len(),
                c.aead.name()
            )
        }));
        assert!(
            got == c.pt,
            "pyca opened wrong plaintext ({})",
            c.aead.name()
        );
    }
    assert!(
        opened.last().unwrap().is_null(),
        "pyca opened a tampered ciphertext"
    );

    let sealed = reply["sealed"].as_array().unwrap();
    assert_eq!(sealed.len(), cases.len());
    for (c, s) in cases.iter().zip(sealed) {
        let wire = hex(s.as_str().unwrap());
        let (enc, ct) = wire.split_at(hpke::X25519_PUBLIC_KEY_LEN);
        let rp = ReceiverParams {
            aead: Some(c.aead),
            info: &c.info,
            ..ReceiverParams::default()
        };
        let pt = hpke::open(&recipient.secret_key, enc, &rp, b"", ct)
            .unwrap_or_else(|e| panic!("{} bytes, {}: {e:?}", c.pt.len(), c.aead.name()));
        assert!(
            pt == c.pt,
            "mpshield opened wrong plaintext ({})",
            c.aead.name()
        );
        // and with the wrong info it must not
        let wrong = ReceiverParams {
            info: b"other",
            ..rp
        };
        assert_eq!(
            hpke::open(&recipient.secret_key, enc, &wrong, b"", ct)
                .unwrap_err()
                .code(),
            "DECRYPT_FAILED"
        );
    }
}
