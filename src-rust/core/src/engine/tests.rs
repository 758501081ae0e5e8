use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::form::Answer;

mod idle;
mod languages;
mod limits;
mod walk;

pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap()
}

pub(super) fn settings() -> Settings {
    Settings {
        default_region: Some(phonenumber::country::Id::ES),
        ..Settings::default()
    }
}

/// A scripted patient: every message is one minute after the last and processed at once.
pub(super) struct Patient {
    pub form: Form,
    pub state: State,
    pub clock: DateTime<Utc>,
    pub n: u32,
    pub effects: Vec<Effect>,
}

impl Patient {
    pub fn new() -> Patient {
        Patient {
            form: Form::default_form().unwrap(),
            state: State::default(),
            clock: t0(),
            n: 0,
            effects: Vec::new(),
        }
    }

    pub fn event(&mut self, content: Content) -> Event {
        self.n += 1;
        self.clock += Duration::minutes(1);
        Event::Inbound(Inbound {
            wamid: format!("wamid.{}", self.n),
            from: Some("34612345678".into()),
            timestamp: self.clock,
            content,
        })
    }

    pub fn send(&mut self, content: Content) -> Vec<Outgoing> {
        let ev = self.event(content);
        self.apply(&[ev], self.clock)
    }

    pub fn apply(&mut self, events: &[Event], now: DateTime<Utc>) -> Vec<Outgoing> {
        let st = step_batch(&self.form, &self.state, events, now, &settings());
        for o in &st.outgoing {
            assert!(o.within_limits(), "{o:?}");
        }
        // The state must survive the JSON round trip the processor puts it through.
        let json = serde_json::to_string(&st.state).unwrap();
        assert_eq!(serde_json::from_str::<State>(&json).unwrap(), st.state);
        self.state = st.state;
        self.effects.extend(st.effects);
        st.outgoing
    }

    pub fn text(&mut self, body: &str) -> Vec<Outgoing> {
        self.send(Content::Text { body: body.into() })
    }

    pub fn tap(&mut self, id: &str) -> Vec<Outgoing> {
        self.send(Content::ButtonReply {
            id: id.into(),
            title: "x".into(),
        })
    }

    pub fn pick(&mut self, id: &str) -> Vec<Outgoing> {
        self.send(Content::ListReply {
            id: id.into(),
            title: "x".into(),
        })
    }

    pub fn asking(&self) -> Option<&str> {
        match &self.state.phase {
            Phase::Asking { link_id } => Some(link_id),
            _ => None,
        }
    }
}

pub(super) fn body(o: &Outgoing) -> &str {
    match o {
        Outgoing::Text { body } | Outgoing::Buttons { body, .. } | Outgoing::List { body, .. } => {
            body
        }
    }
}

pub(super) fn ids(o: &Outgoing) -> Vec<String> {
    match o {
        Outgoing::Text { .. } => vec![],
        Outgoing::Buttons { buttons, .. } => buttons.iter().map(|b| b.id.clone()).collect(),
        Outgoing::List { rows, .. } => rows.iter().map(|r| r.id.clone()).collect(),
    }
}

#[test]
fn keywords_work_at_any_point() {
    let mut p = Patient::new();
    p.text("hi");
    p.tap("q:language:en");
    p.tap("q:consent:true");
    let out = p.text("HELP");
    assert_eq!(out.len(), 1);
    assert!(body(&out[0]).contains("restart"));
    assert_eq!(p.asking(), Some("full_name"));

    let out = p.text("human");
    assert!(p.state.handover);
    assert!(matches!(
        p.effects.last(),
        Some(Effect::HandoverRequested { .. })
    ));
    assert_eq!(out.len(), 1);
    assert!(
        p.text("hello? anyone?").is_empty(),
        "bot stays quiet during handover"
    );
    assert!(p.text("restart").is_empty());
    let st = step(
        &p.form,
        &p.state,
        &Event::StaffRelease,
        p.clock,
        &settings(),
    );
    assert!(!st.state.handover);
    assert!(body(&st.outgoing[0]).contains("full name"));
    p.state = st.state;

    p.text("Ana");
    let out = p.text("reiniciar");
    assert_eq!(p.asking(), Some("language"));
    assert!(p.state.answers.is_empty());
    assert!(body(&out[0]).contains("idioma"));

    p.tap("q:language:es");
    let out = p.text("Stop");
    assert_eq!(p.state.phase, Phase::Ended);
    assert!(matches!(p.effects.last(), Some(Effect::Withdrawn { .. })));
    assert!(body(&out[0]).contains("parado"));
    // Writing again after stopping starts a fresh intake.
    p.text("hola");
    assert_eq!(p.asking(), Some("language"));
}

#[test]
fn staff_takeover_silences_until_release() {
    let mut p = Patient::new();
    p.text("hi");
    let st = step(
        &p.form,
        &p.state,
        &Event::StaffTakeover,
        p.clock,
        &settings(),
    );
    p.state = st.state;
    assert!(p.text("en").is_empty());
    assert_eq!(p.asking(), Some("language"));
}

#[test]
fn consent_declined_ends_and_is_recorded() {
    let mut p = Patient::new();
    p.text("hi");
    p.tap("q:language:en");
    let out = p.text("no");
    assert_eq!(p.state.phase, Phase::Ended);
    assert!(body(&out[0]).contains("consent"));
    assert!(matches!(
        p.effects.last(),
        Some(Effect::Consent { granted: false, .. })
    ));
}

#[test]
fn idle_timeout_then_resume_offer() {
    let mut p = Patient::new();
    p.text("hi");
    p.tap("q:language:en");
    p.tap("q:consent:true");
    p.text("Ana Pérez");
    // A tick before the timeout changes nothing; after it the intake is abandoned.
    let early = step(
        &p.form,
        &p.state,
        &Event::Tick,
        p.clock + Duration::hours(23),
        &settings(),
    );
    assert_eq!(early.state, p.state);
    let late = step(
        &p.form,
        &p.state,
        &Event::Tick,
        p.clock + Duration::hours(24),
        &settings(),
    );
    assert!(matches!(late.state.phase, Phase::Abandoned { .. }));
    assert!(late.outgoing.is_empty());
    assert!(matches!(late.effects[..], [Effect::Abandoned { .. }]));
    p.state = late.state;
    p.clock += Duration::hours(30);
    let out = p.text("hello again");
    assert_eq!(ids(&out[0]), ["o:continue", "o:restart", "o:staff"]);
    let out = p.tap("o:continue");
    assert_eq!(p.asking(), Some("birth_date"));
    assert!(body(&out[0]).contains("date of birth"));
    assert_eq!(
        p.state.answers.get("full_name"),
        Some(&Answer::Text("Ana Pérez".into()))
    );

    // Without a tick, a message arriving after the timeout is treated the same way.
    p.clock += Duration::hours(25);
    let out = p.text("14/03/1987");
    assert!(matches!(p.state.phase, Phase::ResumeOffer { .. }));
    assert_eq!(ids(&out[0]).len(), 3);
    p.text("2");
    assert_eq!(p.asking(), Some("language"));
    assert!(p.state.answers.is_empty());
}

#[test]
fn resume_offer_to_staff_keeps_place() {
    let mut p = Patient::new();
    p.text("hi");
    p.tap("q:language:en");
    p.clock += Duration::days(2);
    p.text("hi");
    p.tap("o:staff");
    assert!(p.state.handover);
    assert_eq!(p.asking(), Some("consent"));
}

#[test]
fn backlog_is_folded_into_one_reply() {
    let mut p = Patient::new();
    p.text("hi");
    p.tap("q:language:en");
    // Overnight: four messages, processed eight hours later in one batch.
    let evs = vec![
        p.event(Content::Text { body: "yes".into() }),
        p.event(Content::Text {
            body: "hello?".into(),
        }),
        p.event(Content::Text {
            body: "Ana Pérez".into(),
        }),
        p.event(Content::Text {
            body: "are you there".into(),
        }),
    ];
    let now = p.clock + Duration::hours(8);
    let out = p.apply(&evs, now);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(body(&out[0]).starts_with("Sorry for the slow reply"));
    // "are you there" was not a date: the folded reply re-asks the current question.
    assert_eq!(p.asking(), Some("birth_date"));
    assert!(body(&out[0]).contains("date of birth"));
    assert!(p
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Consent { granted: true, .. })));

    // A stale message followed by a fresh one: only the fresh one is answered.
    let stale = p.event(Content::Text { body: "hm".into() });
    p.clock += Duration::hours(2);
    let fresh = p.event(Content::Text {
        body: "14/03/1987".into(),
    });
    let out = p.apply(&[stale, fresh], p.clock);
    assert_eq!(out.len(), 1);
    assert_eq!(p.asking(), Some("gender"));
}

#[test]
fn submitted_patient_writing_again_is_offered_new_or_staff() {
    let mut p = Patient::new();
    walk::complete_english(&mut p);
    let out = p.text("hi");
    assert_eq!(ids(&out[0]), ["o:new", "o:staff"]);
    p.tap("o:new");
    assert_eq!(p.asking(), Some("language"));
}

#[test]
fn hostile_input_never_breaks_limits_or_state() {
    let mut p = Patient::new();
    p.text("");
    assert_eq!(p.asking(), Some("language"));
    let long = "ش".repeat(10_000);
    let inputs = [
        Content::Text { body: "".into() },
        Content::Text { body: long.clone() },
        Content::Text {
            body: "😀😀😀".into(),
        },
        Content::Text {
            body: "\u{0}\u{7}\u{1b}[31m".into(),
        },
        Content::Text {
            body: "\u{202E}olleh".into(),
        },
        Content::ButtonReply {
            id: "nonsense".into(),
            title: "x".into(),
        },
        Content::ButtonReply {
            id: "q:language:xx".into(),
            title: "x".into(),
        },
        Content::ListReply {
            id: "".into(),
            title: "".into(),
        },
        Content::ButtonReply {
            id: "r:confirm".into(),
            title: "x".into(),
        },
        Content::Location {
            latitude: 1.0,
            longitude: 2.0,
        },
        Content::Other {
            kind: "sticker".into(),
        },
        Content::Media {
            media_id: "m".into(),
            sha256: "h".into(),
            mime: "image/png".into(),
        },
    ];
    for c in inputs.iter().cloned() {
        let out = p.send(c);
        assert_eq!(out.len(), 1);
        assert_eq!(p.asking(), Some("language"));
    }
    p.tap("q:language:en");
    p.tap("q:consent:true");
    // A tap on the language question after it was answered is a stale reply.
    let out = p.tap("q:language:es");
    assert!(body(&out[0]).starts_with("That reply was for an earlier question"));
    assert_eq!(p.asking(), Some("full_name"));
    assert_eq!(p.state.lang.as_deref(), Some("en"));
    let out = p.text(&long);
    assert!(body(&out[0]).contains("too long"));
    p.text("محمد 😀 \u{202E}");
    assert_eq!(
        p.state.answers.get("full_name"),
        Some(&Answer::Text("محمد 😀".into()))
    );
    for c in inputs {
        p.send(c);
    }
}
