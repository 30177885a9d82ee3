//! `sdjwt::decode` (src/credential/sdjwt/verify.rs): splitting, disclosure
//! decoding and the walk over `_sd` digests, without a signature check.
//! Property: every decoded disclosure path is a JSON Pointer that parses
//! and formats back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::credential::sdjwt::{self, pointer};
use mpshield_fuzz::{checked, init};

fuzz_target!(|data: &[u8]| {
    init();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(d) = checked(sdjwt::decode(text)) {
        assert!(d.disclosures.len() <= text.matches('~').count());
        for disc in &d.disclosures {
            if let Some(tokens) = checked(pointer::parse(&disc.path)) {
                assert_eq!(pointer::format(&tokens), disc.path);
            }
        }
    }
});
