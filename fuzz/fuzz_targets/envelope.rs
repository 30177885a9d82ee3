//! The envelope (src/seal/envelope.rs, header.rs): `inspect`, `open` with
//! the fixed recipient key, the text form, and a seal → open roundtrip of
//! the input as plaintext (when its first byte is a multiple of 8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
use mpshield::seal::hpke::Aead;
use mpshield_fuzz::{checked, init, rng};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let info = checked(envelope::inspect(data));
    if let Some(plain) = checked(envelope::open(
        &f.recipient.secret_key,
        data,
        &OpenOptions::default(),
    )) {
        assert!(info.is_some(), "open accepted what inspect refused");
        assert!(plain.len() + envelope::OVERHEAD == data.len());
    }
    if let Some(info) = info {
        let text = envelope::to_text(data).expect("to_text of an inspected envelope");
        assert_eq!(
            envelope::from_text(&text).expect("from_text(to_text)"),
            data
        );
        assert_eq!(info.version, envelope::VERSION);
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
    let aead = Aead::ALL[usize::from(data.first().copied().unwrap_or(0) % 3)];
    let options = SealOptions {
        info: b"fuzz",
        aad: data.get(..1).unwrap_or_default(),
        aead,
    };
    let sealed = envelope::seal_with_rng(&f.recipient.public_key, data, &options, &mut rng(1))
        .expect("seal");
    let opened = envelope::open(
        &f.recipient.secret_key,
        &sealed,
        &OpenOptions {
            info: options.info,
            aad: options.aad,
        },
    )
    .expect("open(seal)");
    assert_eq!(opened, data);
});
