//! Consent records (src/consent/record.rs, jcs.rs):
//! `ConsentRecord::from_canonical_bytes` and `record::from_json`.
//! Properties: canonical bytes are a fixed point; a record read from JSON
//! that validates goes through its canonical form and back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::consent::record::{self, ConsentRecord};
use mpshield_fuzz::{checked, init};

fuzz_target!(|data: &[u8]| {
    init();
    if let Some(r) = checked(ConsentRecord::from_canonical_bytes(data)) {
        assert_eq!(r.canonical_bytes().expect("canonical_bytes"), data);
        assert_eq!(
            r.canonical_bytes_slow().expect("canonical_bytes_slow"),
            data
        );
        r.leaf_hash().expect("leaf_hash");
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(r) = checked(record::from_json(text)) {
        let Some(bytes) = checked(r.canonical_bytes()) else {
            return;
        };
        if checked(r.validate()).is_some() {
            let back = ConsentRecord::from_canonical_bytes(&bytes)
                .expect("from_canonical_bytes(canonical_bytes)");
            assert_eq!(back.canonical_bytes().expect("again"), bytes);
        }
    }
});
