//! What the fuzz targets and the corpus generator share: one fixed seed for
//! the DRBG, fixed keys derived from constant seeds, fixed times, and the
//! checks every target makes of an error.
//!
//! Everything here is deterministic, so a crash found once reproduces from
//! its input alone, and `make fuzz-corpus` rewrites the same corpus.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use chacha20::ChaCha20Rng;
use mpshield::consent::record::{self, Form, LawfulBasis};
use mpshield::consent::{DeviceKey, DevicePublicKey, StorageKey};
use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use mpshield::flow::request::{RequestField, RequestOptions};
use mpshield::flow::verifier::Verifier;
use mpshield::seal::hpke::{self, KeyPair};
use mpshield::Error;
use rand_core::SeedableRng;

/// "Now" for every target: 2026-11-23T00:00:00Z (as in the tests).
pub const NOW: i64 = 1_795_392_000;
/// The DRBG's fixed entropy (not one repeated byte, which it refuses).
pub const ENTROPY: [u8; 32] = *b"mpshield fuzz fixed entropy v1.\x01";
/// The consent log's origin (checkpoints, receipts, storage).
pub const ORIGIN: &str = "mpshield.example/device/fuzz";
/// Key-binding audience and nonce of the SD-JWT presentations.
pub const AUD: &str = "hotel.example";
/// See [`AUD`].
pub const NONCE: &str = "n-fuzz-0001";
/// The issuer of the credentials.
pub const ISS: &str = "https://gov.example/issuer";

/// A deterministic generator from a one-byte seed.
#[must_use]
pub fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

/// A deterministic signing key.
#[must_use]
pub fn key(alg: Algorithm, seed: u8) -> SigningKey {
    SigningKey::generate_with_rng(alg, &mut rng(seed)).unwrap()
}

/// The HPKE key pair everything in the seal targets is sealed to.
#[must_use]
pub fn recipient() -> KeyPair {
    hpke::derive_key_pair(
        hpke::Kem::X25519,
        b"mpshield fuzz recipient key v1, 32+ bytes",
    )
    .unwrap()
}

/// The gm (SM2) HPKE key pair version-2 envelopes and streams are sealed to.
#[must_use]
pub fn gm_recipient() -> KeyPair {
    hpke::derive_key_pair(
        hpke::Kem::Sm2,
        b"mpshield fuzz gm recipient key v1, 32+ bytes",
    )
    .unwrap()
}

/// The hotel's HPKE key pair (the verifier target opens responses with it).
#[must_use]
pub fn hotel_seal_keys() -> KeyPair {
    hpke::derive_key_pair(
        hpke::Kem::X25519,
        b"mpshield fuzz hotel seal key v1, 32+ bytes",
    )
    .unwrap()
}

/// Every fixed key and party, made once per process.
pub struct Fixture {
    /// The licence issuer (ES256).
    pub issuer: SigningKey,
    /// A second issuer (EdDSA).
    pub issuer_ed: SigningKey,
    /// The holder the SD-JWTs are bound to (EdDSA).
    pub holder: SigningKey,
    /// Envelopes and streams are sealed to this.
    pub recipient: KeyPair,
    /// Version-2 (gm) envelopes and streams are sealed to this.
    pub gm_recipient: KeyPair,
    /// The relying party of the flow targets.
    pub hotel: Verifier,
    /// The public half of the hotel's sealing key.
    pub hotel_seal_public: hpke::PublicKey,
    /// The consent log's device key.
    pub device: DeviceKey,
    /// The storage key of the saved logs.
    pub storage_key: StorageKey,
}

impl Fixture {
    /// The device's public key.
    #[must_use]
    pub fn device_public(&self) -> DevicePublicKey {
        self.device.verifying_key()
    }

    /// The issuer keys the SD-JWT verify targets trust.
    #[must_use]
    pub fn issuer_keys(&self) -> Vec<VerifyingKey> {
        vec![
            self.issuer.verifying_key().clone(),
            self.issuer_ed.verifying_key().clone(),
        ]
    }
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

/// Seeds the DRBG with [`ENTROPY`] (once per process) and returns the fixed
/// keys. Every target calls this first.
pub fn init() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        mpshield::rng::add_entropy(&ENTROPY).unwrap();
        let issuer = key(Algorithm::Es256, 40);
        let seal = hotel_seal_keys();
        let hotel = Verifier::new(
            "测试酒店有限公司",
            &uscc(1),
            key(Algorithm::EdDsa, 41),
            seal.secret_key,
            vec![issuer.verifying_key().clone()],
        )
        .unwrap();
        Fixture {
            issuer,
            issuer_ed: key(Algorithm::EdDsa, 45),
            holder: key(Algorithm::EdDsa, 46),
            recipient: recipient(),
            gm_recipient: gm_recipient(),
            hotel,
            hotel_seal_public: seal.public_key,
            device: DeviceKey::from_bytes(&[0x42; 32]),
            storage_key: StorageKey::from_bytes([7; 32]),
        }
    })
}

/// A synthetic USCC with a valid check character.
#[must_use]
pub fn uscc(n: u32) -> String {
    let first = format!("91440300MA{:07}", n % 10_000_000);
    let check = record::uscc_check_character(&first).unwrap();
    format!("{first}{check}")
}

/// One requested field.
#[must_use]
pub fn field(licence: &str, field: &str, forms: &[Form], predicate: Option<&str>) -> RequestField {
    RequestField {
        licence: licence.into(),
        field: field.into(),
        required: true,
        forms: forms.to_vec(),
        retention_days: 30,
        predicate: predicate.map(str::to_owned),
    }
}

/// The hotel's request options: name, ID number (masked accepted), over 18.
#[must_use]
pub fn hotel_request_options() -> RequestOptions {
    RequestOptions {
        purpose: "住宿登记".into(),
        lawful_basis: LawfulBasis::LegalDuty,
        fields: vec![
            field("resident_id_card", "name", &[Form::Full], None),
            field(
                "resident_id_card",
                "id_number",
                &[Form::Full, Form::Masked],
                None,
            ),
            field(
                "resident_id_card",
                "birth_date",
                &[Form::Predicate],
                Some("age_equal_or_over/18"),
            ),
        ],
        ttl_seconds: 300,
        notice_url: Some("https://hotel.example/privacy".into()),
    }
}

/// The one property every target checks of every error: its code is one of
/// the stable codes, and it has a message.
pub fn check_error(e: &Error) {
    let code = e.code();
    assert!(
        mpshield::error::ALL_CODES.contains(&code),
        "error code {code:?} is not in ALL_CODES"
    );
    assert!(!e.to_string().is_empty(), "error {code} has no message");
}

/// [`check_error`] on the error of `r`, if any; returns the value.
pub fn checked<T>(r: mpshield::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            check_error(&e);
            None
        }
    }
}

/// Splits `data` into blobs, each a big-endian u32 length and that many
/// bytes (the encoding of multi-part inputs, e.g. stored segments). A
/// short tail is the last blob.
#[must_use]
pub fn split_blobs(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let Some((len, rest)) = data.split_first_chunk::<4>() else {
            out.push(data);
            break;
        };
        let n = usize::try_from(u32::from_be_bytes(*len)).unwrap_or(usize::MAX);
        let n = n.min(rest.len());
        let (blob, tail) = rest.split_at(n);
        out.push(blob);
        data = tail;
    }
    out
}

/// The inverse of [`split_blobs`].
#[must_use]
pub fn join_blobs<B: AsRef<[u8]>>(blobs: &[B]) -> Vec<u8> {
    let mut out = Vec::new();
    for b in blobs {
        let b = b.as_ref();
        out.extend_from_slice(&u32::try_from(b.len()).unwrap().to_be_bytes());
        out.extend_from_slice(b);
    }
    out
}

/// `data` split at its first `\n`: (first line, rest); no newline gives
/// an empty first line.
#[must_use]
pub fn first_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&[], data),
    }
}

/// The recovery code the `handover` target opens exports with (the corpus
/// seals its exports under it).
pub const RECOVERY_CODE: &[u8] = b"0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ";

/// The seed of the device key the corpus hands the log over to.
pub const NEXT_DEVICE_SEED: [u8; 32] = [0x42; 32];
