//! The patient of an intake as a FHIR Patient, from the demographic answers. Elements without
//! an answer are left out rather than written empty (FHIR forbids empty values).
use serde::Serialize;

use super::questionnaire::Plan;
use super::{Coding, FhirDate, BCP47};
use crate::export::columns::Intake;
use crate::form::{Answer, Format};

/// Which answer fills which Patient element, by the default form's link ids. A clinic form
/// with other ids gets a Patient with fewer elements; every answer is still in the
/// QuestionnaireResponse. Phone and email answers are found by their `format` instead.
const FIELDS: [(&str, Field); 4] = [
    ("full_name", Field::Name),
    ("birth_date", Field::BirthDate),
    ("gender", Field::Gender),
    ("address", Field::Address),
];

#[derive(Clone, Copy)]
enum Field {
    /// The name as typed, whole: splitting it into given and family names would guess wrong
    /// for many patients (Spanish names carry two surnames, some people have one name).
    Name,
    BirthDate,
    Gender,
    /// As typed, whole, for the same reason.
    Address,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Patient<'a> {
    resource_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<[HumanName<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    telecom: Vec<ContactPoint<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<FhirDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<[Address<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    communication: Option<[Communication<'a>; 1]>,
}

#[derive(Serialize)]
struct HumanName<'a> {
    #[serde(rename = "use")]
    use_: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct ContactPoint<'a> {
    system: &'static str,
    value: &'a str,
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    use_: Option<&'static str>,
}

#[derive(Serialize)]
struct Address<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Communication<'a> {
    language: CodeableConcept<'a>,
    preferred: bool,
}

#[derive(Serialize)]
struct CodeableConcept<'a> {
    coding: [Coding<'a>; 1],
}

/// FHIR's administrative-gender codes. The default form's options use exactly these codes
/// (its "prefer not to say" is `unknown`); any other answer is recorded as `unknown` rather
/// than guessed at.
fn gender(answer: &Answer) -> &'static str {
    match answer {
        Answer::Choice(code) => match code.as_str() {
            "female" => "female",
            "male" => "male",
            "other" => "other",
            _ => "unknown",
        },
        _ => "unknown",
    }
}

/// A typed answer, when there is one (FHIR strings may not be empty).
fn text(answer: &Answer) -> Option<&str> {
    match answer {
        Answer::Text(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

impl<'a> Patient<'a> {
    /// `plan` is the Questionnaire the intake answered: it says which answers are phone numbers
    /// and email addresses.
    pub fn of(plan: Option<&'a Plan>, intake: &'a Intake) -> Patient<'a> {
        let mut p = Patient {
            resource_type: "Patient",
            ..Patient::default()
        };
        for (link_id, field) in FIELDS {
            let Some(answer) = intake.answers.get(link_id) else {
                continue;
            };
            if matches!(answer, Answer::Skipped) {
                continue;
            }
            match field {
                Field::Name => {
                    p.name = text(answer).map(|text| {
                        [HumanName {
                            use_: "usual",
                            text,
                        }]
                    });
                }
                Field::BirthDate => {
                    p.birth_date = match answer {
                        Answer::Date(d) => FhirDate::new(*d),
                        _ => None,
                    };
                }
                Field::Gender => p.gender = Some(gender(answer)),
                Field::Address => p.address = text(answer).map(|text| [Address { text }]),
            }
        }
        p.telecom = telecom(plan, intake);
        if !intake.lang.is_empty() {
            p.communication = Some([Communication {
                language: CodeableConcept {
                    coding: [Coding {
                        system: Some(BCP47),
                        code: &intake.lang,
                        display: None,
                    }],
                },
                // The language the patient chose to be asked in.
                preferred: true,
            }]);
        }
        p
    }
}

/// The WhatsApp number the patient wrote from first, then the phone numbers and email
/// addresses they gave (a number equal to the WhatsApp one only once).
fn telecom<'a>(plan: Option<&'a Plan>, intake: &'a Intake) -> Vec<ContactPoint<'a>> {
    let mut out = Vec::with_capacity(3);
    if !intake.phone.is_empty() {
        out.push(ContactPoint {
            system: "phone",
            value: &intake.phone,
            use_: Some("mobile"),
        });
    }
    let items = plan.map(|p| p.items.as_slice()).unwrap_or_default();
    for item in items {
        let system = match item.format {
            Some(Format::Phone) => "phone",
            Some(Format::Email) => "email",
            None => continue,
        };
        let Some(value) = intake.answers.get(&item.link_id).and_then(text) else {
            continue;
        };
        if out.iter().any(|c| c.system == system && c.value == value) {
            continue;
        }
        out.push(ContactPoint {
            system,
            value,
            use_: None,
        });
    }
    out
}
