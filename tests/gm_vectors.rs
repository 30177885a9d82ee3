//! The gm suite's primitives as mpshield uses them, against vectors from
//! the standards (values in `../shared/REFERENCE.md` §6: GB/T 32905 SM3,
//! GB/T 32907 SM4, RFC 8998 Appendix A.1 SM4-GCM) and against pyca
//! `cryptography` (PyPI, `.venv`) through `tests/peers/pyca_sm.py`: SM3,
//! HKDF-SM3 (mpshield's RFC 5869 Extract/Expand over SM3, the KDF of the gm
//! HPKE suite) and SM4-GCM (`mpshield-aead`), both directions, with
//! tampered inputs refused on both sides.

#![allow(
    clippy::type_complexity,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{hex, python, rng, to_hex};
use mpshield::seal::hpke::Kdf;
use mpshield::suite::Suite;
use mpshield_aead::{Alg, Cipher};
use rand_core::Rng;
use serde_json::{json, Value};
use sm4::cipher::{BlockCipherEncrypt, KeyInit};

fn pyca(request: &Value) -> Value {
    common::run_peer(&python(), "tests/peers/pyca_sm.py", request)
}

#[test]
fn sm3_standard_vectors() {
    assert_eq!(
        to_hex(&Suite::Gm.digest(b"abc")),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
    assert_eq!(
        to_hex(&Suite::Gm.digest(&b"abcd".repeat(16))),
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    );
    // And the intl suite's hash is SHA-256 (FIPS 180-4 "abc").
    assert_eq!(
        to_hex(&Suite::Intl.digest(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn sm4_standard_vectors() {
    // GB/T 32907 Appendix A: key = plaintext = 0123…3210, one block, then
    // 1,000,000 encryptions of the block under the same key.
    let key = hex("0123456789abcdeffedcba9876543210");
    let cipher = sm4::Sm4::new_from_slice(&key).unwrap();
    let mut block = sm4::cipher::Block::<sm4::Sm4>::default();
    block.copy_from_slice(&key);
    cipher.encrypt_block(&mut block);
    assert_eq!(to_hex(&block), "681edf34d206965e86b3e94f536e4246");
    let mut block = sm4::cipher::Block::<sm4::Sm4>::default();
    block.copy_from_slice(&key);
    for _ in 0..1_000_000 {
        cipher.encrypt_block(&mut block);
    }
    assert_eq!(to_hex(&block), "595298c7c6fd271f0402f804c33d3f66");
}

#[test]
fn sm4_gcm_rfc8998_a1() {
    let key = hex("0123456789ABCDEFFEDCBA9876543210");
    let nonce: [u8; 12] = hex("00001234567800000000ABCD").try_into().unwrap();
    let aad = hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
    let pt = hex(concat!(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD",
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    ));
    let want_ct = hex(concat!(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735",
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    ));
    let want_tag = hex("83DE3541E4C2B58177E065A9BF7B62EC");
    let cipher = Cipher::new(Alg::Sm4Gcm, &key).unwrap();
    let mut buf = pt.clone();
    let tag = cipher.seal_in_place(&nonce, &aad, &mut buf).unwrap();
    assert_eq!(buf, want_ct);
    assert_eq!(tag.to_vec(), want_tag);
    cipher.open_in_place(&nonce, &aad, &mut buf, &tag).unwrap();
    assert_eq!(buf, pt);
    // One bit of the tag, the ciphertext or the aad: refused, and the
    // buffer is not replaced by plaintext.
    let mut bad_tag = tag;
    bad_tag[15] ^= 1;
    let mut ct = want_ct.clone();
    assert!(cipher
        .open_in_place(&nonce, &aad, &mut ct, &bad_tag)
        .is_err());
    assert_eq!(ct, want_ct);
    ct[0] ^= 1;
    assert!(cipher.open_in_place(&nonce, &aad, &mut ct, &tag).is_err());
    let mut ct = want_ct.clone();
    assert!(cipher
        .open_in_place(&nonce, &aad[1..], &mut ct, &tag)
        .is_err());
    // A key of the wrong length is refused.
    assert!(Cipher::new(Alg::Sm4Gcm, &[0u8; 32]).is_err());
}

#[test]
fn sm3_hkdf_and_sm4_gcm_agree_with_pyca_both_ways() {
    let mut r = rng(0x53);
    let mut random = |n: usize| {
        let mut v = vec![0u8; n];
        r.fill_bytes(&mut v);
        v
    };
    let messages: Vec<Vec<u8>> = [0usize, 1, 55, 56, 64, 1000]
        .into_iter()
        .map(&mut random)
        .collect();
    let kdf_cases: Vec<(Vec<u8>, Vec<u8>, Vec<u8>, usize)> =
        [(0, 22, 0, 42), (13, 32, 10, 32), (80, 80, 80, 255 * 32)]
            .into_iter()
            .map(|(s, i, f, l)| (random(s), random(i), random(f), l))
            .collect();
    let gcm_cases: Vec<(Vec<u8>, [u8; 12], Vec<u8>, Vec<u8>)> = [0usize, 1, 16, 17, 1000, 1 << 16]
        .into_iter()
        .map(|n| {
            (
                random(16),
                random(12).try_into().unwrap(),
                random(n % 37),
                random(n),
            )
        })
        .collect();

    // mpshield's SM4-GCM seals for pyca to open (and one tampered).
    let mut to_open: Vec<Value> = gcm_cases
        .iter()
        .map(|(k, n, a, p)| {
            let mut buf = p.clone();
            let tag = Cipher::new(Alg::Sm4Gcm, k)
                .unwrap()
                .seal_in_place(n, a, &mut buf)
                .unwrap();
            buf.extend_from_slice(&tag);
            json!({"key": to_hex(k), "nonce": to_hex(n), "aad": to_hex(a), "ct": to_hex(&buf)})
        })
        .collect();
    let mut tampered = to_open[3].clone();
    let mut ct = hex(tampered["ct"].as_str().unwrap());
    ct[0] ^= 0x40;
    tampered["ct"] = json!(to_hex(&ct));
    to_open.push(tampered);

    let reply = pyca(&json!({
        "sm3": messages.iter().map(|m| to_hex(m)).collect::<Vec<_>>(),
        "hkdf": kdf_cases.iter().map(|(s, i, f, l)| json!({"salt": to_hex(s), "ikm": to_hex(i), "info": to_hex(f), "len": l})).collect::<Vec<_>>(),
        "extract": kdf_cases.iter().map(|(s, i, _, _)| json!({"salt": to_hex(s), "ikm": to_hex(i)})).collect::<Vec<_>>(),
        "gcm_seal": gcm_cases.iter().map(|(k, n, a, p)| json!({"key": to_hex(k), "nonce": to_hex(n), "aad": to_hex(a), "pt": to_hex(p)})).collect::<Vec<_>>(),
        "gcm_open": to_open,
    }));

    for (m, want) in messages.iter().zip(reply["sm3"].as_array().unwrap()) {
        assert_eq!(
            to_hex(&Suite::Gm.digest(m)),
            want.as_str().unwrap(),
            "SM3 of {} bytes",
            m.len()
        );
    }
    for ((salt, ikm, info, len), (okm, prk)) in kdf_cases.iter().zip(
        reply["hkdf"]
            .as_array()
            .unwrap()
            .iter()
            .zip(reply["extract"].as_array().unwrap()),
    ) {
        let own_prk = Kdf::HkdfSm3.extract(salt, &[ikm]).unwrap();
        assert_eq!(to_hex(&*own_prk), prk.as_str().unwrap(), "HKDF-SM3 Extract");
        let mut own = vec![0u8; *len];
        Kdf::HkdfSm3.expand(&own_prk, &[info], &mut own).unwrap();
        assert_eq!(
            to_hex(&own),
            okm.as_str().unwrap(),
            "HKDF-SM3 of {len} bytes"
        );
    }
    // Expand refuses more than 255 × 32 bytes.
    let prk = Kdf::HkdfSm3.extract(b"", &[b"x"]).unwrap();
    assert!(Kdf::HkdfSm3
        .expand(&prk, &[], &mut [0u8; 255 * 32 + 1])
        .is_err());

    let opened = reply["gcm_open"].as_array().unwrap();
    for ((_, _, _, p), o) in gcm_cases.iter().zip(opened) {
        assert_eq!(
            o.as_str().map(hex).as_deref(),
            Some(&p[..]),
            "pyca opens mpshield's SM4-GCM"
        );
    }
    assert!(
        opened.last().unwrap().is_null(),
        "pyca opened a tampered SM4-GCM ciphertext"
    );

    for ((k, n, a, p), s) in gcm_cases.iter().zip(reply["gcm_seal"].as_array().unwrap()) {
        let mut ct = hex(s.as_str().unwrap());
        let tag: [u8; 16] = ct.split_off(ct.len() - 16).try_into().unwrap();
        let cipher = Cipher::new(Alg::Sm4Gcm, k).unwrap();
        let mut buf = ct.clone();
        cipher.open_in_place(n, a, &mut buf, &tag).unwrap();
        assert_eq!(&buf, p, "mpshield opens pyca's SM4-GCM");
        let mut wrong = tag;
        wrong[0] ^= 1;
        let mut buf = ct.clone();
        assert!(cipher.open_in_place(n, a, &mut buf, &wrong).is_err());
    }
}
