//! Staff replies that must not go: hostile input, a closed window; and replies WhatsApp refused.
use chrono::Duration;
use intake_core::inbox::{Delivery, InboxReason};

use super::{Clinic, CLOSED, PATIENT};
use crate::common::{code, USER_PW};
use crate::wa::text;

#[tokio::test(flavor = "multi_thread")]
async fn hostile_replies_are_refused_and_change_nothing() {
    let mut c = Clinic::new().await;
    c.say(text("Hi")).await;
    let id = c.conversation_id(PATIENT);
    let rows = |c: &Clinic| c.count("SELECT count(*) FROM outbox WHERE kind = 'message'");
    let before = rows(&c);
    let token = format!("EAAG{}", "Zx9Qw3Rt7Yp".repeat(12));
    for (text, expected) in [
        ("", "invalid.message_empty"),
        ("   \n\t  ", "invalid.message_empty"),
        (&"x".repeat(5000)[..], "invalid.message_too_long"),
        ("hello\u{0}world", "invalid.message_control"),
        ("\u{1b}[2Jcleared", "invalid.message_control"),
        (&format!("here is the token {token}")[..], "invalid.reply"),
        (
            &format!("your key: {}", c.s.f.recovery_key)[..],
            "invalid.reply",
        ),
    ] {
        let e = c.reply(id, text).unwrap_err();
        assert_eq!(code(e), expected, "{:?}", &text[..text.len().min(30)]);
    }
    let e = c
        .reply(id, &format!("here is the token {token}"))
        .unwrap_err();
    assert!(
        !e.body().message.contains("EAAG"),
        "the secret is not echoed"
    );
    assert_eq!(rows(&c), before, "nothing queued");
    let view = c.desk.conversation(&c.desk_session, id).unwrap();
    assert!(
        !view.taken_over,
        "a refused reply does not take the conversation over"
    );
    assert_eq!(
        c.count("SELECT count(*) FROM audit_log WHERE action LIKE 'conversation.%'"),
        0
    );
    assert_eq!(
        code(c.reply(9_999, "hello").unwrap_err()),
        "not_found.conversation"
    );
    // 4,096 characters is the limit, not beyond it.
    c.reply(id, &"é".repeat(4096)).unwrap();
    assert_eq!(rows(&c), before + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn free_text_is_refused_once_the_24_hour_window_has_closed() {
    let mut c = Clinic::new().await;
    c.say(text("Hi")).await;
    let id = c.conversation_id(PATIENT);
    c.s.f.clock.advance(Duration::hours(23));
    // The screen locked itself meanwhile; sign in again.
    c.desk_session = c.s.f.login("desk", USER_PW);
    c.reply(id, "Still there?").unwrap();
    c.s.f.clock.advance(Duration::hours(2));
    c.desk_session = c.s.f.login("desk", USER_PW);
    let rows = c.count("SELECT count(*) FROM outbox WHERE kind = 'message'");
    let e = c.reply(id, "Are you coming?").unwrap_err();
    let body = e.body();
    assert_eq!(body.code, "inbox.window_closed");
    assert!(
        body.message.starts_with("The 24-hour window closed at "),
        "{}",
        body.message
    );
    assert!(body.message.contains("only allows approved templates"));
    assert_eq!(
        c.count("SELECT count(*) FROM outbox WHERE kind = 'message'"),
        rows
    );
    let view = c.desk.conversation(&c.desk_session, id).unwrap();
    assert!(view.window_closes_at.unwrap() < view.now);
    // Taking over and giving back still work.
    assert!(c.desk.take_over(&c.desk_session, id).unwrap().taken_over);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_that_cannot_be_sent_puts_the_patient_in_the_inbox() {
    let mut c = Clinic::new().await;
    c.say_from(CLOSED, text("Hi")).await;
    let id = c.conversation_id(CLOSED);
    let inbox = c.desk.inbox(&c.desk_session).unwrap();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(
        (inbox[0].conversation_id, inbox[0].reason),
        (id, InboxReason::SendProblem)
    );
    let view = c.desk.conversation(&c.desk_session, id).unwrap();
    let stuck = view.messages.last().unwrap();
    assert_eq!(stuck.delivery, Some(Delivery::NeedsStaff));
    assert!(
        stuck.problem.as_deref().unwrap().contains("24 hours"),
        "{stuck:?}"
    );
    // When the patient writes again the bot answers anew, so the problem is settled.
    c.s.f.clock.advance(Duration::seconds(5));
    let conn_rows = c.count("SELECT count(*) FROM inbound_messages");
    c.say_from(CLOSED, text("Hello?")).await;
    assert_eq!(
        c.count("SELECT count(*) FROM inbound_messages"),
        conn_rows + 1
    );
    // The fake keeps refusing this number, so a fresh problem appears after the new message.
    let inbox = c.desk.inbox(&c.desk_session).unwrap();
    assert_eq!(inbox.len(), 1);
    assert!(
        inbox[0].since > stuck.at,
        "only the newer problem counts: {inbox:?}"
    );
}
