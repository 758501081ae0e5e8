//! STOP and START through the real pipeline: recorded, audited, acknowledged, honoured by the
//! scheduler; only a whole-message keyword counts.
use intake_core::reminders::MessageState::{Queued, Skipped};
use intake_core::templates::TemplateEvent::{Reminder1h, Reminder24h};

use super::{template_of, Rig, DAY, HOUR, PATIENT};
use crate::wa::{body_of, text};

const STOPPED: &str =
    "You will not get appointment reminders any more. Reply START to get them again.";
const RESUMED: &str = "You will get appointment reminders again. Reply STOP to stop them.";

fn optouts(r: &Rig) -> i64 {
    r.count("SELECT count(*) FROM reminder_optouts")
}

fn audited(r: &Rig, action: &str) -> Vec<(String, String, String)> {
    let conn = r.desk.db().conn();
    let mut stmt = conn
        .prepare("SELECT actor, subject, details FROM audit_log WHERE action = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([action], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn stop_stops_reminders_and_start_resumes_them() {
    let mut r = Rig::new().await;
    r.approve_templates();
    let start = r.t0 + 2 * DAY;
    let a = r.book(start);
    r.pass().await;
    assert_eq!(r.sent_to(PATIENT).len(), 1, "the confirmation");

    r.set_clock(r.t0 + HOUR);
    let stop = r.say(PATIENT, text(" Stop! ")).await;
    assert_eq!(optouts(&r), 1);
    let sent = r.sent_to(PATIENT);
    assert_eq!(sent.len(), 2, "only the acknowledgement: {sent:?}");
    assert_eq!(body_of(&sent[1]), STOPPED);
    assert!(r.appointment(a.id).reminders_off);
    let rows = audited(&r, "reminders.stopped");
    let conversation = r.conversation_id(PATIENT);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "patient");
    assert_eq!(rows[0].1, format!("conversation:{conversation}"));
    assert!(rows[0].2.contains(&stop) && !rows[0].2.contains(PATIENT));

    // The 24-hour reminder's time: nothing goes.
    r.at(start - DAY).await;
    r.pass().await;
    assert_eq!(r.sent_to(PATIENT).len(), 2);
    let skipped = r.message(a.id, Reminder24h);
    assert_eq!(skipped.state, Skipped);
    assert!(skipped.skip_reason.unwrap().contains("STOP"));

    // START two hours before: the 1-hour reminder goes again (as text: they just wrote).
    r.set_clock(start - 2 * HOUR);
    r.say(PATIENT, text("START")).await;
    assert_eq!(optouts(&r), 0);
    assert_eq!(body_of(r.sent_to(PATIENT).last().unwrap()), RESUMED);
    assert!(!r.appointment(a.id).reminders_off);
    assert_eq!(audited(&r, "reminders.resumed").len(), 1);
    let n = r.sent_to(PATIENT).len();
    r.at(start - HOUR).await;
    let sent = r.sent_to(PATIENT);
    assert_eq!(sent.len(), n + 1);
    assert_eq!(sent[n]["type"], "interactive");
    assert_eq!(r.message(a.id, Reminder1h).state, Queued);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_a_whole_message_stop_opts_out() {
    let mut r = Rig::new().await;
    let a = r.book(r.t0 + 2 * DAY);
    r.pass().await;
    let not_keywords = [
        "stop the bleeding".to_owned(),
        "🛑".to_owned(),
        "S T O P".to_owned(),
        "stopp".to_owned(),
        "x".repeat(10_000),
        format!("STOP{}", " please".repeat(2_000)),
    ];
    for body in &not_keywords {
        r.say(PATIENT, text(body)).await;
        assert_eq!(optouts(&r), 0, "{body:.40}");
    }
    // They went to the intake bot, which answered: the patient is mid-intake now.
    assert!(!r.sent_to(PATIENT).is_empty());
    assert!(!r.appointment(a.id).reminders_off);
    assert!(audited(&r, "reminders.stopped").is_empty());

    // "BAJA" mid-intake: reminders stop, and the intake ends as the bot's own stop word does.
    let n = r.sent_to(PATIENT).len();
    r.say(PATIENT, text("BAJA")).await;
    assert_eq!(optouts(&r), 1);
    assert_eq!(
        r.count("SELECT count(*) FROM bot_events WHERE kind = 'withdrawn'"),
        1
    );
    let said: Vec<String> = r.sent_to(PATIENT)[n..].iter().map(body_of).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[0], STOPPED);

    // Again, in other words: acknowledged, recorded once.
    r.say(PATIENT, text("Unsubscribe.")).await;
    assert_eq!(body_of(r.sent_to(PATIENT).last().unwrap()), STOPPED);
    assert_eq!(optouts(&r), 1);
    assert_eq!(audited(&r, "reminders.stopped").len(), 1);

    // "Start" from someone who never stopped is for the intake bot, not an opt-in.
    let n = r.sent_to(crate::reminders::OTHER).len();
    r.say(crate::reminders::OTHER, text("start")).await;
    let other = r.sent_to(crate::reminders::OTHER);
    assert!(other.len() > n);
    assert!(other[n..]
        .iter()
        .all(|m| body_of(m) != RESUMED && template_of(m).is_none()));
    assert!(audited(&r, "reminders.resumed").is_empty());
}
