//! Checkpoints (src/consent/checkpoint.rs): `Checkpoint::parse_body` and
//! `checkpoint::verify` with the fixed device key and origin. Property: a
//! parsed body prints back to a body that parses to the same checkpoint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::consent::checkpoint::{self, Checkpoint};
use mpshield_fuzz::{checked, init, ORIGIN};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(c) = checked(Checkpoint::parse_body(text)) {
        let again = Checkpoint::parse_body(&c.body()).expect("parse_body(body())");
        assert_eq!(
            (again.origin.as_str(), again.size, again.root),
            (c.origin.as_str(), c.size, c.root)
        );
    }
    if let Some(c) = checked(checkpoint::verify(text, &f.device_public(), ORIGIN)) {
        assert_eq!(c.origin, ORIGIN);
        assert!(text.starts_with(&c.body()));
    }
});
