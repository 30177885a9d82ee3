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
}
