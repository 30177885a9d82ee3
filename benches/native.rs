//! Native Rust benchmarks: the same operations `scripts/bench.mjs` measures in
//! WebAssembly, as a baseline. Prints one JSON object per line:
//! `{"name": ..., "opsPerSec": ..., "bytesPerOp": ...}`. Run through
//! `make bench`; not a timed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` repeatedly for about `budget` and returns operations per second.
fn measure(budget: Duration, mut f: impl FnMut()) -> f64 {
    // Warm up.
    for _ in 0..10 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..16 {
            f();
        }
        n += 16;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn report(name: &str, ops: f64, bytes: usize) {
    println!("{{\"name\":\"{name}\",\"opsPerSec\":{ops:.1},\"bytesPerOp\":{bytes}}}");
}

fn main() {
    let budget = Duration::from_millis(300);
    mpshield::rng::add_entropy(&(0..64u8).collect::<Vec<_>>()).unwrap();

    let ops = measure(budget, || {
        black_box(mpshield::random_bytes(32).unwrap());
    });
    report("randomBytes(32)", ops, 32);

    let ops = measure(budget, || {
        black_box(mpshield::credential::idcard::parse(black_box("440524188001010014")).unwrap());
    });
    report("idcard.parse", ops, 18);

    consent_log();
    flow();
}

/// The flow's hotel check-in: `Wallet::respond` (on small logs, as in
/// scripts/bench.mjs) and `Verifier::open` (each envelope once).
fn flow() {
    use mpshield::consent::record::{Form, LawfulBasis};
    use mpshield::consent::StorageKey;
    use mpshield::credential::keys::{Algorithm, SigningKey, VerifyingKey};
    use mpshield::credential::licence::{self, LicenceOptions};
    use mpshield::flow::request::{RequestField, RequestOptions};
    use mpshield::flow::verifier::{MemoryNonceStore, Verifier};
    use mpshield::flow::wallet::{Choice, SeparateConsent, Wallet};
    use mpshield::flow::MemoryStorage;

    let now = 1_795_392_000;
    let issuer = SigningKey::generate(Algorithm::Es256).unwrap();
    let hotel = Verifier::new(
        "测试酒店有限公司",
        "91440300MA0000000H",
        SigningKey::generate(Algorithm::EdDsa).unwrap(),
        mpshield::seal::hpke::generate_key_pair(mpshield::seal::hpke::Kem::X25519)
            .unwrap()
            .secret_key,
        vec![issuer.verifying_key().clone()],
    )
    .unwrap();
    let field = |f: &str, forms: &[Form], p: Option<&str>| RequestField {
        licence: "resident_id_card".into(),
        field: f.into(),
        required: true,
        forms: forms.to_vec(),
        retention_days: 30,
        predicate: p.map(str::to_owned),
    };
    let request = || {
        hotel
            .create_request(
                &RequestOptions {
                    purpose: "住宿登记".into(),
                    lawful_basis: LawfulBasis::LegalDuty,
                    fields: vec![
                        field("name", &[Form::Full], None),
                        field("id_number", &[Form::Full, Form::Masked], None),
                        field(
                            "birth_date",
                            &[Form::Predicate],
                            Some("age_equal_or_over/18"),
                        ),
                    ],
                    ttl_seconds: 300,
                    notice_url: None,
                },
                now,
            )
            .unwrap()
    };
    let choice = |f: &str, form| Choice {
        licence: "resident_id_card".into(),
        field: f.into(),
        form,
    };
    let choices = [
        choice("name", Form::Full),
        choice("id_number", Form::Masked),
        choice("birth_date", Form::Predicate),
    ];
    let key = StorageKey::from_bytes([7; 32]);
    let trusted = vec![VerifyingKey::from_jwk(&hotel.public_jwk()).unwrap()];
    let fresh = || {
        let mut storage = MemoryStorage::new();
        let mut wallet = Wallet::open(&mut storage, &key, trusted.clone(), false).unwrap();
        let serde_json::Value::Object(fields) = serde_json::json!({
            "name": "测试甲", "sex": "male", "ethnicity": "汉", "birth_date": "1990-05-17",
            "address": "广东省深圳市南山区测试路1号", "id_number": "440305199005171230",
            "issuing_authority": "深圳市公安局南山分局", "valid_from": "2024-01-01", "valid_until": "2034-01-01"
        }) else {
            unreachable!()
        };
        let sd = licence::issue(
            &issuer,
            &LicenceOptions {
                licence_type: "resident_id_card".into(),
                fields,
                holder_public_jwk: wallet.holder_public_jwk(),
                iss: "https://gov.example/issuer".into(),
                iat: Some(now - 86_400),
                exp: Some(now + 86_400 * 365),
            },
        )
        .unwrap();
        wallet
            .store_credential(&mut storage, &key, &sd, now)
            .unwrap();
        (wallet, storage)
    };
    let req = request();
    let mut total = Duration::ZERO;
    let mut n = 0u32;
    for _ in 0..10 {
        let (mut wallet, mut storage) = fresh();
        let start = Instant::now();
        for _ in 0..20 {
            black_box(
                wallet
                    .respond(
                        &mut storage,
                        &key,
                        &req,
                        &choices,
                        &SeparateConsent::All,
                        now,
                    )
                    .unwrap(),
            );
        }
        total += start.elapsed();
        n += 20;
    }
    report("flow.respond", f64::from(n) / total.as_secs_f64(), 0);

    let (mut wallet, mut storage) = fresh();
    let envelopes: Vec<Vec<u8>> = (0..200)
        .map(|_| {
            wallet
                .respond(
                    &mut storage,
                    &key,
                    &request(),
                    &choices,
                    &SeparateConsent::All,
                    now,
                )
                .unwrap()
                .envelope
        })
        .collect();
    let mut nonces = MemoryNonceStore::default();
    let start = Instant::now();
    for e in &envelopes {
        black_box(hotel.open(e, &mut nonces, now).unwrap());
    }
    report(
        "flow.open",
        envelopes.len() as f64 / start.elapsed().as_secs_f64(),
        0,
    );
}

/// A synthetic consent record (no real organisation or person).
fn record(i: u64) -> mpshield::consent::ConsentRecord {
    let json = format!(
        r#"{{"recordId":"bench-{i}","event":"disclosed","time":{t},"controller":{{"name":"某某酒店","uscc":"91440300MA0000000H"}},
        "purposes":["住宿登记"],"lawfulBasis":"legal_duty","consentType":"explicit",
        "fields":[{{"licence":"resident_id_card","field":"name","form":"full","sensitive":false,"retentionDays":30}},
                  {{"licence":"resident_id_card","field":"id_number","form":"masked","sensitive":false,"retentionDays":30}}],
        "presentation":{{"sdHash":"sd{i}","nonce":"n{i}","audience":"https://hotel.example","recipientKeyId":"kid"}}}}"#,
        t = 1_795_327_380 + i
    );
    mpshield::consent::record::from_json(&json).unwrap()
}

/// Appending (records per second, no checkpoint), an inclusion proof at
/// 100k, verifying a whole log from its canonical records, and the
/// default Argon2id storage key.
fn consent_log() {
    use mpshield::consent::{merkle, store, ConsentLog, DeviceKey};
    for n in [1_000u64, 10_000, 100_000] {
        let records: Vec<_> = (0..n).map(record).collect();
        let start = Instant::now();
        let mut log =
            ConsentLog::create(DeviceKey::from_bytes(&[1; 32]), "bench.example/log").unwrap();
        for r in records {
            log.append(r).unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        report(&format!("consentLog.append ({n})"), n as f64 / secs, 0);
        if n == 100_000 {
            let ops = measure(budget_ms(300), || {
                black_box(log.inclusion_proof(black_box(54_321), n).unwrap());
            });
            report("consentLog.inclusionProof (100k)", ops, 32 * 17);
            let ops = measure(budget_ms(300), || {
                black_box(log.checkpoint().unwrap());
            });
            report("consentLog.checkpoint", ops, 0);
            // Verify the whole log: canonicalise every record, rebuild the tree,
            // compare with the checkpoint.
            let note = log.checkpoint().unwrap();
            let start = Instant::now();
            let cp = mpshield::consent::checkpoint::verify(
                &note,
                &log.device_public_key(),
                "bench.example/log",
            )
            .unwrap();
            let mut tree = merkle::MerkleTree::new();
            for r in log.records() {
                tree.push(merkle::leaf_hash(&r.canonical_bytes().unwrap()));
            }
            assert_eq!(tree.root(), cp.root);
            report(
                "consentLog.verifyWholeLog (100k)",
                1.0 / start.elapsed().as_secs_f64(),
                0,
            );
            let key = store::StorageKey::from_bytes([7; 32]);
            let start = Instant::now();
            let mut storage = mpshield::flow::MemoryStorage::new();
            let mut committer =
                mpshield::consent::commit::Committer::new(mpshield::consent::commit::LOG_PREFIX);
            mpshield::consent::commit::save_sync(&mut committer, &mut storage, &log, &[], &key)
                .unwrap();
            let secs = start.elapsed().as_secs_f64();
            report(
                "consentLog.save, format 2 (100k)",
                1.0 / secs,
                storage
                    .entries()
                    .iter()
                    .map(|(k, v)| k.len() + v.len())
                    .sum(),
            );
        }
    }
    let start = Instant::now();
    black_box(
        store::derive_storage_key(b"123456", &[9; 16], &store::KdfParams::default()).unwrap(),
    );
    report(
        "deriveStorageKey (default)",
        1.0 / start.elapsed().as_secs_f64(),
        0,
    );
}

fn budget_ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}
