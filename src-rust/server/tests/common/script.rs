//! A whole intake on the default form, as a patient plays it: every field answered, with a
//! button tap, a list reply and the photo question skipped. Used by the crash test and the
//! load generator.
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy)]
pub enum Step {
    Text(&'static str),
    Tap(&'static str),
    Pick(&'static str),
}

pub const INTAKE: &[Step] = &[
    Step::Text("Hi"),
    Step::Tap("q:language:en"),
    Step::Tap("q:consent:true"),
    Step::Text("Ana María Pérez"),
    Step::Text("14/03/1987"),
    Step::Pick("q:gender:female"),
    Step::Tap("d:phone"),
    Step::Text("ana.perez@example.com"),
    Step::Text("Calle Mayor 1, 28013 Madrid"),
    Step::Text("Headache for two weeks"),
    Step::Text("Appendectomy in 2010"),
    Step::Tap("q:has_allergies:true"),
    Step::Text("Penicillin: rash"),
    Step::Text("Ibuprofen 400 mg as needed"),
    Step::Tap("s:id_card"),
    Step::Tap("r:confirm"),
];

/// The submitted answers that playing [`INTAKE`] from `wa_id` must produce (photo skipped).
pub fn expected_answers(wa_id: &str) -> Value {
    let text = |v: &str| json!({"type": "text", "value": v});
    json!({
        "language": {"type": "choice", "value": "en"},
        "consent": {"type": "bool", "value": true},
        "full_name": text("Ana María Pérez"),
        "birth_date": {"type": "date", "value": "1987-03-14"},
        "gender": {"type": "choice", "value": "female"},
        "phone": text(&format!("+{wa_id}")),
        "email": text("ana.perez@example.com"),
        "address": text("Calle Mayor 1, 28013 Madrid"),
        "reason": text("Headache for two weeks"),
        "history": text("Appendectomy in 2010"),
        "has_allergies": {"type": "bool", "value": true},
        "allergies": text("Penicillin: rash"),
        "medications": text("Ibuprofen 400 mg as needed"),
    })
}

/// The WhatsApp message a patient sends for `step`.
pub fn message(step: Step) -> Value {
    match step {
        Step::Text(body) => json!({"type": "text", "text": {"body": body}}),
        Step::Tap(id) => json!({"type": "interactive", "interactive": {
            "type": "button_reply", "button_reply": {"id": id, "title": id}}}),
        Step::Pick(id) => json!({"type": "interactive", "interactive": {
            "type": "list_reply", "list_reply": {"id": id, "title": id}}}),
    }
}
