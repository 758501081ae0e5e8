//! Idle intakes and late batches at the processor level, over the real store and the signed
//! webhook: the processor marks an intake abandoned on its own once the patient has been quiet
//! for the timeout (a Tick, no message needed), never earlier, never for a patient with staff,
//! and never ahead of a message the patient sent in time. Time moves by the injected clock.
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use intake_core::engine::Settings;
use intake_core::form::Form;
use intake_core::processor::{ProcessReport, Processor};
use intake_core::Desk;
use rusqlite::OptionalExtension;
use serde_json::{json, Value};

use crate::wa::{self, body_of, text, webhook_from};
use crate::webhook::{start, Server};

const PATIENT: &str = "34600111444";
/// The default idle timeout, in seconds.
const DAY: i64 = 24 * 3600;

fn webhook(wamid: &str, sent: i64, message: Value) -> Vec<u8> {
    webhook_from(PATIENT, wamid, sent, message)
}

fn tap(id: &str) -> Value {
    wa::tap(id, "x")
}

fn button_ids(m: &Value) -> Vec<String> {
    m["interactive"]["action"]["buttons"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["reply"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn asking(link_id: &str) -> Value {
    json!({"phase": "asking", "linkId": link_id})
}

/// One clinic, one patient, the processor run by hand (no sender: the outbox is what the bot
/// decided to send).
struct Clinic {
    s: Server,
    desk: Arc<Desk>,
    processor: Processor,
    n: usize,
    /// When the patient sent their latest message (unix s).
    last_sent: i64,
}

impl Clinic {
    async fn new() -> Clinic {
        let s = start().await;
        let desk = s.f.desk();
        let form = Arc::new(Form::default_form().unwrap());
        let processor = Processor::new(desk.clone(), form, Settings::default());
        let last_sent = desk.clock_now().timestamp();
        Clinic {
            s,
            desk,
            processor,
            n: 0,
            last_sent,
        }
    }

    fn set_clock(&self, unix_s: i64) {
        self.s.f.clock.set(Utc.timestamp_opt(unix_s, 0).unwrap());
    }

    /// Stores a message the patient sent at `sent`, through the signed webhook.
    async fn deliver(&mut self, sent: i64, message: Value) {
        self.n += 1;
        let wamid = format!("wamid.timeouts.{}", self.n);
        let (status, reply) = self.s.signed(webhook(&wamid, sent, message)).await;
        assert_eq!(status, 200, "{reply}");
        self.last_sent = self.last_sent.max(sent);
    }

    /// A message sent a few seconds before the desk sees it, then one round.
    async fn say(&mut self, message: Value) -> (ProcessReport, Vec<Value>) {
        let now = self.desk.clock_now().timestamp() + 20;
        self.set_clock(now);
        self.deliver(now - 3, message).await;
        let (report, out) = self.round();
        assert_eq!((report.messages, report.ticked), (1, 0), "{report:?}");
        (report, out)
    }

    /// One processing round: the report and what it queued for the patient.
    fn round(&self) -> (ProcessReport, Vec<Value>) {
        let before = self.outbox().len();
        let report = self.processor.run_once().unwrap();
        let (reads, out): (Vec<Value>, Vec<Value>) = self.outbox()[before..]
            .iter()
            .cloned()
            .partition(|m| m["status"] == "read");
        // One read receipt per round with messages, none while staff have the patient.
        assert!(reads.len() <= usize::from(report.messages > 0), "{reads:?}");
        assert_eq!(out.len(), report.replies, "{report:?}");
        (report, out)
    }

    fn conn(&self) -> rusqlite::Connection {
        self.desk.db().connect().unwrap()
    }

    fn outbox(&self) -> Vec<Value> {
        let conn = self.conn();
        let total: i64 = conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        let rows: Vec<String> = conn
            .prepare("SELECT payload FROM outbox WHERE wa_to = ?1 ORDER BY id")
            .unwrap()
            .query_map([PATIENT], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows.len() as i64, total, "only our patient is written to");
        rows.iter()
            .map(|p| serde_json::from_str(p).unwrap())
            .collect()
    }

    fn state(&self) -> Value {
        let json: String = self
            .conn()
            .query_row(
                "SELECT state FROM conversations WHERE wa_id = ?1",
                [PATIENT],
                |r| r.get(0),
            )
            .unwrap();
        serde_json::from_str(&json).unwrap()
    }

    fn idle_at(&self) -> Option<i64> {
        self.conn()
            .query_row(
                "SELECT idle_at FROM conversations WHERE wa_id = ?1",
                [PATIENT],
                |r| r.get(0),
            )
            .optional()
            .unwrap()
            .flatten()
    }

    /// (at, details) of the staff-facing events of `kind`, oldest first.
    fn events(&self, kind: &str) -> Vec<(i64, Value)> {
        let conn = self.conn();
        let rows: Vec<(i64, String)> = conn
            .prepare("SELECT at, details FROM bot_events WHERE kind = ?1 ORDER BY id")
            .unwrap()
            .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.into_iter()
            .map(|(at, d)| (at, serde_json::from_str(&d).unwrap()))
            .collect()
    }

    /// From "Hi" to the date-of-birth question, with consent given and a name answered.
    async fn walk_to_birth_date(&mut self) {
        let (_, out) = self.say(text("Hi")).await;
        assert_eq!(
            button_ids(out.last().unwrap()),
            ["q:language:en", "q:language:es"]
        );
        self.say(tap("q:language:en")).await;
        let (_, out) = self.say(tap("q:consent:true")).await;
        assert!(body_of(out.last().unwrap()).contains("full name"));
        let (_, out) = self.say(text("Ana Pérez")).await;
        assert!(body_of(out.last().unwrap()).contains("date of birth"));
        assert_eq!(self.state()["phase"], asking("birth_date"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quiet_patient_is_abandoned_by_the_processor_at_the_timeout_and_not_before() {
    let mut c = Clinic::new().await;
    c.walk_to_birth_date().await;
    let last = c.last_sent;
    let deadline_ms = (last + DAY) * 1000;
    assert_eq!(
        c.idle_at(),
        Some(deadline_ms),
        "counted from the patient's message"
    );
    let sent = c.outbox().len();

    // A deadline already due but wrong (as for intakes in progress when migration 006 ran):
    // the Tick changes nothing and puts the real deadline back.
    c.conn()
        .execute("UPDATE conversations SET idle_at = 0", [])
        .unwrap();
    c.set_clock(last + 3600);
    let (report, out) = c.round();
    assert_eq!(
        report,
        ProcessReport {
            ticked: 1,
            ..Default::default()
        }
    );
    assert!(out.is_empty());
    assert_eq!(c.idle_at(), Some(deadline_ms));
    assert_eq!(c.state()["phase"], asking("birth_date"));

    // One second before the timeout: nothing.
    c.set_clock(last + DAY - 1);
    let (report, out) = c.round();
    assert_eq!(report, ProcessReport::default());
    assert!(out.is_empty());
    assert!(c.events("abandoned").is_empty());
    assert_eq!(c.state()["phase"], asking("birth_date"));

    // At the timeout, with no new message: abandoned, for staff to see, and nothing sent.
    c.set_clock(last + DAY);
    let (report, out) = c.round();
    assert_eq!(
        report,
        ProcessReport {
            ticked: 1,
            ..Default::default()
        }
    );
    assert!(out.is_empty(), "the patient is not messaged: {out:?}");
    assert_eq!(c.outbox().len(), sent);
    let events = c.events("abandoned");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        events[0].0, deadline_ms,
        "recorded when the processor saw it"
    );
    assert_eq!(
        events[0].1,
        json!({"lastActivity": Utc.timestamp_opt(last, 0).unwrap().to_rfc3339()})
    );
    let state = c.state();
    assert_eq!(state["phase"]["phase"], "abandoned", "{state}");
    assert_eq!(state["phase"]["resume"], asking("birth_date"), "{state}");
    assert_eq!(
        state["answers"]["full_name"],
        json!({"type": "text", "value": "Ana Pérez"})
    );
    assert_eq!(c.idle_at(), None, "nothing left to tick");

    // Later rounds leave it alone.
    c.set_clock(last + 3 * DAY);
    let (report, _) = c.round();
    assert_eq!(report, ProcessReport::default());
    assert_eq!(c.events("abandoned").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_back_after_abandonment_is_offered_to_continue_and_resumes_at_the_same_question()
{
    let mut c = Clinic::new().await;
    c.walk_to_birth_date().await;
    c.set_clock(c.last_sent + DAY + 60);
    assert_eq!(c.round().0.ticked, 1);
    assert_eq!(c.state()["phase"]["phase"], "abandoned");

    c.set_clock(c.last_sent + 30 * 3600);
    let (_, out) = c.say(text("hello again")).await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(button_ids(&out[0]), ["o:continue", "o:restart", "o:staff"]);
    assert!(body_of(&out[0]).contains("Welcome back"), "{}", out[0]);
    assert_eq!(c.state()["phase"]["phase"], "resumeOffer");
    assert_eq!(
        c.idle_at(),
        None,
        "an open offer is not an intake in progress"
    );

    let (_, out) = c.say(tap("o:continue")).await;
    assert!(
        body_of(out.last().unwrap()).contains("date of birth"),
        "{out:?}"
    );
    let state = c.state();
    assert_eq!(state["phase"], asking("birth_date"));
    assert_eq!(
        state["answers"]["full_name"],
        json!({"type": "text", "value": "Ana Pérez"}),
        "earlier answers kept"
    );
    assert_eq!(
        c.idle_at(),
        Some((c.last_sent + DAY) * 1000),
        "ticking again"
    );

    let (_, out) = c.say(text("14/03/1987")).await;
    assert!(body_of(out.last().unwrap()).contains("gender"), "{out:?}");
    assert_eq!(c.events("abandoned").len(), 1, "abandoned once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_handed_over_to_staff_is_never_abandoned() {
    let mut c = Clinic::new().await;
    c.walk_to_birth_date().await;
    let (_, out) = c.say(text("staff")).await;
    assert!(body_of(&out[0]).contains("staff will reply"), "{out:?}");
    assert_eq!(c.state()["handover"], true);
    assert_eq!(c.idle_at(), None);
    assert_eq!(c.events("handover_requested").len(), 1);

    c.set_clock(c.last_sent + 3 * DAY);
    let (report, out) = c.round();
    assert_eq!(report, ProcessReport::default());
    assert!(out.is_empty());

    // Writing again days later: still with staff, the bot quiet, nothing abandoned.
    let (_, out) = c.say(text("hello? is anyone there")).await;
    assert!(out.is_empty(), "{out:?}");
    c.set_clock(c.last_sent + 10 * DAY);
    assert_eq!(c.round().0, ProcessReport::default());
    assert!(c.events("abandoned").is_empty());
    let state = c.state();
    assert_eq!(state["handover"], true);
    assert_eq!(state["phase"], asking("birth_date"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_late_batch_gets_one_reply_that_picks_up_where_the_patient_is() {
    let mut c = Clinic::new().await;
    c.walk_to_birth_date().await;
    let start = c.last_sent;
    // Sent a minute apart; the desk only processes them two hours later (it was off).
    c.deliver(start + 60, text("14/03/1987")).await;
    c.deliver(start + 120, text("hello?")).await;
    c.deliver(start + 180, text("are you there")).await;
    c.set_clock(start + 180 + 2 * 3600);
    let (report, out) = c.round();
    assert_eq!(
        report,
        ProcessReport {
            patients: 1,
            messages: 3,
            replies: 1,
            ..Default::default()
        }
    );
    assert_eq!(out.len(), 1, "one reply, not one per message: {out:?}");
    let reply = body_of(&out[0]);
    assert!(reply.starts_with("Sorry for the slow reply"), "{reply}");
    assert!(reply.contains("gender"), "re-asks where they are: {reply}");
    assert_eq!(c.state()["phase"], asking("gender"));
    assert_eq!(
        c.idle_at(),
        Some((start + 180 + DAY) * 1000),
        "the deadline runs from the patient's last message, not from processing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_sent_before_the_deadline_is_answered_even_when_processed_after_it() {
    let mut c = Clinic::new().await;
    c.walk_to_birth_date().await;
    let last = c.last_sent;
    c.deliver(last + DAY - 60, text("14/03/1987")).await;
    // Stored but not yet processed when the deadline passes.
    c.set_clock(last + DAY + 3600);
    let (report, out) = c.round();
    assert_eq!((report.messages, report.ticked), (1, 0), "{report:?}");
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(body_of(&out[0]).contains("gender"), "{out:?}");
    assert!(c.events("abandoned").is_empty());
    assert_eq!(c.state()["phase"], asking("gender"));
}
