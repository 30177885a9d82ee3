//! `sdjwt::present` (src/credential/sdjwt/present.rs) with the fixed holder
//! key. Input: the pointers to disclose, comma-separated, on the first line;
//! the credential after it. Property: a presentation of a credential that
//! verifies also verifies, with key binding, and discloses no more than
//! was chosen (plus what contains or lies beneath it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpshield::credential::sdjwt::{self, PresentOptions, VerifyOptions};
use mpshield_fuzz::{checked, first_line, init, AUD, NONCE, NOW};

fuzz_target!(|data: &[u8]| {
    let f = init();
    let (line, rest) = first_line(data);
    let (Ok(line), Ok(credential)) = (std::str::from_utf8(line), std::str::from_utf8(rest)) else {
        return;
    };
    let disclose: Vec<String> = line
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let options = PresentOptions {
        disclose,
        aud: AUD.into(),
        nonce: NONCE.into(),
        iat: Some(NOW),
    };
    let Some(presentation) = checked(sdjwt::present(credential, &f.holder, &options)) else {
        return;
    };
    let verify = |text: &str, kb: bool| {
        sdjwt::verify(
            text,
            &VerifyOptions {
                issuer_keys: f.issuer_keys(),
                aud: Some(AUD.into()),
                nonce: Some(NONCE.into()),
                now: Some(NOW),
                require_key_binding: kb,
                ..VerifyOptions::default()
            },
        )
    };
    if checked(verify(credential, false)).is_some() {
        let v = verify(&presentation, true)
            .expect("presentation of a valid credential does not verify");
        let kb = v.key_binding.expect("no key binding");
        assert_eq!((kb.aud.as_str(), kb.nonce.as_str()), (AUD, NONCE));
    }
});
