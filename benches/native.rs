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
            let segs = log.to_segments(&key).unwrap();
            let secs = start.elapsed().as_secs_f64();
            report(
                "consentLog.toSegments (100k)",
                1.0 / secs,
                store::storage_bytes(&segs),
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
