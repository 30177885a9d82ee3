//! Licence schemas, licence issuance round trips for every type, derived
//! claims, and masking rules. All personal data here is synthetic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{key, rng, NOW};
use mpshield::credential::date::Date;
use mpshield::credential::idcard;
use mpshield::credential::keys::Algorithm;
use mpshield::credential::licence::{self, LicenceOptions};
use mpshield::credential::mask;
use mpshield::credential::sdjwt::{self, PresentOptions, VerifyOptions};
use serde_json::{json, Value};

/// A synthetic ID number: born 2008-11-24 (17 years old at NOW in China),
/// in 440305 (Shenzhen), sequence 123 (male).
fn id_number() -> String {
    idcard::synthesize("440305", Date::new(2008, 11, 24).unwrap(), 123).unwrap()
}

fn fields(licence_type: &str) -> Value {
    let id = id_number();
    match licence_type {
        "resident_id_card" => json!({
            "name": "测试甲", "sex": "male", "ethnicity": "汉", "birth_date": "2008-11-24",
            "address": "广东省深圳市南山区测试路1号", "id_number": id,
            "issuing_authority": "深圳市公安局南山分局", "valid_from": "2024-01-01",
            "valid_until": "2034-01-01", "photo": "data:image/png;base64,AAAA"
        }),
        "driving_licence" => json!({
            "licence_number": id, "name": "测试甲", "sex": "male", "nationality": "中国",
            "address": "广东省深圳市南山区测试路1号", "birth_date": "2008-11-24",
            "first_issue_date": "2026-09-01", "vehicle_classes": ["C1"],
            "valid_from": "2026-09-01", "valid_until": "2032-09-01",
            "issuing_authority": "深圳市公安局交通警察支队", "file_number": "440300123456"
        }),
        "vehicle_licence" => json!({
            "plate_number": "粤B12348", "vehicle_type": "小型轿车", "owner": "测试甲",
            "address": "广东省深圳市南山区测试路1号", "use_character": "非营运",
            "brand_model": "测试牌TEST7100", "vin": "LTEST123456789012",
            "engine_number": "ENG12345", "registration_date": "2025-03-01", "issue_date": "2025-03-01"
        }),
        "passport" => json!({
            "passport_number": "E12345678", "name": "测试甲", "name_latin": "CESHI, JIA",
            "sex": "male", "nationality": "中国", "birth_date": "2008-11-24",
            "birth_place": "广东", "issue_date": "2025-01-01", "issue_place": "广东",
            "valid_until": "2030-01-01", "issuing_authority": "国家移民管理局"
        }),
        "hk_macao_permit" => json!({
            "permit_number": "C12345678", "name": "测试甲", "name_latin": "CESHI, JIA",
            "sex": "male", "birth_date": "2008-11-24", "issue_date": "2025-01-01",
            "issue_place": "广东", "valid_until": "2035-01-01", "issuing_authority": "国家移民管理局"
        }),
        "disability_certificate" => json!({
            "certificate_number": format!("{id}12"), "name": "测试甲", "sex": "male",
            "id_number": id, "disability_category": "physical", "disability_level": "2",
            "address": "广东省深圳市南山区测试路1号", "issuing_authority": "深圳市残疾人联合会",
            "issue_date": "2025-01-01", "valid_until": "2035-01-01"
        }),
        "residence_permit" => json!({
            "name": "测试甲", "sex": "male", "birth_date": "2008-11-24", "id_number": id,
            "address": "北京市朝阳区测试街2号", "issuing_authority": "北京市公安局朝阳分局",
            "valid_from": "2025-01-01", "valid_until": "2030-01-01"
        }),
        other => panic!("no fixture for {other}"),
    }
}

fn issue(licence_type: &str, fields: Value) -> mpshield::Result<String> {
    let issuer = key(Algorithm::Es256, 1);
    let holder = key(Algorithm::EdDsa, 2);
    let Value::Object(fields) = fields else {
        panic!()
    };
    licence::issue_with_rng(
        &issuer,
        &LicenceOptions {
            licence_type: licence_type.into(),
            fields,
            holder_public_jwk: holder.public_jwk(),
            iss: "https://gov.example/issuer".into(),
            iat: Some(NOW),
            exp: Some(NOW + 365 * 86_400),
        },
        &mut rng(3),
    )
}

const TYPES: &[&str] = &[
    "resident_id_card",
    "driving_licence",
    "vehicle_licence",
    "passport",
    "hk_macao_permit",
    "disability_certificate",
    "residence_permit",
];

#[test]
fn every_schema_parses_and_is_listed() {
    let schemas = licence::schemas().unwrap();
    let types: Vec<&str> = schemas.iter().map(|s| s.licence_type.as_str()).collect();
    assert_eq!(types, TYPES);
    for s in schemas {
        assert!(!s.labels.zh.is_empty() && !s.labels.en.is_empty());
        assert!(s.vct.starts_with("urn:mpshield:licence:"));
        let mut ids: Vec<&str> = s.fields.iter().map(|f| f.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            s.fields.len(),
            "duplicate field in {}",
            s.licence_type
        );
        for f in &s.fields {
            for m in &f.masks {
                assert!(mask::rules().iter().any(|r| r.id == m), "{m}");
            }
            if f.value_type.starts_with("enum") {
                assert!(f.values.as_ref().is_some_and(|v| !v.is_empty()), "{}", f.id);
            }
        }
    }
    assert_eq!(
        licence::schema("fishing_permit").unwrap_err().code(),
        "UNKNOWN_LICENCE_TYPE"
    );
}

/// The module reads the schema files without the derived `Deserialize`
/// impls (src/json.rs); what it reads is exactly what the derive reads.
#[test]
fn schemas_read_as_the_derived_deserialize_reads_them() {
    let schemas = licence::schemas().unwrap();
    assert_eq!(schemas.len(), licence::SCHEMA_FILES.len());
    for (text, s) in licence::SCHEMA_FILES.iter().zip(schemas) {
        let derived: licence::Schema = serde_json::from_str(text).unwrap();
        assert!(derived.derived.is_empty());
        let without_derived = licence::Schema {
            derived: Vec::new(),
            ..s.clone()
        };
        assert_eq!(derived, without_derived, "{}", s.licence_type);
        assert!(!s.derived.is_empty(), "{}", s.licence_type);
    }
}

#[test]
fn field_ids_are_the_contracts() {
    let ids = |t: &str| -> Vec<String> {
        licence::schema(t)
            .unwrap()
            .fields
            .iter()
            .map(|f| f.id.clone())
            .collect()
    };
    assert_eq!(
        ids("resident_id_card"),
        [
            "name",
            "sex",
            "ethnicity",
            "birth_date",
            "address",
            "id_number",
            "issuing_authority",
            "valid_from",
            "valid_until",
            "photo"
        ]
    );
    assert_eq!(
        ids("driving_licence"),
        [
            "licence_number",
            "name",
            "sex",
            "nationality",
            "address",
            "birth_date",
            "first_issue_date",
            "vehicle_classes",
            "valid_from",
            "valid_until",
            "issuing_authority",
            "file_number"
        ]
    );
    let derived: Vec<String> = licence::schema("resident_id_card")
        .unwrap()
        .derived
        .iter()
        .map(|d| d.id.clone())
        .collect();
    for d in [
        "age_equal_or_over",
        "household_province",
        "id_number_masked",
        "name_masked",
    ] {
        assert!(derived.iter().any(|x| x == d), "{d}");
    }
}

#[test]
fn sensitive_flags() {
    let field = |t: &str, f: &str| {
        licence::schema(t)
            .unwrap()
            .fields
            .iter()
            .find(|x| x.id == f)
            .unwrap()
            .clone()
    };
    for t in [
        "resident_id_card",
        "passport",
        "hk_macao_permit",
        "disability_certificate",
        "residence_permit",
    ] {
        assert!(field(t, "photo").sensitive, "{t} photo");
    }
    for f in [
        "disability_category",
        "disability_level",
        "certificate_number",
    ] {
        assert!(field("disability_certificate", f).sensitive, "{f}");
    }
    assert!(!field("resident_id_card", "name").sensitive);
}

#[test]
fn every_licence_type_round_trips() {
    let issuer = key(Algorithm::Es256, 1);
    let holder = key(Algorithm::EdDsa, 2);
    for t in TYPES {
        let cred = issue(t, fields(t)).unwrap();
        let decoded = sdjwt::decode(&cred).unwrap();
        assert_eq!(
            decoded.payload["vct"],
            format!("urn:mpshield:licence:{t}:1")
        );
        let schema = licence::schema(t).unwrap();
        // Every disclosable field given is a disclosure; others are visible.
        for f in &schema.fields {
            let given = fields(t).get(&f.id).is_some();
            let as_disclosure = decoded
                .disclosures
                .iter()
                .any(|d| d.path == format!("/{}", f.id));
            assert_eq!(as_disclosure, given && f.disclosable, "{t}/{}", f.id);
            assert_eq!(
                decoded.payload.get(&f.id).is_some(),
                given && !f.disclosable,
                "{t}/{}",
                f.id
            );
        }
        // Present everything, verify, and get the fields back.
        let all: Vec<String> = decoded.disclosures.iter().map(|d| d.path.clone()).collect();
        let p = sdjwt::present(
            &cred,
            &holder,
            &PresentOptions {
                disclose: all,
                aud: "rp".into(),
                nonce: "n".into(),
                iat: Some(NOW),
            },
        )
        .unwrap();
        let v = sdjwt::verify(
            &p,
            &VerifyOptions {
                issuer_keys: vec![issuer.verifying_key().clone()],
                aud: Some("rp".into()),
                nonce: Some("n".into()),
                now: Some(NOW),
                ..VerifyOptions::default()
            },
        )
        .unwrap();
        let Value::Object(given) = fields(t) else {
            panic!()
        };
        for (k, want) in given {
            assert_eq!(v.claims[&k], want, "{t}/{k}");
        }
        for d in &schema.derived {
            assert!(v.claims.get(&d.id).is_some(), "{t}: derived {}", d.id);
        }
    }
}

#[test]
fn id_card_derived_claims() {
    let cred = issue("resident_id_card", fields("resident_id_card")).unwrap();
    let d = sdjwt::decode(&cred).unwrap();
    let value = |p: &str| {
        d.disclosures
            .iter()
            .find(|x| x.path == p)
            .unwrap()
            .value
            .clone()
    };
    // Born 2008-11-24; NOW is 2026-11-23 08:00 in China: 17 years old.
    assert_eq!(value("/age_equal_or_over/14"), true);
    assert_eq!(value("/age_equal_or_over/16"), true);
    assert_eq!(value("/age_equal_or_over/18"), false);
    assert_eq!(value("/age_equal_or_over/60"), false);
    assert_eq!(value("/age_equal_or_over/65"), false);
    assert_eq!(value("/household_province"), "广东省");
    let id = id_number();
    assert_eq!(
        value("/id_number_masked"),
        format!("440305********{}", &id[14..])
    );
    assert_eq!(value("/name_masked"), "测*甲");
    assert_eq!(value("/address_masked"), "广东省深圳市南山区****");
    assert_eq!(value("/birth_date_masked"), "2008-**-**");
    // The masked ID number never shows the birth digits.
    assert!(!value("/id_number_masked")
        .as_str()
        .unwrap()
        .contains("20081124"));
    // Age keys are individually disclosable.
    let holder = key(Algorithm::EdDsa, 2);
    let p = sdjwt::present(
        &cred,
        &holder,
        &PresentOptions {
            disclose: vec!["/age_equal_or_over/16".into()],
            aud: "bar".into(),
            nonce: "n".into(),
            iat: Some(NOW),
        },
    )
    .unwrap();
    let v = sdjwt::verify(
        &p,
        &VerifyOptions {
            issuer_keys: vec![key(Algorithm::Es256, 1).verifying_key().clone()],
            aud: Some("bar".into()),
            nonce: Some("n".into()),
            now: Some(NOW),
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert_eq!(v.disclosed, ["/age_equal_or_over/16"]);
    assert_eq!(v.claims["age_equal_or_over"], json!({ "16": true }));
    assert!(v.claims.get("name").is_none());
    assert!(v.claims.get("id_number").is_none());
}

#[test]
fn eighteenth_birthday_in_china_time() {
    // 2008-11-24 00:00 in China is 2008-11-23 16:00 UTC: at NOW + 16 h
    // (2026-11-24 00:00 China time) the holder is 18.
    let issuer = key(Algorithm::EdDsa, 1);
    let holder = key(Algorithm::EdDsa, 2);
    let Value::Object(f) = fields("resident_id_card") else {
        panic!()
    };
    let cred = licence::issue_with_rng(
        &issuer,
        &LicenceOptions {
            licence_type: "resident_id_card".into(),
            fields: f,
            holder_public_jwk: holder.public_jwk(),
            iss: "https://gov.example/issuer".into(),
            iat: Some(NOW + 16 * 3600),
            exp: None,
        },
        &mut rng(4),
    )
    .unwrap();
    let d = sdjwt::decode(&cred).unwrap();
    let over18 = d
        .disclosures
        .iter()
        .find(|x| x.path == "/age_equal_or_over/18")
        .unwrap();
    assert_eq!(over18.value, true);
}

#[test]
fn invalid_fields_are_refused() {
    let with = |t: &str, k: &str, v: Value| {
        let mut f = fields(t);
        f[k] = v;
        issue(t, f)
    };
    let without = |t: &str, k: &str| {
        let mut f = fields(t);
        f.as_object_mut().unwrap().remove(k);
        issue(t, f)
    };
    let cases = [
        with("resident_id_card", "id_number", json!("440305200811241231")),
        with("resident_id_card", "birth_date", json!("2008-11-25")),
        with("resident_id_card", "birth_date", json!("2008-02-30")),
        with("resident_id_card", "sex", json!("female")),
        with("resident_id_card", "sex", json!("unknown")),
        with("resident_id_card", "ethnicity", json!("火星")),
        with("resident_id_card", "valid_until", json!("2020-01-01")),
        with("resident_id_card", "name", json!(42)),
        with("resident_id_card", "name", json!("  ")),
        with("resident_id_card", "nickname", json!("x")),
        without("resident_id_card", "id_number"),
        with("driving_licence", "vehicle_classes", json!(["Z9"])),
        with("driving_licence", "vehicle_classes", json!(["C1", "C1"])),
        with("driving_licence", "vehicle_classes", json!([])),
        with("vehicle_licence", "plate_number", json!("ABC123")),
        with("vehicle_licence", "vin", json!("LTEST12345678901O")),
        with("passport", "passport_number", json!("E1-23")),
        with(
            "disability_certificate",
            "disability_category",
            json!("other"),
        ),
    ];
    for (i, r) in cases.into_iter().enumerate() {
        assert_eq!(r.unwrap_err().code(), "INVALID_CLAIM", "case {i}");
    }
    // Without a photo is fine (optional).
    assert!(without("resident_id_card", "photo").is_ok());
    assert_eq!(
        issue("fishing_permit", json!({})).unwrap_err().code(),
        "UNKNOWN_LICENCE_TYPE"
    );
    let Value::Object(f) = fields("passport") else {
        panic!()
    };
    let err = licence::issue_with_rng(
        &key(Algorithm::EdDsa, 1),
        &LicenceOptions {
            licence_type: "passport".into(),
            fields: f,
            holder_public_jwk: json!({ "kty": "EC", "crv": "P-384" }),
            iss: "x".into(),
            iat: Some(NOW),
            exp: None,
        },
        &mut rng(1),
    )
    .unwrap_err();
    assert_eq!(err.code(), "INVALID_JWK");
}

#[test]
fn masking_rules() {
    let ok = [
        ("id_number", "11010519491231002X", "110105********002X"),
        ("id_number", "11010519491231002x", "110105********002X"),
        ("id_number", "110105491231002", "110105******002"),
        ("phone", "13812341234", "138****1234"),
        ("phone", "+86 138-1234-1234", "+86138****1234"),
        ("name", "张三", "张*"),
        ("name", "张小三", "张*三"),
        ("name", "欧阳小明", "欧**明"),
        ("name", "张", "*"),
        ("address", "北京市朝阳区测试街2号", "北京市朝阳区****"),
        (
            "address",
            "内蒙古自治区呼和浩特市新城区测试路3号",
            "内蒙古自治区呼和浩特市新城区****",
        ),
        ("address", "浙江省杭州市西湖区", "浙江省杭州市西湖区"),
        ("address", "河南省济源市测试路某某小区", "河南省济源市****"),
        (
            "bank_card",
            "6222 0212 3456 7891 234",
            "622202*********1234",
        ),
        ("bank_card", "622202123456", "622202**3456"),
        ("plate", "粤B12348", "粤B1***8"),
        ("plate", "粤BD12345", "粤BD****5"),
        ("document_number", "E12345678", "E1*****78"),
        ("birth_date", "1990-05-17", "1990-**-**"),
    ];
    for (rule, input, want) in ok {
        assert_eq!(mask::apply(rule, input).unwrap(), want, "{rule} {input}");
    }
    let bad = [
        ("id_number", "12345"),
        ("id_number", "1101051949123100XX"),
        ("phone", "1381234123"),
        ("phone", "23812341234"),
        ("name", ""),
        ("address", "测试路1号"),
        ("bank_card", "1234"),
        ("plate", "XX12345"),
        ("document_number", "E1"),
        ("birth_date", "1990"),
    ];
    for (rule, input) in bad {
        assert_eq!(
            mask::apply(rule, input).unwrap_err().code(),
            "INVALID_CLAIM",
            "{rule} {input}"
        );
    }
    assert_eq!(
        mask::apply("iris", "x").unwrap_err().code(),
        "UNKNOWN_MASK_RULE"
    );
    for rule in mask::rules() {
        assert!(!rule.labels.zh.is_empty() && !rule.labels.en.is_empty());
        assert!(rule.example.contains('*'));
    }
}
