//! The mapped template, filled for one appointment: its text as the patient reads it, Meta's
//! send payload (NAMED parameters by name, POSITIONAL ones by number) and what keeps it from
//! being sent, in words for the admin.
use serde_json::{json, Value};

use super::compose::{button_id, value, Facts};
use super::fill::fill;
use super::ready_made::Lang;
use super::store::Stored;
use super::types::{ButtonAction, ParamSource, TemplateMapping, TemplateStatus};

/// What stands in for an empty value in a template (Meta refuses empty parameters).
const EMPTY: &str = "-";

fn missing_value(source: ParamSource) -> &'static str {
    match source {
        ParamSource::FirstName => "The patient's first name is unknown, so the template shows \"-\" in its place.",
        ParamSource::ClinicName => "The clinic's name is not set (Settings → Clinic), so the template shows \"-\" in its place.",
        ParamSource::Date | ParamSource::Time => "The appointment's time could not be read, so the template shows \"-\" in its place.",
        ParamSource::Clinician => "The appointment has no clinician name, so the template shows \"-\" in its place.",
        ParamSource::Location => "The appointment has no location, so the template shows \"-\" in its place.",
        ParamSource::Link => "The appointment has no telehealth link and no location, so the template shows \"-\" in its place.",
    }
}

/// The template's text with its values, and (name, value) per parameter in the template's
/// order; `None` when a parameter has no source (Meta would refuse the send).
pub(super) fn fill_template(
    m: &TemplateMapping,
    s: &Stored,
    f: &Facts,
    lang: Lang,
    problems: &mut Vec<String>,
) -> Option<(String, Vec<(String, String)>)> {
    let mut values = Vec::new();
    let mut complete = true;
    for name in &s.template.params {
        let Some(b) = m.params.iter().find(|b| &b.name == name) else {
            problems.push(format!(
                "The template's parameter {{{{{name}}}}} has nothing chosen to fill it. Edit the template choice for this message."
            ));
            complete = false;
            continue;
        };
        let mut v = value(b.source, f, lang);
        if v.is_empty() {
            let p = missing_value(b.source).to_owned();
            if !problems.contains(&p) {
                problems.push(p);
            }
            v = EMPTY.to_owned();
        }
        values.push((name.clone(), v));
    }
    if !complete {
        return None;
    }
    let text = fill(&s.template.body, |name| {
        values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    });
    Some((text, values))
}

pub(super) fn status_problem(s: &Stored) -> Option<String> {
    let t = &s.template;
    if let Some(why) = &t.unsupported {
        return Some(format!(
            "{why} Outside the 24-hour window this message cannot be sent until then."
        ));
    }
    let why = t
        .reason
        .as_deref()
        .map(|r| format!(" (Meta's reason: {r})"))
        .unwrap_or_default();
    match t.status {
        TemplateStatus::Approved => None,
        TemplateStatus::Pending => Some(format!(
            "The template {} is not approved yet (Meta: {}). Until it is, this message can only be sent inside the 24-hour window.",
            t.name, t.meta_status
        )),
        TemplateStatus::Rejected => Some(format!(
            "Meta rejected the template {}{why}. Outside the 24-hour window this message cannot be sent: choose an approved template.",
            t.name
        )),
        TemplateStatus::Paused => Some(format!(
            "Meta paused the template {} for low quality{why}. Until it is approved again, this message can only be sent inside the 24-hour window.",
            t.name
        )),
        TemplateStatus::Unavailable => Some(format!(
            "The template {} cannot be used (Meta: {}). Outside the 24-hour window this message cannot be sent: choose an approved template.",
            t.name, t.meta_status
        )),
    }
}

pub(super) fn template_json(
    s: &Stored,
    f: &Facts,
    values: &[(String, String)],
    acts: &[ButtonAction],
) -> Value {
    let mut components = Vec::new();
    if !values.is_empty() {
        let mut ordered: Vec<&(String, String)> = values.iter().collect();
        if !s.named {
            // Positional parameters go by number, whatever order the body uses them in.
            ordered.sort_by_key(|(n, _)| n.parse::<u32>().unwrap_or(u32::MAX));
        }
        let parameters: Vec<Value> = ordered
            .into_iter()
            .map(|(name, text)| {
                if s.named {
                    json!({"type": "text", "parameter_name": name, "text": text})
                } else {
                    json!({"type": "text", "text": text})
                }
            })
            .collect();
        components.push(json!({"type": "body", "parameters": parameters}));
    }
    for (i, a) in acts.iter().enumerate() {
        components.push(json!({
            "type": "button", "sub_type": "quick_reply", "index": i.to_string(),
            "parameters": [{"type": "payload", "payload": button_id(f.appointment_id, *a, i)}]
        }));
    }
    let mut template = json!({
        "name": s.template.name,
        "language": {"code": s.template.language},
    });
    if !components.is_empty() {
        template["components"] = Value::Array(components);
    }
    json!({"type": "template", "template": template})
}
