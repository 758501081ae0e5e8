//! Asking for staff, taking over (the bot goes quiet), replying, giving back.
use intake_core::auth::Role;
use intake_core::engine::Settings;
use intake_core::events::DeskEvent;
use intake_core::inbox::{Delivery, InboxReason, StaffReply};
use serde_json::json;

use super::{drain, Clinic, PATIENT};
use crate::common::code;
use crate::wa::{buttons, tap, text};

#[tokio::test(flavor = "multi_thread")]
async fn asking_for_staff_take_over_reply_and_give_back() {
    let mut c = Clinic::new().await;
    let doctor = c.s.f.user("doc", Role::Doctor);
    c.say(text("Hi")).await;
    c.say(tap("q:language:en", "English")).await;
    c.say(tap("q:consent:true", "Yes")).await;
    c.say(text("Ana María Pérez")).await;
    let asked = c.say(text("staff")).await;
    let id = c.conversation_id(PATIENT);
    let last_inbound = c.desk.clock_now().timestamp() - 3;

    // The inbox: who asked, since when, until when free text is allowed.
    let inbox = c.desk.inbox(&c.desk_session).unwrap();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let item = &inbox[0];
    assert_eq!(
        (item.conversation_id, item.reason),
        (id, InboxReason::AskedForStaff)
    );
    assert_eq!(item.patient_phone, format!("+{PATIENT}"));
    assert_eq!(item.held_by, None);
    assert_eq!(item.patient_name.as_deref(), Some("Ana María Pérez"));
    assert_eq!(
        item.window_closes_at,
        Some(last_inbound * 1000 + 24 * 3600 * 1000)
    );
    assert!(
        c.desk
            .conversation(&c.desk_session, id)
            .unwrap()
            .asked_for_staff
    );

    // Doctors do not handle conversations.
    for e in [
        c.desk.inbox(&doctor).err(),
        c.desk.take_over(&doctor, id).err(),
        c.desk.conversation(&doctor, id).err(),
        c.desk
            .give_back(&doctor, &c.form, &Settings::default(), id)
            .err(),
    ] {
        assert_eq!(code(e.unwrap()), "auth.forbidden");
    }
    assert_eq!(
        code(
            c.desk
                .staff_reply(
                    &doctor,
                    &StaffReply {
                        conversation_id: id,
                        text: "hi".into()
                    }
                )
                .unwrap_err()
        ),
        "auth.forbidden"
    );
    assert_eq!(
        code(c.desk.take_over(&c.desk_session, 9_999).unwrap_err()),
        "not_found.conversation"
    );

    // Take over: held, announced, audited, and the patient's message gets its blue ticks.
    let mut events = c.desk.events().subscribe();
    let view = c.desk.take_over(&c.desk_session, id).unwrap();
    assert!(view.taken_over && !view.asked_for_staff);
    assert_eq!(view.held_by.as_deref(), Some("desk Example"));
    assert_eq!(
        drain(&mut events),
        [DeskEvent::ConversationChanged {
            conversation_id: id
        }]
    );
    let inbox = c.desk.inbox(&c.desk_session).unwrap();
    assert_eq!(
        (inbox[0].reason, inbox[0].held_by.as_deref()),
        (InboxReason::TakenOver, Some("desk Example"))
    );
    let taken = "SELECT count(*) FROM audit_log WHERE action = 'conversation.taken_over' AND actor = 'staff:desk'";
    assert_eq!(c.count(taken), 1);
    c.desk.take_over(&c.desk_session, id).unwrap();
    assert_eq!(
        c.count(taken),
        1,
        "a second click is not a second take-over"
    );
    let _ = drain(&mut events);
    c.sender.drain_until_idle().await.unwrap();
    assert!(c
        .fake
        .seen
        .lock()
        .unwrap()
        .iter()
        .any(|b| b["status"] == "read" && b["message_id"] == asked));

    // While held, the bot says nothing.
    let bot_before = c.sent_to(PATIENT).len();
    c.say(text("hello? anyone there?")).await;
    assert_eq!(c.sent_to(PATIENT).len(), bot_before, "the bot stays quiet");
    let view = c.desk.conversation(&c.desk_session, id).unwrap();
    assert_eq!(view.messages.last().unwrap().text, "hello? anyone there?");

    // A staff reply goes through the outbox and the sender, exactly as typed.
    let mut events = c.desk.events().subscribe();
    let view = c
        .reply(id, "  Hello Ana, we will call you at 5.  ")
        .unwrap();
    assert_eq!(
        drain(&mut events),
        [DeskEvent::ConversationChanged {
            conversation_id: id
        }]
    );
    let queued = view.messages.last().unwrap();
    assert_eq!(queued.author.as_deref(), Some("desk Example"));
    assert_eq!(queued.delivery, Some(Delivery::Queued));
    assert_eq!(c.count(taken), 1, "replying to one's own conversation");
    c.sender.drain_until_idle().await.unwrap();
    let outbox_id: i64 = queued.key.strip_prefix("out:").unwrap().parse().unwrap();
    let sent = c.sent_to(PATIENT).last().unwrap().clone();
    assert_eq!(
        sent,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": PATIENT,
            "type": "text", "text": {"preview_url": false, "body": "Hello Ana, we will call you at 5."},
            "biz_opaque_callback_data": format!("ob:{outbox_id}")})
    );
    let view = c.desk.conversation(&c.desk_session, id).unwrap();
    assert_eq!(view.messages.last().unwrap().delivery, Some(Delivery::Sent));
    let details: String = c
        .desk
        .db()
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'conversation.staff_reply'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !details.contains("Ana") && !details.contains("call"),
        "no text in the audit: {details}"
    );

    // Give back: the bot asks the patient again where they were (the date of birth).
    let mut events = c.desk.events().subscribe();
    let view = c
        .desk
        .give_back(&c.desk_session, &c.form, &Settings::default(), id)
        .unwrap();
    assert!(!view.taken_over && !view.asked_for_staff && view.held_by.is_none());
    assert_eq!(
        drain(&mut events),
        [DeskEvent::ConversationChanged {
            conversation_id: id
        }]
    );
    c.sender.drain_until_idle().await.unwrap();
    let reprompt = c.sent_to(PATIENT).last().unwrap().clone();
    assert!(
        reprompt["text"]["body"]
            .as_str()
            .unwrap()
            .contains("date of birth"),
        "{reprompt}"
    );
    assert!(c.desk.inbox(&c.desk_session).unwrap().is_empty());
    assert_eq!(
        c.count("SELECT count(*) FROM audit_log WHERE action = 'conversation.released'"),
        1
    );
    let view = c.desk.conversation(&c.desk_session, id).unwrap();
    assert_eq!(view.messages.last().unwrap().author.as_deref(), Some("bot"));

    // A second give-back does not ask the patient twice.
    let before = c.count("SELECT count(*) FROM outbox WHERE kind = 'message'");
    c.desk
        .give_back(&c.desk_session, &c.form, &Settings::default(), id)
        .unwrap();
    assert_eq!(
        c.count("SELECT count(*) FROM outbox WHERE kind = 'message'"),
        before
    );

    // And the bot answers again.
    c.say(text("14/03/1987")).await;
    let next = c.sent_to(PATIENT).last().unwrap().clone();
    assert!(
        next["interactive"]["body"]["text"]
            .as_str()
            .unwrap()
            .contains("gender"),
        "the bot is back: {next}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn take_over_mid_intake_silences_the_bot_until_given_back() {
    let mut c = Clinic::new().await;
    c.say(text("Hi")).await;
    let id = c.conversation_id(PATIENT);
    assert!(
        c.desk.inbox(&c.desk_session).unwrap().is_empty(),
        "a patient with the bot needs nobody"
    );
    c.desk.take_over(&c.desk_session, id).unwrap();
    let before = c.sent_to(PATIENT).len();
    c.say(tap("q:language:en", "English")).await;
    c.say(text("restart")).await;
    assert_eq!(
        c.sent_to(PATIENT).len(),
        before,
        "no bot reply while staff hold it"
    );
    assert_eq!(
        c.count("SELECT count(*) FROM outbox WHERE kind = 'message' AND state = 'pending'"),
        0
    );

    c.desk
        .give_back(&c.desk_session, &c.form, &Settings::default(), id)
        .unwrap();
    c.sender.drain_until_idle().await.unwrap();
    let after = c.sent_to(PATIENT);
    assert_eq!(after.len(), before + 1, "one re-prompt");
    let ids: Vec<String> = buttons(after.last().unwrap())
        .into_iter()
        .map(|b| b.0)
        .collect();
    assert_eq!(
        ids,
        ["q:language:en", "q:language:es"],
        "asked again where the patient was"
    );
}
