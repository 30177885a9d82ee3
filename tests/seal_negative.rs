//! Negative tests for seal: every failure is a typed error with the
//! expected code, never a panic and never a wrong plaintext. Cases are data
//! (tables of mutation → expected code).

#![allow(clippy::type_complexity)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chacha20::ChaCha20Rng;
use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
use mpshield::seal::hpke::{
    self, Aead, KeyPair, Mode, PublicKey, ReceiverParams, SecretKey, SenderParams, LOW_ORDER_POINTS,
};
use mpshield::seal::stream::{OpenStream, SealStream, StreamOptions};
use mpshield::Error;
use rand_core::SeedableRng;

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

fn keys() -> (KeyPair, KeyPair) {
    let mut r = rng(1);
    (
        hpke::generate_key_pair_with_rng(mpshield::seal::hpke::Kem::X25519, &mut r).unwrap(),
        hpke::generate_key_pair_with_rng(mpshield::seal::hpke::Kem::X25519, &mut r).unwrap(),
    )
}

const PLAINTEXT: &[u8] = b"ID 11010519491231002X";
const OPTS: OpenOptions<'static> = OpenOptions {
    info: b"info",
    aad: b"aad",
};

fn small_envelope(recipient: &PublicKey) -> Vec<u8> {
    let opts = SealOptions {
        info: b"info",
        aad: b"aad",
        aead: Some(Aead::ChaCha20Poly1305),
        suite: None,
    };
    envelope::seal_with_rng(recipient, PLAINTEXT, &opts, &mut rng(2)).unwrap()
}

fn code<T>(r: Result<T, Error>) -> &'static str {
    match r {
        Ok(_) => "OK",
        Err(e) => e.code(),
    }
}

/// The code a modified envelope must give, from docs/FORMAT.md's parsing
/// rules, given the position of the change and the modified bytes.
fn expected_for_envelope(pos: usize, m: &[u8], real_ct_len: usize) -> &'static str {
    match pos {
        0..=4 => "INVALID_ENVELOPE", // magic, version
        5 => match m[5] {
            1..=3 => "UNSUPPORTED_ALGORITHM", // psk/auth modes not in version 1
            _ => "INVALID_ENVELOPE",          // no such mode
        },
        6..=9 => "UNSUPPORTED_ALGORITHM", // KEM, KDF
        10 | 11 => match u16::from_be_bytes([m[10], m[11]]) {
            1..=3 => "DECRYPT_FAILED", // another real AEAD: bound by the key schedule
            _ => "UNSUPPORTED_ALGORITHM",
        },
        12..=59 => "DECRYPT_FAILED", // key id, enc
        60..=63 => {
            let declared = u32::from_be_bytes([m[60], m[61], m[62], m[63]]) as usize;
            if declared < 16 || declared < real_ct_len {
                "INVALID_ENVELOPE" // shorter than a tag, or trailing bytes
            } else {
                "TRUNCATED"
            }
        }
        _ => "DECRYPT_FAILED", // ciphertext and tag
    }
}

#[test]
fn envelope_every_bit_of_every_byte() {
    let (recipient, _) = keys();
    let env = small_envelope(&recipient.public_key);
    assert_eq!(
        envelope::open(&recipient.secret_key, &env, &OPTS).unwrap(),
        PLAINTEXT
    );
    let ct_len = env.len() - 64;
    let mut checked = 0;
    for pos in 0..env.len() {
        for bit in 0..8 {
            let mut m = env.clone();
            m[pos] ^= 1 << bit;
            let want = expected_for_envelope(pos, &m, ct_len);
            let got = code(envelope::open(&recipient.secret_key, &m, &OPTS));
            assert_eq!(got, want, "byte {pos} bit {bit}");
            // inspect agrees on everything that is not cryptographic
            let inspected = code(envelope::inspect(&m));
            if want == "DECRYPT_FAILED" {
                assert_eq!(inspected, "OK", "byte {pos} bit {bit}");
            } else {
                assert_eq!(inspected, want, "byte {pos} bit {bit}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, env.len() * 8);
}

#[test]
fn envelope_truncated_at_every_length_and_trailing_bytes() {
    let (recipient, _) = keys();
    let env = small_envelope(&recipient.public_key);
    for len in 0..env.len() {
        assert_eq!(
            code(envelope::open(&recipient.secret_key, &env[..len], &OPTS)),
            "TRUNCATED",
            "cut to {len} bytes"
        );
        assert_eq!(code(envelope::inspect(&env[..len])), "TRUNCATED");
    }
    for extra in [&[0u8][..], &[0u8; 16], &env[..]] {
        let mut m = env.clone();
        m.extend_from_slice(extra);
        assert_eq!(
            code(envelope::open(&recipient.secret_key, &m, &OPTS)),
            "INVALID_ENVELOPE"
        );
        assert_eq!(code(envelope::inspect(&m)), "INVALID_ENVELOPE");
    }
}

#[test]
fn envelope_wrong_key_info_aad_and_text() {
    let (recipient, other) = keys();
    let env = small_envelope(&recipient.public_key);
    let table: &[(&str, &SecretKey, OpenOptions<'_>, &str)] = &[
        ("right", &recipient.secret_key, OPTS, "OK"),
        ("wrong key", &other.secret_key, OPTS, "DECRYPT_FAILED"),
        (
            "wrong info",
            &recipient.secret_key,
            OpenOptions {
                info: b"inf0",
                ..OPTS
            },
            "DECRYPT_FAILED",
        ),
        (
            "no info",
            &recipient.secret_key,
            OpenOptions { info: b"", ..OPTS },
            "DECRYPT_FAILED",
        ),
        (
            "wrong aad",
            &recipient.secret_key,
            OpenOptions {
                aad: b"aaD",
                ..OPTS
            },
            "DECRYPT_FAILED",
        ),
        (
            "no aad",
            &recipient.secret_key,
            OpenOptions { aad: b"", ..OPTS },
            "DECRYPT_FAILED",
        ),
    ];
    for (what, sk, opts, want) in table {
        assert_eq!(code(envelope::open(sk, &env, opts)), *want, "{what}");
    }
    // The key id matches only the intended recipient, but a forged key id
    // pointing at another key still fails: the recipient's key is in the
    // KEM context.
    let mut forged = env.clone();
    forged[12..28].copy_from_slice(&other.public_key.key_id());
    assert_eq!(
        code(envelope::open(&other.secret_key, &forged, &OPTS)),
        "DECRYPT_FAILED"
    );

    let text = envelope::to_text(&env).unwrap();
    let bad_texts = [
        format!("{text}="),     // padding
        format!("{text}\n"),    // whitespace
        text.replace('-', "+"), // standard alphabet
        format!("{text}A"),     // impossible length / trailing
        String::from("not base64!"),
    ];
    for t in &bad_texts {
        if t == &text {
            continue;
        }
        assert_eq!(code(envelope::from_text(t)), "INVALID_ENVELOPE", "{t:?}");
    }
    assert_eq!(code(envelope::to_text(b"MPSE")), "TRUNCATED");
    assert_eq!(code(envelope::to_text(b"hello")), "INVALID_ENVELOPE");
}

#[test]
fn low_order_and_malformed_keys() {
    let (recipient, _) = keys();
    let env = small_envelope(&recipient.public_key);
    for p in LOW_ORDER_POINTS {
        for top in [0u8, 0x80] {
            let mut point = p;
            point[31] |= top;
            // as a key: refused up front
            assert_eq!(code(PublicKey::from_bytes(&point)), "INVALID_KEY");
            // as enc (ciphertext material): opaque
            let mut m = env.clone();
            m[28..60].copy_from_slice(&point);
            assert_eq!(
                code(envelope::open(&recipient.secret_key, &m, &OPTS)),
                "DECRYPT_FAILED"
            );
            let rp = ReceiverParams::default();
            assert_eq!(
                code(hpke::open(
                    &recipient.secret_key,
                    &point,
                    &rp,
                    b"",
                    &[0u8; 32]
                )),
                "DECRYPT_FAILED"
            );
            assert_eq!(
                code(hpke::setup_receiver(&recipient.secret_key, &point, &rp)),
                "DECRYPT_FAILED"
            );
        }
    }
    let table: &[(&[u8], &str)] = &[
        (&[], "INVALID_KEY"),
        (&[1; 31], "INVALID_KEY"),
        (&[1; 33], "INVALID_KEY"),
    ];
    for (bytes, want) in table {
        assert_eq!(code(PublicKey::from_bytes(bytes)), *want);
        assert_eq!(
            code(SecretKey::from_bytes(
                mpshield::seal::hpke::Kem::X25519,
                bytes
            )),
            *want
        );
    }
    assert_eq!(
        code(SecretKey::from_bytes(
            mpshield::seal::hpke::Kem::X25519,
            &[0; 32]
        )),
        "INVALID_KEY"
    );
}

#[test]
fn hpke_mode_parameters_are_checked() {
    let (recipient, sender) = keys();
    let psk = [7u8; 32];
    let pk = &recipient.public_key;
    let sk = Some(&sender.secret_key);
    let base = SenderParams::default();
    let table: Vec<(&str, SenderParams<'_>, &str)> = vec![
        ("base", base, "OK"),
        (
            "base with psk",
            SenderParams {
                psk: &psk,
                psk_id: b"id",
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "base with sender key",
            SenderParams {
                sender_secret_key: sk,
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "psk",
            SenderParams {
                mode: Mode::Psk,
                psk: &psk,
                psk_id: b"id",
                ..base
            },
            "OK",
        ),
        (
            "psk without psk",
            SenderParams {
                mode: Mode::Psk,
                psk_id: b"id",
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "psk without id",
            SenderParams {
                mode: Mode::Psk,
                psk: &psk,
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "psk of 31 bytes",
            SenderParams {
                mode: Mode::Psk,
                psk: &psk[..31],
                psk_id: b"id",
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "auth",
            SenderParams {
                mode: Mode::Auth,
                sender_secret_key: sk,
                ..base
            },
            "OK",
        ),
        (
            "auth without key",
            SenderParams {
                mode: Mode::Auth,
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "auth with psk",
            SenderParams {
                mode: Mode::Auth,
                sender_secret_key: sk,
                psk: &psk,
                psk_id: b"id",
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "auth_psk",
            SenderParams {
                mode: Mode::AuthPsk,
                sender_secret_key: sk,
                psk: &psk,
                psk_id: b"id",
                ..base
            },
            "OK",
        ),
        (
            "auth_psk without key",
            SenderParams {
                mode: Mode::AuthPsk,
                psk: &psk,
                psk_id: b"id",
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "auth_psk without psk",
            SenderParams {
                mode: Mode::AuthPsk,
                sender_secret_key: sk,
                ..base
            },
            "INVALID_INPUT",
        ),
        (
            "export-only seal",
            SenderParams {
                aead: Some(Aead::ExportOnly),
                ..base
            },
            "UNSUPPORTED_ALGORITHM",
        ),
    ];
    for (what, params, want) in &table {
        assert_eq!(
            code(hpke::seal_with_rng(pk, params, b"", b"x", &mut rng(3))),
            *want,
            "{what}"
        );
    }
    let ctx = hpke::setup_sender_with_rng(pk, &base, &mut rng(4)).unwrap();
    for (len, want) in [
        (0, "INVALID_INPUT"),
        (1, "OK"),
        (8160, "OK"),
        (8161, "INVALID_INPUT"),
    ] {
        assert_eq!(code(ctx.export_secret(b"", len)), want, "export {len}");
    }
    let rp = ReceiverParams::default();
    for enc_len in [0, 31, 33] {
        assert_eq!(
            code(hpke::open(
                &recipient.secret_key,
                &vec![9; enc_len],
                &rp,
                b"",
                &[0; 16]
            )),
            "INVALID_INPUT"
        );
    }
}

#[test]
fn hpke_wrong_mode_suite_key_or_context() {
    let (recipient, sender) = keys();
    let psk = [7u8; 32];
    let sp = SenderParams {
        mode: Mode::AuthPsk,
        kdf: None,
        aead: Some(Aead::Aes256Gcm),
        info: b"info",
        psk: &psk,
        psk_id: b"id",
        sender_secret_key: Some(&sender.secret_key),
    };
    let s =
        hpke::seal_with_rng(&recipient.public_key, &sp, b"aad", PLAINTEXT, &mut rng(5)).unwrap();
    let other_psk = [8u8; 32];
    let rp = ReceiverParams {
        mode: Mode::AuthPsk,
        kdf: None,
        aead: Some(Aead::Aes256Gcm),
        info: b"info",
        psk: &psk,
        psk_id: b"id",
        sender_public_key: Some(&sender.public_key),
    };
    let table: Vec<(&str, &SecretKey, ReceiverParams<'_>, &[u8], &str)> = vec![
        ("right", &recipient.secret_key, rp, b"aad", "OK"),
        (
            "wrong recipient key",
            &sender.secret_key,
            rp,
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong sender key",
            &recipient.secret_key,
            ReceiverParams {
                sender_public_key: Some(&recipient.public_key),
                ..rp
            },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong mode (psk)",
            &recipient.secret_key,
            ReceiverParams {
                mode: Mode::Psk,
                sender_public_key: None,
                ..rp
            },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong mode (auth)",
            &recipient.secret_key,
            ReceiverParams {
                mode: Mode::Auth,
                psk: b"",
                psk_id: b"",
                ..rp
            },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong aead (AES-128-GCM)",
            &recipient.secret_key,
            ReceiverParams {
                aead: Some(Aead::Aes128Gcm),
                ..rp
            },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong aead (ChaCha20-Poly1305)",
            &recipient.secret_key,
            ReceiverParams {
                aead: Some(Aead::ChaCha20Poly1305),
                ..rp
            },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "export-only open",
            &recipient.secret_key,
            ReceiverParams {
                aead: Some(Aead::ExportOnly),
                ..rp
            },
            b"aad",
            "UNSUPPORTED_ALGORITHM",
        ),
        (
            "wrong psk",
            &recipient.secret_key,
            ReceiverParams {
                psk: &other_psk,
                ..rp
            },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong psk id",
            &recipient.secret_key,
            ReceiverParams {
                psk_id: b"iD",
                ..rp
            },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong info",
            &recipient.secret_key,
            ReceiverParams { info: b"", ..rp },
            b"aad",
            "DECRYPT_FAILED",
        ),
        (
            "wrong aad",
            &recipient.secret_key,
            rp,
            b"",
            "DECRYPT_FAILED",
        ),
    ];
    for (what, sk, params, aad, want) in &table {
        let got = hpke::open(sk, &s.enc, params, aad, &s.ciphertext);
        if *want == "OK" {
            assert_eq!(got.unwrap(), PLAINTEXT);
        } else {
            assert_eq!(code(got), *want, "{what}");
        }
    }
    // every truncation of the ciphertext
    for len in 0..s.ciphertext.len() {
        assert_eq!(
            code(hpke::open(
                &recipient.secret_key,
                &s.enc,
                &rp,
                b"aad",
                &s.ciphertext[..len]
            )),
            "DECRYPT_FAILED"
        );
    }
    // contexts: messages out of order or replayed do not open
    let mut sc =
        hpke::setup_sender_with_rng(&recipient.public_key, &SenderParams::default(), &mut rng(6))
            .unwrap();
    let m0 = sc.seal(b"zero", b"").unwrap();
    let m1 = sc.seal(b"one", b"").unwrap();
    let mut rc =
        hpke::setup_receiver(&recipient.secret_key, sc.enc(), &ReceiverParams::default()).unwrap();
    assert_eq!(code(rc.open(&m1, b"")), "DECRYPT_FAILED");
    assert_eq!(rc.open(&m0, b"").unwrap(), b"zero");
    assert_eq!(code(rc.open(&m0, b"")), "DECRYPT_FAILED");
    assert_eq!(rc.open(&m1, b"").unwrap(), b"one");
}

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

const CHUNK: usize = 64;

struct Sealed {
    header: Vec<u8>,
    chunks: Vec<Vec<u8>>,
    plaintext: Vec<u8>,
}

fn sealed_stream(recipient: &PublicKey, seed: u8) -> Sealed {
    let plaintext: Vec<u8> = (0..300u32)
        .map(|i| (i * 7 + u32::from(seed)) as u8)
        .collect();
    let opts = StreamOptions {
        info: b"info",
        aad: b"aad",
        chunk_size: CHUNK,
        ..StreamOptions::default()
    };
    let mut s = SealStream::new_with_rng(recipient, &opts, &mut rng(seed)).unwrap();
    let header = s.header().to_vec();
    let mut body = s.push(&plaintext).unwrap();
    body.extend(s.finish(&[]).unwrap());
    // 300 = 4 × 64 + 44: four full chunks and a final one.
    let full = CHUNK + 21;
    assert_eq!(body.len(), 4 * full + 44 + 21);
    let mut chunks: Vec<Vec<u8>> = body.chunks(full).map(<[u8]>::to_vec).collect();
    assert_eq!(chunks.len(), 5);
    assert_eq!(chunks[4][0], 1, "final flag");
    chunks.iter().take(4).for_each(|c| assert_eq!(c[0], 0));
    chunks.shrink_to_fit();
    Sealed {
        header,
        chunks,
        plaintext,
    }
}

/// Opens `body` pushed in `piece`-byte pieces (0: all at once).
fn open_stream(sk: &SecretKey, header: &[u8], body: &[u8], piece: usize) -> Result<Vec<u8>, Error> {
    let mut o = OpenStream::new(sk, header, &OPTS)?;
    let mut out = Vec::new();
    if piece == 0 {
        out.extend(o.push(body)?);
    } else {
        for p in body.chunks(piece) {
            out.extend(o.push(p)?);
        }
    }
    o.finish()?;
    Ok(out)
}

type Mutation = fn(&mut Vec<Vec<u8>>, &Sealed);

#[test]
fn stream_chunk_attacks() {
    let (recipient, _) = keys();
    let s = sealed_stream(&recipient.public_key, 9);
    let other = sealed_stream(&recipient.public_key, 10);
    let table: &[(&str, Mutation, &str)] = &[
        ("untouched", |_, _| {}, "OK"),
        ("reordered 1 and 2", |c, _| c.swap(1, 2), "DECRYPT_FAILED"),
        ("reordered 0 and 1", |c, _| c.swap(0, 1), "DECRYPT_FAILED"),
        (
            "dropped chunk 0",
            |c, _| drop(c.remove(0)),
            "DECRYPT_FAILED",
        ),
        (
            "dropped chunk 2",
            |c, _| drop(c.remove(2)),
            "DECRYPT_FAILED",
        ),
        (
            "duplicated chunk 1",
            |c, _| c.insert(2, c[1].clone()),
            "DECRYPT_FAILED",
        ),
        (
            "duplicated chunk 0",
            |c, _| c.insert(0, c[0].clone()),
            "DECRYPT_FAILED",
        ),
        ("dropped final chunk", |c, _| drop(c.pop()), "TRUNCATED"),
        ("only the header", |c, _| c.clear(), "TRUNCATED"),
        (
            "final chunk duplicated",
            |c, _| c.push(c[4].clone()),
            "INVALID_ENVELOPE",
        ),
        (
            "non-final chunk appended",
            |c, _| c.push(c[0].clone()),
            "INVALID_ENVELOPE",
        ),
        (
            "one byte appended",
            |c, _| c.push(vec![0]),
            "INVALID_ENVELOPE",
        ),
        (
            "chunk from another stream",
            |c, o| c[1] = o.chunks[1].clone(),
            "DECRYPT_FAILED",
        ),
        (
            "final chunk from another stream",
            |c, o| c[4] = o.chunks[4].clone(),
            "DECRYPT_FAILED",
        ),
        (
            "non-final marked final",
            |c, _| c[3][0] = 1,
            "DECRYPT_FAILED",
        ),
        (
            "final marked non-final",
            |c, _| c[4][0] = 0,
            "INVALID_ENVELOPE",
        ),
        ("unknown flag", |c, _| c[0][0] = 2, "INVALID_ENVELOPE"),
        (
            "non-final length changed",
            |c, _| c[0][4] ^= 1,
            "INVALID_ENVELOPE",
        ),
        (
            "length over chunk size",
            |c, _| c[4][1] = 1,
            "INVALID_ENVELOPE",
        ),
        (
            "final shortened",
            |c, _| {
                c[4][4] -= 4;
                let n = c[4].len() - 4;
                c[4].truncate(n);
            },
            "DECRYPT_FAILED",
        ),
        (
            "final cut by a byte",
            |c, _| {
                c[4].pop();
            },
            "TRUNCATED",
        ),
        (
            "tag flipped",
            |c, _| *c[2].last_mut().unwrap() ^= 1,
            "DECRYPT_FAILED",
        ),
        (
            "ciphertext flipped",
            |c, _| c[2][10] ^= 0x40,
            "DECRYPT_FAILED",
        ),
    ];
    for (what, mutate, want) in table {
        let mut chunks = s.chunks.clone();
        mutate(&mut chunks, &other);
        let body = chunks.concat();
        for piece in [0, 1, 7, 85, 100] {
            let got = open_stream(&recipient.secret_key, &s.header, &body, piece);
            match (*want, got) {
                ("OK", Ok(p)) => assert_eq!(p, s.plaintext),
                (want, got) => assert_eq!(code(got), want, "{what}, pieces of {piece}"),
            }
        }
    }
}

#[test]
fn stream_truncated_flipped_wrong_key_and_header() {
    let (recipient, other) = keys();
    let s = sealed_stream(&recipient.public_key, 11);
    let body = s.chunks.concat();
    for len in 0..body.len() {
        assert_eq!(
            code(open_stream(
                &recipient.secret_key,
                &s.header,
                &body[..len],
                0
            )),
            "TRUNCATED",
            "cut to {len}"
        );
    }
    for pos in 0..body.len() {
        let mut m = body.clone();
        m[pos] ^= 0x10;
        let got = code(open_stream(&recipient.secret_key, &s.header, &m, 0));
        let in_prefix = (pos % 85) < 5;
        if in_prefix {
            assert!(
                ["DECRYPT_FAILED", "INVALID_ENVELOPE", "TRUNCATED"].contains(&got),
                "byte {pos}: {got}"
            );
        } else {
            assert_eq!(got, "DECRYPT_FAILED", "byte {pos}");
        }
    }
    // header: every byte flipped gives a typed error before or at the first chunk
    for pos in 0..s.header.len() {
        let mut h = s.header.clone();
        h[pos] ^= 0x01;
        let got = code(open_stream(&recipient.secret_key, &h, &body, 0));
        assert!(
            [
                "INVALID_ENVELOPE",
                "UNSUPPORTED_ALGORITHM",
                "DECRYPT_FAILED",
                "TRUNCATED"
            ]
            .contains(&got),
            "header byte {pos}: {got}"
        );
    }
    for len in 0..s.header.len() {
        assert_eq!(
            code(OpenStream::new(
                &recipient.secret_key,
                &s.header[..len],
                &OPTS
            )),
            "TRUNCATED"
        );
    }
    let mut long = s.header.clone();
    long.push(0);
    assert_eq!(
        code(OpenStream::new(&recipient.secret_key, &long, &OPTS)),
        "INVALID_ENVELOPE"
    );
    assert_eq!(
        code(OpenStream::new(&other.secret_key, &s.header, &OPTS)),
        "DECRYPT_FAILED"
    );
    for opts in [
        OpenOptions { info: b"", ..OPTS },
        OpenOptions { aad: b"", ..OPTS },
    ] {
        let mut o = OpenStream::new(&recipient.secret_key, &s.header, &opts).unwrap();
        assert_eq!(code(o.push(&body)), "DECRYPT_FAILED");
        // after a failure, the same error again, even for good input
        assert_eq!(code(o.push(&body)), "DECRYPT_FAILED");
        assert_eq!(code(o.finish()), "DECRYPT_FAILED");
    }
    // an envelope is not a stream header and vice versa
    let env = small_envelope(&recipient.public_key);
    assert_eq!(
        code(OpenStream::new(&recipient.secret_key, &env[..64], &OPTS)),
        "INVALID_ENVELOPE"
    );
    assert_eq!(code(envelope::inspect(&s.header)), "INVALID_ENVELOPE");
}

#[test]
fn stream_options_are_checked() {
    let (recipient, _) = keys();
    let table: &[(usize, Aead, &str)] = &[
        (63, Aead::ChaCha20Poly1305, "INVALID_INPUT"),
        (64, Aead::ChaCha20Poly1305, "OK"),
        (16 << 20, Aead::Aes128Gcm, "OK"),
        ((16 << 20) + 1, Aead::Aes256Gcm, "INVALID_INPUT"),
        (1024, Aead::ExportOnly, "UNSUPPORTED_ALGORITHM"),
    ];
    for (chunk_size, aead, want) in table {
        let opts = StreamOptions {
            chunk_size: *chunk_size,
            aead: Some(*aead),
            ..StreamOptions::default()
        };
        assert_eq!(
            code(SealStream::new_with_rng(
                &recipient.public_key,
                &opts,
                &mut rng(12)
            )),
            *want,
            "{chunk_size} {aead:?}"
        );
    }
}
