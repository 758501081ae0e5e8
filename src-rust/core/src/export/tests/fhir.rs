//! Must-show: the FHIR bundle validates structurally. The file is parsed with serde_json and
//! checked against FHIR R4's rules as written out here (required elements, value sets, the
//! formats of ids, dates and times, references between entries), not against the export
//! code's own idea of them, and then compared value by value with the database.
use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Value};

use super::fhir_check::*;
use super::support::{choice_display, full_intake, local, Clinic, HOSTILE};
use crate::auth::Role;
use crate::export::{ExportFormat, ExportScope};
use crate::form::{Answer, EnableWhen, Form, Item, ItemType, Tag};
use crate::queue::{IntakeStatus, QueueQuery};

const CURRENT: &str = "urn:intake-desk:questionnaire:intake-default|2025.1";
const CLINICAL: &[&str] = &[
    "reason",
    "history",
    "has_allergies",
    "allergies",
    "medications",
];

// ---- FHIR's formats, by hand (the regexes of the R4 specification, written out) ----

fn export_bundle(
    c: &Clinic,
    session: &str,
    query: QueueQuery,
) -> (crate::export::ExportSummary, Value) {
    let (summary, path) = c.export(session, ExportFormat::Fhir, query).unwrap();
    assert_eq!(path.extension().unwrap(), "json");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(summary.bytes, bytes.len() as u64);
    (summary, serde_json::from_slice(&bytes).unwrap())
}

/// Every HOSTILE string, accents and other scripts, as names, reasons and medications.
fn hostile_clinic() -> (Clinic, usize) {
    let c = Clinic::new();
    let mut texts: Vec<&str> = HOSTILE.to_vec();
    texts.extend(["María José Núñez-Peña", "Zoë Ångström", "李小龙"]);
    for (n, text) in texts.iter().enumerate() {
        c.intake(&full_intake(n, text));
    }
    (c, texts.len())
}

#[test]
fn a_bundle_of_hostile_intakes_validates_structurally() {
    let (c, count) = hostile_clinic();
    let (summary, bundle) = export_bundle(&c, &c.admin(), QueueQuery::default());
    assert_eq!(summary.rows, count as u64);
    let checked = validate(&bundle);
    assert_eq!(checked.questionnaires.len(), 1);
    assert_eq!(checked.patients.len(), count);
    assert_eq!(checked.responses.len(), count);
    // The export's time, in the tests' zone.
    assert!(s(&bundle, "timestamp").ends_with("+01:00"));

    // The Questionnaire is the default form, whole, in the export's language.
    let (canonical, q) = &checked.questionnaires[0];
    assert_eq!(canonical, CURRENT);
    assert_eq!(q["status"], "active");
    assert_eq!(q["language"], "en");
    let ids: Vec<&str> = arr(q, "item").iter().map(|i| s(i, "linkId")).collect();
    let form_ids: Vec<&str> = c.form.item.iter().map(|i| i.link_id.as_str()).collect();
    assert_eq!(ids, form_ids);
    let item = |id: &str| arr(q, "item").iter().find(|i| i["linkId"] == id).unwrap();
    assert_eq!(item("full_name")["text"], "What is your full name?");
    assert_eq!(item("full_name")["maxLength"], 150);
    assert_eq!(item("consent")["type"], "boolean");
    assert_eq!(item("id_card")["type"], "attachment");
    assert_eq!(item("email")["required"], false);
    assert_eq!(
        item("allergies")["enableWhen"],
        json!([{"question": "has_allergies", "operator": "=", "answerBoolean": true}])
    );
    assert_eq!(
        item("gender")["answerOption"][3],
        json!({"valueCoding": {"code": "unknown", "display": "Prefer not to say"}})
    );
    assert_eq!(
        item("language")["answerOption"][1]["valueCoding"],
        json!({"system": "urn:ietf:bcp:47", "code": "es", "display": "Español"})
    );
    for r in &checked.responses {
        assert_eq!(r["status"], "completed");
        assert_eq!(r["questionnaire"], CURRENT);
    }
}

fn authored(ms: i64) -> String {
    local(ms).format("%Y-%m-%dT%H:%M:%S+01:00").to_string()
}

/// `(submitted_at, patient_phone, lang)` by intake id.
fn stored_rows(c: &Clinic) -> BTreeMap<i64, (i64, String, String)> {
    let desk = c.desk();
    let conn = desk.db().conn();
    let mut stmt = conn
        .prepare("SELECT id, submitted_at, patient_phone, lang FROM intakes")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn answers_and_patients_round_trip_from_the_database() {
    let (c, count) = hostile_clinic();
    // The patient's phone answer equal to their WhatsApp number is listed once; an email
    // answer becomes an email contact.
    let mut same = full_intake(count, "Same Number");
    same.wa_id = "34600111222".into();
    same.answers
        .insert("email".into(), Answer::Text("same@example.com".into()));
    c.intake(&same);
    let (_, bundle) = export_bundle(&c, &c.admin(), QueueQuery::default());
    let checked = validate(&bundle);
    let stored = c.stored_answers();
    let db = stored_rows(&c);
    assert_eq!(checked.responses.len(), stored.len());

    for r in &checked.responses {
        let id: i64 = s(&r["identifier"], "value").parse().unwrap();
        assert_eq!(r["identifier"]["system"], "urn:intake-desk:intake");
        let answers = &stored[&id];
        let (submitted, phone, lang) = &db[&id];
        assert_eq!(s(r, "authored"), authored(*submitted));

        let items: HashMap<&str, &Value> = arr(r, "item")
            .iter()
            .map(|i| (s(i, "linkId"), &i["answer"][0]))
            .collect();
        let answered = answers.values().filter(|a| **a != Answer::Skipped).count();
        assert_eq!(
            items.len(),
            answered,
            "one item per answered question, intake {id}"
        );
        for (link_id, answer) in answers {
            let got = items.get(link_id.as_str());
            let want = match answer {
                Answer::Skipped => {
                    assert!(got.is_none(), "skipped {link_id} is not answered");
                    continue;
                }
                Answer::Text(t) => json!({"valueString": t}),
                Answer::Date(d) => json!({"valueDate": d.format("%Y-%m-%d").to_string()}),
                Answer::Bool(b) => json!({"valueBoolean": b}),
                Answer::Int(n) => json!({"valueInteger": n}),
                Answer::Choice(code) => {
                    let mut coding =
                        json!({"code": code, "display": choice_display(link_id, code)});
                    if link_id == "language" {
                        coding["system"] = json!("urn:ietf:bcp:47");
                    }
                    json!({ "valueCoding": coding })
                }
                Answer::Attachment { mime, .. } => json!({"valueAttachment": {
                    "contentType": mime,
                    "title": "ID / insurance card",
                }}),
            };
            assert_eq!(got, Some(&&want), "{link_id} of intake {id}");
        }

        let patient = &checked.patients[s(&r["subject"], "reference")];
        let text = |k: &str| match &answers[k] {
            Answer::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        };
        let gender = match &answers["gender"] {
            Answer::Choice(g) => g.clone(),
            other => panic!("{other:?}"),
        };
        let mut telecom = vec![json!({"system": "phone", "value": phone, "use": "mobile"})];
        if text("phone") != *phone {
            telecom.push(json!({"system": "phone", "value": text("phone")}));
        }
        if let Some(Answer::Text(email)) = answers.get("email") {
            telecom.push(json!({"system": "email", "value": email}));
        }
        let want = json!({
            "resourceType": "Patient",
            "name": [{"use": "usual", "text": text("full_name")}],
            "telecom": telecom,
            "gender": gender,
            "birthDate": "1987-03-14",
            "address": [{"text": text("address")}],
            "communication": [{
                "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": lang}]},
                "preferred": true,
            }],
        });
        assert_eq!(patient, &want, "Patient of intake {id}");
    }
    // Spelled out for the strings that break naive writers.
    let names: HashSet<&str> = checked
        .patients
        .values()
        .map(|p| s(&p["name"][0], "text"))
        .collect();
    for hostile in HOSTILE {
        assert!(names.contains(hostile), "{hostile:?} exact");
    }
    assert!(names.contains("line one\nline two\r\nline three"));
    let same_patient = checked
        .patients
        .values()
        .find(|p| p["name"][0]["text"] == "Same Number")
        .unwrap();
    assert_eq!(arr(same_patient, "telecom").len(), 2, "{same_patient}");
}

/// Every string in the JSON, keys excluded.
fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn a_front_desk_bundle_holds_no_clinical_question_or_answer() {
    let c = Clinic::new();
    for n in 0..4 {
        let mut spec = full_intake(n, &format!("Patient {n}"));
        spec.answers
            .insert("reason".into(), Answer::Text(format!("Secret reason {n}")));
        spec.answers.insert(
            "medications".into(),
            Answer::Text(format!("Secret pills {n}")),
        );
        c.intake(&spec);
    }
    let desk = c.staff("desk", Role::FrontDesk);
    let (summary, bundle) = export_bundle(&c, &desk, QueueQuery::default());
    assert_eq!(summary.scope, ExportScope::Demographics);
    assert_eq!(summary.rows, 4);
    let checked = validate(&bundle);

    let mut all = Vec::new();
    strings(&bundle, &mut all);
    let clinical_texts: Vec<&str> = c
        .form
        .item
        .iter()
        .filter(|i| i.tag == Tag::Clinical)
        .flat_map(|i| i.text.values().chain(i.label.values()))
        .map(String::as_str)
        .collect();
    for text in &all {
        assert!(!CLINICAL.contains(text), "clinical linkId {text}");
        assert!(!clinical_texts.contains(text), "clinical question {text}");
        for secret in [
            "Secret reason",
            "Secret pills",
            "Appendectomy",
            "Penicillin",
        ] {
            assert!(!text.contains(secret), "clinical answer in {text:?}");
        }
    }
    let (_, q) = &checked.questionnaires[0];
    let ids: Vec<&str> = arr(q, "item").iter().map(|i| s(i, "linkId")).collect();
    let demographic: Vec<&str> = c
        .form
        .item
        .iter()
        .filter(|i| i.tag == Tag::Demographic)
        .map(|i| i.link_id.as_str())
        .collect();
    assert_eq!(ids, demographic);
    // The demographic part is all there.
    for r in &checked.responses {
        let ids: Vec<&str> = arr(r, "item").iter().map(|i| s(i, "linkId")).collect();
        assert_eq!(
            ids,
            [
                "language",
                "consent",
                "full_name",
                "birth_date",
                "gender",
                "phone",
                "address",
                "id_card"
            ]
        );
    }
    let mut names: Vec<&str> = checked
        .patients
        .values()
        .map(|p| s(&p["name"][0], "text"))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Patient 0", "Patient 1", "Patient 2", "Patient 3"]);
}

#[test]
fn an_export_matching_nothing_is_a_bundle_with_the_questionnaire_only() {
    let c = Clinic::new();
    // No intakes at all.
    let (summary, bundle) = export_bundle(&c, &c.admin(), QueueQuery::default());
    assert_eq!(summary.rows, 0);
    let checked = validate(&bundle);
    assert_eq!(arr(&bundle, "entry").len(), 1);
    assert_eq!(checked.questionnaires[0].0, CURRENT);

    // Intakes, none matching the filters.
    for n in 0..3 {
        c.intake(&full_intake(n, "Ana"));
    }
    let query = QueueQuery {
        statuses: vec![IntakeStatus::Reviewed],
        reviewed: Some(false),
        ..QueueQuery::default()
    };
    let (summary, bundle) = export_bundle(&c, &c.admin(), query);
    assert_eq!(summary.rows, 0);
    validate(&bundle);
    let entries = arr(&bundle, "entry");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["resource"]["resourceType"], "Questionnaire");
}

fn item(link_id: &str, kind: ItemType, tag: Tag) -> Item {
    Item {
        link_id: link_id.into(),
        kind,
        text: [
            ("en".to_owned(), format!("{link_id}?")),
            ("es".to_owned(), format!("¿{link_id}?")),
        ]
        .into(),
        label: [
            ("en".to_owned(), link_id.to_owned()),
            ("es".to_owned(), link_id.to_owned()),
        ]
        .into(),
        required: false,
        tag,
        answer_option: Vec::new(),
        enable_when: Vec::new(),
        format: None,
        max_length: None,
    }
}

fn when(question: &str, equals: &str) -> EnableWhen {
    EnableWhen {
        question: question.into(),
        equals: equals.into(),
    }
}

#[test]
fn each_intake_answers_the_questionnaire_of_its_form_version() {
    let mut c = Clinic::new();
    // Last year's form asked two questions today's does not.
    let mut old = Form::default_form().unwrap();
    old.version = "2024.2".into();
    old.item
        .push(item("referrer", ItemType::String, Tag::Demographic));
    old.item
        .push(item("smoker", ItemType::Boolean, Tag::Clinical));
    c.desk().remember_form(&old).unwrap();
    // Today's has conditions: two on a clinical card, one on a demographic question that hangs
    // on a clinical answer; and a number.
    let mut form = Form::default_form().unwrap();
    form.version = "2025.2".into();
    let mut card = item("allergy_card", ItemType::Attachment, Tag::Clinical);
    card.enable_when = vec![when("has_allergies", "true"), when("language", "es")];
    let mut contact = item("allergy_contact", ItemType::String, Tag::Demographic);
    contact.enable_when = vec![when("has_allergies", "true")];
    let visits = item("visits", ItemType::Integer, Tag::Demographic);
    form.item.extend([card, contact, visits]);
    form.validate().unwrap();
    c.form = form;

    let mut then = full_intake(0, "Old Form Patient");
    then.form_version = "2024.2".into();
    then.answers
        .insert("referrer".into(), Answer::Text("Dr House".into()));
    then.answers.insert("smoker".into(), Answer::Bool(false));
    c.intake(&then);
    let mut now = full_intake(1, "New Form Patient");
    now.form_version = "2025.2".into();
    now.answers
        .insert("allergy_contact".into(), Answer::Text("Dr Quinn".into()));
    now.answers.insert("visits".into(), Answer::Int(3));
    c.intake(&now);
    // A version nobody recorded: answered against today's form, what it lacks left out.
    let mut lost = full_intake(2, "Unknown Form Patient");
    lost.form_version = "2023.1".into();
    lost.answers
        .insert("pets".into(), Answer::Text("two cats".into()));
    // A value FHIR cannot hold (its integers are 32-bit) is left out, not written invalid.
    lost.answers.insert("visits".into(), Answer::Int(i64::MAX));
    c.intake(&lost);

    let current = "urn:intake-desk:questionnaire:intake-default|2025.2";
    let older = "urn:intake-desk:questionnaire:intake-default|2024.2";
    let (_, bundle) = export_bundle(&c, &c.admin(), QueueQuery::default());
    let checked = validate(&bundle);
    let canonicals: Vec<&str> = checked
        .questionnaires
        .iter()
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(canonicals, [current, older], "the current form first");
    assert_eq!(checked.questionnaire(current)["status"], "active");
    assert_eq!(checked.questionnaire(older)["status"], "retired");
    let q_item = |canonical: &str, id: &str| {
        arr(checked.questionnaire(canonical), "item")
            .iter()
            .find(|i| i["linkId"] == id)
            .cloned()
    };
    assert_eq!(
        q_item(current, "allergy_card").unwrap()["enableWhen"],
        json!([
            {"question": "has_allergies", "operator": "=", "answerBoolean": true},
            {"question": "language", "operator": "=", "answerCoding": {"system": "urn:ietf:bcp:47", "code": "es"}},
        ])
    );
    assert_eq!(
        q_item(current, "allergy_card").unwrap()["enableBehavior"],
        "all"
    );
    assert!(q_item(older, "referrer").is_some() && q_item(current, "referrer").is_none());

    let by_name = |name: &str| {
        let (url, _) = checked
            .patients
            .iter()
            .find(|(_, p)| p["name"][0]["text"] == name)
            .unwrap();
        checked
            .responses
            .iter()
            .find(|r| r["subject"]["reference"] == url.as_str())
            .unwrap()
    };
    let answer = |r: &Value, id: &str| {
        arr(r, "item")
            .iter()
            .find(|i| i["linkId"] == id)
            .map(|i| i["answer"][0].clone())
    };
    let r = by_name("Old Form Patient");
    assert_eq!(r["questionnaire"], older);
    assert_eq!(
        answer(r, "referrer"),
        Some(json!({"valueString": "Dr House"}))
    );
    assert_eq!(answer(r, "smoker"), Some(json!({"valueBoolean": false})));
    let r = by_name("New Form Patient");
    assert_eq!(r["questionnaire"], current);
    assert_eq!(answer(r, "visits"), Some(json!({"valueInteger": 3})));
    let r = by_name("Unknown Form Patient");
    assert_eq!(r["questionnaire"], current);
    assert_eq!(answer(r, "pets"), None);
    assert_eq!(answer(r, "visits"), None);
    assert_eq!(
        answer(r, "full_name"),
        Some(json!({"valueString": "Unknown Form Patient"}))
    );

    // The front desk: the old demographic question, not the clinical ones, and a condition on a
    // clinical answer is dropped rather than pointing at a question the file does not have.
    let desk = c.staff("desk", Role::FrontDesk);
    let (_, bundle) = export_bundle(&c, &desk, QueueQuery::default());
    let checked = validate(&bundle);
    let q_item = |canonical: &str, id: &str| {
        arr(checked.questionnaire(canonical), "item")
            .iter()
            .find(|i| i["linkId"] == id)
            .cloned()
    };
    assert!(q_item(older, "referrer").is_some());
    assert!(q_item(older, "smoker").is_none());
    assert!(q_item(current, "allergy_card").is_none());
    let contact = q_item(current, "allergy_contact").unwrap();
    assert!(contact.get("enableWhen").is_none(), "{contact}");
    let mut all = Vec::new();
    strings(&bundle, &mut all);
    assert!(!all.iter().any(|s| s.contains("two cats") || *s == "smoker"));
}
