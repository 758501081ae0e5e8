//! Every message the engine produces for the default form passes the outbox check: a scripted
//! walk from "Hi" to a submitted intake, and random patients who mostly cooperate but also
//! type nonsense, tap stale buttons, go idle for a day, send keywords and get handed to staff.
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::engine::{step_batch, Content, Event, Inbound, Outgoing, Phase, Settings, State};
use crate::form::Form;

const PATIENT: &str = "34600111222";
/// Stand-ins for the install's access token and app secret, as the sender would pass them.
const SECRETS: [&str; 2] = [
    "EAAtest0token0for0the0walk0only",
    "0123456789abcdef0123456789abcdef",
];

/// One thing the patient (or the desk's timers) does.
#[derive(Debug, Clone)]
enum Move {
    /// Answers what was asked: a button or row of the last message, or a plausible typed
    /// answer for the current question. The number picks among the possibilities.
    Cooperate(usize),
    /// Taps a button or row from any earlier message.
    Stale(usize),
    Type(String),
    Media,
    Location,
    Sticker,
    /// No message for a day, then the idle check runs.
    IdleDay,
    /// Two messages that reach the desk only after the backlog age.
    Late(usize),
    Takeover,
    Release,
}

struct Patient {
    form: Form,
    settings: Settings,
    state: State,
    clock: DateTime<Utc>,
    n: u32,
    /// Every message sent so far, newest last.
    sent: Vec<Outgoing>,
    checked: usize,
}

fn plausible(link_id: &str) -> &'static [&'static str] {
    match link_id {
        "language" => &["English", "Español", "1", "klingon"],
        "consent" => &["yes", "sí", "no", "maybe"],
        "full_name" => &["Ana María Pérez", "José Núñez", "X"],
        "birth_date" => &[
            "14/03/1987",
            "14 March 1987",
            "31/02/1990",
            "2099-01-01",
            "1850-01-01",
        ],
        "gender" => &["female", "hombre", "2", "prefer not"],
        "phone" => &["699 11 22 33", "+34600111222", "12"],
        "email" => &["ana.perez@example.com", "skip", "not an email"],
        "has_allergies" => &["yes", "no", "1"],
        "id_card" => &["skip", "omitir", "later"],
        _ => &[
            "Calle Mayor 1, 28013 Madrid",
            "Headache for two weeks",
            "none",
            "Penicillin: rash",
            "confirm",
            "cambiar",
        ],
    }
}

fn choices(o: &Outgoing) -> Vec<Content> {
    match o {
        Outgoing::Text { .. } => vec![],
        Outgoing::Buttons { buttons, .. } => buttons
            .iter()
            .map(|b| Content::ButtonReply {
                id: b.id.clone(),
                title: b.title.clone(),
            })
            .collect(),
        Outgoing::List { rows, .. } => rows
            .iter()
            .map(|r| Content::ListReply {
                id: r.id.clone(),
                title: r.title.clone(),
            })
            .collect(),
    }
}

impl Patient {
    fn new() -> Self {
        Patient {
            form: Form::default_form().unwrap(),
            settings: Settings {
                default_region: Some(phonenumber::country::Id::ES),
                ..Settings::default()
            },
            state: State::default(),
            clock: Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap(),
            n: 0,
            sent: Vec::new(),
            checked: 0,
        }
    }

    fn inbound(&mut self, content: Content) -> Event {
        self.n += 1;
        self.clock += Duration::minutes(1);
        Event::Inbound(Inbound {
            wamid: format!("wamid.{}", self.n),
            from: Some(PATIENT.into()),
            timestamp: self.clock,
            content,
        })
    }

    fn apply(&mut self, events: &[Event]) -> Result<(), String> {
        let st = step_batch(&self.form, &self.state, events, self.clock, &self.settings);
        for o in &st.outgoing {
            let payload = o.to_graph_json(PATIENT);
            if let Err(e) = validate(&payload, &SECRETS) {
                return Err(format!(
                    "{e:?} for {payload} in phase {:?}",
                    self.state.phase
                ));
            }
            self.checked += 1;
        }
        self.state = st.state;
        self.sent.extend(st.outgoing);
        Ok(())
    }

    fn send(&mut self, content: Content) -> Result<(), String> {
        let ev = self.inbound(content);
        self.apply(&[ev])
    }

    /// `pick % 4 == 0` types an answer even when buttons are offered (patients do); the rest
    /// of `pick` chooses which button or answer.
    fn cooperate(&mut self, pick: usize) -> Result<(), String> {
        let offered = self.sent.last().map(choices).unwrap_or_default();
        let asking = match &self.state.phase {
            Phase::Asking { link_id } => Some(link_id.as_str()),
            _ => None,
        };
        let which = pick / 4;
        if !offered.is_empty() && (asking.is_none() || !pick.is_multiple_of(4)) {
            return self.send(offered[which % offered.len()].clone());
        }
        if asking == Some("id_card") && which.is_multiple_of(2) {
            return self.send(media());
        }
        let answers = plausible(asking.unwrap_or(""));
        self.send(Content::Text {
            body: answers[which % answers.len()].into(),
        })
    }

    fn play(&mut self, m: &Move) -> Result<(), String> {
        match m {
            Move::Cooperate(pick) => self.cooperate(*pick),
            Move::Stale(pick) => {
                let all: Vec<Content> = self.sent.iter().flat_map(choices).collect();
                match all.get(pick % all.len().max(1)) {
                    Some(c) => self.send(c.clone()),
                    None => self.cooperate(*pick),
                }
            }
            Move::Type(body) => self.send(Content::Text { body: body.clone() }),
            Move::Media => self.send(media()),
            Move::Location => self.send(Content::Location {
                latitude: 40.4,
                longitude: -3.7,
            }),
            Move::Sticker => self.send(Content::Other {
                kind: "sticker".into(),
            }),
            Move::IdleDay => {
                self.clock += Duration::hours(25);
                self.apply(&[Event::Tick])
            }
            Move::Late(pick) => {
                let answers = plausible("");
                let a = self.inbound(Content::Text {
                    body: answers[pick % answers.len()].into(),
                });
                let b = self.inbound(Content::Text { body: "Hi".into() });
                self.clock += Duration::minutes(45);
                self.apply(&[a, b])
            }
            Move::Takeover => self.apply(&[Event::StaffTakeover]),
            Move::Release => self.apply(&[Event::StaffRelease]),
        }
    }
}

fn media() -> Content {
    Content::Media {
        media_id: "1037543291543636".into(),
        sha256: "c2hhMjU2".into(),
        mime: "image/jpeg".into(),
    }
}

#[test]
fn a_cooperative_patient_reaches_submission_with_valid_messages() {
    for lang in ["q:language:en", "q:language:es"] {
        let mut p = Patient::new();
        p.send(Content::Text { body: "Hi".into() }).unwrap();
        p.send(Content::ButtonReply {
            id: lang.into(),
            title: "x".into(),
        })
        .unwrap();
        // Always the first button or the first plausible answer: consent yes, the first
        // gender, the WhatsApp number, ... and finally "Confirm" on the summary.
        for _ in 0..40 {
            if p.state.phase == Phase::Submitted {
                break;
            }
            p.cooperate(1).unwrap();
        }
        assert_eq!(
            p.state.phase,
            Phase::Submitted,
            "{lang}: {:?}",
            p.sent.last()
        );
        assert!(p.checked > 15, "{lang}: checked {}", p.checked);
    }
}

fn any_move() -> impl Strategy<Value = Move> {
    prop_oneof![
        12 => any::<usize>().prop_map(Move::Cooperate),
        2 => any::<usize>().prop_map(Move::Stale),
        2 => prop_oneof![
            "[a-zA-Z0-9áéíóúñÁÉÍÓÚÑ ,.:/@+]{0,60}",
            "\\PC{0,200}",
            "[a-z ]{4000,5000}",
            Just("help".to_owned()),
            Just("restart".to_owned()),
            Just("staff".to_owned()),
            Just("stop".to_owned()),
            Just("Hola".to_owned()),
        ]
        .prop_map(Move::Type),
        1 => Just(Move::Media),
        1 => prop_oneof![Just(Move::Location), Just(Move::Sticker)],
        1 => Just(Move::IdleDay),
        1 => any::<usize>().prop_map(Move::Late),
        1 => prop_oneof![Just(Move::Takeover), Just(Move::Release)],
    ]
}

/// Run by hand rather than with `proptest!` so the test can also show it was not vacuous:
/// some random patients must get as far as the summary and a submitted intake.
#[test]
fn every_engine_message_for_the_default_form_passes() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::Cell;

    let (reviews, submissions, checked) = (Cell::new(0), Cell::new(0), Cell::new(0));
    let mut runner = TestRunner::new(Config::with_cases(256));
    let result = runner.run(&proptest::collection::vec(any_move(), 1..90), |moves| {
        let mut p = Patient::new();
        let mut reviewed = false;
        for m in &moves {
            if let Err(e) = p.play(m) {
                return Err(TestCaseError::fail(format!("{e} after {m:?}")));
            }
            reviewed |= p.state.phase == Phase::Review;
        }
        reviews.set(reviews.get() + usize::from(reviewed));
        let submitted = p.sent.iter().any(|o| match o {
            Outgoing::Text { body } => body.contains("Thank you") || body.contains("Gracias"),
            _ => false,
        });
        submissions.set(submissions.get() + usize::from(submitted));
        checked.set(checked.get() + p.checked);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        reviews.get() >= 10,
        "only {} walks reached the summary",
        reviews.get()
    );
    assert!(
        submissions.get() >= 5,
        "only {} walks were submitted",
        submissions.get()
    );
    assert!(
        checked.get() > 3000,
        "only {} messages checked",
        checked.get()
    );
}
