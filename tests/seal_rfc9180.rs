//! RFC 9180 test vectors for DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256, all
//! four modes × all four AEADs, taken at test time from the PyPI package
//! `cryptography-vectors` (`cryptography_vectors/HPKE/test-vectors.json`,
//! the file published with RFC 9180). Receiver side: every encryption
//! (sequence numbers 0–256) through one context, and every export, through
//! the context and one-shot. Sender side, deterministically: the vector's
//! `ikmE` is fed through `setup_sender_with_rng`, and `enc`, every
//! ciphertext and every export must match.

#![allow(clippy::type_complexity)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{hex, hpke_vectors_path, Replay};
use mpshield::seal::hpke::{self, Aead, Mode, PublicKey, ReceiverParams, SecretKey, SenderParams};
use serde_json::Value;

fn field(v: &Value, name: &str) -> Vec<u8> {
    hex(v[name].as_str().unwrap_or_else(|| panic!("missing {name}")))
}

fn opt_field(v: &Value, name: &str) -> Vec<u8> {
    v.get(name)
        .and_then(Value::as_str)
        .map(hex)
        .unwrap_or_default()
}

fn x25519_vectors() -> Vec<Value> {
    let path = hpke_vectors_path();
    let text = std::fs::read_to_string(&path).unwrap();
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    all.into_iter()
        .filter(|v| v["kem_id"] == 0x20 && v["kdf_id"] == 1)
        .collect()
}

#[test]
fn all_sixteen_x25519_hkdf_sha256_vectors() {
    let vectors = x25519_vectors();
    assert_eq!(vectors.len(), 16, "expected 4 modes x 4 AEADs");
    let mut seen = std::collections::BTreeSet::new();
    let (mut encryptions, mut exports) = (0usize, 0usize);

    for v in &vectors {
        let mode = Mode::from_id(u8::try_from(v["mode"].as_u64().unwrap()).unwrap()).unwrap();
        let aead = Aead::from_id(u16::try_from(v["aead_id"].as_u64().unwrap()).unwrap()).unwrap();
        assert!(seen.insert((mode.id(), aead.id())));
        let label = format!("mode {} aead {}", mode.name(), aead.name());

        // Keys: DeriveKeyPair(ikmR) gives pkRm and (clamped) skRm.
        let recipient =
            hpke::derive_key_pair(mpshield::seal::hpke::Kem::X25519, &field(v, "ikmR")).unwrap();
        assert_eq!(
            recipient.public_key.as_bytes().to_vec(),
            field(v, "pkRm"),
            "{label}"
        );
        let sk_r =
            SecretKey::from_bytes(mpshield::seal::hpke::Kem::X25519, &field(v, "skRm")).unwrap();
        let clamped =
            SecretKey::from_bytes(mpshield::seal::hpke::Kem::X25519, &*sk_r.to_bytes()).unwrap();
        assert_eq!(
            *sk_r.to_bytes(),
            *clamped.to_bytes(),
            "{label}: serialize(deserialize(sk))"
        );
        assert_eq!(
            *sk_r.to_bytes(),
            *recipient.secret_key.to_bytes(),
            "{label}"
        );
        assert_eq!(sk_r.public_key(), recipient.public_key, "{label}");
        let pk_r = PublicKey::from_bytes(&field(v, "pkRm")).unwrap();

        let (sk_s, pk_s) = if matches!(mode, Mode::Auth | Mode::AuthPsk) {
            let sk = SecretKey::from_bytes(mpshield::seal::hpke::Kem::X25519, &field(v, "skSm"))
                .unwrap();
            let pk = PublicKey::from_bytes(&field(v, "pkSm")).unwrap();
            assert_eq!(sk.public_key(), pk, "{label}: skSm/pkSm");
            let derived =
                hpke::derive_key_pair(mpshield::seal::hpke::Kem::X25519, &field(v, "ikmS"))
                    .unwrap();
            assert_eq!(derived.public_key, pk, "{label}: ikmS");
            (Some(sk), Some(pk))
        } else {
            (None, None)
        };
        let (info, psk, psk_id) = (
            field(v, "info"),
            opt_field(v, "psk"),
            opt_field(v, "psk_id"),
        );
        let enc = field(v, "enc");

        // Receiver side.
        let rp = ReceiverParams {
            mode,
            kdf: None,
            aead: Some(aead),
            info: &info,
            psk: &psk,
            psk_id: &psk_id,
            sender_public_key: pk_s.as_ref(),
        };
        let mut receiver = hpke::setup_receiver(&sk_r, &enc, &rp).unwrap();
        let encs = v["encryptions"].as_array().unwrap();
        if aead.can_seal() {
            assert_eq!(encs.len(), 257, "{label}: sequence numbers 0..=256");
        } else {
            assert!(encs.is_empty());
        }
        for (seq, e) in encs.iter().enumerate() {
            let pt = receiver
                .open(&field(e, "ct"), &field(e, "aad"))
                .unwrap_or_else(|err| panic!("{label} seq {seq}: {err:?}"));
            assert_eq!(pt, field(e, "pt"), "{label} seq {seq}");
        }
        // The single-shot open is the first encryption.
        if let Some(e0) = encs.first() {
            let pt = hpke::open(&sk_r, &enc, &rp, &field(e0, "aad"), &field(e0, "ct")).unwrap();
            assert_eq!(pt, field(e0, "pt"), "{label}: single-shot open");
        }
        for x in v["exports"].as_array().unwrap() {
            let ctx = field(x, "exporter_context");
            let len = usize::try_from(x["L"].as_u64().unwrap()).unwrap();
            let want = field(x, "exported_value");
            assert_eq!(*receiver.export_secret(&ctx, len).unwrap(), want, "{label}");
            assert_eq!(
                *hpke::export_secret(&sk_r, &enc, &rp, &ctx, len).unwrap(),
                want,
                "{label}: one-shot export"
            );
            exports += 1;
        }

        // Sender side, deterministic from ikmE.
        let sp = SenderParams {
            mode,
            kdf: None,
            aead: Some(aead),
            info: &info,
            psk: &psk,
            psk_id: &psk_id,
            sender_secret_key: sk_s.as_ref(),
        };
        let mut sender =
            hpke::setup_sender_with_rng(&pk_r, &sp, &mut Replay(field(v, "ikmE"))).unwrap();
        assert_eq!(sender.enc().to_vec(), enc, "{label}: enc from ikmE");
        assert_eq!(enc, field(v, "pkEm"), "{label}");
        for (seq, e) in encs.iter().enumerate() {
            let ct = sender.seal(&field(e, "pt"), &field(e, "aad")).unwrap();
            assert_eq!(ct, field(e, "ct"), "{label} seq {seq}");
            encryptions += 1;
        }
        if let Some(e0) = encs.first() {
            let sealed = hpke::seal_with_rng(
                &pk_r,
                &sp,
                &field(e0, "aad"),
                &field(e0, "pt"),
                &mut Replay(field(v, "ikmE")),
            )
            .unwrap();
            assert_eq!(sealed.enc.to_vec(), enc);
            assert_eq!(
                sealed.ciphertext,
                field(e0, "ct"),
                "{label}: single-shot seal"
            );
        }
        for x in v["exports"].as_array().unwrap() {
            let len = usize::try_from(x["L"].as_u64().unwrap()).unwrap();
            assert_eq!(
                *sender
                    .export_secret(&field(x, "exporter_context"), len)
                    .unwrap(),
                field(x, "exported_value"),
                "{label}: sender export"
            );
        }
    }
    assert_eq!(encryptions, 12 * 257);
    assert_eq!(exports, 16 * 3);
}

/// The vectors with one byte changed must fail: a modified ciphertext,
/// aad, enc, info or psk, and the wrong sender key.
#[test]
fn modified_vector_inputs_fail_to_open() {
    for v in x25519_vectors() {
        let mode = Mode::from_id(u8::try_from(v["mode"].as_u64().unwrap()).unwrap()).unwrap();
        let aead = Aead::from_id(u16::try_from(v["aead_id"].as_u64().unwrap()).unwrap()).unwrap();
        if !aead.can_seal() {
            continue;
        }
        let sk_r =
            SecretKey::from_bytes(mpshield::seal::hpke::Kem::X25519, &field(&v, "skRm")).unwrap();
        let pk_s = v
            .get("pkSm")
            .map(|_| PublicKey::from_bytes(&field(&v, "pkSm")).unwrap());
        let (info, psk, psk_id, enc) = (
            field(&v, "info"),
            opt_field(&v, "psk"),
            opt_field(&v, "psk_id"),
            field(&v, "enc"),
        );
        let e0 = &v["encryptions"][0];
        let (aad, ct) = (field(e0, "aad"), field(e0, "ct"));
        let flip = |b: &[u8]| {
            let mut b = b.to_vec();
            b[0] ^= 1;
            b
        };
        let rp = ReceiverParams {
            mode,
            kdf: None,
            aead: Some(aead),
            info: &info,
            psk: &psk,
            psk_id: &psk_id,
            sender_public_key: pk_s.as_ref(),
        };
        let bad_info = flip(&info);
        let bad_psk = if psk.is_empty() {
            psk.clone()
        } else {
            flip(&psk)
        };
        let other = hpke::derive_key_pair(mpshield::seal::hpke::Kem::X25519, &[7u8; 32])
            .unwrap()
            .public_key;
        let cases: Vec<(&str, ReceiverParams<'_>, Vec<u8>, Vec<u8>, Vec<u8>)> = vec![
            ("aad", rp, enc.clone(), flip(&aad), ct.clone()),
            ("ciphertext", rp, enc.clone(), aad.clone(), flip(&ct)),
            ("enc", rp, flip(&enc), aad.clone(), ct.clone()),
            (
                "info",
                ReceiverParams {
                    info: &bad_info,
                    ..rp
                },
                enc.clone(),
                aad.clone(),
                ct.clone(),
            ),
            (
                "psk",
                ReceiverParams {
                    psk: &bad_psk,
                    ..rp
                },
                enc.clone(),
                aad.clone(),
                ct.clone(),
            ),
            (
                "sender key",
                ReceiverParams {
                    sender_public_key: pk_s.as_ref().map(|_| &other),
                    ..rp
                },
                enc.clone(),
                aad.clone(),
                ct.clone(),
            ),
        ];
        for (what, params, enc, aad, ct) in cases {
            let unchanged =
                (what == "psk" && psk.is_empty()) || (what == "sender key" && pk_s.is_none());
            let r = hpke::open(&sk_r, &enc, &params, &aad, &ct);
            if unchanged {
                assert!(r.is_ok());
            } else {
                assert_eq!(
                    r.unwrap_err().code(),
                    "DECRYPT_FAILED",
                    "mode {} {what}",
                    mode.name()
                );
            }
        }
    }
}
