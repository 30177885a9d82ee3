//! Synthetic consent records shared by the consent tests (no real people or
//! organisations: names are placeholders, codes are generated).
#![allow(dead_code, clippy::unwrap_used)]

use mpshield::consent::record::{
    self, ConsentRecord, ConsentType, Controller, Event, Field, Form, LawfulBasis, Notice,
    Presentation,
};
use mpshield::consent::DeviceKey;
use mpshield::suite::Suite;

/// A valid synthetic unified social credit code: 17 characters derived
/// from `n`, plus the GB 32100-2015 check character.
pub fn uscc(n: u32) -> String {
    let first = format!("91440300MA{:07}", n % 10_000_000);
    let check = record::uscc_check_character(&first).unwrap();
    format!("{first}{check}")
}

pub fn device_key(n: u8) -> DeviceKey {
    DeviceKey::from_bytes(&[n; 32])
}

/// The device key of `suite` with the secret 32 × `n` (an Ed25519 seed or
/// an SM2 scalar).
pub fn device_key_of(suite: Suite, n: u8) -> DeviceKey {
    DeviceKey::from_seed(suite, &[n; 32]).unwrap()
}

/// `r` as a log of `suite` takes it: in a gm log the notice is named by
/// `sm3` (the same synthetic 32 bytes) and the principal by HMAC-SM3; intl
/// records are returned unchanged.
pub fn in_suite(suite: Suite, mut r: ConsentRecord) -> ConsentRecord {
    if suite == Suite::Gm {
        if let Some(n) = r.notice.as_mut() {
            n.sm3 = n.sha256.take();
        }
        if r.principal.is_some() {
            r.principal = Some(record::principal_id_with(
                suite,
                &[9; 32],
                "synthetic-person",
            ));
        }
    }
    r
}

pub const ORIGIN: &str = "mpshield.example/device/test";
/// 2026-11-22 06:03:00 UTC = 14:03 in Shanghai.
pub const T0: i64 = 1_795_327_380;

/// 32 pseudo-random bytes from `label` and `i`, base64url (43 characters).
pub fn b64_hash(label: &str, i: u32) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let h = mpshield::consent::merkle::leaf_hash(format!("{label}/{i}").as_bytes());
    Base64UrlUnpadded::encode_string(&h)
}

/// Synthetic place names for controllers.
const HOTELS: [&str; 8] = [
    "某某酒店",
    "示例大酒店有限公司",
    "测试宾馆",
    "样例快捷酒店（福田店）",
    "虚构国际酒店管理有限公司",
    "演示青年旅舍",
    "模拟度假村",
    "例子商务酒店",
];

/// A hotel check-in disclosure: name in full, ID number masked, 30 days.
/// Nonces, `sd_hash` and key ids differ per record, as in real use.
pub fn hotel(i: u32) -> ConsentRecord {
    let h = (i as usize / 3) % HOTELS.len();
    let h = if i < 3 { 0 } else { h };
    ConsentRecord {
        record_id: Some(format!("rec-{i:06}")),
        schema_version: None,
        event: Event::Disclosed,
        time: T0 + i64::from(i) * 60,
        principal: Some(record::principal_id(&[9; 32], "synthetic-person")),
        controller: Controller {
            name: HOTELS[h].into(),
            uscc: uscc(h as u32 * 7_919),
            contact: Some("privacy@hotel.example".into()),
        },
        recipients: vec![],
        purposes: vec!["住宿登记".into()],
        lawful_basis: LawfulBasis::LegalDuty,
        consent_type: ConsentType::Explicit,
        cross_border: Some(false),
        device: None,
        fields: vec![
            Field {
                licence: "resident_id_card".into(),
                field: "name".into(),
                form: Form::Full,
                sensitive: false,
                retention_days: 30,
            },
            Field {
                licence: "resident_id_card".into(),
                field: "id_number".into(),
                form: Form::Masked,
                sensitive: false,
                retention_days: 30,
            },
        ],
        jurisdiction: Some("CN".into()),
        storage_location: Some("CN-GD".into()),
        notice: Some(Notice {
            url: format!("https://hotel{h}.example/privacy/v3"),
            sha256: Some(b64_hash("notice", h as u32)),
            sm3: None,
        }),
        withdrawal_method: Some("小程序「我的授权」页".into()),
        refers_to: None,
        presentation: Some(Presentation {
            sd_hash: b64_hash("sd_hash", i),
            nonce: b64_hash("nonce", i)[..22].to_owned(),
            audience: format!("https://hotel{h}.example"),
            recipient_key_id: b64_hash("kid", h as u32),
        }),
    }
}

/// A consent to a sensitive field (face photo) with separate consent.
pub fn sensitive_given(i: u32) -> ConsentRecord {
    let mut r = hotel(i);
    r.event = Event::Given;
    r.lawful_basis = LawfulBasis::Consent;
    r.consent_type = ConsentType::Separate;
    r.fields.push(Field {
        licence: "resident_id_card".into(),
        field: "photo".into(),
        form: Form::Full,
        sensitive: true,
        retention_days: 7,
    });
    r
}
