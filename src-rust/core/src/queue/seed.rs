//! Made-up patients for demos and benchmarks: conversations and submitted intakes with the
//! default form's answers, names with accents, numbers from four countries, every status, spread
//! over the last 90 days. Only into a database without intakes: demo patients must never sit
//! next to real ones, where a clinic could mistake them for people.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::types::IntakeStatus;
use super::{insert_intake, NewIntake, NAME_LINK_ID};
use crate::audit::{self, Action};
use crate::engine::{Phase, State};
use crate::form::{Answer, Form};
use crate::store::StoreError;
use crate::{Desk, Error, Result};

pub const MAX_SEED: usize = 1_000_000;
const DAYS: i64 = 90;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub intakes: usize,
    pub conversations: usize,
}

const FIRST: &[&str] = &[
    "María",
    "José",
    "Ana",
    "Lucía",
    "Sofía",
    "Martín",
    "Nicolás",
    "Inés",
    "Raúl",
    "Héctor",
    "Ángel",
    "Íñigo",
    "Óscar",
    "Núria",
    "Joaquín",
    "Chloé",
    "François",
    "Zoë",
    "Renée",
    "Björn",
    "Carmen",
    "Pedro",
    "Laura",
    "David",
    "Elena",
    "Pablo",
    "Marta",
    "Javier",
    "Paula",
    "Diego",
    "John",
    "Mary",
    "Linh",
    "Fatima",
    "Aisha",
    "Noah",
    "Emma",
    "Liam",
    "Olivia",
    "Mateo",
];
const LAST: &[&str] = &[
    "Pérez",
    "García",
    "Fernández",
    "Martínez",
    "López",
    "Sánchez",
    "Gómez",
    "Díaz",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Navarro",
    "Ortiz",
    "Rubio",
    "Núñez",
    "Castro",
    "Ibáñez",
    "Peña",
    "Smith",
    "Johnson",
    "Nguyen",
    "O'Brien",
    "Müller",
    "Dubois",
    "Rossi",
    "Silva",
    "Costa",
    "Herrera",
    "Vargas",
    "Morales",
];
const STREETS: &[&str] = &[
    "Calle Mayor",
    "Avenida de la Constitución",
    "Calle del Sol",
    "Paseo de Gracia",
    "Main Street",
    "Calle Real",
    "Avenida Juárez",
    "Rua Augusta",
];
const CITIES: &[&str] = &[
    "28013 Madrid",
    "41001 Sevilla",
    "08007 Barcelona",
    "46001 Valencia",
    "06600 CDMX",
    "10001 New York",
    "110111 Bogotá",
];
const REASONS: &[&str] = &[
    "Headache for two weeks",
    "Lower back pain",
    "Annual check-up",
    "Cough and fever",
    "Skin rash on the arms",
    "Follow-up of blood pressure",
    "Dolor de garganta",
    "Revisión anual",
    "Pain in the left knee after running",
    "Mareos por la mañana",
];
const HISTORY: &[&str] = &[
    "None",
    "Appendectomy in 2010",
    "Type 2 diabetes",
    "Asthma since childhood",
    "Hipertensión",
    "Broken wrist in 2018",
    "Ninguno",
];
const ALLERGIES: &[&str] = &["Penicillin: rash", "Pollen", "Nuts", "Látex", "Ibuprofen"];
const MEDICATIONS: &[&str] = &[
    "None",
    "Ibuprofen 400 mg as needed",
    "Metformin 850 mg",
    "Enalapril 10 mg",
    "Paracetamol",
    "Ninguna",
];
const DOCTORS: &[&str] = &["Dra. Elena Ruiz", "Dr. Tomás Vidal", "Dr. Sam Okafor"];

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

/// A unique, plausible WhatsApp number for patient `i` (digits only, as Meta sends them):
/// `i` times an odd number not divisible by 5 is a bijection on 0..10^8.
fn wa_id(i: usize) -> String {
    let n = (i as u64).wrapping_mul(2_654_435_761) % 100_000_000;
    match i % 4 {
        0 | 1 => format!("346{n:08}"),
        2 => format!("52155{n:08}"),
        _ => format!("121{n:08}"),
    }
}

fn answers(rng: &mut StdRng, name: &str, lang: &str, phone: &str) -> BTreeMap<String, Answer> {
    let text = |s: &str| Answer::Text(s.to_owned());
    let mut a = BTreeMap::new();
    a.insert("language".into(), Answer::Choice(lang.into()));
    a.insert("consent".into(), Answer::Bool(true));
    a.insert(NAME_LINK_ID.into(), text(name));
    let born = NaiveDate::from_ymd_opt(rng.gen_range(1940..2015), rng.gen_range(1..=12), 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(rng.gen_range(0..28))))
        .unwrap_or_default();
    a.insert("birth_date".into(), Answer::Date(born));
    let gender = pick(
        rng,
        &["female", "male", "female", "male", "other", "unknown"],
    );
    a.insert("gender".into(), Answer::Choice(gender.into()));
    a.insert("phone".into(), text(phone));
    let email = if rng.gen_bool(0.6) {
        text(&format!(
            "patient{}@example.com",
            rng.gen_range(1000..99999)
        ))
    } else {
        Answer::Skipped
    };
    a.insert("email".into(), email);
    let address = format!(
        "{} {}, {}",
        pick(rng, STREETS),
        rng.gen_range(1..200),
        pick(rng, CITIES)
    );
    a.insert("address".into(), text(&address));
    a.insert("reason".into(), text(pick(rng, REASONS)));
    a.insert("history".into(), text(pick(rng, HISTORY)));
    let allergic = rng.gen_bool(0.3);
    a.insert("has_allergies".into(), Answer::Bool(allergic));
    if allergic {
        a.insert("allergies".into(), text(pick(rng, ALLERGIES)));
    }
    a.insert("medications".into(), text(pick(rng, MEDICATIONS)));
    a.insert("id_card".into(), Answer::Skipped);
    a
}

/// Older intakes have mostly been seen; today's mostly not.
fn status(rng: &mut StdRng, age_ms: i64) -> IntakeStatus {
    let p_new = if age_ms < DAY_MS {
        0.7
    } else if age_ms < 3 * DAY_MS {
        0.3
    } else {
        0.03
    };
    let x: f64 = rng.gen();
    if x < p_new {
        IntakeStatus::New
    } else if x < p_new + 0.1 {
        IntakeStatus::NeedsFollowUp
    } else {
        IntakeStatus::Reviewed
    }
}

/// Writes `count` demo intakes (one conversation each) in one transaction, the same `seed`
/// giving the same patients. Refuses a database that already has intakes.
pub fn seed_demo(desk: &Desk, form: &Form, count: usize, seed: u64) -> Result<SeedReport> {
    if count == 0 || count > MAX_SEED {
        return Err(Error::invalid(
            "invalid.seed_count",
            "Seed between 1 and 1,000,000 demo intakes.",
        ));
    }
    let now = desk.now_ms();
    let mut rng = StdRng::seed_from_u64(seed);
    // Oldest first, so ids grow with time as they do for real submissions.
    let mut times: Vec<i64> = (0..count)
        .map(|_| now - rng.gen_range(0..DAYS * DAY_MS))
        .collect();
    times.sort_unstable();
    desk.write(|tx| {
        let existing: Option<i64> = tx
            .query_row("SELECT id FROM intakes LIMIT 1", [], |r| r.get(0))
            .optional()
            .map_err(StoreError::from)?;
        if existing.is_some() {
            return Err(Error::invalid(
                "seed.not_empty",
                "This database already holds intakes. Demo patients are only written into a database without any, so they can never be mixed up with real patients.",
            ));
        }
        crate::export::forms::remember(tx, form, now)?;
        let mut conversation = tx
            .prepare_cached(
                "INSERT INTO conversations (wa_id, state, last_inbound_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(StoreError::from)?;
        for (i, &at) in times.iter().enumerate() {
            let wa = wa_id(i);
            let lang = if rng.gen_bool(0.6) { "es" } else { "en" };
            let name = format!(
                "{} {} {}",
                pick(&mut rng, FIRST),
                pick(&mut rng, LAST),
                pick(&mut rng, LAST)
            );
            let state = State {
                phase: Phase::Submitted,
                lang: Some(lang.into()),
                form_version: Some(form.version.clone()),
                answers: BTreeMap::new(),
                wa_number: Some(wa.clone()),
                last_activity: DateTime::<Utc>::from_timestamp_millis(at),
                // A few patients asked for staff after their intake.
                handover: rng.gen_bool(0.002),
            };
            conversation
                .execute(params![
                    wa,
                    serde_json::to_string(&state).unwrap_or_else(|_| "{}".into()),
                    at / 1000,
                    at
                ])
                .map_err(StoreError::from)?;
            let conversation_id = tx.last_insert_rowid();
            let answers = answers(&mut rng, &name, lang, &super::e164(&wa));
            let status = status(&mut rng, now - at);
            let reviewed_at = (status != IntakeStatus::New)
                .then(|| (at + rng.gen_range(600_000..2 * DAY_MS)).min(now));
            insert_intake(
                tx,
                &NewIntake {
                    conversation_id,
                    form_id: &form.id,
                    form_version: &form.version,
                    lang,
                    answers_json: &serde_json::to_string(&answers)
                        .unwrap_or_else(|_| "{}".into()),
                    patient_name: &name,
                    wa_id: &wa,
                    submitted_at: at,
                    status,
                    status_by: reviewed_at.map(|_| pick(&mut rng, DOCTORS)),
                    status_at: reviewed_at,
                },
            )?;
        }
        audit::append(
            tx,
            now,
            "operator",
            Action::DemoSeeded,
            "",
            &json!({ "intakes": count }),
        )?;
        Ok(())
    })?;
    Ok(SeedReport {
        intakes: count,
        conversations: count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_numbers_are_unique_and_digits_only() {
        let ids: std::collections::HashSet<String> = (0..50_000).map(wa_id).collect();
        assert_eq!(ids.len(), 50_000);
        assert!(ids.iter().all(|w| w.chars().all(|c| c.is_ascii_digit())));
    }
}
