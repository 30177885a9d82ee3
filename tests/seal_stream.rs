//! Streaming at size: 64 MiB through `SealStream` → `OpenStream` without
//! ever holding the payload (data is generated, sealed, opened and hashed
//! piece by piece), with checks that each call's output stays bounded by
//! its input — the memory of both sides is flat in the payload size.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chacha20::ChaCha20Rng;
use mpshield::seal::envelope::OpenOptions;
use mpshield::seal::hpke::{self, Aead};
use mpshield::seal::stream::{
    OpenStream, SealStream, StreamOptions, CHUNK_OVERHEAD, DEFAULT_CHUNK_SIZE,
};
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

fn run(aead: Aead, total: usize, piece: usize, open_piece: usize) {
    let mut r = ChaCha20Rng::from_seed([0x64; 32]);
    let kp = hpke::generate_key_pair_with_rng(mpshield::seal::hpke::Kem::X25519, &mut r).unwrap();
    let opts = StreamOptions {
        info: b"scan.pdf",
        aad: b"case 42",
        aead: Some(aead),
        ..StreamOptions::default()
    };
    let mut sealer = SealStream::new_with_rng(&kp.public_key, &opts, &mut r).unwrap();
    let mut opener = OpenStream::new(
        &kp.secret_key,
        sealer.header(),
        &OpenOptions {
            info: b"scan.pdf",
            aad: b"case 42",
        },
    )
    .unwrap();

    let mut data_rng = ChaCha20Rng::from_seed([0x33; 32]);
    let (mut sent, mut received) = (Sha256::new(), Sha256::new());
    let (mut sealed_len, mut opened_len) = (0usize, 0usize);
    let mut buf = vec![0u8; piece];
    let bound = |input: usize| {
        input + (input / DEFAULT_CHUNK_SIZE + 2) * (DEFAULT_CHUNK_SIZE + CHUNK_OVERHEAD)
    };

    let mut feed = |sealed: Vec<u8>, opener: &mut OpenStream| {
        sealed_len += sealed.len();
        for p in sealed.chunks(open_piece) {
            let plain = opener.push(p).unwrap();
            assert!(
                plain.len() <= p.len() + DEFAULT_CHUNK_SIZE,
                "open output bounded"
            );
            opened_len += plain.len();
            received.update(&plain);
        }
    };

    let mut left = total;
    while left > 0 {
        let n = left.min(piece);
        data_rng.fill_bytes(&mut buf[..n]);
        sent.update(&buf[..n]);
        let sealed = sealer.push(&buf[..n]).unwrap();
        assert!(sealed.len() <= bound(n), "seal output bounded");
        feed(sealed, &mut opener);
        left -= n;
    }
    feed(sealer.finish(&[]).unwrap(), &mut opener);
    assert!(opener.is_done());
    opener.finish().unwrap();

    let chunks = total.div_ceil(DEFAULT_CHUNK_SIZE).max(1);
    assert_eq!(sealed_len, total + chunks * CHUNK_OVERHEAD);
    assert_eq!(opened_len, total);
    assert_eq!(sent.finalize(), received.finalize());
}

#[test]
fn sixty_four_mib_chacha20_poly1305() {
    run(Aead::ChaCha20Poly1305, 64 << 20, 1 << 20, 1_000_003);
}

#[test]
fn eight_mib_aes_256_gcm_in_odd_pieces() {
    run(Aead::Aes256Gcm, (8 << 20) + 12_345, 100_000, 65_557);
}

#[test]
fn aes_128_gcm_small_and_exact_multiples() {
    for total in [0, 1, DEFAULT_CHUNK_SIZE, 3 * DEFAULT_CHUNK_SIZE] {
        run(Aead::Aes128Gcm, total, 4096, 333);
    }
}
