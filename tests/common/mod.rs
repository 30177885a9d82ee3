//! Shared test code: the Rust smoke suite (run natively by `tests/smoke.rs`
//! and in headless Chromium by `tests/web.rs`; the JavaScript runtimes run the
//! same checks from `tests/js/smoke.mjs`), deterministic keys and a synthetic
//! credential, hex helpers, the project's Python environment (for
//! `cryptography-vectors` and the Python peers) and a generator that replays
//! fixed bytes.
#![allow(dead_code)]

pub mod faulty;
pub mod flow;

use chacha20::ChaCha20Rng;
use mpshield::credential::date::Date;
use mpshield::credential::idcard;
use mpshield::credential::keys::{Algorithm, SigningKey};
use mpshield::credential::sdjwt::{self, IssueOptions, PresentOptions, VerifyOptions};
use rand_core::SeedableRng;
use serde_json::{json, Value};

/// A fixed "now" for the tests: 2026-11-23T00:00:00Z.
pub const NOW: i64 = 1_795_392_000;

/// A deterministic generator.
pub fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

/// A deterministic key.
pub fn key(alg: Algorithm, seed: u8) -> SigningKey {
    SigningKey::generate_with_rng(alg, &mut rng(seed)).unwrap()
}

/// Synthetic claims with nested objects and an array.
pub fn claims() -> Value {
    json!({
        "name": "测试甲",
        "birth_date": "1990-05-17",
        "address": { "province": "广东省", "city": "深圳市", "street": "测试路1号" },
        "nationalities": ["CN", "HK", "MO"],
        "age_equal_or_over": { "18": true, "65": false },
        "status": { "idx": 7 }
    })
}

/// Every disclosable pointer of [`claims`] (nested object, its members,
/// array elements, predicate keys).
pub fn disclosable() -> Vec<String> {
    [
        "/name",
        "/birth_date",
        "/address",
        "/address/province",
        "/address/city",
        "/address/street",
        "/nationalities/0",
        "/nationalities/2",
        "/age_equal_or_over/18",
        "/age_equal_or_over/65",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// Issues [`claims`] with `issuer`, bound to `holder`.
pub fn credential(issuer: &SigningKey, holder: &SigningKey, seed: u8) -> String {
    sdjwt::issue_with_rng(
        issuer,
        &IssueOptions {
            claims: claims(),
            disclosable: disclosable(),
            holder_public_jwk: Some(holder.public_jwk()),
            vct: "urn:mpshield:test:1".into(),
            iss: "https://issuer.example".into(),
            iat: Some(NOW - 3600),
            nbf: Some(NOW - 3600),
            exp: Some(NOW + 86_400),
            decoys: Some(2),
            sd_alg: None,
        },
        &mut rng(seed),
    )
    .unwrap()
}

/// Seeds the DRBG with the given host entropy and checks the basics.
pub fn smoke(entropy: &[u8]) {
    mpshield::rng::add_entropy(entropy).unwrap();
    assert_eq!(mpshield::version(), env!("CARGO_PKG_VERSION"));

    let a = mpshield::random_bytes(32).unwrap();
    let b = mpshield::random_bytes(32).unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    assert_eq!(
        mpshield::random_bytes(0).unwrap_err().code(),
        "INVALID_INPUT"
    );
    assert_eq!(
        mpshield::random_bytes(65_537).unwrap_err().code(),
        "INVALID_INPUT"
    );

    let id = idcard::parse("11010519491231002X").unwrap();
    assert_eq!(
        (
            id.region.as_str(),
            id.province.as_str(),
            id.birth_date.as_str()
        ),
        ("110105", "北京市", "1949-12-31")
    );
    assert_eq!(id.sex, idcard::Sex::Female);
    let id = idcard::parse("440524188001010014").unwrap();
    assert_eq!(
        (id.province.as_str(), id.sex),
        ("广东省", idcard::Sex::Male)
    );
    assert_eq!(
        idcard::parse("11010519491231002x").unwrap().number,
        "11010519491231002X"
    );

    // Generated synthetic numbers, from the DRBG.
    for chunk in mpshield::random_bytes(400).unwrap().chunks(4) {
        let year = 1950 + i32::from(chunk[0] % 70);
        let birth = Date::new(year, 1 + chunk[1] % 12, 1 + chunk[2] % 28).unwrap();
        let n = idcard::synthesize("440305", birth, u16::from(chunk[3]) * 3).unwrap();
        let p = idcard::parse(&n).unwrap();
        assert_eq!(p.birth_date, birth.to_string());
        assert_eq!(p.province, "广东省");
    }

    for bad in [
        "",
        "110105194912310",
        "110105194912310021",
        "not a number at all",
    ] {
        assert_eq!(
            idcard::parse(bad).unwrap_err().code(),
            "INVALID_ID_NUMBER",
            "{bad}"
        );
    }
}

use std::path::{Path, PathBuf};

use rand_core::{TryCryptoRng, TryRng};

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SETUP_HINT: &str = "run `make setup` (it creates .venv with the Python packages \
     in requirements-test.txt)";

/// The project's Python (`MPSHIELD_PYTHON`, else `.venv/bin/python`).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("MPSHIELD_PYTHON") {
        return PathBuf::from(p);
    }
    let p = root().join(".venv/bin/python");
    assert!(p.exists(), "{} not found: {SETUP_HINT}", p.display());
    p
}

/// `sdjwt::present` of `disclose` from `cred`, key-bound to `aud` and
/// `nonce` at [`NOW`].
pub fn present_to(
    cred: &str,
    holder: &SigningKey,
    disclose: &[&str],
    aud: &str,
    nonce: &str,
) -> String {
    sdjwt::present(
        cred,
        holder,
        &PresentOptions {
            disclose: disclose.iter().map(|s| (*s).to_owned()).collect(),
            aud: aud.into(),
            nonce: nonce.into(),
            iat: Some(NOW),
        },
    )
    .expect("present")
}

/// Verify options trusting `issuer`, for presentations to `aud` and `nonce`
/// made at [`NOW`].
pub fn verify_options(issuer: &SigningKey, aud: &str, nonce: &str) -> VerifyOptions {
    VerifyOptions {
        issuer_keys: vec![issuer.verifying_key().clone()],
        aud: Some(aud.into()),
        nonce: Some(nonce.into()),
        now: Some(NOW + 10),
        ..VerifyOptions::default()
    }
}

/// Runs a peer script (`program script`, the script's path relative to the
/// repository) with one JSON request on stdin and returns its JSON reply;
/// panics with the peer's stderr if it fails.
pub fn run_peer(program: &Path, script: &str, request: &Value) -> Value {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .arg(root().join(script))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {} {script}: {e} ({SETUP_HINT})", program.display()));
    child
        .stdin
        .take()
        .expect("peer stdin")
        .write_all(request.to_string().as_bytes())
        .expect("write the request");
    let out = child.wait_with_output().expect("peer output");
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the peer's JSON reply")
}

/// RFC 9180's `test-vectors.json` from the PyPI package
/// `cryptography-vectors` (`MPSHIELD_HPKE_VECTORS` overrides).
pub fn hpke_vectors_path() -> PathBuf {
    if let Some(p) = std::env::var_os("MPSHIELD_HPKE_VECTORS") {
        return PathBuf::from(p);
    }
    let lib = root().join(".venv/lib");
    let entries =
        std::fs::read_dir(&lib).unwrap_or_else(|e| panic!("{}: {e}: {SETUP_HINT}", lib.display()));
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with("python3") {
            let p = entry
                .path()
                .join("site-packages/cryptography_vectors/HPKE/test-vectors.json");
            if p.exists() {
                return p;
            }
        }
    }
    panic!(
        "cryptography_vectors/HPKE/test-vectors.json not found under {}: {SETUP_HINT}",
        lib.display()
    );
}

/// A "generator" that hands out exactly the given bytes, then panics: it
/// feeds a test vector's `ikmE` to the `_with_rng` functions.
pub struct Replay(pub Vec<u8>);

impl TryRng for Replay {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        assert!(dst.len() <= self.0.len(), "Replay ran out of bytes");
        let rest = self.0.split_off(dst.len());
        dst.copy_from_slice(&self.0);
        self.0 = rest;
        Ok(())
    }
}

impl TryCryptoRng for Replay {}

/// The attack of issue 11: an issued SD-JWT whose `n` disclosures nest in
/// one another. The payload's `_sd` holds the digest of disclosure 1, whose
/// value is `{"_sd": [digest of disclosure 2]}`, and so on; disclosure `n`
/// holds a string. Each disclosure is a small JSON text parsed on its own,
/// so no parser's depth limit sees the whole: only the code that
/// substitutes them into one another does. The issuer JWT is genuinely
/// signed by `issuer` (type `vct`, bound to `holder_jwk`), so it also
/// reaches the disclosure walk of `verify`.
pub fn disclosure_chain(issuer: &SigningKey, holder_jwk: &Value, vct: &str, n: usize) -> String {
    use mpshield::credential::jose::{b64url, sha256_b64url};
    let mut disclosures = Vec::with_capacity(n);
    let mut next: Option<String> = None;
    for i in (0..n).rev() {
        let value = match next.take() {
            None => json!("end of the chain"),
            Some(digest) => json!({ "_sd": [digest] }),
        };
        let text = json!([format!("salt-{i}"), "a", value]).to_string();
        let encoded = b64url(text.as_bytes());
        next = Some(sha256_b64url(encoded.as_bytes()));
        disclosures.push(encoded);
    }
    disclosures.reverse();
    let header = json!({ "alg": issuer.alg().as_str(), "typ": "dc+sd-jwt", "kid": issuer.kid() });
    let payload = json!({
        "iss": "https://issuer.example", "iat": NOW - 3600, "vct": vct,
        "cnf": { "jwk": holder_jwk }, "_sd_alg": "sha-256",
        "_sd": next.into_iter().collect::<Vec<_>>(),
    });
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    );
    let sig = issuer.sign(input.as_bytes()).unwrap();
    let mut out = format!("{input}.{}~", b64url(&sig));
    for d in &disclosures {
        out.push_str(d);
        out.push('~');
    }
    out
}
