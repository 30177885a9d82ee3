//! mpshield's own RFC 9180 key schedule (src/seal/hpke.rs) against the
//! `hpke` crate, an independent implementation, for the intl suite in both
//! directions: every mode × every AEAD, several messages per context and
//! the exporter. mpshield seals and the crate opens; the crate seals and
//! mpshield opens; both export the same secrets. A changed byte of a
//! ciphertext fails on the other side (so the comparison can fail).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ::hpke as peer;
use chacha20::ChaCha20Rng;
use mpshield::seal::hpke::{
    self, Aead, Kem, Mode, PublicKey, ReceiverParams, SecretKey, SenderParams,
};
use peer::aead::{AesGcm128, AesGcm256, ChaCha20Poly1305, ExportOnlyAead};
use peer::{Deserializable, Kem as _, OpModeR, OpModeS, PskBundle, Serializable};
use rand_core::SeedableRng;

type PeerKem = peer::kem::X25519HkdfSha256;
type PeerKdf = peer::kdf::HkdfSha256;
type PeerSk = <PeerKem as peer::Kem>::PrivateKey;
type PeerPk = <PeerKem as peer::Kem>::PublicKey;
type PeerEnc = <PeerKem as peer::Kem>::EncappedKey;

const PSK: [u8; 32] = [0x42; 32];
const PSK_ID: &[u8] = b"psk id";
const INFO: &[u8] = b"mpshield differential";
const MESSAGES: [&[u8]; 3] = [b"", b"licence photo", &[0x5a; 300]];

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

fn peer_sk(sk: &SecretKey) -> PeerSk {
    PeerSk::from_bytes(&*sk.to_bytes()).unwrap()
}

fn peer_pk(pk: &PublicKey) -> PeerPk {
    PeerPk::from_bytes(pk.as_bytes()).unwrap()
}

/// What one direction produced: `enc`, the ciphertexts, an export.
struct Run {
    enc: Vec<u8>,
    cts: Vec<Vec<u8>>,
    export: Vec<u8>,
}

/// The crate as sender (AEAD `A`).
fn peer_seal<A: peer::aead::Aead>(mode: Mode, pk_r: &PublicKey, sender: &hpke::KeyPair) -> Run {
    let psk = PskBundle::new(&PSK, PSK_ID).unwrap();
    let id = (peer_sk(&sender.secret_key), peer_pk(&sender.public_key));
    let op = match mode {
        Mode::Base => OpModeS::Base,
        Mode::Psk => OpModeS::Psk(psk),
        Mode::Auth => OpModeS::Auth(id),
        Mode::AuthPsk => OpModeS::AuthPsk(id, psk),
    };
    let (enc, mut ctx) =
        peer::setup_sender_with_rng::<A, PeerKdf, PeerKem>(&op, &peer_pk(pk_r), INFO, &mut rng(9))
            .unwrap();
    let cts = if A::AEAD_ID == 0xffff {
        Vec::new()
    } else {
        MESSAGES
            .iter()
            .map(|m| ctx.seal(m, b"aad").unwrap())
            .collect()
    };
    let mut export = vec![0u8; 48];
    ctx.export(b"exporter context", &mut export).unwrap();
    Run {
        enc: enc.to_bytes().to_vec(),
        cts,
        export,
    }
}

/// The crate as receiver: the plaintexts, or `None` where one did not
/// open; and the export.
fn peer_open<A: peer::aead::Aead>(
    mode: Mode,
    sk_r: &SecretKey,
    sender: &hpke::KeyPair,
    run: &Run,
) -> (Vec<Option<Vec<u8>>>, Vec<u8>) {
    let psk = PskBundle::new(&PSK, PSK_ID).unwrap();
    let pk_s = peer_pk(&sender.public_key);
    let op = match mode {
        Mode::Base => OpModeR::Base,
        Mode::Psk => OpModeR::Psk(psk),
        Mode::Auth => OpModeR::Auth(pk_s),
        Mode::AuthPsk => OpModeR::AuthPsk(pk_s, psk),
    };
    let enc = PeerEnc::from_bytes(&run.enc).unwrap();
    let mut ctx =
        peer::setup_receiver::<A, PeerKdf, PeerKem>(&op, &peer_sk(sk_r), &enc, INFO).unwrap();
    let pts = run.cts.iter().map(|c| ctx.open(c, b"aad").ok()).collect();
    let mut export = vec![0u8; 48];
    ctx.export(b"exporter context", &mut export).unwrap();
    (pts, export)
}

fn params(mode: Mode) -> (&'static [u8], &'static [u8]) {
    if matches!(mode, Mode::Psk | Mode::AuthPsk) {
        (&PSK, PSK_ID)
    } else {
        (b"", b"")
    }
}

fn auth(mode: Mode) -> bool {
    matches!(mode, Mode::Auth | Mode::AuthPsk)
}

/// mpshield as sender.
fn own_seal(mode: Mode, aead: Aead, pk_r: &PublicKey, sender: &hpke::KeyPair) -> Run {
    let (psk, psk_id) = params(mode);
    let sp = SenderParams {
        mode,
        aead: Some(aead),
        info: INFO,
        psk,
        psk_id,
        sender_secret_key: auth(mode).then_some(&sender.secret_key),
        ..SenderParams::default()
    };
    let mut ctx = hpke::setup_sender_with_rng(pk_r, &sp, &mut rng(8)).unwrap();
    let cts = if aead.can_seal() {
        MESSAGES
            .iter()
            .map(|m| ctx.seal(m, b"aad").unwrap())
            .collect()
    } else {
        Vec::new()
    };
    Run {
        enc: ctx.enc().to_vec(),
        cts,
        export: ctx.export_secret(b"exporter context", 48).unwrap().to_vec(),
    }
}

/// mpshield as receiver.
fn own_open(
    mode: Mode,
    aead: Aead,
    sk_r: &SecretKey,
    sender: &hpke::KeyPair,
    run: &Run,
) -> (Vec<Option<Vec<u8>>>, Vec<u8>) {
    let (psk, psk_id) = params(mode);
    let rp = ReceiverParams {
        mode,
        aead: Some(aead),
        info: INFO,
        psk,
        psk_id,
        sender_public_key: auth(mode).then_some(&sender.public_key),
        ..ReceiverParams::default()
    };
    let mut ctx = hpke::setup_receiver(sk_r, &run.enc, &rp).unwrap();
    let pts = run.cts.iter().map(|c| ctx.open(c, b"aad").ok()).collect();
    (
        pts,
        ctx.export_secret(b"exporter context", 48).unwrap().to_vec(),
    )
}

macro_rules! both_ways {
    ($aead:expr, $peer:ty) => {{
        let recipient = hpke::generate_key_pair_with_rng(Kem::X25519, &mut rng(1)).unwrap();
        let sender = hpke::generate_key_pair_with_rng(Kem::X25519, &mut rng(2)).unwrap();
        for mode in Mode::ALL {
            let label = format!("{} {}", mode.name(), $aead.name());
            // mpshield seals, the crate opens.
            let mut run = own_seal(mode, $aead, &recipient.public_key, &sender);
            let (pts, export) = peer_open::<$peer>(mode, &recipient.secret_key, &sender, &run);
            assert_eq!(export, run.export, "{label}: export, mpshield -> crate");
            for (i, pt) in pts.iter().enumerate() {
                assert_eq!(pt.as_deref(), Some(MESSAGES[i]), "{label}: message {i}");
            }
            // A changed byte does not open on the other side.
            if let Some(ct) = run.cts.get_mut(1) {
                ct[0] ^= 1;
                let (pts, _) = peer_open::<$peer>(mode, &recipient.secret_key, &sender, &run);
                assert_eq!(pts[1], None, "{label}: tampered message opened");
            }
            // The crate seals, mpshield opens.
            let mut run = peer_seal::<$peer>(mode, &recipient.public_key, &sender);
            let (pts, export) = own_open(mode, $aead, &recipient.secret_key, &sender, &run);
            assert_eq!(export, run.export, "{label}: export, crate -> mpshield");
            for (i, pt) in pts.iter().enumerate() {
                assert_eq!(pt.as_deref(), Some(MESSAGES[i]), "{label}: message {i}");
            }
            if let Some(ct) = run.cts.get_mut(2) {
                ct[5] ^= 0x80;
                let (pts, _) = own_open(mode, $aead, &recipient.secret_key, &sender, &run);
                assert_eq!(pts[2], None, "{label}: tampered message opened");
            }
        }
    }};
}

#[test]
fn aes_128_gcm_both_ways_in_every_mode() {
    both_ways!(Aead::Aes128Gcm, AesGcm128);
}

#[test]
fn aes_256_gcm_both_ways_in_every_mode() {
    both_ways!(Aead::Aes256Gcm, AesGcm256);
}

#[test]
fn chacha20_poly1305_both_ways_in_every_mode() {
    both_ways!(Aead::ChaCha20Poly1305, ChaCha20Poly1305);
}

#[test]
fn export_only_both_ways_in_every_mode() {
    both_ways!(Aead::ExportOnly, ExportOnlyAead);
}

#[test]
fn derived_keys_agree_with_the_crate() {
    for seed in 0u8..16 {
        let ikm = [seed; 32];
        let own = hpke::derive_key_pair(Kem::X25519, &ikm).unwrap();
        let (sk, pk) = PeerKem::derive_keypair(&ikm);
        assert_eq!(own.public_key.as_bytes(), &pk.to_bytes()[..]);
        // mpshield stores X25519 keys clamped; so does its parse of the
        // crate's key.
        let theirs = SecretKey::from_bytes(Kem::X25519, &sk.to_bytes()).unwrap();
        assert_eq!(*own.secret_key.to_bytes(), *theirs.to_bytes());
    }
}
