//! Request verification (src/flow/request.rs): `Request::verify` and
//! `Request::verify_issued_by` with the hotel's key, at a fixed time.
//! Property: what verifies as issued by the hotel verifies at all, and
//! names the hotel's key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::credential::keys::VerifyingKey;
use mpshield::flow::request::Request;
use mpshield_fuzz::{checked, init, NOW};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let any = checked(Request::verify(text, NOW));
    let hotel = VerifyingKey::from_jwk(&f.hotel.public_jwk()).expect("hotel key");
    if let Some(r) = checked(Request::verify_issued_by(text, &hotel, NOW)) {
        assert!(any.is_some(), "issued_by accepted what verify refused");
        assert!(r.verifier_key == hotel);
        assert!(r.expires_at > r.issued_at);
        assert!(r.field(&r.fields[0].field).is_some());
    }
});
