//! Native benchmark of the seal capability, one JSON line per measurement
//! (`{"bench": …, "unit": …, "value": …}`), for `make bench` to set beside
//! the WebAssembly figures. Run with
//! `cargo run --release --example bench_seal`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chacha20::ChaCha20Rng;
use mpshield::seal::envelope::{self, OpenOptions, SealOptions};
use mpshield::seal::hpke::{self, Aead, ReceiverParams, SenderParams};
use mpshield::seal::stream::{SealStream, StreamOptions};
use mpshield::Result;
use rand_core::SeedableRng;

/// Runs `f` repeatedly for about `budget` and returns calls per second.
fn rate(budget: Duration, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    f()?; // warm-up
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        f()?;
        n += 1;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

fn line(bench: &str, unit: &str, value: f64) {
    println!(
        "{{\"bench\":\"{bench}\",\"unit\":\"{unit}\",\"value\":{value:.1},\"runtime\":\"native\"}}"
    );
}

fn main() -> Result<()> {
    let budget = Duration::from_millis(700);
    let mut rng = ChaCha20Rng::from_seed([0xbe; 32]);
    let kp = hpke::generate_key_pair_with_rng(mpshield::seal::hpke::Kem::X25519, &mut rng)?;
    let kib = vec![0x5au8; 1024];
    let mib = vec![0x5au8; 1 << 20];

    let ops = rate(budget, || {
        black_box(envelope::seal_with_rng(
            &kp.public_key,
            &kib,
            &SealOptions::default(),
            &mut rng,
        )?);
        Ok(())
    })?;
    line("envelope seal 1 KiB", "ops/s", ops);

    let env = envelope::seal_with_rng(&kp.public_key, &kib, &SealOptions::default(), &mut rng)?;
    let ops = rate(budget, || {
        black_box(envelope::open(
            &kp.secret_key,
            &env,
            &OpenOptions::default(),
        )?);
        Ok(())
    })?;
    line("envelope open 1 KiB", "ops/s", ops);

    for aead in [Aead::ChaCha20Poly1305, Aead::Aes256Gcm] {
        let params = SenderParams {
            aead: Some(aead),
            ..SenderParams::default()
        };
        let mut ctx = hpke::setup_sender_with_rng(&kp.public_key, &params, &mut rng)?;
        let mut buf = mib.clone();
        let per_s = rate(budget, || {
            black_box(ctx.seal_in_place(&mut buf, b"")?);
            Ok(())
        })?;
        line(&format!("{} seal 1 MiB", aead.name()), "MiB/s", per_s);
    }

    let ops = rate(budget, || {
        let params = ReceiverParams::default();
        black_box(hpke::setup_receiver(
            &kp.secret_key,
            env.get(28..60).unwrap_or_default(),
            &params,
        )?);
        Ok(())
    })?;
    line("HPKE SetupR (one X25519 + key schedule)", "ops/s", ops);

    let ops = rate(budget, || {
        black_box(hpke::generate_key_pair_with_rng(
            mpshield::seal::hpke::Kem::X25519,
            &mut rng,
        )?);
        Ok(())
    })?;
    line("X25519 key generation", "ops/s", ops);

    for (label, total) in [("1 MiB", 1usize << 20), ("64 MiB", 64 << 20)] {
        let start = Instant::now();
        let mut s = SealStream::new_with_rng(&kp.public_key, &StreamOptions::default(), &mut rng)?;
        let mut left = total;
        while left > 0 {
            let n = left.min(mib.len());
            black_box(s.push(mib.get(..n).unwrap_or_default())?);
            left -= n;
        }
        black_box(s.finish(&[])?);
        let secs = start.elapsed().as_secs_f64();
        line(
            &format!("stream seal {label}"),
            "MiB/s",
            total as f64 / (1 << 20) as f64 / secs,
        );
    }
    Ok(())
}
