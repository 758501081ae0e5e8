//! Staff actions: replies per person (refused before anything is queued) and exports per
//! person per hour (refused before a file is written, and still refused after a restart).
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use intake_core::auth::Role;
use intake_core::engine::Settings;
use intake_core::export::{ExportFormat, ExportJob, ExportRequest, ExportTz};
use intake_core::form::Form;
use intake_core::inbox::StaffReply;
use intake_core::limits::{LimitPolicy, Rate};
use intake_core::processor::Processor;
use intake_core::whatsapp::signature::sign;
use intake_core::Clock;

use super::{code, limited, roomy, Clinic, SECRET};
use crate::common::ADMIN_PW;
use crate::wa::{text, webhook_from};

/// A patient who wrote a moment ago, through the real edge and processor; returns the
/// conversation id.
async fn patient_writes(c: &Clinic) -> i64 {
    let base = c.serve().await;
    let ts = c.clock.now().timestamp();
    let body = webhook_from("34600111222", "wamid.limits.1", ts, text("Hello"));
    let res = reqwest::Client::new()
        .post(format!("{base}/webhook"))
        .header("X-Hub-Signature-256", sign(SECRET, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let form = Arc::new(Form::default_form().unwrap());
    Processor::new(c.desk(), form, Settings::default())
        .run_once()
        .unwrap();
    c.count("SELECT id FROM conversations WHERE wa_id = '34600111222'")
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_replies_are_limited_per_person_and_a_refused_one_is_not_queued() {
    let c = Clinic::new(LimitPolicy {
        staff_replies: Rate::per_minute(2),
        ..roomy()
    });
    let conversation_id = patient_writes(&c).await;
    let ana = c.user("ana", Role::FrontDesk);
    let bea = c.user("bea", Role::FrontDesk);
    let desk = c.desk();
    let reply = |text: &str| StaffReply {
        conversation_id,
        text: text.into(),
    };
    let queued = |c: &Clinic| c.count("SELECT count(*) FROM outbox WHERE author IS NOT NULL");
    // Replies refused for what they say spend nothing.
    for _ in 0..3 {
        assert_eq!(
            code(desk.staff_reply(&ana, &reply("  "))),
            "invalid.message_empty"
        );
    }
    desk.staff_reply(&ana, &reply("One moment please")).unwrap();
    desk.staff_reply(&ana, &reply("Checking your file"))
        .unwrap();
    assert_eq!(queued(&c), 2);
    let (code_, message, wait) = limited(desk.staff_reply(&ana, &reply("Found it")));
    assert_eq!(code_, "rate_limited.send");
    assert_eq!(
        message,
        "Your reply was not sent: each person can send 2 replies a minute. It is still in the box; send it again in 30 seconds."
    );
    assert_eq!(wait, 30_000);
    assert!(
        !message.contains("Found it"),
        "the text stays out of errors"
    );
    assert_eq!(queued(&c), 2, "nothing queued for the refused reply");
    assert_eq!(
        c.count("SELECT count(*) FROM audit_log WHERE action = 'conversation.staff_reply'"),
        2
    );
    // A colleague's budget is their own.
    desk.staff_reply(&bea, &reply("I can help")).unwrap();
    c.advance(30);
    desk.staff_reply(&ana, &reply("Found it")).unwrap();
    assert_eq!(queued(&c), 4);
}

fn export(c: &Clinic, session: &str, out: &std::path::Path) -> intake_core::Result<u64> {
    let form = Form::default_form().unwrap();
    let cancel = AtomicBool::new(false);
    let mut progress = |_: u64, _: u64| {};
    c.desk()
        .export_intakes(
            session,
            &form,
            ExportJob {
                request: &ExportRequest {
                    format: ExportFormat::Csv,
                    query: Default::default(),
                },
                out,
                tz: ExportTz::Local,
                cancel: &cancel,
                progress: &mut progress,
            },
        )
        .map(|s| s.rows)
}

#[test]
fn exports_are_limited_per_person_per_hour_even_across_a_restart() {
    let mut c = Clinic::new(LimitPolicy {
        exports: Rate::per_hour(2),
        ..roomy()
    });
    let out = tempfile::tempdir().unwrap();
    let file = |n: &str| out.path().join(format!("{n}.csv"));
    let admin = c.desk().login("admin", ADMIN_PW, None).unwrap().0;
    // Refused for another reason (a folder is not a file): nothing spent.
    for _ in 0..3 {
        assert_eq!(code(export(&c, &admin, out.path())), "export.not_a_file");
    }
    export(&c, &admin, &file("one")).unwrap();
    export(&c, &admin, &file("two")).unwrap();
    let (code_, message, wait) = limited(export(&c, &admin, &file("three")));
    assert_eq!(code_, "rate_limited.export");
    assert_eq!(
        message,
        "No export was made: each person can export 2 times an hour. Try again in 30 minutes."
    );
    assert_eq!(wait, 30 * 60_000);
    assert!(!file("three").exists());
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        2,
        "no partial file left behind"
    );
    let doctor = c.user("drlee", Role::Doctor);
    export(&c, &doctor, &file("doctor")).unwrap();

    c.restart();
    let admin = c.desk().login("admin", ADMIN_PW, None).unwrap().0;
    let (_, message, _) = limited(export(&c, &admin, &file("three")));
    assert!(message.contains("30 minutes"), "{message}");
    // Signed in again each time: the idle lock is shorter than these waits.
    c.advance(29 * 60);
    let admin = c.desk().login("admin", ADMIN_PW, None).unwrap().0;
    let (_, message, _) = limited(export(&c, &admin, &file("three")));
    assert!(message.ends_with("Try again in 1 minute."), "{message}");
    c.advance(60);
    let admin = c.desk().login("admin", ADMIN_PW, None).unwrap().0;
    export(&c, &admin, &file("three")).unwrap();
    assert_eq!(
        c.count("SELECT count(*) FROM audit_log WHERE action = 'export.created'"),
        4
    );
}
