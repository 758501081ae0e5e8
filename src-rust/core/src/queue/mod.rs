//! The intake queue, one intake's detail, doctor review and the dashboard counts. Filtering,
//! sorting and paging happen in SQL over indexed columns so the queue stays fast at 100,000
//! intakes (see migration 009 for the index design and the `queue` bench for the figures).
mod dashboard;
mod detail;
mod list;
mod media;
mod review;
pub mod seed;
mod types;

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

pub(crate) use detail::decode_answers;
pub(crate) use list::{selection, Selection};
pub use seed::{seed_demo, SeedReport};
pub use types::*;

use crate::form::text::fold;
use crate::form::Answer;
use crate::store::StoreError;

/// The form item whose answer names the patient in the queue, notifications and exports.
pub const NAME_LINK_ID: &str = "full_name";

/// What the queue columns of a new intake row are made of. Both the processor (a real
/// submission) and the demo seeder go through [`insert_intake`], so the search key is built in
/// one place.
pub(crate) struct NewIntake<'a> {
    pub conversation_id: i64,
    pub form_id: &'a str,
    pub form_version: &'a str,
    pub lang: &'a str,
    pub answers_json: &'a str,
    pub patient_name: &'a str,
    /// The conversation's wa_id as stored (Meta's digits, no '+').
    pub wa_id: &'a str,
    pub submitted_at: i64,
    pub status: IntakeStatus,
    pub status_by: Option<&'a str>,
    pub status_at: Option<i64>,
}

/// Inserts one intake with its queue columns; returns its id. Call inside a transaction.
pub(crate) fn insert_intake(conn: &Connection, n: &NewIntake<'_>) -> Result<i64, StoreError> {
    let phone = e164(n.wa_id);
    let mut stmt = conn.prepare_cached(
        "INSERT INTO intakes (conversation_id, form_id, form_version, lang, answers, submitted_at,
             status, patient_name, patient_phone, search_key, status_by, status_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    stmt.execute(params![
        n.conversation_id,
        n.form_id,
        n.form_version,
        n.lang,
        n.answers_json,
        n.submitted_at,
        n.status.as_str(),
        n.patient_name,
        phone,
        search_key(n.patient_name, &phone),
        n.status_by,
        n.status_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The patient's name as typed, or empty when the form has no text answer for it.
pub(crate) fn patient_name(answers: &BTreeMap<String, Answer>) -> String {
    match answers.get(NAME_LINK_ID) {
        Some(Answer::Text(name)) => name.trim().to_owned(),
        _ => String::new(),
    }
}

/// Meta identifies patients by their number in digits only; staff read and dial E.164.
pub(crate) fn e164(wa_id: &str) -> String {
    let wa_id = wa_id.trim();
    if wa_id.starts_with('+') || wa_id.is_empty() {
        wa_id.to_owned()
    } else {
        format!("+{wa_id}")
    }
}

/// The folded name, a space, the phone's digits: a name fragment and a run of digits are both
/// substrings of it, and it sorts by name first.
pub(crate) fn search_key(name: &str, phone: &str) -> String {
    format!("{} {}", fold(name), digits(phone))
}

pub(crate) fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The order staff expect, stored as the generated column `status_rank` (migration 009); keep
/// the two in step.
pub(crate) fn rank(status: IntakeStatus) -> i64 {
    match status {
        IntakeStatus::New => 0,
        IntakeStatus::NeedsFollowUp => 1,
        IntakeStatus::Reviewed => 2,
    }
}

/// A status read back from the database. Only this module writes the column, so anything
/// else means a hand edit; showing it as new puts it in front of a doctor again.
pub(crate) fn status_from_db(s: &str) -> IntakeStatus {
    IntakeStatus::parse(s).unwrap_or(IntakeStatus::New)
}

fn subject(intake_id: i64) -> String {
    format!("intake:{intake_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_key_folds_the_name_and_keeps_phone_digits() {
        assert_eq!(
            search_key("  María  José PÉREZ ", "+34 600-111"),
            "maria jose perez 34600111"
        );
        assert_eq!(search_key("", "+1"), " 1");
    }

    #[test]
    fn wa_ids_become_e164() {
        assert_eq!(e164("34600111222"), "+34600111222");
        assert_eq!(e164("+34600111222"), "+34600111222");
        assert_eq!(e164(""), "");
    }

    #[test]
    fn ranks_follow_the_generated_column_order() {
        let mut all = IntakeStatus::ALL;
        all.sort_by_key(|s| rank(*s));
        assert_eq!(
            all,
            [
                IntakeStatus::New,
                IntakeStatus::NeedsFollowUp,
                IntakeStatus::Reviewed
            ]
        );
    }

    #[test]
    fn the_name_is_the_full_name_text_answer_only() {
        let mut answers = BTreeMap::new();
        assert_eq!(patient_name(&answers), "");
        answers.insert(NAME_LINK_ID.to_owned(), Answer::Skipped);
        assert_eq!(patient_name(&answers), "");
        answers.insert(NAME_LINK_ID.to_owned(), Answer::Text(" Ana Pérez ".into()));
        assert_eq!(patient_name(&answers), "Ana Pérez");
    }
}
