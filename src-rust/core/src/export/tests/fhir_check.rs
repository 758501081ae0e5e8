//! A structural FHIR R4 check for the bundles exports write: the elements each resource
//! requires, the value sets used, linkIds against their Questionnaire, and FHIR's date,
//! dateTime, instant and uuid formats (hand-written: no validator runs offline in CI).
use std::collections::{HashMap, HashSet};

use serde_json::Value;

pub(super) fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn num(s: &str) -> u32 {
    s.parse().unwrap()
}

/// FHIR `date` in its full form, YYYY-MM-DD, and a real calendar day.
pub(super) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    s.is_ascii()
        && s.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(&s[0..4])
        && &s[0..4] != "0000"
        && digits(&s[5..7])
        && digits(&s[8..10])
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// FHIR `instant`, and `dateTime` with a time (which then SHALL carry a zone):
/// `YYYY-MM-DDThh:mm:ss(.s{1,9})?(Z|(+|-)hh:mm)`, offsets from -13:59 to +14:00.
pub(super) fn is_instant(s: &str) -> bool {
    if !s.is_ascii() || s.len() < 20 || !is_date(&s[..10]) || &s[10..11] != "T" {
        return false;
    }
    let t = &s[11..19];
    let b = t.as_bytes();
    let time = b[2] == b':'
        && b[5] == b':'
        && digits(&t[0..2])
        && digits(&t[3..5])
        && digits(&t[6..8])
        && num(&t[0..2]) < 24
        && num(&t[3..5]) < 60
        && num(&t[6..8]) <= 60;
    let mut zone = &s[19..];
    if let Some(frac) = zone.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&n) {
            return false;
        }
        zone = &frac[n..];
    }
    let offset = zone.len() == 6
        && (zone.starts_with('+') || zone.starts_with('-'))
        && &zone[3..4] == ":"
        && digits(&zone[1..3])
        && digits(&zone[4..6])
        && match (num(&zone[1..3]), num(&zone[4..6])) {
            (h, m) if h <= 13 => m < 60,
            (14, 0) => true,
            _ => false,
        };
    time && (zone == "Z" || offset)
}

/// `urn:uuid:` and a lower-case version 4 UUID.
pub(super) fn is_urn_uuid(s: &str) -> bool {
    let Some(u) = s.strip_prefix("urn:uuid:") else {
        return false;
    };
    u.len() == 36
        && u.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        })
        && uuid::Uuid::parse_str(u).is_ok_and(|id| id.get_version_num() == 4)
}

/// FHIR's computable `name`: `[A-Z]([A-Za-z0-9_]){0,254}`.
pub(super) fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.len() <= 255
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[test]
pub(super) fn the_format_checks_reject_what_fhir_rejects() {
    for ok in ["1987-03-14", "2024-02-29"] {
        assert!(is_date(ok), "{ok}");
    }
    for bad in [
        "1987-3-14",
        "14/03/1987",
        "1987-13-01",
        "2023-02-29",
        "0000-01-01",
        "1987-03-14T00:00:00",
    ] {
        assert!(!is_date(bad), "{bad}");
    }
    for ok in [
        "2026-11-22T10:30:00+01:00",
        "2026-11-22T09:30:00Z",
        "2026-11-22T09:30:00.123-03:30",
        "2026-11-22T09:30:00+14:00",
    ] {
        assert!(is_instant(ok), "{ok}");
    }
    for bad in [
        "2026-11-22T10:30:00",
        "2026-11-22 10:30:00+01:00",
        "2026-11-22T10:30+01:00",
        "2026-11-22T24:00:00Z",
        "2026-11-22T10:30:00+15:00",
        "2026-11-22T10:30:00+0100",
        "2026-11-22",
    ] {
        assert!(!is_instant(bad), "{bad}");
    }
    assert!(is_urn_uuid("urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"));
    for bad in [
        "urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E",
        "urn:uuid:0f8fad5b-d9cb-169f-a165-70867728950e",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "urn:uuid:0f8fad5bd9cb469fa16570867728950e",
    ] {
        assert!(!is_urn_uuid(bad), "{bad}");
    }
    assert!(is_name("IntakeDefault") && !is_name("intake-default"));
}

// ---- The structural validator ----

pub(super) const QUESTIONNAIRE_STATUS: &[&str] = &["draft", "active", "retired", "unknown"];
pub(super) const RESPONSE_STATUS: &[&str] = &[
    "in-progress",
    "completed",
    "amended",
    "entered-in-error",
    "stopped",
];
pub(super) const GENDER: &[&str] = &["male", "female", "other", "unknown"];
pub(super) const ITEM_TYPES: &[&str] = &[
    "group",
    "display",
    "boolean",
    "decimal",
    "integer",
    "date",
    "dateTime",
    "time",
    "string",
    "text",
    "url",
    "choice",
    "open-choice",
    "attachment",
    "reference",
    "quantity",
];
pub(super) const CONTACT_SYSTEM: &[&str] =
    &["phone", "fax", "email", "pager", "url", "sms", "other"];
pub(super) const CONTACT_USE: &[&str] = &["home", "work", "temp", "old", "mobile"];
pub(super) const NAME_USE: &[&str] = &[
    "usual",
    "official",
    "temp",
    "nickname",
    "anonymous",
    "old",
    "maiden",
];

/// The bundle's resources, once validated, for the value checks.
pub(super) struct Checked {
    /// By `url|version`, in bundle order.
    pub(super) questionnaires: Vec<(String, Value)>,
    /// By fullUrl.
    pub(super) patients: HashMap<String, Value>,
    pub(super) responses: Vec<Value>,
}

impl Checked {
    pub(super) fn questionnaire(&self, canonical: &str) -> &Value {
        &self
            .questionnaires
            .iter()
            .find(|(c, _)| c == canonical)
            .unwrap()
            .1
    }
}

pub(super) fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string in {v}"))
}

pub(super) fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// FHIR JSON has no nulls, empty strings, empty arrays or empty objects.
pub(super) fn assert_nothing_empty(v: &Value, path: &str) {
    match v {
        Value::Null => panic!("null at {path}"),
        Value::String(s) => assert!(!s.is_empty(), "empty string at {path}"),
        Value::Array(a) => {
            assert!(!a.is_empty(), "empty array at {path}");
            for (i, x) in a.iter().enumerate() {
                assert_nothing_empty(x, &format!("{path}[{i}]"));
            }
        }
        Value::Object(o) => {
            assert!(!o.is_empty(), "empty object at {path}");
            for (k, x) in o {
                assert_nothing_empty(x, &format!("{path}.{k}"));
            }
        }
        Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The one `value[x]` / `answer[x]` element of an object: its name and value.
pub(super) fn choice_element<'a>(v: &'a Value, prefix: &str) -> (&'a str, &'a Value) {
    let found: Vec<_> = v
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "exactly one {prefix}[x] in {v}");
    (found[0].0.as_str(), found[0].1)
}

pub(super) fn check_coding(c: &Value) {
    assert!(c.is_object(), "Coding is an object: {c}");
    // FHIR `code`: `[^\s]+( [^\s]+)*`.
    let code = s(c, "code");
    assert!(
        code.split(' ')
            .all(|w| !w.is_empty() && !w.contains(char::is_whitespace)),
        "code {code:?}"
    );
    for key in c.as_object().unwrap().keys() {
        assert!(
            ["system", "code", "display"].contains(&key.as_str()),
            "Coding.{key}"
        );
    }
}

pub(super) fn check_questionnaire(q: &Value) {
    assert!(s(q, "url").starts_with("urn:"), "url is a URI");
    assert!(!s(q, "version").is_empty());
    assert!(is_name(s(q, "name")), "name {}", q["name"]);
    assert!(QUESTIONNAIRE_STATUS.contains(&s(q, "status")));
    let items = arr(q, "item");
    let mut seen: HashMap<&str, &Value> = HashMap::new();
    for item in items {
        let id = s(item, "linkId");
        assert!(seen.insert(id, item).is_none(), "duplicate linkId {id}");
        let ty = s(item, "type");
        assert!(ITEM_TYPES.contains(&ty), "item type {ty}");
        assert!(item["text"].is_string());
        assert!(item.get("required").is_none_or(Value::is_boolean));
        // que-5: options only on choice questions; que-10: maxLength on simple types only.
        if item.get("answerOption").is_some() {
            assert!(ty == "choice" || ty == "open-choice");
            for o in arr(item, "answerOption") {
                let (key, coding) = choice_element(o, "value");
                assert_eq!(key, "valueCoding");
                check_coding(coding);
            }
        }
        if let Some(max) = item.get("maxLength") {
            assert!(max.as_u64().is_some_and(|m| m > 0));
            assert!([
                "boolean",
                "decimal",
                "integer",
                "open-choice",
                "string",
                "text",
                "url"
            ]
            .contains(&ty));
        }
        let conditions = arr(item, "enableWhen");
        for cond in conditions {
            // Only questions asked before this one (the whole item list is in `seen` so far).
            let target = seen
                .get(s(cond, "question"))
                .filter(|t| s(t, "linkId") != id)
                .unwrap_or_else(|| panic!("enableWhen of {id} points at an earlier item"));
            assert!(["exists", "=", "!=", ">", "<", ">=", "<="].contains(&s(cond, "operator")));
            match choice_element(cond, "answer") {
                ("answerBoolean", v) => {
                    assert!(v.is_boolean());
                    assert_eq!(s(target, "type"), "boolean");
                }
                ("answerCoding", c) => {
                    check_coding(c);
                    let codes: Vec<&Value> = arr(target, "answerOption")
                        .iter()
                        .map(|o| &o["valueCoding"]["code"])
                        .collect();
                    assert!(
                        codes.contains(&&c["code"]),
                        "enableWhen code is an option of {}",
                        s(target, "linkId")
                    );
                }
                (other, _) => panic!("unexpected {other}"),
            }
        }
        // que-12: enableBehavior once there is more than one condition, and only then.
        match item.get("enableBehavior") {
            Some(b) => {
                assert!(conditions.len() > 1);
                assert!(b == "all" || b == "any");
            }
            None => assert!(conditions.len() <= 1, "enableBehavior for {id}"),
        }
    }
}

pub(super) fn check_patient(p: &Value) {
    if let Some(g) = p.get("gender") {
        assert!(GENDER.contains(&g.as_str().unwrap()), "gender {g}");
    }
    if let Some(d) = p.get("birthDate") {
        assert!(is_date(d.as_str().unwrap()), "birthDate {d}");
    }
    for n in arr(p, "name") {
        assert!(NAME_USE.contains(&s(n, "use")));
        assert!(n["text"].is_string());
    }
    for t in arr(p, "telecom") {
        assert!(CONTACT_SYSTEM.contains(&s(t, "system")));
        assert!(t["value"].is_string());
        assert!(t
            .get("use")
            .is_none_or(|u| CONTACT_USE.contains(&u.as_str().unwrap())));
    }
    for a in arr(p, "address") {
        assert!(a["text"].is_string());
    }
    for c in arr(p, "communication") {
        let codings = arr(&c["language"], "coding");
        assert!(!codings.is_empty());
        codings.iter().for_each(check_coding);
    }
}

pub(super) fn check_response(r: &Value, checked: &Checked) {
    assert!(RESPONSE_STATUS.contains(&s(r, "status")));
    assert!(
        r["identifier"].is_object(),
        "R4 QuestionnaireResponse.identifier is 0..1"
    );
    assert!(s(&r["identifier"], "system").starts_with("urn:"));
    assert!(is_instant(s(r, "authored")), "authored {}", r["authored"]);
    let subject = s(&r["subject"], "reference");
    assert!(
        checked.patients.contains_key(subject),
        "subject is a Patient of the bundle"
    );
    let q = checked.questionnaire(s(r, "questionnaire"));
    let q_items = arr(q, "item");
    let position = |id: &str| q_items.iter().position(|i| i["linkId"] == id);
    let mut last = None;
    let mut seen = HashSet::new();
    for item in arr(r, "item") {
        let id = s(item, "linkId");
        assert!(seen.insert(id), "linkId {id} twice in one response");
        let at = position(id).unwrap_or_else(|| panic!("{id} is not in the Questionnaire"));
        assert!(last < Some(at), "{id} out of the Questionnaire's order");
        last = Some(at);
        let question = &q_items[at];
        assert_eq!(item["text"], question["text"]);
        let answers = arr(item, "answer");
        assert_eq!(answers.len(), 1, "one answer (no item repeats)");
        let (key, v) = choice_element(&answers[0], "value");
        match (s(question, "type"), key) {
            ("string" | "text", "valueString") => assert!(v.is_string()),
            ("date", "valueDate") => assert!(is_date(v.as_str().unwrap()), "{v}"),
            ("boolean", "valueBoolean") => assert!(v.is_boolean()),
            ("integer", "valueInteger") => {
                assert!(v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()))
            }
            ("attachment", "valueAttachment") => assert!(v.is_object()),
            ("choice", "valueCoding") => {
                check_coding(v);
                let option = arr(question, "answerOption")
                    .iter()
                    .map(|o| &o["valueCoding"])
                    .find(|o| o["code"] == v["code"] && o.get("system") == v.get("system"))
                    .unwrap_or_else(|| panic!("{v} is an option of {id}"));
                assert_eq!(option["display"], v["display"]);
            }
            (ty, key) => panic!("{key} answers a {ty} question ({id})"),
        }
    }
}

/// Checks everything FHIR R4 requires of the bundle that a JSON reading can see.
pub(super) fn validate(bundle: &Value) -> Checked {
    assert_nothing_empty(bundle, "Bundle");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    assert!(
        is_instant(s(bundle, "timestamp")),
        "timestamp {}",
        bundle["timestamp"]
    );
    let mut urls = HashSet::new();
    let mut checked = Checked {
        questionnaires: Vec::new(),
        patients: HashMap::new(),
        responses: Vec::new(),
    };
    let mut kinds = Vec::new();
    for entry in arr(bundle, "entry") {
        let keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 2, "fullUrl and resource only: {keys:?}");
        let url = s(entry, "fullUrl");
        assert!(is_urn_uuid(url), "fullUrl {url}");
        assert!(urls.insert(url.to_owned()), "fullUrl {url} twice");
        let resource = &entry["resource"];
        let kind = s(resource, "resourceType");
        kinds.push(kind);
        match kind {
            "Questionnaire" => {
                check_questionnaire(resource);
                let canonical = format!("{}|{}", s(resource, "url"), s(resource, "version"));
                assert!(
                    checked.questionnaires.iter().all(|(c, _)| *c != canonical),
                    "{canonical} twice"
                );
                checked.questionnaires.push((canonical, resource.clone()));
            }
            "Patient" => {
                check_patient(resource);
                checked.patients.insert(url.to_owned(), resource.clone());
            }
            "QuestionnaireResponse" => checked.responses.push(resource.clone()),
            other => panic!("unexpected resource {other}"),
        }
    }
    // Questionnaires first, then a Patient and its response per intake.
    let first_other = kinds
        .iter()
        .position(|k| *k != "Questionnaire")
        .unwrap_or(kinds.len());
    assert!(first_other >= 1, "a Questionnaire first");
    for pair in kinds[first_other..].chunks(2) {
        assert_eq!(pair, ["Patient", "QuestionnaireResponse"]);
    }
    let mut subjects = HashSet::new();
    for r in &checked.responses {
        check_response(r, &checked);
        assert!(
            subjects.insert(s(&r["subject"], "reference").to_owned()),
            "one response per Patient"
        );
    }
    checked
}
