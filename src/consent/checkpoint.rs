//! Device-signed checkpoints: C2SP `tlog-checkpoint` bodies signed as C2SP
//! `signed-note`s with the device key, Ed25519 (`intl`) or SM2 (`gm`).
//!
//! A checkpoint commits to the log's size and root:
//!
//! ```text
//! <origin>\n
//! <tree size, decimal>\n
//! <root hash, standard base64>\n
//! \n
//! — <key name> <base64(key ID ‖ signature)>\n
//! ```
//!
//! The key name is the origin. The signature covers the text above the
//! blank line, including its final newline, and is 64 bytes either way.
//! The 4-byte key ID is the first four bytes of
//! - Ed25519: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)` (the
//!   signed-note spec's type `0x01`);
//! - SM2 with SM3 (distinguishing ID `1234567812345678`, signature `r‖s`):
//!   `SHA-256(name ‖ 0x0A ‖ 0xff ‖ "mpshield.example/signed-note/sm2-sm3" ‖
//!   65-byte public key 04‖x‖y)`: the spec reserves `0xff` for types
//!   without an assigned byte, followed by an identifier unlikely to
//!   collide ([`SM2_SIGNATURE_IDENTIFIER`]).
//!
//! The key ID only names a key (the spec's rule, SHA-256 in both suites);
//! every signature is checked against the full key.
//!
//! **The signature type tells the tree hash**: C2SP `tlog-checkpoint`
//! assumes SHA-256 roots, so a checkpoint signed with an SM2 key commits to
//! an SM3 tree (`docs/FORMAT.md`, "Checkpoint"). Verifying with a key of
//! the other suite finds no signature by that key (the key IDs differ):
//! [`Error::InvalidCheckpoint`].

use base64ct::{Base64, Encoding};
use sha2::{Digest, Sha256};

use super::merkle::Hash;
use super::{DeviceKey, DevicePublicKey};
use crate::error::{Error, Result};
use crate::suite::Suite;

/// Signature type identifier of Ed25519 in C2SP signed notes.
pub const ED25519_SIGNATURE_TYPE: u8 = 0x01;
/// The signed-note signature type of types without an assigned byte, which
/// an identifier follows.
pub const PRIVATE_SIGNATURE_TYPE: u8 = 0xff;
/// The identifier after [`PRIVATE_SIGNATURE_TYPE`] of SM2 with SM3
/// (GB/T 32918.2, distinguishing ID `1234567812345678`, signature `r‖s`).
pub const SM2_SIGNATURE_IDENTIFIER: &[u8] = b"mpshield.example/signed-note/sm2-sm3";
/// The em dash that starts every signature line.
const SIG_PREFIX: &str = "\u{2014} ";
/// Upper bound on signature lines read from a note.
const MAX_SIGNATURES: usize = 100;

/// A log checkpoint: origin, size and root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line (also the signing key's name).
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// RFC 6962 root of those leaves.
    pub root: Hash,
}

fn bad(reason: &'static str) -> Error {
    Error::InvalidCheckpoint { reason }
}

/// Checks that `origin` can be a note key name and a checkpoint origin line:
/// non-empty, at most 256 bytes, printable ASCII without spaces or `+`.
///
/// # Errors
/// [`Error::InvalidInput`] otherwise.
pub fn validate_origin(origin: &str) -> Result<()> {
    if origin.is_empty()
        || origin.len() > 256
        || !origin.bytes().all(|b| b.is_ascii_graphic() && b != b'+')
    {
        return Err(Error::input(
            "origin must be 1–256 printable ASCII characters without spaces or '+', e.g. \"mpshield.example/device/1a2b\"",
        ));
    }
    Ok(())
}

/// The 4-byte key ID of a note key: Ed25519 (type `0x01`) or SM2 (type
/// `0xff` ‖ [`SM2_SIGNATURE_IDENTIFIER`]).
#[must_use]
pub fn key_id(name: &str, public_key: &DevicePublicKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A]);
    match public_key.suite() {
        Suite::Intl => h.update([ED25519_SIGNATURE_TYPE]),
        Suite::Gm => {
            h.update([PRIVATE_SIGNATURE_TYPE]);
            h.update(SM2_SIGNATURE_IDENTIFIER);
        }
    }
    h.update(public_key.as_bytes());
    let d = h.finalize();
    let mut id = [0u8; 4];
    id.copy_from_slice(d.get(..4).unwrap_or(&[0; 4]));
    id
}

impl Checkpoint {
    /// The checkpoint body (the signed text).
    #[must_use]
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            Base64::encode_string(&self.root)
        )
    }

    /// Signs the checkpoint with `key` under the name `self.origin`. The
    /// root must be of a tree over the key's suite's hash.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the origin is not a valid key name.
    pub fn sign(&self, key: &DeviceKey) -> Result<String> {
        validate_origin(&self.origin)?;
        let body = self.body();
        let sig = key.sign(body.as_bytes())?;
        let mut blob = Vec::with_capacity(68);
        blob.extend_from_slice(&key_id(&self.origin, &key.verifying_key()));
        blob.extend_from_slice(&sig);
        Ok(format!(
            "{body}\n{SIG_PREFIX}{} {}\n",
            self.origin,
            Base64::encode_string(&blob)
        ))
    }

    /// Parses a checkpoint body (no signature check).
    ///
    /// # Errors
    /// [`Error::InvalidCheckpoint`] if it is malformed.
    pub fn parse_body(text: &str) -> Result<Self> {
        let body = text
            .strip_suffix('\n')
            .ok_or(bad("the body must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        validate_origin(origin).map_err(|_| bad("the origin line is not valid"))?;
        let size_line = lines.next().ok_or(bad("missing tree size"))?;
        if size_line.is_empty()
            || !size_line.bytes().all(|b| b.is_ascii_digit())
            || (size_line.len() > 1 && size_line.starts_with('0'))
        {
            return Err(bad("the tree size is not a decimal number"));
        }
        let size = size_line
            .parse::<u64>()
            .map_err(|_| bad("the tree size is too large"))?;
        let root_line = lines.next().ok_or(bad("missing root hash"))?;
        let root_bytes =
            Base64::decode_vec(root_line).map_err(|_| bad("the root hash is not base64"))?;
        let root: Hash = root_bytes
            .as_slice()
            .try_into()
            .map_err(|_| bad("the root hash is not 32 bytes"))?;
        if Base64::encode_string(&root) != root_line {
            return Err(bad("the root hash is not canonical base64"));
        }
        for ext in lines {
            if ext.is_empty() {
                return Err(bad("empty line inside the body"));
            }
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
        })
    }
}

/// Verifies a signed checkpoint note against the device's public key
/// (Ed25519 or SM2) and the expected origin, and returns the checkpoint.
/// Its root is of a tree over the key's suite's hash (SM2: SM3).
///
/// Signatures by other keys are ignored, as the signed-note format allows;
/// at least one must be by `public_key` under the name `origin`.
///
/// # Errors
/// [`Error::InvalidCheckpoint`] if the note is malformed, is for another
/// origin, or carries no valid signature by this key (a key of the other
/// suite included).
pub fn verify(note: &str, public_key: &DevicePublicKey, origin: &str) -> Result<Checkpoint> {
    if note.len() > 64 * 1024 {
        return Err(bad("the note is too large"));
    }
    if !note.ends_with('\n') {
        return Err(bad("the note must end with a newline"));
    }
    let split = note.rfind("\n\n").ok_or(bad("no signature block"))?;
    let text = note.get(..=split).ok_or(bad("no body"))?;
    let sigs = note.get(split + 2..).ok_or(bad("no signature block"))?;
    let checkpoint = Checkpoint::parse_body(text)?;
    if checkpoint.origin != origin {
        return Err(bad("the checkpoint is for another origin"));
    }
    let want_id = key_id(origin, public_key);
    let mut verified = false;
    for (n, line) in sigs
        .strip_suffix('\n')
        .unwrap_or(sigs)
        .split('\n')
        .enumerate()
    {
        if n >= MAX_SIGNATURES {
            return Err(bad("too many signatures"));
        }
        let rest = line
            .strip_prefix(SIG_PREFIX)
            .ok_or(bad("malformed signature line"))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or(bad("malformed signature line"))?;
        let blob = Base64::decode_vec(b64).map_err(|_| bad("malformed signature line"))?;
        if name != origin || blob.len() != 68 || blob.get(..4) != Some(&want_id[..]) {
            continue;
        }
        let sig = blob.get(4..).ok_or(bad("malformed signature line"))?;
        if public_key.verify(text.as_bytes(), sig).is_ok() {
            verified = true;
        } else {
            return Err(bad("the signature does not verify"));
        }
    }
    if verified {
        Ok(checkpoint)
    } else {
        Err(bad("no signature by this device key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DeviceKey {
        DeviceKey::from_bytes(&[7u8; 32])
    }

    fn cp() -> Checkpoint {
        Checkpoint {
            origin: "mpshield.example/device/test".into(),
            size: 5,
            root: [0xab; 32],
        }
    }

    #[test]
    fn round_trip() {
        let note = cp().sign(&key()).unwrap();
        assert!(note.starts_with("mpshield.example/device/test\n5\nq6ur"));
        assert!(note.contains("\n\n\u{2014} mpshield.example/device/test "));
        let back = verify(
            &note,
            &key().verifying_key(),
            "mpshield.example/device/test",
        )
        .unwrap();
        assert_eq!(back, cp());
    }

    #[test]
    fn tampering_is_detected() {
        let note = cp().sign(&key()).unwrap();
        let vk = key().verifying_key();
        let origin = "mpshield.example/device/test";
        // Every single-byte change of the note fails (or changes nothing).
        let bytes = note.as_bytes();
        for i in 0..bytes.len() {
            let mut b = bytes.to_vec();
            b[i] ^= 0x01;
            if let Ok(s) = String::from_utf8(b) {
                assert!(verify(&s, &vk, origin).is_err(), "byte {i}");
            }
        }
        // Another key, another origin, trailing garbage, truncation.
        let other = DeviceKey::from_bytes(&[8u8; 32]).verifying_key();
        assert_eq!(
            verify(&note, &other, origin).unwrap_err().code(),
            "INVALID_CHECKPOINT"
        );
        assert!(verify(&note, &vk, "mpshield.example/device/other").is_err());
        assert!(verify(&format!("{note}x"), &vk, origin).is_err());
        assert!(verify(&note[..note.len() - 2], &vk, origin).is_err());
        let forged = Checkpoint {
            origin: "mpshield.example/device/other".into(),
            ..cp()
        }
        .sign(&key())
        .unwrap();
        assert!(verify(&forged, &vk, origin).is_err());
    }

    #[test]
    fn bad_origins() {
        for o in ["", "has space", "a+b", "line\nbreak"] {
            assert!(validate_origin(o).is_err(), "{o:?}");
        }
    }
}
