//! The Rust smoke suite, shared by the native run (`tests/smoke.rs`) and the
//! headless-Chromium run (`tests/web.rs`). The JavaScript runtimes run the
//! same checks from `tests/js/smoke.mjs`.

use mpshield::credential::date::Date;
use mpshield::credential::idcard;

/// Seeds the DRBG with the given host entropy and checks the basics.
pub fn smoke(entropy: &[u8]) {
    mpshield::rng::add_entropy(entropy).unwrap();
    assert_eq!(mpshield::version(), env!("CARGO_PKG_VERSION"));

    let a = mpshield::random_bytes(32).unwrap();
    let b = mpshield::random_bytes(32).unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    assert_eq!(
        mpshield::random_bytes(0).unwrap_err().code(),
        "INVALID_INPUT"
    );
    assert_eq!(
        mpshield::random_bytes(65_537).unwrap_err().code(),
        "INVALID_INPUT"
    );

    let id = idcard::parse("11010519491231002X").unwrap();
    assert_eq!(
        (
            id.region.as_str(),
            id.province.as_str(),
            id.birth_date.as_str()
        ),
        ("110105", "北京市", "1949-12-31")
    );
    assert_eq!(id.sex, idcard::Sex::Female);
    let id = idcard::parse("440524188001010014").unwrap();
    assert_eq!(
        (id.province.as_str(), id.sex),
        ("广东省", idcard::Sex::Male)
    );
    assert_eq!(
        idcard::parse("11010519491231002x").unwrap().number,
        "11010519491231002X"
    );

    // Generated synthetic numbers, from the DRBG.
    for chunk in mpshield::random_bytes(400).unwrap().chunks(4) {
        let year = 1950 + i32::from(chunk[0] % 70);
        let birth = Date::new(year, 1 + chunk[1] % 12, 1 + chunk[2] % 28).unwrap();
        let n = idcard::synthesize("440305", birth, u16::from(chunk[3]) * 3).unwrap();
        let p = idcard::parse(&n).unwrap();
        assert_eq!(p.birth_date, birth.to_string());
        assert_eq!(p.province, "广东省");
    }

    for bad in [
        "",
        "110105194912310",
        "110105194912310021",
        "not a number at all",
    ] {
        assert_eq!(
            idcard::parse(bad).unwrap_err().code(),
            "INVALID_ID_NUMBER",
            "{bad}"
        );
    }
}
