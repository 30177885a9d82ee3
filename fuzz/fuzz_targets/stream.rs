//! Streams (src/seal/stream.rs, header.rs): `inspect_header`, opening the
//! input as a whole stream (the header of the suite its version byte names,
//! 64 or 97 bytes, then the rest in pieces whose size the header's last
//! byte picks) with the fixed key of that suite, and a seal → open
//! roundtrip of the input as plaintext in 64-byte chunks to either suite
//! (when its first byte is a multiple of 8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::seal::envelope::OpenOptions;
use mpshield::seal::hpke::{Aead, Kem};
use mpshield::seal::stream::{self, OpenStream, SealStream, StreamOptions};
use mpshield::suite::Suite;
use mpshield_fuzz::{check_error, checked, init, rng};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let suite = if data.get(4) == Some(&2) {
        Suite::Gm
    } else {
        Suite::Intl
    };
    let key = match suite {
        Suite::Gm => &f.gm_recipient,
        Suite::Intl => &f.recipient,
    };
    let size = stream::header_size(suite);
    let header = data.get(..size).unwrap_or(data);
    let rest = data.get(size..).unwrap_or_default();
    let info = checked(stream::inspect_header(header));
    if let Some(mut open) = checked(OpenStream::new(
        &key.secret_key,
        header,
        &OpenOptions::default(),
    )) {
        assert!(
            info.is_some(),
            "OpenStream::new accepted what inspect_header refused"
        );
        let piece = 1 + usize::from(header.last().copied().unwrap_or(0));
        let mut failed = false;
        for p in rest.chunks(piece) {
            if let Err(e) = open.push(p) {
                check_error(&e);
                failed = true;
                // After a failure, the same error again.
                assert_eq!(open.push(b"").map(|_| ()).unwrap_err().code(), e.code());
                break;
            }
        }
        let done = open.is_done();
        match open.finish() {
            Ok(()) => assert!(done && !failed),
            Err(e) => check_error(&e),
        }
    }
    // The input as plaintext, for one input in eight (by its first byte).
    if data.first().is_some_and(|b| b % 8 != 0) {
        return;
    }
    let pick = usize::from(data.first().copied().unwrap_or(0) / 8 % 4);
    let (key, aead) = match Aead::ALL.get(pick) {
        Some(a) if a.belongs_with(Kem::X25519) => (&f.recipient, *a),
        _ => (&f.gm_recipient, Aead::Sm4Gcm),
    };
    let options = StreamOptions {
        aead: Some(aead),
        chunk_size: stream::MIN_CHUNK_SIZE,
        ..StreamOptions::default()
    };
    let mut seal =
        SealStream::new_with_rng(&key.public_key, &options, &mut rng(2)).expect("seal stream");
    let mut sealed = seal.header().to_vec();
    let (a, b) = data.split_at(data.len() / 2);
    sealed.extend(seal.push(a).expect("push"));
    sealed.extend(seal.finish(b).expect("finish"));
    let (h, body) = sealed.split_at(stream::header_size(key.public_key.kem().suite()));
    let mut open =
        OpenStream::new(&key.secret_key, h, &OpenOptions::default()).expect("open stream");
    let mut plain = Vec::new();
    for p in body.chunks(97) {
        plain.extend(open.push(p).expect("open chunk"));
    }
    open.finish().expect("finish open");
    assert_eq!(plain, data);
});
