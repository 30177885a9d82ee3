//! Streams (src/seal/stream.rs, header.rs): `inspect_header`, opening the
//! input as a whole stream (64-byte header, then the rest in pieces whose
//! size the header's last byte picks) with the fixed key, and a seal → open
//! roundtrip of the input as plaintext in 64-byte chunks (when its first
//! byte is a multiple of 8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::seal::envelope::OpenOptions;
use mpshield::seal::hpke::Aead;
use mpshield::seal::stream::{self, OpenStream, SealStream, StreamOptions};
use mpshield_fuzz::{check_error, checked, init, rng};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let header = data.get(..stream::HEADER_SIZE).unwrap_or(data);
    let rest = data.get(stream::HEADER_SIZE..).unwrap_or_default();
    let info = checked(stream::inspect_header(header));
    if let Some(mut open) = checked(OpenStream::new(
        &f.recipient.secret_key,
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
    let aead = Aead::ALL[usize::from(data.first().copied().unwrap_or(0) % 3)];
    let options = StreamOptions {
        aead,
        chunk_size: stream::MIN_CHUNK_SIZE,
        ..StreamOptions::default()
    };
    let mut seal = SealStream::new_with_rng(&f.recipient.public_key, &options, &mut rng(2))
        .expect("seal stream");
    let mut sealed = seal.header().to_vec();
    let (a, b) = data.split_at(data.len() / 2);
    sealed.extend(seal.push(a).expect("push"));
    sealed.extend(seal.finish(b).expect("finish"));
    let (h, body) = sealed.split_at(stream::HEADER_SIZE);
    let mut open =
        OpenStream::new(&f.recipient.secret_key, h, &OpenOptions::default()).expect("open stream");
    let mut plain = Vec::new();
    for p in body.chunks(97) {
        plain.extend(open.push(p).expect("open chunk"));
    }
    open.finish().expect("finish open");
    assert_eq!(plain, data);
});
