//! The worked examples of `docs/FORMAT.md` ("Envelope" and "Stream") are
//! regenerated here from fixed keys and fixed ephemeral key material and
//! compared with the document, so the document cannot drift from the code.
//! After an intended format change, run
//! `MPSHIELD_BLESS=1 cargo test --test seal_format` to rewrite the blocks,
//! and review the diff.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fmt::Write as _;

use common::{to_hex, Replay};
use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
use mpshield::seal::hpke::{self, Aead};
use mpshield::seal::stream::{OpenStream, SealStream, StreamOptions};

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/FORMAT.md");

fn seq(from: u8, len: u8) -> Vec<u8> {
    (from..from + len).collect()
}

/// `label  hex` with long values wrapped at 32 bytes.
fn row(out: &mut String, label: &str, bytes: &[u8], note: &str) {
    let mut lines = bytes.chunks(32).map(to_hex).collect::<Vec<_>>();
    if lines.is_empty() {
        lines.push(String::from("(empty)"));
    }
    for (i, l) in lines.iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        let note = if i == 0 && !note.is_empty() {
            format!("  {note}")
        } else {
            String::new()
        };
        writeln!(out, "{label:<14}{l}{note}").unwrap();
    }
}

fn text_row(out: &mut String, label: &str, bytes: &[u8]) {
    row(
        out,
        label,
        bytes,
        &format!("{:?}", String::from_utf8_lossy(bytes)),
    );
}

/// The 64-byte header, field by field.
fn header_rows(out: &mut String, h: &[u8], word_label: &str, word_note: &str) {
    row(
        out,
        "  magic",
        &h[0..4],
        &format!("{:?}", String::from_utf8_lossy(&h[0..4])),
    );
    row(out, "  version", &h[4..5], "1");
    row(out, "  mode", &h[5..6], "base");
    row(out, "  kem", &h[6..8], "DHKEM(X25519, HKDF-SHA256)");
    row(out, "  kdf", &h[8..10], "HKDF-SHA256");
    row(out, "  aead", &h[10..12], "ChaCha20-Poly1305");
    row(out, "  key id", &h[12..28], "SHA-256(pkR)[0..16]");
    row(out, "  enc", &h[28..60], "");
    row(out, word_label, &h[60..64], word_note);
}

fn envelope_example() -> String {
    let recipient =
        hpke::derive_key_pair(mpshield::seal::hpke::Kem::X25519, &seq(0x00, 32)).unwrap();
    let ikm_e = seq(0x20, 32);
    let (info, aad, plaintext) = (b"mpshield example", b"order 42", b"hello, relying party");
    let opts = SealOptions {
        info,
        aad,
        aead: Some(Aead::ChaCha20Poly1305),
        suite: None,
    };
    let env = envelope::seal_with_rng(
        &recipient.public_key,
        plaintext,
        &opts,
        &mut Replay(ikm_e.clone()),
    )
    .unwrap();
    let opened = envelope::open(&recipient.secret_key, &env, &OpenOptions { info, aad }).unwrap();
    assert_eq!(opened, plaintext);

    let mut s = String::new();
    row(
        &mut s,
        "ikmR",
        &seq(0x00, 32),
        "recipient: DeriveKeyPair(ikmR)",
    );
    row(&mut s, "skR", &*recipient.secret_key.to_bytes(), "");
    row(&mut s, "pkR", recipient.public_key.as_bytes(), "");
    row(&mut s, "ikmE", &ikm_e, "ephemeral: DeriveKeyPair(ikmE)");
    text_row(&mut s, "info", info);
    text_row(&mut s, "aad", aad);
    text_row(&mut s, "plaintext", plaintext);
    writeln!(s).unwrap();
    writeln!(s, "envelope, {} bytes:", env.len()).unwrap();
    let ct_len = env.len() - 64;
    header_rows(
        &mut s,
        &env[..64],
        "  length",
        &format!("{ct_len} = {} + 16", ct_len - 16),
    );
    row(&mut s, "  ciphertext", &env[64..env.len() - 16], "");
    row(&mut s, "  tag", &env[env.len() - 16..], "");
    writeln!(s).unwrap();
    writeln!(s, "text form (base64url, no padding):").unwrap();
    let text = envelope::to_text(&env).unwrap();
    for line in text.as_bytes().chunks(64) {
        writeln!(s, "{}", std::str::from_utf8(line).unwrap()).unwrap();
    }
    s
}

fn stream_example() -> String {
    let recipient =
        hpke::derive_key_pair(mpshield::seal::hpke::Kem::X25519, &seq(0x00, 32)).unwrap();
    let ikm_e = seq(0x40, 32);
    let (info, aad) = (b"mpshield example", b"order 42");
    let plaintext = seq(0x00, 100);
    let opts = StreamOptions {
        info,
        aad,
        aead: Some(Aead::ChaCha20Poly1305),
        chunk_size: 64,
        suite: None,
    };
    let mut sealer =
        SealStream::new_with_rng(&recipient.public_key, &opts, &mut Replay(ikm_e.clone())).unwrap();
    let header = sealer.header().to_vec();
    let mut body = sealer.push(&plaintext).unwrap();
    body.extend(sealer.finish(&[]).unwrap());
    let mut opener =
        OpenStream::new(&recipient.secret_key, &header, &OpenOptions { info, aad }).unwrap();
    assert_eq!(opener.push(&body).unwrap(), plaintext);
    opener.finish().unwrap();

    let mut s = String::new();
    row(
        &mut s,
        "pkR",
        recipient.public_key.as_bytes(),
        "the recipient above",
    );
    row(&mut s, "ikmE", &ikm_e, "ephemeral: DeriveKeyPair(ikmE)");
    text_row(&mut s, "info", info);
    text_row(&mut s, "aad", aad);
    row(&mut s, "plaintext", &plaintext, "100 bytes 00 01 … 63");
    writeln!(s).unwrap();
    writeln!(s, "header, 64 bytes:").unwrap();
    header_rows(&mut s, &header, "  chunk size", "64");
    let (c0, c1) = body.split_at(5 + 64 + 16);
    for (i, c) in [c0, c1].into_iter().enumerate() {
        let len = c.len() - 21;
        writeln!(s).unwrap();
        writeln!(s, "chunk {i}, {} bytes:", c.len()).unwrap();
        row(
            &mut s,
            "  flag",
            &c[0..1],
            if i == 0 { "more follow" } else { "final" },
        );
        row(&mut s, "  length", &c[1..5], &len.to_string());
        row(&mut s, "  ciphertext", &c[5..5 + len], "");
        row(&mut s, "  tag", &c[5 + len..], "");
    }
    s
}

fn check_block(doc: &mut String, name: &str, body: &str) -> bool {
    let start = format!("<!-- golden: {name} -->\n```text\n");
    let end = "```\n<!-- /golden -->";
    let a = doc
        .find(&start)
        .unwrap_or_else(|| panic!("docs/FORMAT.md has no `{start}` block"))
        + start.len();
    let b = a + doc[a..].find(end).expect("unterminated golden block");
    if doc[a..b] == *body {
        return true;
    }
    doc.replace_range(a..b, body);
    false
}

#[test]
fn format_md_worked_examples_match_the_code() {
    let mut doc = std::fs::read_to_string(DOC).unwrap();
    let env_ok = check_block(&mut doc, "envelope", &envelope_example());
    let stream_ok = check_block(&mut doc, "stream", &stream_example());
    if env_ok && stream_ok {
        return;
    }
    if std::env::var_os("MPSHIELD_BLESS").is_some() {
        std::fs::write(DOC, doc).unwrap();
        return;
    }
    panic!(
        "docs/FORMAT.md's worked examples differ from what the code produces \
         (envelope ok: {env_ok}, stream ok: {stream_ok}); if the format change is \
         intended, run `MPSHIELD_BLESS=1 cargo test --test seal_format` and review the diff"
    );
}
