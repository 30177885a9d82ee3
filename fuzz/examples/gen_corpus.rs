//! Writes the fuzz targets' seed corpora: valid inputs made with the fixed
//! keys of `mpshield_fuzz` (so the fuzzer starts past the magic bytes and
//! the signatures), small depth bombs and oversized inputs.
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus -- corpus  # fuzz/corpus/ (committed)
//! cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus -- bombs   # fuzz/bombs/ (large, generated)
//! cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus -- bombs 1000 /tmp/b  # other depth, dir
//! ```
//! `make fuzz-corpus` and `make fuzz-bombs` run these. Everything is
//! deterministic: running it again rewrites the same files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use mpshield::consent::checkpoint::Checkpoint;
use mpshield::consent::commit::{self, Committer, LOG_PREFIX};
use mpshield::consent::log::ConsentLog;
use mpshield::consent::receipt;
use mpshield::consent::record::{self, Form, LawfulBasis};
use mpshield::credential::idcard;
use mpshield::credential::jose::{b64url, sha256_b64url};
use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey};
use mpshield::credential::licence::{self, LicenceOptions};
use mpshield::credential::sdjwt::{self, IssueOptions, PresentOptions};
use mpshield::flow::request::RequestOptions;
use mpshield::flow::wallet::{Choice, SeparateConsent, Wallet};
use mpshield::flow::{MemoryStorage, RESPONSE_INFO};
use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
use mpshield::seal::hpke::Aead;
use mpshield::seal::stream::{self, SealStream, StreamOptions};
use mpshield_fuzz::{
    field, hotel_request_options, hotel_seal_keys, init, join_blobs, key, rng, uscc, Fixture, AUD,
    ISS, NONCE, NOW, ORIGIN,
};
use serde_json::{json, Value};

/// Depth of the nested-JSON bombs (committed: 20–60 KB each).
const JSON_DEPTH: usize = 10_000;
/// Length of the nested-disclosure chain committed in the corpus.
const SMALL_CHAIN: usize = 24;
/// Length of the generated nested-disclosure chain (`bombs`).
const BOMB_CHAIN: usize = 5_000;

struct Out {
    root: PathBuf,
}

impl Out {
    fn put(&self, target: &str, name: &str, bytes: impl AsRef<[u8]>) {
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), bytes).unwrap();
    }
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "corpus".into());
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let f = init();
    match what.as_str() {
        "corpus" => {
            let out = Out {
                root: fuzz.join("corpus"),
            };
            if out.root.exists() {
                fs::remove_dir_all(&out.root).unwrap();
            }
            seal(&out, f);
            credentials(&out, f);
            flow(&out, f);
            consent(&out, f);
            handover_inputs(&out, f);
            json_inputs(&out);
        }
        "bombs" => {
            // `bombs [DEPTH] [DIR]`: the chains at another depth, elsewhere.
            let depth = std::env::args()
                .nth(2)
                .map_or(BOMB_CHAIN, |d| d.parse().unwrap());
            let root = std::env::args()
                .nth(3)
                .map_or_else(|| fuzz.join("bombs"), PathBuf::from);
            let out = Out { root };
            let chain = disclosure_chain(f, depth);
            let achain = array_chain(f, depth);
            for t in ["sdjwt_verify", "sdjwt_decode"] {
                out.put(t, &format!("chain-{depth}"), &chain);
                out.put(t, &format!("array-chain-{depth}"), &achain);
            }
            out.put(
                "sdjwt_present",
                &format!("chain-{depth}"),
                format!("\n{chain}"),
            );
            out.put(
                "sdjwt_present",
                &format!("array-chain-{depth}"),
                format!("\n{achain}"),
            );
        }
        other => panic!("unknown corpus {other:?}: corpus or bombs"),
    }
}

// ---------------------------------------------------------------------------
// Seal: envelopes and streams
// ---------------------------------------------------------------------------

/// The stream header length for `key`'s suite.
fn s_header_len(key: &mpshield::seal::hpke::KeyPair) -> usize {
    stream::header_size(key.public_key.kem().suite())
}

fn seal(out: &Out, f: &Fixture) {
    let texts: [&[u8]; 3] = [b"", b"licence photo", &[0x5a; 300]];
    for (i, (key, aead)) in [
        (&f.recipient, Aead::Aes128Gcm),
        (&f.recipient, Aead::Aes256Gcm),
        (&f.recipient, Aead::ChaCha20Poly1305),
        (&f.gm_recipient, Aead::Sm4Gcm),
    ]
    .into_iter()
    .enumerate()
    {
        for (j, text) in texts.iter().enumerate() {
            let options = SealOptions {
                aead: Some(aead),
                ..SealOptions::default()
            };
            let e = envelope::seal_with_rng(&key.public_key, text, &options, &mut rng(10)).unwrap();
            envelope::open(&key.secret_key, &e, &OpenOptions::default()).unwrap();
            out.put("envelope", &format!("{}-{j}", aead.name()), &e);
            if j == 1 {
                out.put(
                    "envelope",
                    &format!("{}-text", aead.name()),
                    envelope::to_text(&e).unwrap(),
                );
            }
            if j == 2 {
                let chunk = if i == 2 { 100 } else { stream::MIN_CHUNK_SIZE };
                let mut s = SealStream::new_with_rng(
                    &key.public_key,
                    &StreamOptions {
                        aead: Some(aead),
                        chunk_size: chunk,
                        ..StreamOptions::default()
                    },
                    &mut rng(11),
                )
                .unwrap();
                let mut bytes = s.header().to_vec();
                bytes.extend(s.push(&text[..150]).unwrap());
                bytes.extend(s.finish(&text[150..]).unwrap());
                out.put("stream", &format!("{}-{chunk}", aead.name()), &bytes);
                out.put(
                    "stream",
                    &format!("{}-header", aead.name()),
                    &bytes[..s_header_len(key)],
                );
            }
        }
    }
    // An empty stream: the header and one empty final chunk.
    let s = SealStream::new_with_rng(
        &f.recipient.public_key,
        &StreamOptions::default(),
        &mut rng(12),
    )
    .unwrap();
    let mut bytes = s.header().to_vec();
    bytes.extend(s.finish(b"").unwrap());
    out.put("stream", "empty", &bytes);
}

// ---------------------------------------------------------------------------
// Credentials: SD-JWTs, presentations, bombs
// ---------------------------------------------------------------------------

fn claims() -> Value {
    json!({
        "name": "测试甲",
        "birth_date": "1990-05-17",
        "address": { "province": "广东省", "city": "深圳市", "street": "测试路1号" },
        "nationalities": ["CN", "HK", "MO"],
        "age_equal_or_over": { "18": true, "65": false },
        "scores": [1.5, -0.0, 1e300, 11.100000000000001],
        "status": { "idx": 7 }
    })
}

fn disclosable() -> Vec<String> {
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

fn issue(issuer: &SigningKey, holder: Option<&SigningKey>, decoys: u32, seed: u8) -> String {
    sdjwt::issue_with_rng(
        issuer,
        &IssueOptions {
            claims: claims(),
            disclosable: disclosable(),
            holder_public_jwk: holder.map(SigningKey::public_jwk),
            vct: "urn:example:fuzz".into(),
            iss: ISS.into(),
            iat: Some(NOW - 3600),
            nbf: Some(NOW - 3600),
            exp: Some(NOW + 365 * 86_400),
            decoys: Some(decoys),
            sd_alg: None,
        },
        &mut rng(seed),
    )
    .unwrap()
}

fn present(credential: &str, holder: &SigningKey, disclose: &[&str]) -> String {
    sdjwt::present(
        credential,
        holder,
        &PresentOptions {
            disclose: disclose.iter().map(|s| (*s).to_owned()).collect(),
            aud: AUD.into(),
            nonce: NONCE.into(),
            iat: Some(NOW),
        },
    )
    .unwrap()
}

fn credentials(out: &Out, f: &Fixture) {
    let es = issue(&f.issuer, Some(&f.holder), 2, 50);
    let ed = issue(&f.issuer_ed, Some(&f.holder), 0, 51);
    let unbound = issue(&f.issuer_ed, None, 1, 52);
    let id_card = licence::issue_with_rng(
        &f.issuer,
        &LicenceOptions {
            licence_type: "resident_id_card".into(),
            fields: id_card_fields(),
            holder_public_jwk: f.holder.public_jwk(),
            iss: ISS.into(),
            iat: Some(NOW - 86_400),
            exp: Some(NOW + 365 * 86_400),
        },
        &mut rng(53),
    )
    .unwrap();
    let p1 = present(&es, &f.holder, &["/name", "/address/city"]);
    let p2 = present(
        &ed,
        &f.holder,
        &["/nationalities/2", "/age_equal_or_over/18"],
    );
    let p3 = present(
        &id_card,
        &f.holder,
        &["/id_number_masked", "/age_equal_or_over/18"],
    );
    let chain = disclosure_chain(f, SMALL_CHAIN);
    let achain = array_chain(f, SMALL_CHAIN);
    for (name, text) in [
        ("es256", &es),
        ("eddsa", &ed),
        ("unbound", &unbound),
        ("id-card", &id_card),
        ("kb-es256", &p1),
        ("kb-eddsa", &p2),
        ("kb-id-card", &p3),
        ("chain-24", &chain),
        ("array-chain-24", &achain),
    ] {
        let v = sdjwt::verify(
            text,
            &sdjwt::VerifyOptions {
                issuer_keys: f.issuer_keys(),
                aud: Some(AUD.into()),
                nonce: Some(NONCE.into()),
                now: Some(NOW),
                require_key_binding: false,
                ..sdjwt::VerifyOptions::default()
            },
        );
        assert!(v.is_ok(), "{name}: {v:?}");
        out.put("sdjwt_verify", name, text);
        out.put("sdjwt_decode", name, text);
    }
    for (name, line, text) in [
        ("es256", "/name,/address/city", &es),
        (
            "es256-all",
            "/address,/nationalities/0,/nationalities/2,/age_equal_or_over/65",
            &es,
        ),
        ("eddsa", "/age_equal_or_over/18", &ed),
        (
            "id-card",
            "/id_number_masked,/age_equal_or_over/18,/name",
            &id_card,
        ),
        ("nothing", "", &ed),
        ("chain-24", "/c/c/c", &chain),
    ] {
        out.put("sdjwt_present", name, format!("{line}\n{text}"));
    }
    // The issuer JWT's payload 10,000 arrays deep.
    let header = b64url(br#"{"alg":"EdDSA","typ":"dc+sd-jwt"}"#);
    let deep = format!("{}{}", "[".repeat(JSON_DEPTH), "]".repeat(JSON_DEPTH));
    let jwt = format!("{header}.{}.{}", b64url(deep.as_bytes()), b64url(&[0; 64]));
    out.put("sdjwt_decode", "deep-payload", format!("{jwt}~"));
    // One disclosure 10,000 objects deep.
    let deep = format!(
        r#"["s","c",{}1{}]"#,
        r#"{"a":"#.repeat(JSON_DEPTH),
        "}".repeat(JSON_DEPTH)
    );
    let (jwt, _) = ed.split_once('~').unwrap();
    out.put(
        "sdjwt_decode",
        "deep-disclosure",
        format!("{jwt}~{}~", b64url(deep.as_bytes())),
    );
    out.put(
        "sdjwt_verify",
        "deep-disclosure",
        format!("{jwt}~{}~", b64url(deep.as_bytes())),
    );
}

fn id_card_fields() -> serde_json::Map<String, Value> {
    let number = idcard::synthesize(
        "440305",
        mpshield::credential::date::Date::new(1990, 5, 17).unwrap(),
        123,
    )
    .unwrap();
    let Value::Object(m) = json!({
        "name": "测试乙", "sex": "male", "ethnicity": "汉", "birth_date": "1990-05-17",
        "address": "广东省深圳市南山区测试路1号", "id_number": number,
        "issuing_authority": "深圳市公安局南山分局", "valid_from": "2024-01-01",
        "valid_until": "2034-01-01"
    }) else {
        unreachable!()
    };
    m
}

/// A compact JWS over `payload`, signed by the fixed EdDSA issuer.
fn issuer_jwt(f: &Fixture, payload: &Value) -> String {
    let header = json!({ "alg": "EdDSA", "typ": "dc+sd-jwt", "kid": f.issuer_ed.kid() });
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    );
    let sig = f.issuer_ed.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64url(&sig))
}

fn chain_payload(f: &Fixture, first: Value) -> Value {
    let mut p = json!({
        "iss": ISS, "iat": NOW - 3600, "exp": NOW + 86_400, "vct": "urn:example:fuzz",
        "_sd_alg": "sha-256", "cnf": { "jwk": f.holder.public_jwk() },
    });
    let obj = p.as_object_mut().unwrap();
    for (k, v) in first.as_object().unwrap() {
        obj.insert(k.clone(), v.clone());
    }
    p
}

/// `depth` object-property disclosures, each disclosure's value
/// `{"_sd": [digest of the next]}`, the innermost a string: claims
/// `c.c.c…` `depth` deep, all signed by the fixed EdDSA issuer.
fn disclosure_chain(f: &Fixture, depth: usize) -> String {
    let mut encoded = Vec::with_capacity(depth);
    let mut value = json!("leaf");
    for i in (0..depth).rev() {
        let d = b64url(
            json!([format!("salt-{i}"), "c", value])
                .to_string()
                .as_bytes(),
        );
        value = json!({ "_sd": [sha256_b64url(d.as_bytes())] });
        encoded.push(d);
    }
    encoded.reverse();
    let jwt = issuer_jwt(f, &chain_payload(f, value));
    format!("{jwt}~{}~", encoded.join("~"))
}

/// As [`disclosure_chain`] with array-element disclosures: each value
/// `[{"...": digest of the next}]`, under the claim `a`.
fn array_chain(f: &Fixture, depth: usize) -> String {
    let mut encoded = Vec::with_capacity(depth);
    let mut value = json!("leaf");
    for i in (0..depth).rev() {
        let d = b64url(json!([format!("salt-{i}"), value]).to_string().as_bytes());
        value = json!([{ "...": sha256_b64url(d.as_bytes()) }]);
        encoded.push(d);
    }
    encoded.reverse();
    let jwt = issuer_jwt(f, &chain_payload(f, json!({ "a": value })));
    format!("{jwt}~{}~", encoded.join("~"))
}

// ---------------------------------------------------------------------------
// Flow: requests and responses
// ---------------------------------------------------------------------------

fn flow(out: &Out, f: &Fixture) {
    let hotel_req = f
        .hotel
        .create_request(&hotel_request_options(), NOW)
        .unwrap();
    out.put("request", "hotel", &hotel_req);
    let rental = RequestOptions {
        purpose: "租车资格核验".into(),
        lawful_basis: LawfulBasis::Contract,
        fields: vec![
            field("driving_licence", "vehicle_classes", &[Form::Full], None),
            field("driving_licence", "valid_until", &[Form::Full], None),
        ],
        ttl_seconds: 86_400,
        notice_url: None,
    };
    out.put(
        "request",
        "rental",
        f.hotel.create_request(&rental, NOW).unwrap(),
    );
    // Signed by another relying party (verify passes, verify_issued_by not).
    let other = mpshield::flow::verifier::Verifier::new(
        "测试租车有限公司",
        &uscc(2),
        key(Algorithm::Es256, 47),
        mpshield::seal::hpke::derive_key_pair(mpshield::seal::hpke::Kem::X25519, &[9; 32])
            .unwrap()
            .secret_key,
        vec![f.issuer.verifying_key().clone()],
    )
    .unwrap();
    out.put(
        "request",
        "other-es256",
        other.create_request(&rental, NOW).unwrap(),
    );
    out.put(
        "request",
        "oversized",
        format!("{}.e30.AA", "A".repeat(70_000)),
    );

    // A wallet answers the hotel.
    let storage_key = mpshield::consent::StorageKey::from_bytes([8; 32]);
    let mut storage = MemoryStorage::new();
    let trusted = vec![VerifyingKey::from_jwk(&f.hotel.public_jwk()).unwrap()];
    let mut wallet = Wallet::open(&mut storage, &storage_key, trusted, false).unwrap();
    let sd = licence::issue_with_rng(
        &f.issuer,
        &LicenceOptions {
            licence_type: "resident_id_card".into(),
            fields: id_card_fields(),
            holder_public_jwk: wallet.holder_public_jwk(),
            iss: ISS.into(),
            iat: Some(NOW - 86_400),
            exp: Some(NOW + 365 * 86_400),
        },
        &mut rng(54),
    )
    .unwrap();
    wallet
        .store_credential(&mut storage, &storage_key, &sd, NOW)
        .unwrap();
    let choice = |field: &str, form| Choice {
        licence: "resident_id_card".into(),
        field: field.into(),
        form,
    };
    for (name, id_form) in [("masked", Form::Masked), ("full", Form::Full)] {
        let choices = [
            choice("name", Form::Full),
            choice("id_number", id_form),
            choice("birth_date", Form::Predicate),
        ];
        let resp = wallet
            .respond(
                &mut storage,
                &storage_key,
                &hotel_req,
                &choices,
                &SeparateConsent::All,
                NOW,
            )
            .unwrap();
        f.hotel.check(&resp.envelope, NOW).unwrap();
        let plain = envelope::open(
            &hotel_seal_keys().secret_key,
            &resp.envelope,
            &OpenOptions {
                info: RESPONSE_INFO,
                aad: &[],
            },
        )
        .unwrap();
        out.put(
            "verifier",
            &format!("envelope-{name}"),
            [&[0u8][..], &resp.envelope].concat(),
        );
        out.put(
            "verifier",
            &format!("plaintext-{name}"),
            [&[1u8][..], &plain].concat(),
        );
    }
}

// ---------------------------------------------------------------------------
// Consent: records, receipts, checkpoints, storage
// ---------------------------------------------------------------------------

fn record_json(i: u32) -> String {
    let (field, form, sensitive) = match i % 3 {
        0 => ("id_number", "masked", false),
        1 => ("name", "full", false),
        _ => ("birth_date", "predicate", true),
    };
    format!(
        r#"{{"event":"disclosed","time":{},"controller":{{"name":"某某酒店{i}","uscc":"{}"}},
"purposes":["住宿登记"],"lawfulBasis":"legal_duty","consentType":"explicit",
"fields":[{{"licence":"resident_id_card","field":"{field}","form":"{form}","sensitive":{sensitive},"retentionDays":{}}}]}}"#,
        NOW + i64::from(i) * 60,
        uscc(i + 10),
        30 + i,
    )
}

fn consent(out: &Out, f: &Fixture) {
    let mut log = ConsentLog::create(f.device.clone(), ORIGIN).unwrap();
    out.put("checkpoint", "empty", log.checkpoint().unwrap());
    let mut first_id = String::new();
    let mut ids = rng(60);
    for i in 0..40u32 {
        let rec = record::from_json(&record_json(i)).unwrap();
        let at = log.append_with_rng(rec, &mut ids).unwrap();
        if i == 0 {
            first_id = log.get(at.index).unwrap().id().to_owned();
        }
        if i < 3 {
            let canonical = log.get(at.index).unwrap().canonical_bytes().unwrap();
            out.put("record", &format!("canonical-{i}"), &canonical);
            out.put("record", &format!("json-{i}"), record_json(i));
            out.put("json", &format!("record-{i}"), record_json(i));
        }
        if [0, 1, 2, 6, 39].contains(&i) {
            out.put(
                "receipt",
                &format!("receipt-{i}"),
                log.receipt(at.index).unwrap(),
            );
            out.put(
                "checkpoint",
                &format!("size-{}", log.size()),
                log.checkpoint().unwrap(),
            );
        }
    }
    log.withdraw_with_rng(&first_id, NOW + 10_000, &mut rng(61))
        .unwrap();
    let last = log.size() - 1;
    let withdrawal = log.get(last).unwrap().canonical_bytes().unwrap();
    out.put("record", "canonical-withdrawal", &withdrawal);
    out.put("receipt", "receipt-withdrawal", log.receipt(last).unwrap());
    let note = log.checkpoint().unwrap();
    out.put("checkpoint", "withdrawal", &note);
    let (body, _) = note.split_once("\n\n").unwrap();
    out.put("checkpoint", "body", format!("{body}\n"));
    let cp = Checkpoint::parse_body(&format!("{body}\n")).unwrap();
    out.put(
        "checkpoint",
        "body-extension",
        format!("{}ext line\n", cp.body()),
    );
    out.put(
        "checkpoint",
        "oversized",
        format!("{ORIGIN}\n1\n{}\n", "A".repeat(70_000)),
    );
    // An oversized receipt: a record length over MAX_RECORD_BYTES.
    let mut big = receipt::MAGIC.to_vec();
    big.extend_from_slice(&(receipt::MAX_RECORD_BYTES as u32 + 1).to_be_bytes());
    big.resize(big.len() + receipt::MAX_RECORD_BYTES + 1, b'{');
    out.put("receipt", "oversized", &big);
    out.put(
        "record",
        "deep",
        format!("{}{}", "[".repeat(JSON_DEPTH), "]".repeat(JSON_DEPTH)),
    );

    // Stored logs: a larger one in several 4 KiB segments, the small one, an
    // empty one.
    let mut large = ConsentLog::create(f.device.clone(), ORIGIN).unwrap();
    for i in 0..400u32 {
        let rec = record::from_json(&record_json(i)).unwrap();
        large.append_with_rng(rec, &mut ids).unwrap();
    }
    // A pruned log: the first 270 records (past their retention 300 days
    // on) pruned, their frontier in the commit.
    let mut pruned = ConsentLog::create(f.device.clone(), ORIGIN).unwrap();
    for i in 0..400u32 {
        let rec = record::from_json(&record_json(i)).unwrap();
        pruned.append_with_rng(rec, &mut ids).unwrap();
    }
    assert_eq!(pruned.prune(u64::MAX, NOW + 300 * 86_400).to, 270);
    for (name, log) in [
        ("log-400", large),
        ("log-400-pruned", pruned),
        ("log-41", log),
        (
            "empty",
            ConsentLog::create(f.device.clone(), ORIGIN).unwrap(),
        ),
    ] {
        // Saved twice (the second save adds a segment and a commit).
        let mut storage = MemoryStorage::new();
        let mut committer = Committer::new(LOG_PREFIX);
        commit::save_sync(&mut committer, &mut storage, &log, &[], &f.storage_key).unwrap();
        commit::save_sync(&mut committer, &mut storage, &log, &[], &f.storage_key).unwrap();
        commit::open_log(&mut storage, &f.storage_key, f.device.clone(), ORIGIN, None).unwrap();
        let pairs: Vec<Vec<u8>> = storage
            .entries()
            .iter()
            .flat_map(|(k, v)| [k.as_bytes().to_vec(), v.clone()])
            .collect();
        out.put(
            "store",
            &format!("{name}-{}-keys", pairs.len() / 2),
            join_blobs(&pairs),
        );
        let heads: Vec<Vec<u8>> = storage
            .entries()
            .iter()
            .filter(|(k, _)| k.contains("/head/"))
            .flat_map(|(k, v)| [k.as_bytes().to_vec(), v.clone()])
            .collect();
        out.put("store", &format!("{name}-heads-only"), join_blobs(&heads));
    }
}

// ---------------------------------------------------------------------------
// JSON readers
// ---------------------------------------------------------------------------

fn json_inputs(out: &Out) {
    let f = init();
    let items: Vec<(&str, String)> = vec![
        (
            "field",
            r#"{"licence":"resident_id_card","field":"id_number","required":true,"forms":["full","masked"],"retentionDays":30}"#.into(),
        ),
        (
            "field-predicate",
            r#"{"licence":"resident_id_card","field":"birth_date","forms":["predicate"],"predicate":"age_equal_or_over/18","retentionDays":30}"#.into(),
        ),
        (
            "choices",
            r#"[{"licence":"resident_id_card","field":"name","form":"full"},{"licence":"resident_id_card","field":"id_number","form":"masked"}]"#.into(),
        ),
        ("separate-all", "true".into()),
        ("separate-fields", r#"["id_number","birth_date"]"#.into()),
        ("jwk-es256", f.issuer.public_jwk().to_string()),
        ("jwk-eddsa", f.holder.public_jwk().to_string()),
        (
            "jwk-private-eddsa",
            key(Algorithm::EdDsa, 1).export_private_jwk_dangerously().to_string(),
        ),
        (
            "jwk-private-es256",
            key(Algorithm::Es256, 2).export_private_jwk_dangerously().to_string(),
        ),
        ("form", r#""masked""#.into()),
        ("basis", r#""legal_duty""#.into()),
        ("locale", r#""zh-CN""#.into()),
        ("idcard", r#""11010519491231002X""#.into()),
        (
            "jcs-numbers",
            r#"{"b":[1e21,1e-7,-0,0.1,123456789012345680000,5e-324],"a":"\u20ac\ud83d\ude00","\u0080":null}"#.into(),
        ),
        ("deep-arrays", format!("{}{}", "[".repeat(JSON_DEPTH), "]".repeat(JSON_DEPTH))),
        (
            "deep-objects",
            format!("{}1{}", r#"{"a":"#.repeat(JSON_DEPTH), "}".repeat(JSON_DEPTH)),
        ),
        ("deep-127", format!("{}{}", "[".repeat(127), "]".repeat(127))),
        ("oversized-string", format!("\"{}\"", "测".repeat(40_000))),
    ];
    for (name, text) in items {
        out.put("json", name, text);
    }
}

// ---------------------------------------------------------------------------
// Moving a log: an export under the fixed recovery code, a continuity proof
// ---------------------------------------------------------------------------

fn handover_inputs(out: &Out, f: &Fixture) {
    use mpshield::consent::handover::{self, Export, Handover, RecoveryCode};
    use mpshield::consent::DeviceKey;
    use mpshield::flow::wallet::OpenOptions;
    use mpshield_fuzz::{NEXT_DEVICE_SEED, RECOVERY_CODE};

    let empty = ConsentLog::create(f.device.clone(), ORIGIN).unwrap();
    let before_move = empty.checkpoint().unwrap();
    let mut log = ConsentLog::create(f.device.clone(), ORIGIN).unwrap();
    let mut ids = rng(61);
    for i in 0..3u32 {
        let rec = record::from_json(&record_json(i)).unwrap();
        log.append_with_rng(rec, &mut ids).unwrap();
    }
    let next = DeviceKey::from_bytes(&NEXT_DEVICE_SEED).verifying_key();
    let rec = handover::handover_record(log.size(), &next, NOW);
    log.append_with_rng(rec, &mut ids).unwrap();
    let export = Export {
        origin: ORIGIN.to_owned(),
        device_seed: zeroize::Zeroizing::new(NEXT_DEVICE_SEED),
        handovers: vec![Handover {
            key: f.device_public(),
            note: log.checkpoint().unwrap(),
        }],
        records: log
            .records()
            .map(|r| r.canonical_bytes().unwrap())
            .collect(),
        pruned: 0,
        frontier: Vec::new(),
        reissue: b"[]".to_vec(),
    };
    let code = RecoveryCode::parse(RECOVERY_CODE).unwrap();
    let sealed = export.seal(&code).unwrap();
    out.put("handover", "export", [&[0u8][..], &sealed].concat());
    // The same log with its first three records pruned (past retention a
    // year on; the prune stops at the handover record): the export carries
    // their frontier.
    let mut pruned_log = ConsentLog::create(f.device.clone(), ORIGIN).unwrap();
    for r in log.records() {
        pruned_log.append_with_rng(r.clone(), &mut ids).unwrap();
    }
    assert_eq!(pruned_log.prune(u64::MAX, NOW + 365 * 86_400).to, 3);
    let pruned_export = Export {
        records: pruned_log
            .records()
            .map(|r| r.canonical_bytes().unwrap())
            .collect(),
        pruned: pruned_log.pruned(),
        frontier: pruned_log.frontier(),
        device_seed: zeroize::Zeroizing::new(NEXT_DEVICE_SEED),
        handovers: export.handovers.clone(),
        origin: export.origin.clone(),
        reissue: export.reissue.clone(),
    };
    let sealed_pruned = pruned_export.seal(&code).unwrap();
    let (moved, _) =
        mpshield::flow::wallet::Wallet::import(&sealed_pruned, &code, &OpenOptions::default(), NOW)
            .unwrap();
    assert_eq!(moved.log().root(), log.root());
    out.put(
        "handover",
        "export-pruned",
        [&[0u8][..], &sealed_pruned].concat(),
    );
    let (wallet, _) =
        mpshield::flow::wallet::Wallet::import(&sealed, &code, &OpenOptions::default(), NOW)
            .unwrap();
    let proof = wallet.continuity_proof(&before_move).unwrap();
    handover::verify_continuity(&proof, &before_move, &f.device_public(), ORIGIN).unwrap();
    out.put("handover", "continuity", [&[1u8][..], &proof].concat());
}
