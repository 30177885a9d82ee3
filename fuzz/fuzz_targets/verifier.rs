//! The relying party's side of the flow (src/flow/verifier.rs):
//! `Verifier::check` and `open`. First byte 0: the rest is an envelope,
//! checked as it is. Otherwise the rest is a response's plaintext (JSON),
//! sealed to the hotel first, so the fuzzer works on what lies behind the
//! AEAD. Property: a response that opens once is refused as a replay the
//! second time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::flow::verifier::MemoryNonceStore;
use mpshield::flow::RESPONSE_INFO;
use mpshield::seal::envelope::{self, SealOptions};
use mpshield_fuzz::{check_error, checked, init, rng, NOW};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let sealed;
    let env = if mode == 0 {
        rest
    } else {
        let options = SealOptions {
            info: RESPONSE_INFO,
            ..SealOptions::default()
        };
        sealed = envelope::seal_with_rng(&f.hotel_seal_public, rest, &options, &mut rng(3))
            .expect("seal");
        &sealed
    };
    if checked(f.hotel.check(env, NOW)).is_some() {
        let mut nonces = MemoryNonceStore::default();
        f.hotel
            .open(env, &mut nonces, NOW)
            .expect("check passed but open failed");
        let again = f
            .hotel
            .open(env, &mut nonces, NOW)
            .expect_err("replay accepted");
        check_error(&again);
        assert_eq!(again.code(), "REPLAYED");
    }
});
