//! Receipts (src/consent/receipt.rs): `verify_receipt` and
//! `verify_receipt_for_origin` with the fixed device key. Property: a
//! receipt valid for the fixed origin is valid, and proves an index inside
//! its checkpoint's tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::consent::receipt;
use mpshield_fuzz::{checked, init, ORIGIN};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let pk = f.device_public();
    let any = checked(receipt::verify_receipt(data, &pk));
    if let Some(r) = checked(receipt::verify_receipt_for_origin(data, &pk, ORIGIN)) {
        assert!(
            any.is_some(),
            "for_origin accepted what verify_receipt refused"
        );
        assert!(r.index < r.checkpoint.size);
        assert_eq!(r.checkpoint.origin, ORIGIN);
        r.record.validate().expect("a receipt's record validates");
    }
});
