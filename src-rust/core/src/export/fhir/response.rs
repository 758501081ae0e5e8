//! An intake as a QuestionnaireResponse: one item per answered question, in the
//! Questionnaire's order, each with a value of the question's FHIR type.
use serde::Serialize;

use super::questionnaire::{Plan, PlanItem};
use super::{Coding, Dropped, FhirDate, FullUrl};
use crate::export::columns::Intake;
use crate::export::Layout;
use crate::form::{Answer, ItemType};

/// Intake ids are Intake Desk's own numbers, unique within the clinic's records.
const INTAKE_SYSTEM: &str = "urn:intake-desk:intake";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Response<'a> {
    resource_type: &'static str,
    /// 0..1 in R4: one Identifier, not a list.
    identifier: Identifier,
    questionnaire: &'a str,
    status: &'static str,
    subject: Reference<'a>,
    authored: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Identifier {
    system: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Reference<'a> {
    reference: &'a FullUrl,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    link_id: &'a str,
    text: &'a str,
    answer: [Value<'a>; 1],
}

/// `answer.value[x]`: serde writes each variant as `{"valueString": …}`, which is exactly the
/// shape of a FHIR answer.
#[derive(Serialize)]
enum Value<'a> {
    #[serde(rename = "valueString")]
    String(&'a str),
    #[serde(rename = "valueDate")]
    Date(FhirDate),
    #[serde(rename = "valueCoding")]
    Coding(Coding<'a>),
    #[serde(rename = "valueBoolean")]
    Boolean(bool),
    #[serde(rename = "valueInteger")]
    Integer(i32),
    #[serde(rename = "valueAttachment")]
    Attachment(Attachment<'a>),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Attachment<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    title: &'a str,
}

/// The QuestionnaireResponse status of an exported intake: always `completed`. An export holds
/// submitted intakes only (a conversation still being answered is not an intake yet), so
/// `in-progress` never applies; and answers are never edited after submission (reviewing
/// changes the queue status, not the answers), so neither does `amended`. The queue status
/// (new, reviewed, needs follow-up) is the clinic's workflow, not the response's.
fn status(_: &Intake) -> &'static str {
    "completed"
}

impl<'a> Response<'a> {
    /// The response, and the answers that could not be written in it.
    pub fn of(
        plan: &'a Plan,
        layout: &Layout,
        intake: &'a Intake,
        patient: &'a FullUrl,
    ) -> (Response<'a>, Dropped) {
        let mut dropped = Dropped::default();
        let mut skipped = 0u64;
        let mut item = Vec::with_capacity(plan.items.len());
        for q in &plan.items {
            let Some(answer) = intake.answers.get(&q.link_id) else {
                continue;
            };
            if matches!(answer, Answer::Skipped) {
                skipped += 1;
                continue;
            }
            match value(q, answer) {
                Some(v) => item.push(Item {
                    link_id: &q.link_id,
                    text: &q.text,
                    answer: [v],
                }),
                None => dropped.unfitting += 1,
            }
        }
        // Every answer is written, skipped or unfitting, unless its question is not in the
        // Questionnaire (counting beats looking each answer up again).
        let accounted = item.len() as u64 + skipped + dropped.unfitting;
        dropped.unknown = (intake.answers.len() as u64).saturating_sub(accounted);
        let response = Response {
            resource_type: "QuestionnaireResponse",
            identifier: Identifier {
                system: INTAKE_SYSTEM,
                value: intake.id.to_string(),
            },
            questionnaire: &plan.canonical,
            status: status(intake),
            subject: Reference { reference: patient },
            authored: layout.tz.rfc3339(intake.submitted_at),
            item,
        };
        (response, dropped)
    }
}

/// The answer as a value of the question's type; `None` when it has none (an answer kept from
/// a version where the question had another type, or a value FHIR cannot hold).
fn value<'a>(q: &'a PlanItem, answer: &'a Answer) -> Option<Value<'a>> {
    match (q.kind, answer) {
        // FHIR strings may not be empty.
        (ItemType::String | ItemType::Text, Answer::Text(s)) if !s.is_empty() => {
            Some(Value::String(s))
        }
        (ItemType::Date, Answer::Date(d)) => FhirDate::new(*d).map(Value::Date),
        (ItemType::Choice, Answer::Choice(code)) if !code.is_empty() => {
            Some(Value::Coding(q.coding(code)))
        }
        (ItemType::Boolean, Answer::Bool(b)) => Some(Value::Boolean(*b)),
        // FHIR R4 integers are 32-bit.
        (ItemType::Integer, Answer::Int(n)) => i32::try_from(*n).ok().map(Value::Integer),
        // The file itself stays in the clinic's media folder; the response records that one was
        // received and its type. (WhatsApp's media id means nothing outside Intake Desk.)
        (ItemType::Attachment, Answer::Attachment { mime, .. }) => {
            Some(Value::Attachment(Attachment {
                content_type: (!mime.is_empty()).then_some(mime.as_str()),
                title: &q.label,
            }))
        }
        _ => None,
    }
}
