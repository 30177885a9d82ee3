//! Consent records: shape (camelCase, unknown keys rejected), the
//! validation table of good and bad records, USCC check characters,
//! pseudonymous principals and the canonical encoding.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod consent_common;

use consent_common::{hotel, sensitive_given, uscc};
use mpshield::consent::record::{
    self, ConsentRecord, ConsentType, Event, Field, Form, LawfulBasis, Recipient,
};

fn ok(mut r: ConsentRecord) -> ConsentRecord {
    r.complete_with_rng(&mut rand_rng());
    r
}

fn rand_rng() -> chacha20::ChaCha20Rng {
    use rand_core::SeedableRng;
    chacha20::ChaCha20Rng::from_seed([4; 32])
}

#[test]
fn uscc_check_characters() {
    // Generated codes validate; every single-character change is caught.
    for n in [0u32, 1, 42, 123_456, 9_999_999] {
        let code = uscc(n);
        record::validate_uscc(&code).unwrap();
        for pos in 0..18 {
            for c in "0123456789ABCDEFGHJKLMNPQRTUWXY".chars() {
                let mut b: Vec<char> = code.chars().collect();
                if b[pos] == c {
                    continue;
                }
                b[pos] = c;
                let changed: String = b.into_iter().collect();
                assert!(record::validate_uscc(&changed).is_err(), "{changed}");
            }
        }
    }
    for bad in [
        "",
        "91440300MA0000000",
        "91440300MA00000000X",
        "91440300MA000000I0",
        "９１",
    ] {
        assert_eq!(
            record::validate_uscc(bad).unwrap_err().code(),
            "INVALID_RECORD"
        );
    }
}

#[test]
fn principal_is_a_keyed_hash() {
    let a = record::principal_id(&[1; 32], "11010519491231002X");
    let b = record::principal_id(&[2; 32], "11010519491231002X");
    assert!(a.starts_with("p1:") && a.len() == 46);
    assert_ne!(a, b);
    assert!(!a.contains("11010519491231002X"));
}

#[test]
fn validation_table() {
    type Edit = fn(&mut ConsentRecord);
    let good: &[(&str, Edit)] = &[
        ("hotel disclosure", |_| {}),
        ("sensitive with separate consent", |r| {
            *r = sensitive_given(1)
        }),
        ("sensitive under guardian consent", |r| {
            *r = ok(sensitive_given(1));
            r.consent_type = ConsentType::Guardian;
        }),
        ("sensitive under a legal duty needs no consent", |r| {
            r.fields[0].sensitive = true;
        }),
        ("processor recipient", |r| {
            r.lawful_basis = LawfulBasis::Consent;
            r.recipients.push(Recipient {
                name: "某某云".into(),
                uscc: Some(uscc(7)),
                role: Some("processor".into()),
            });
        }),
        ("refusal without principal", |r| {
            r.event = Event::Refused;
            r.principal = None;
        }),
        ("withdrawn with refersTo", |r| {
            r.event = Event::Withdrawn;
            r.refers_to = Some("rec-other".into());
        }),
        ("no optional fields", |r| {
            r.principal = None;
            r.notice = None;
            r.presentation = None;
            r.jurisdiction = None;
            r.storage_location = None;
            r.withdrawal_method = None;
            r.cross_border = None;
            r.controller.contact = None;
        }),
    ];
    for (name, edit) in good {
        let mut r = hotel(1);
        edit(&mut r);
        ok(r).validate().unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    let bad: &[(&str, Edit, &str)] = &[
        ("empty purposes", |r| r.purposes.clear(), "purposes"),
        ("blank purpose", |r| r.purposes[0] = " ".into(), "purposes"),
        (
            "bad controller uscc",
            |r| r.controller.uscc.replace_range(17.., "0"),
            "check character",
        ),
        (
            "short uscc",
            |r| r.controller.uscc = "123".into(),
            "18 characters",
        ),
        (
            "bad recipient uscc",
            |r| {
                r.recipients.push(Recipient {
                    name: "x".into(),
                    uscc: Some("91440300MA00000010".into()),
                    role: None,
                });
            },
            "check character",
        ),
        (
            "raw ID number as principal",
            |r| r.principal = Some("11010519491231002X".into()),
            "ID number",
        ),
        (
            "ID number inside principal",
            |r| r.principal = Some("user:440524188001010014".into()),
            "ID number",
        ),
        (
            "15-digit legacy number",
            |r| r.principal = Some("110105491231002".into()),
            "ID number",
        ),
        (
            "principal too short",
            |r| r.principal = Some("p1".into()),
            "principal",
        ),
        (
            "sensitive field with explicit consent",
            |r| {
                *r = ok(sensitive_given(1));
                r.consent_type = ConsentType::Explicit;
            },
            "Art. 29",
        ),
        (
            "sensitive disclosed with explicit consent",
            |r| {
                *r = ok(sensitive_given(1));
                r.event = Event::Disclosed;
                r.consent_type = ConsentType::Explicit;
            },
            "Art. 29",
        ),
        (
            "another handler with explicit consent",
            |r| {
                r.lawful_basis = LawfulBasis::Consent;
                r.recipients.push(Recipient {
                    name: "某某旅行社".into(),
                    uscc: Some(uscc(8)),
                    role: Some("handler".into()),
                });
            },
            "Art. 23",
        ),
        (
            "cross-border with explicit consent",
            |r| {
                r.lawful_basis = LawfulBasis::Consent;
                r.cross_border = Some(true);
            },
            "Art. 39",
        ),
        (
            "withdrawn without refersTo",
            |r| r.event = Event::Withdrawn,
            "refersTo",
        ),
        (
            "expired without refersTo",
            |r| r.event = Event::Expired,
            "refersTo",
        ),
        (
            "refers to itself",
            |r| {
                r.event = Event::Withdrawn;
                r.refers_to = r.record_id.clone();
            },
            "another record",
        ),
        ("disclosed without fields", |r| r.fields.clear(), "fields"),
        ("negative time", |r| r.time = -1, "time"),
        ("time beyond 2^53", |r| r.time = 1 << 53, "time"),
        (
            "retention beyond 100 years",
            |r| r.fields[0].retention_days = 40_000,
            "retentionDays",
        ),
        (
            "empty field id",
            |r| r.fields[0].field = String::new(),
            "fields[].field",
        ),
        (
            "notice hash not 32 bytes",
            |r| r.notice.as_mut().unwrap().sha256 = Some("abc".into()),
            "notice.sha256",
        ),
        (
            "notice not http(s)",
            |r| r.notice.as_mut().unwrap().url = "ftp://x".into(),
            "notice.url",
        ),
        (
            "bad record id",
            |r| r.record_id = Some("has space".into()),
            "recordId",
        ),
        (
            "long record id",
            |r| r.record_id = Some("a".repeat(65)),
            "recordId",
        ),
        (
            "unknown schema version",
            |r| r.schema_version = Some(2),
            "schemaVersion",
        ),
        (
            "control character",
            |r| r.controller.name = "a\u{7}b".into(),
            "control",
        ),
        (
            "text too long",
            |r| r.purposes[0] = "x".repeat(1025),
            "longer",
        ),
        (
            "empty nonce",
            |r| r.presentation.as_mut().unwrap().nonce = String::new(),
            "nonce",
        ),
    ];
    for (name, edit, fragment) in bad {
        let mut r = ok(hotel(1));
        edit(&mut r);
        let err = r.validate().expect_err(name);
        assert_eq!(err.code(), "INVALID_RECORD", "{name}");
        assert!(err.to_string().contains(fragment), "{name}: {err}");
    }
}

#[test]
fn shape_is_camel_case_and_closed() {
    let r = ok(hotel(3));
    let v = serde_json::to_value(&r).unwrap();
    for key in [
        "recordId",
        "schemaVersion",
        "lawfulBasis",
        "consentType",
        "crossBorder",
        "storageLocation",
        "withdrawalMethod",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["fields"][1]["retentionDays"], 30);
    assert_eq!(v["fields"][1]["form"], "masked");
    assert_eq!(v["lawfulBasis"], "legal_duty");
    assert_eq!(
        v["presentation"]["recipientKeyId"].as_str().unwrap().len(),
        43
    );
    // Unknown keys, wrong enum values and missing required keys are refused.
    let mut extra = v.clone();
    extra["idNumber"] = "11010519491231002X".into();
    assert_eq!(
        record::from_value(extra).unwrap_err().code(),
        "INVALID_RECORD"
    );
    let mut wrong = v.clone();
    wrong["event"] = "approved".into();
    assert!(record::from_value(wrong).is_err());
    let mut nested = v.clone();
    nested["fields"][0]["label"] = "姓名".into();
    assert!(record::from_value(nested).is_err());
    let mut missing = v.clone();
    missing.as_object_mut().unwrap().remove("purposes");
    assert!(record::from_value(missing).is_err());
    // The contract's minimal record parses and completes.
    let minimal =
        r#"{"event":"refused","time":1795327380,"controller":{"name":"某某酒店","uscc":"USCC"},
        "purposes":["住宿登记"],"lawfulBasis":"consent","consentType":"explicit","fields":[]}"#
            .replace("USCC", &uscc(5));
    let mut m = record::from_json(&minimal).unwrap();
    assert!(m.record_id.is_none());
    m.complete_with_rng(&mut rand_rng());
    assert_eq!(m.id().len(), 22);
    assert_eq!(m.schema_version, Some(record::SCHEMA_VERSION));
    m.validate().unwrap();
}

#[test]
fn canonical_bytes_are_rfc8785_and_stable() {
    let r = ok(hotel(2));
    let bytes = r.canonical_bytes().unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with("{\"consentType\":\"explicit\",\"controller\":{\"contact\""));
    assert!(text.contains("\"purposes\":[\"住宿登记\"]"));
    // Parsing back gives the same record; any other spelling is refused.
    assert_eq!(ConsentRecord::from_canonical_bytes(&bytes).unwrap(), r);
    let pretty = serde_json::to_vec_pretty(&r).unwrap();
    assert_eq!(
        ConsentRecord::from_canonical_bytes(&pretty)
            .unwrap_err()
            .code(),
        "INVALID_RECORD"
    );
    assert_eq!(
        r.leaf_hash().unwrap(),
        mpshield::consent::merkle::leaf_hash(&bytes)
    );
    // A field change changes the leaf.
    let mut r2 = r.clone();
    r2.fields[0] = Field {
        form: Form::Masked,
        ..r2.fields[0].clone()
    };
    assert_ne!(r2.leaf_hash().unwrap(), r.leaf_hash().unwrap());
}

/// The fast canonical form (sorted struct fields serialised directly) equals
/// the general RFC 8785 canonicaliser, for every event and all kinds of text.
#[test]
fn fast_canonical_form_equals_general_jcs() {
    let texts = [
        "plain",
        "引号\"和\\反斜杠",
        "controls \u{0}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}",
        "emoji 😀 and \u{2028}\u{fb33}",
        "/slash/ <tag> & 'quote'",
    ];
    let events = [
        Event::Requested,
        Event::Given,
        Event::Refused,
        Event::Disclosed,
        Event::Withdrawn,
        Event::Expired,
    ];
    for (i, t) in texts.iter().enumerate() {
        for (j, e) in events.iter().enumerate() {
            let mut r = if j % 2 == 0 {
                hotel(i as u32)
            } else {
                sensitive_given(i as u32)
            };
            r.event = *e;
            r.purposes = vec![(*t).to_owned(), "第二目的".into()];
            r.controller.name = (*t).to_owned();
            r.recipients.push(Recipient {
                name: (*t).to_owned(),
                uscc: None,
                role: Some("handler".into()),
            });
            r.refers_to = Some("rec-x".into());
            r.time = (1 << 53) - 1;
            r.fields[0].retention_days = u32::MAX;
            if j == 3 {
                r = ok(r);
                r.notice = None;
                r.principal = None;
            }
            assert_eq!(
                r.canonical_bytes().unwrap(),
                r.canonical_bytes_slow().unwrap(),
                "{t} {e:?}"
            );
        }
    }
}
