//! The envelope (src/seal/envelope.rs, header.rs): `inspect`, `open` with
//! the fixed recipient key of the suite the version byte names (intl or
//! gm), the text form, and a seal → open roundtrip of the input as
//! plaintext to either suite (when its first byte is a multiple of 8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
use mpshield::seal::hpke::{Aead, Kem};
use mpshield_fuzz::{checked, init, rng};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let info = checked(envelope::inspect(data));
    let gm = data.get(4) == Some(&2);
    let key = if gm { &f.gm_recipient } else { &f.recipient };
    if let Some(plain) = checked(envelope::open(
        &key.secret_key,
        data,
        &OpenOptions::default(),
    )) {
        let info = info.expect("open accepted what inspect refused");
        assert!(plain.len() + envelope::overhead(info.suite) == data.len());
    }
    if let Some(info) = info {
        let text = envelope::to_text(data).expect("to_text of an inspected envelope");
        assert_eq!(
            envelope::from_text(&text).expect("from_text(to_text)"),
            data
        );
        assert_eq!(info.version, if gm { 2 } else { 1 });
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(bytes) = checked(envelope::from_text(text)) {
            assert_eq!(envelope::to_text(&bytes).expect("to_text(from_text)"), text);
        }
    }
    // The input as plaintext, sealed with the AEAD its first byte picks;
    // for one input in eight (by that byte), as sealing costs far more than
    // parsing.
    if data.first().is_some_and(|b| b % 8 != 0) {
        return;
    }
    let pick = usize::from(data.first().copied().unwrap_or(0) / 8 % 4);
    let (key, aead) = match Aead::ALL.get(pick) {
        Some(a) if a.belongs_with(Kem::X25519) => (&f.recipient, *a),
        _ => (&f.gm_recipient, Aead::Sm4Gcm),
    };
    let options = SealOptions {
        info: b"fuzz",
        aad: data.get(..1).unwrap_or_default(),
        aead: Some(aead),
        suite: None,
    };
    let sealed =
        envelope::seal_with_rng(&key.public_key, data, &options, &mut rng(1)).expect("seal");
    let opened = envelope::open(
        &key.secret_key,
        &sealed,
        &OpenOptions {
            info: options.info,
            aad: options.aad,
        },
    )
    .expect("open(seal)");
    assert_eq!(opened, data);
});
