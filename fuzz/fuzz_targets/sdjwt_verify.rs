//! `sdjwt::verify` (src/credential/sdjwt/verify.rs) against the fixed
//! issuer keys at a fixed time, with the fixed key-binding audience and
//! nonce. The corpus holds credentials signed by those keys, so mutations
//! of the disclosures (outside the signature) reach the RFC 9901 §7 checks.
//! Property: whatever verifies also decodes, with as many disclosures.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::credential::sdjwt::{self, pointer, VerifyOptions};
use mpshield_fuzz::{checked, init, AUD, NONCE, NOW};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = VerifyOptions {
        issuer_keys: f.issuer_keys(),
        aud: Some(AUD.into()),
        nonce: Some(NONCE.into()),
        now: Some(NOW),
        require_key_binding: false,
        ..VerifyOptions::default()
    };
    if let Some(v) = checked(sdjwt::verify(text, &options)) {
        let d = sdjwt::decode(text).expect("verified but does not decode");
        assert!(v.disclosed.len() <= d.disclosures.len());
        for p in &v.disclosed {
            assert_eq!(
                pointer::format(&pointer::parse(p).expect("disclosed pointer")),
                *p
            );
        }
    }
});
