//! Moving a log (src/consent/handover.rs): the first byte chooses
//! `Wallet::import` of an export sealed under the fixed recovery code, or
//! `verify_continuity` of a proof against the fixed device key's
//! checkpoint of the corpus log. Properties: typed errors only; an import
//! yields a wallet whose log is continued by the export's new key and whose
//! chain verifies; a continuity that verifies names a checkpoint signed by
//! the key it reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::consent::checkpoint;
use mpshield::consent::handover::{self, RecoveryCode};
use mpshield::flow::wallet::{OpenOptions, Wallet};
use mpshield_fuzz::{checked, init, NOW, ORIGIN, RECOVERY_CODE};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let code = RecoveryCode::parse(RECOVERY_CODE).unwrap();
        if let Some((wallet, _)) =
            checked(Wallet::import(rest, &code, &OpenOptions::default(), NOW))
        {
            assert_eq!(
                wallet.log().origin(),
                ORIGIN,
                "the corpus exports one origin"
            );
            assert!(
                wallet.log().size() > 0,
                "an export holds at least its handover"
            );
        }
    } else {
        // The fixture's log holds no records: its empty checkpoint is what
        // a relying party would hold before the move.
        let log = mpshield::consent::ConsentLog::create(f.device.clone(), ORIGIN).unwrap();
        let note = log.checkpoint().unwrap();
        if let Some(c) = checked(handover::verify_continuity(
            rest,
            &note,
            &f.device_public(),
            ORIGIN,
        )) {
            checkpoint::verify(&c.note, &c.key, ORIGIN).expect("the reported checkpoint verifies");
            assert_eq!(
                c.checkpoint.size,
                checkpoint::verify(&c.note, &c.key, ORIGIN).unwrap().size
            );
        }
    }
});
