//! "Try the bot": the real engine and default form in memory. A whole practice intake reaches
//! `finished` by answering only what the bot offered, and the database is exactly as before:
//! no conversation, intake, outbox or audit row, nothing sent.
use std::sync::Arc;

use intake_core::auth::Role;
use intake_core::engine::Settings;
use intake_core::form::Form;
use intake_core::trybot::{TryBot, TryInput, TryMessage, TryState, MAX_CHATS};
use intake_core::Desk;

use crate::common::{clinic, code, Fixture};

const TABLES: &[&str] = &[
    "conversations",
    "intakes",
    "outbox",
    "audit_log",
    "inbound_messages",
    "bot_events",
    "media_fetches",
];

fn counts(desk: &Desk) -> Vec<i64> {
    let conn = desk.db().conn();
    TABLES
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect()
}

struct Practice {
    f: Fixture,
    bot: TryBot,
    session: String,
}

impl Practice {
    fn new(role: Role) -> Practice {
        let f = clinic();
        let session = f.user("trying", role);
        let bot = TryBot::new(Arc::new(Form::default_form().unwrap()), Settings::default());
        Practice { f, bot, session }
    }

    fn send(&self, input: TryInput) -> TryState {
        self.bot.send(&self.f.desk(), &self.session, input).unwrap()
    }

    fn text(&self, text: &str) -> TryState {
        self.send(TryInput::Text { text: text.into() })
    }

    /// Taps the choice whose id starts with `prefix` in the bot's last message.
    fn tap(&self, state: &TryState, prefix: &str) -> TryState {
        let last = last_bot(state);
        let choice = last
            .buttons
            .iter()
            .chain(&last.list_rows)
            .find(|c| c.id.starts_with(prefix))
            .unwrap_or_else(|| panic!("no choice {prefix} in {last:?}"));
        self.send(TryInput::Choice {
            id: choice.id.clone(),
            title: choice.title.clone(),
        })
    }
}

fn last_bot(state: &TryState) -> &TryMessage {
    state
        .messages
        .iter()
        .rev()
        .find(|m| !m.from_patient)
        .unwrap()
}

fn asks(state: &TryState, needle: &str) {
    let text = &last_bot(state).text;
    assert!(text.contains(needle), "expected {needle:?} in {text:?}");
    assert!(!state.finished);
}

#[test]
fn a_whole_practice_intake_finishes_and_stores_nothing() {
    let p = Practice::new(Role::FrontDesk);
    let desk = p.f.desk();
    let before = counts(&desk);

    let s = p.bot.start(&desk, &p.session).unwrap();
    assert_eq!(
        s.messages.len(),
        2,
        "the patient's hello and the first question"
    );
    assert!(s.messages[0].from_patient && s.messages[0].text == "Hi");
    let ids: Vec<&str> = s.messages[1]
        .buttons
        .iter()
        .map(|b| b.id.as_str())
        .collect();
    assert_eq!(ids, ["q:language:en", "q:language:es"]);
    assert_eq!(
        p.bot.start(&desk, &p.session).unwrap(),
        s,
        "start again: the same chat"
    );

    let s = p.tap(&s, "q:language:en");
    asks(&s, "Do you agree?");
    let s = p.tap(&s, "q:consent:true");
    asks(&s, "full name");
    let s = p.text("Ana Practice");
    asks(&s, "date of birth");
    let s = p.text("31/02/1990");
    asks(&s, "date of birth");
    let s = p.text("14/03/1987");
    asks(&s, "gender");
    let s = p.tap(&s, "q:gender:female");
    asks(&s, "phone number");
    // The practice number is offered like a patient's own, and it is obviously not real.
    assert!(
        last_bot(&s).text.contains("+12025550123"),
        "{:?}",
        last_bot(&s)
    );
    let s = p.tap(&s, "d:phone");
    asks(&s, "email");
    let s = p.tap(&s, "s:email");
    asks(&s, "home address");
    let s = p.text("1 Practice Street");
    asks(&s, "reason for your visit");
    let s = p.text("Trying the bot");
    asks(&s, "medical history");
    let s = p.text("None");
    asks(&s, "allergies");
    let s = p.tap(&s, "q:has_allergies:false");
    asks(&s, "medications");
    let s = p.text("None");
    asks(&s, "photo of your ID");
    let s = p.tap(&s, "s:id_card");
    let review = last_bot(&s);
    assert!(review.text.contains("Ana Practice"), "{review:?}");
    assert!(review.text.contains("+12025550123"));
    let s = p.tap(&s, "r:confirm");
    assert!(s.finished, "{:#?}", s.messages.last());

    assert_eq!(counts(&desk), before, "nothing written to {TABLES:?}");
    // Reset starts over; the finished chat is gone.
    let fresh = p.bot.reset(&desk, &p.session).unwrap();
    assert!(!fresh.finished);
    assert_eq!(fresh.messages.len(), 2);
    assert_eq!(counts(&desk), before);
}

#[test]
fn input_is_checked_and_unknown_taps_arrive_as_text() {
    let p = Practice::new(Role::Doctor);
    let desk = p.f.desk();
    let s = p.bot.start(&desk, &p.session).unwrap();
    for (input, expected) in [
        (TryInput::Text { text: "".into() }, "invalid.message_empty"),
        (
            TryInput::Text {
                text: " \n ".into(),
            },
            "invalid.message_empty",
        ),
        (
            TryInput::Text {
                text: "a".repeat(4097),
            },
            "invalid.message_too_long",
        ),
        (
            TryInput::Text {
                text: "x\u{7}".into(),
            },
            "invalid.message_control",
        ),
        (
            TryInput::Choice {
                id: "nope".into(),
                title: "\u{0}".into(),
            },
            "invalid.message_control",
        ),
    ] {
        let shown = format!("{input:?}");
        let e = p.bot.send(&desk, &p.session, input).unwrap_err();
        assert_eq!(code(e), expected, "{shown}");
    }
    assert_eq!(
        p.bot.start(&desk, &p.session).unwrap(),
        s,
        "a refused input changes nothing"
    );

    // A tap on a choice the bot never offered is just text, as WhatsApp would deliver it.
    let s = p.send(TryInput::Choice {
        id: "q:language:fr".into(),
        title: "Français".into(),
    });
    let n = s.messages.len();
    assert_eq!(s.messages[n - 2].text, "Français");
    assert!(s.messages[n - 2].from_patient);
    assert!(
        !last_bot(&s).buttons.is_empty(),
        "asked again: {:?}",
        last_bot(&s)
    );
    // An offered id is honoured with the title the bot offered, whatever the caller says.
    let s = p.send(TryInput::Choice {
        id: "q:language:es".into(),
        title: "Klingon".into(),
    });
    let n = s.messages.len();
    assert_eq!(s.messages[n - 2].text, "Español");
    assert!(!last_bot(&s).text.is_empty());
}

#[test]
fn chats_are_per_session_bounded_and_need_a_signed_in_user() {
    let p = Practice::new(Role::FrontDesk);
    let desk = p.f.desk();
    let other = p.f.user("other", Role::Admin);
    let a = p.bot.start(&desk, &p.session).unwrap();
    let a = p.tap(&a, "q:language:en");
    let b = p.bot.start(&desk, &other).unwrap();
    assert_eq!(b.messages.len(), 2, "another session has its own chat");
    assert_eq!(p.bot.start(&desk, &p.session).unwrap(), a);

    assert_eq!(
        code(p.bot.start(&desk, "not-a-session").unwrap_err()),
        "auth.not_signed_in"
    );
    desk.logout(&other).unwrap();
    assert_eq!(
        code(
            p.bot
                .send(&desk, &other, TryInput::Text { text: "hi".into() })
                .unwrap_err()
        ),
        "auth.not_signed_in"
    );

    let sessions: Vec<String> = (0..MAX_CHATS + 5)
        .map(|_| p.f.login("trying", crate::common::USER_PW))
        .collect();
    for s in &sessions {
        p.bot.start(&desk, s).unwrap();
    }
    assert_eq!(p.bot.chats_held(), MAX_CHATS);
    // The most recent ones are kept, the oldest evicted.
    let last = sessions.last().unwrap();
    assert_eq!(p.bot.start(&desk, last).unwrap().messages.len(), 2);
    assert_eq!(p.bot.chats_held(), MAX_CHATS);
}
