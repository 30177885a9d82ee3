//! mpshield's gm HPKE (DHKEM(curveSM2, HKDF-SM3), HKDF-SM3, SM4-GCM;
//! src/seal/hpke.rs) against an independent RFC 9180 implementation:
//! `tests/peers/hpke-generic.mjs`, written in the test from the RFC over
//! `sm-crypto-v2`'s SM2, SM3 and SM4 (and checked there first, in its intl
//! instantiation, against every official RFC 9180 vector, and in its gm one
//! against `@hpke/core` — tests/js/hpke-oracle.test.mjs).
//!
//! Natively, both directions, in every mode: with the same ephemeral input
//! (`ikmE`) both sides must produce the same `enc`, the same ciphertexts of
//! several messages in one context and the same exports (up to 8,160
//! bytes); mpshield opens what the oracle sealed, the oracle opens what
//! mpshield sealed, `DeriveKeyPair` agrees, and a changed byte does not open
//! on the other side. The envelope (format version 2) is opened by the
//! oracle from its documented layout alone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{hex, rng, to_hex, Replay};
use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
use mpshield::seal::hpke::{self, Kem, Mode, ReceiverParams, SenderParams};
use serde_json::{json, Value};

const PSK: [u8; 32] = [0x42; 32];
const PSK_ID: &[u8] = b"gm psk id";
const INFO: &[u8] = b"mpshield gm differential";
const EXPORTS: [(&[u8], usize); 3] = [(b"", 32), (b"context", 255), (b"long", 8160)];

fn oracle(request: &Value) -> Value {
    common::run_peer(
        std::path::Path::new("node"),
        "tests/peers/hpke-generic.mjs",
        request,
    )
}

fn messages() -> Vec<Vec<u8>> {
    vec![
        vec![],
        b"licence photo".to_vec(),
        vec![0x5a; 300],
        vec![7; 4097],
    ]
}

fn psk(mode: Mode) -> (&'static [u8], &'static [u8]) {
    if matches!(mode, Mode::Psk | Mode::AuthPsk) {
        (&PSK, PSK_ID)
    } else {
        (b"", b"")
    }
}

fn auth(mode: Mode) -> bool {
    matches!(mode, Mode::Auth | Mode::AuthPsk)
}

fn exports_json() -> Value {
    json!(EXPORTS
        .iter()
        .map(|(c, l)| json!({"context": to_hex(c), "L": l}))
        .collect::<Vec<_>>())
}

#[test]
fn derive_key_pair_agrees_with_the_oracle() {
    let ikms: Vec<Vec<u8>> = (0u8..12).map(|i| vec![i; 32 + usize::from(i)]).collect();
    let reply = oracle(&json!({
        "derive": ikms.iter().map(|ikm| json!({"kem": 0xFE10, "ikm": to_hex(ikm)})).collect::<Vec<_>>()
    }));
    for (ikm, d) in ikms.iter().zip(reply["derived"].as_array().unwrap()) {
        assert!(d["error"].is_null(), "{d}");
        let kp = hpke::derive_key_pair(Kem::Sm2, ikm).unwrap();
        assert_eq!(to_hex(kp.public_key.as_bytes()), d["pk"].as_str().unwrap());
        assert_eq!(
            to_hex(&*kp.secret_key.to_bytes()),
            d["sk"].as_str().unwrap()
        );
    }
}

#[test]
fn every_mode_both_ways_byte_for_byte() {
    let recipient = hpke::derive_key_pair(Kem::Sm2, &[1; 32]).unwrap();
    let sender = hpke::derive_key_pair(Kem::Sm2, &[2; 32]).unwrap();
    let msgs = messages();
    for (n, mode) in Mode::ALL.into_iter().enumerate() {
        let label = mode.name();
        let ikm_e = vec![0x30 + u8::try_from(n).unwrap(); 32];
        let (psk, psk_id) = psk(mode);
        // mpshield seals from ikmE.
        let sp = SenderParams {
            mode,
            info: INFO,
            psk,
            psk_id,
            sender_secret_key: auth(mode).then_some(&sender.secret_key),
            ..SenderParams::default()
        };
        let mut ctx =
            hpke::setup_sender_with_rng(&recipient.public_key, &sp, &mut Replay(ikm_e.clone()))
                .unwrap();
        let cts: Vec<Vec<u8>> = msgs
            .iter()
            .enumerate()
            .map(|(i, m)| ctx.seal(m, &[u8::try_from(i).unwrap()]).unwrap())
            .collect();
        let own_exports: Vec<String> = EXPORTS
            .iter()
            .map(|(c, l)| to_hex(&ctx.export_secret(c, *l).unwrap()))
            .collect();
        let mut tampered = cts.clone();
        tampered[2][5] ^= 0x10;
        let common = json!({
            "kem": 0xFE10, "kdf": 0xFE01, "aead": 0xFE01, "mode": label,
            "info": to_hex(INFO), "psk": to_hex(psk), "psk_id": to_hex(psk_id),
            "aad": (0..msgs.len()).map(|i| to_hex(&[u8::try_from(i).unwrap()])).collect::<Vec<_>>(),
            "exports": exports_json(),
        });
        let with = |extra: Value| {
            let mut v = common.clone();
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            v
        };
        let reply = oracle(&json!({
            "seal": [with(json!({
                "pkR": to_hex(recipient.public_key.as_bytes()),
                "skS": if auth(mode) { json!(to_hex(&*sender.secret_key.to_bytes())) } else { Value::Null },
                "ikmE": to_hex(&ikm_e),
                "pt": msgs.iter().map(|m| to_hex(m)).collect::<Vec<_>>(),
            }))],
            "open": [
                with(json!({
                    "skR": to_hex(&*recipient.secret_key.to_bytes()), "enc": to_hex(ctx.enc()),
                    "pkS": if auth(mode) { json!(to_hex(sender.public_key.as_bytes())) } else { Value::Null },
                    "ct": cts.iter().map(|c| to_hex(c)).collect::<Vec<_>>(),
                })),
                with(json!({
                    "skR": to_hex(&*recipient.secret_key.to_bytes()), "enc": to_hex(ctx.enc()),
                    "pkS": if auth(mode) { json!(to_hex(sender.public_key.as_bytes())) } else { Value::Null },
                    "ct": tampered.iter().map(|c| to_hex(c)).collect::<Vec<_>>(),
                })),
            ],
        }));
        let sealed = &reply["sealed"][0];
        assert!(sealed["error"].is_null(), "{label}: {sealed}");
        // Same ikmE: the same enc, ciphertexts and exports.
        assert_eq!(
            sealed["enc"].as_str().unwrap(),
            to_hex(ctx.enc()),
            "{label}: enc"
        );
        for (i, c) in cts.iter().enumerate() {
            assert_eq!(
                sealed["ct"][i].as_str().unwrap(),
                to_hex(c),
                "{label}: ct {i}"
            );
        }
        for (i, e) in own_exports.iter().enumerate() {
            assert_eq!(
                sealed["exports"][i].as_str().unwrap(),
                e,
                "{label}: export {i}"
            );
        }
        // The oracle opens mpshield's messages, and not a changed one.
        let opened = &reply["opened"][0];
        assert!(opened["error"].is_null(), "{label}: {opened}");
        for (i, m) in msgs.iter().enumerate() {
            assert_eq!(
                opened["pt"][i].as_str().unwrap(),
                to_hex(m),
                "{label}: pt {i}"
            );
        }
        let bad = &reply["opened"][1];
        assert!(
            bad["pt"][2].is_null(),
            "{label}: the oracle opened a tampered message"
        );
        // mpshield opens the oracle's messages (sealed with the same ikmE,
        // so also a check that opening does not depend on who sealed).
        let rp = ReceiverParams {
            mode,
            info: INFO,
            psk,
            psk_id,
            sender_public_key: auth(mode).then_some(&sender.public_key),
            ..ReceiverParams::default()
        };
        let enc = hex(sealed["enc"].as_str().unwrap());
        let mut rctx = hpke::setup_receiver(&recipient.secret_key, &enc, &rp).unwrap();
        for (i, m) in msgs.iter().enumerate() {
            let ct = hex(sealed["ct"][i].as_str().unwrap());
            assert_eq!(
                &rctx.open(&ct, &[u8::try_from(i).unwrap()]).unwrap(),
                m,
                "{label}: open {i}"
            );
        }
    }
}

#[test]
fn the_oracle_seals_with_fresh_keys_and_mpshield_opens() {
    // Fresh ephemeral keys on the oracle's side (its own randomness).
    let recipient = hpke::derive_key_pair(Kem::Sm2, &[5; 32]).unwrap();
    let pts: Vec<Vec<u8>> = (0..8).map(|i| vec![i; usize::from(i) * 97]).collect();
    let reply = oracle(&json!({
        "seal": pts.iter().map(|p| json!({
            "kem": 0xFE10, "kdf": 0xFE01, "aead": 0xFE01, "mode": "base",
            "pkR": to_hex(recipient.public_key.as_bytes()), "info": to_hex(INFO), "aad": "", "pt": to_hex(p),
        })).collect::<Vec<_>>()
    }));
    for (p, s) in pts.iter().zip(reply["sealed"].as_array().unwrap()) {
        let rp = ReceiverParams {
            info: INFO,
            ..ReceiverParams::default()
        };
        let enc = hex(s["enc"].as_str().unwrap());
        let ct = hex(s["ct"].as_str().unwrap());
        assert_eq!(
            &hpke::open(&recipient.secret_key, &enc, &rp, b"", &ct).unwrap(),
            p
        );
        let mut other = ct.clone();
        *other.last_mut().unwrap() ^= 1;
        assert_eq!(
            hpke::open(&recipient.secret_key, &enc, &rp, b"", &other)
                .unwrap_err()
                .code(),
            "DECRYPT_FAILED"
        );
    }
}

#[test]
fn the_oracle_opens_a_gm_envelope_from_its_documented_layout() {
    // docs/FORMAT.md, version 2: a 97-byte header (enc at 28..93), the
    // header is the start of the aad, then ciphertext ‖ tag.
    let recipient = hpke::derive_key_pair(Kem::Sm2, &[6; 32]).unwrap();
    let options = SealOptions {
        info: b"envelope info",
        aad: b"caller aad",
        ..SealOptions::default()
    };
    let env = envelope::seal_with_rng(
        &recipient.public_key,
        b"hotel check-in",
        &options,
        &mut rng(7),
    )
    .unwrap();
    let (header, ct) = env.split_at(97);
    let mut aad = header.to_vec();
    aad.extend_from_slice(b"caller aad");
    let reply = oracle(&json!({
        "open": [{
            "kem": 0xFE10, "kdf": 0xFE01, "aead": 0xFE01, "mode": "base",
            "skR": to_hex(&*recipient.secret_key.to_bytes()), "enc": to_hex(&header[28..93]),
            "info": to_hex(b"envelope info"), "aad": to_hex(&aad), "ct": to_hex(ct),
        }]
    }));
    assert_eq!(
        reply["opened"][0]["pt"].as_str().unwrap(),
        to_hex(b"hotel check-in"),
        "{}",
        reply["opened"][0]
    );
    assert_eq!(
        envelope::open(
            &recipient.secret_key,
            &env,
            &OpenOptions {
                info: b"envelope info",
                aad: b"caller aad"
            }
        )
        .unwrap(),
        b"hotel check-in"
    );
}
