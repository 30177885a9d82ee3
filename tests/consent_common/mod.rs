//! Synthetic consent records shared by the consent tests (no real people or
//! organisations: names are placeholders, codes are generated).
#![allow(dead_code, clippy::unwrap_used)]

use mpshield::consent::record::{
    self, ConsentRecord, ConsentType, Controller, Event, Field, Form, LawfulBasis, Notice,
    Presentation,
};
use mpshield::consent::DeviceKey;

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

pub const ORIGIN: &str = "mpshield.example/device/test";
/// 2026-11-22 06:03:00 UTC = 14:03 in Shanghai.
pub const T0: i64 = 1_795_327_380;

/// A hotel check-in disclosure: name in full, ID number masked, 30 days.
pub fn hotel(i: u32) -> ConsentRecord {
    ConsentRecord {
        record_id: Some(format!("rec-{i:06}")),
        schema_version: None,
        event: Event::Disclosed,
        time: T0 + i64::from(i) * 60,
        principal: Some(record::principal_id(&[9; 32], "synthetic-person")),
        controller: Controller {
            name: "某某酒店".into(),
            uscc: uscc(i),
            contact: Some("privacy@hotel.example".into()),
        },
        recipients: vec![],
        purposes: vec!["住宿登记".into()],
        lawful_basis: LawfulBasis::LegalDuty,
        consent_type: ConsentType::Explicit,
        cross_border: Some(false),
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
            url: "https://hotel.example/privacy".into(),
            sha256: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU".into(),
        }),
        withdrawal_method: Some("小程序「我的授权」页".into()),
        refers_to: None,
        presentation: Some(Presentation {
            sd_hash: "Dy-RYwZfaaoC3inJbLslgPvMp09bH-clYP_3qbRqtW4".into(),
            nonce: format!("n-{i}"),
            audience: "https://hotel.example".into(),
            recipient_key_id: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".into(),
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
