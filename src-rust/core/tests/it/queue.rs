//! Issue 4: the intake queue, dashboard counts, demo seeding and migration 009's backfill, on a
//! real SQLCipher file. Intakes here are written straight into the tables with the queue columns
//! as the processor writes them; `queue/pipeline.rs` makes a real one through the webhook.
mod pipeline;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use intake_core::auth::Role;
use intake_core::form::text::fold;
use intake_core::form::Form;
use intake_core::queue::{DashboardQuery, IntakeStatus, QueuePage, QueueQuery, QueueSort};
use intake_core::Desk;
use rusqlite::params;
use serde_json::json;

use crate::common::{clinic, code, Fixture};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// One intake and its conversation, as `effects::apply` stores them; returns the intake id.
pub fn add(desk: &Desk, name: &str, wa_id: &str, at: i64, status: IntakeStatus) -> i64 {
    let conn = desk.db().conn();
    conn.execute(
        "INSERT INTO conversations (wa_id, state, updated_at) VALUES (?1, '{}', ?2)",
        params![wa_id, at],
    )
    .unwrap();
    let conversation = conn.last_insert_rowid();
    let answers = json!({
        "full_name": {"type": "text", "value": name},
        "reason": {"type": "text", "value": "Headache"},
    });
    conn.execute(
        "INSERT INTO intakes (conversation_id, form_id, form_version, lang, answers, submitted_at,
             status, patient_name, patient_phone, search_key)
         VALUES (?1, 'intake-default', '2025.1', 'en', ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            conversation,
            answers.to_string(),
            at,
            status.as_str(),
            name,
            format!("+{wa_id}"),
            format!("{} {wa_id}", fold(name))
        ],
    )
    .unwrap();
    conn.last_insert_rowid()
}

fn now(f: &Fixture) -> i64 {
    f.desk().now_ms()
}

/// Eight patients over eight hours, two at the same minute, every status, accents and cases.
struct Queue {
    f: Fixture,
    desk: Arc<Desk>,
    session: String,
    /// In insertion order: (id, name).
    ids: Vec<(i64, &'static str)>,
}

const PEOPLE: &[(&str, &str, i64, IntakeStatus)] = &[
    ("María José Pérez", "34600111222", 8, IntakeStatus::New),
    ("Álvaro Núñez", "34611000001", 7, IntakeStatus::Reviewed),
    (
        "alvaro nunez",
        "34611000002",
        6,
        IntakeStatus::NeedsFollowUp,
    ),
    ("Beatriz O'Brien", "15551234567", 5, IntakeStatus::New),
    (
        "carla 100% Ruiz_x",
        "5215512345678",
        5,
        IntakeStatus::Reviewed,
    ),
    ("Zoë Dubois", "33612345678", 3, IntakeStatus::New),
    ("JOSÉ GARCÍA", "34622333444", 2, IntakeStatus::Reviewed),
    (
        "Renée Müller",
        "4915112345678",
        1,
        IntakeStatus::NeedsFollowUp,
    ),
];

fn queue() -> Queue {
    let f = clinic();
    let desk = f.desk();
    let session = f.user("desk", Role::FrontDesk);
    let t = now(&f);
    let ids = PEOPLE
        .iter()
        .map(|(name, wa, hours_ago, status)| {
            (add(&desk, name, wa, t - hours_ago * HOUR, *status), *name)
        })
        .collect();
    Queue {
        f,
        desk,
        session,
        ids,
    }
}

impl Queue {
    fn page(&self, q: QueueQuery) -> QueuePage {
        self.desk.intake_queue(&self.session, &q).unwrap()
    }

    fn names(&self, q: QueueQuery) -> Vec<String> {
        self.page(q)
            .rows
            .into_iter()
            .map(|r| r.patient_name)
            .collect()
    }

    fn search(&self, s: &str) -> Vec<String> {
        let mut names = self.names(QueueQuery {
            search: Some(s.into()),
            ..QueueQuery::default()
        });
        names.sort();
        names
    }
}

#[test]
fn pages_carry_the_total_and_cover_every_row_once() {
    let q = queue();
    let mut seen = Vec::new();
    for page in 0..3 {
        let p = q.page(QueueQuery {
            page,
            page_size: 3,
            descending: true,
            ..QueueQuery::default()
        });
        assert_eq!((p.total, p.page, p.page_size), (8, page, 3));
        assert_eq!(p.rows.len(), if page < 2 { 3 } else { 2 });
        seen.extend(p.rows.iter().map(|r| r.id));
    }
    // Newest first, which is also id order; carla and Beatriz share a minute and carla (the
    // higher id) comes first, so ties go by id in the same direction.
    let mut expected: Vec<i64> = q.ids.iter().map(|(id, _)| *id).collect();
    expected.reverse();
    assert_eq!(seen, expected);
    let past = q.page(QueueQuery {
        page: 9,
        page_size: 3,
        ..QueueQuery::default()
    });
    assert_eq!(
        (past.rows.len(), past.total),
        (0, 8),
        "past the end: no rows, same total"
    );
    let past_search = q.page(QueueQuery {
        page: 9,
        search: Some("a".into()),
        ..QueueQuery::default()
    });
    assert_eq!((past_search.rows.len(), past_search.total), (0, 6));
    let row = &q.page(QueueQuery::default()).rows[0];
    assert_eq!(row.patient_phone, "+34600111222", "E.164 with the plus");
    assert_eq!(row.patient_name, "María José Pérez");
    assert_eq!(row.status, IntakeStatus::New);
    assert_eq!(row.lang, "en");
    assert_eq!(q.page(QueueQuery::default()).page_size, 50, "0 means 50");
}

#[test]
fn each_sort_in_both_directions_with_ties_by_id() {
    let q = queue();
    let by = |sort, descending| {
        q.names(QueueQuery {
            sort,
            descending,
            ..QueueQuery::default()
        })
    };
    // Accents and case do not move a name (the two Álvaros then go by their numbers).
    let by_name = by(QueueSort::Name, false);
    assert_eq!(
        by_name,
        [
            "Álvaro Núñez",
            "alvaro nunez",
            "Beatriz O'Brien",
            "carla 100% Ruiz_x",
            "JOSÉ GARCÍA",
            "María José Pérez",
            "Renée Müller",
            "Zoë Dubois"
        ]
    );
    let mut reversed = by(QueueSort::Name, true);
    reversed.reverse();
    assert_eq!(reversed, by_name);
    // Oldest first; Beatriz before carla at the same minute (lower id).
    let oldest = by(QueueSort::SubmittedAt, false);
    assert_eq!(oldest[0], "María José Pérez");
    assert_eq!(oldest[3..5], ["Beatriz O'Brien", "carla 100% Ruiz_x"]);
    let mut newest = by(QueueSort::SubmittedAt, true);
    newest.reverse();
    assert_eq!(newest, oldest);
    // New, then needs follow-up, then reviewed; oldest first within each.
    let statuses: Vec<IntakeStatus> = q
        .page(QueueQuery {
            sort: QueueSort::Status,
            ..QueueQuery::default()
        })
        .rows
        .iter()
        .map(|r| r.status)
        .collect();
    use IntakeStatus::*;
    assert_eq!(
        statuses,
        [
            New,
            New,
            New,
            NeedsFollowUp,
            NeedsFollowUp,
            Reviewed,
            Reviewed,
            Reviewed
        ]
    );
    assert_eq!(
        by(QueueSort::Status, false)[..3],
        ["María José Pérez", "Beatriz O'Brien", "Zoë Dubois"]
    );
    assert_eq!(by(QueueSort::Status, true)[0], "JOSÉ GARCÍA");
}

#[test]
fn status_reviewed_and_date_filters_combine() {
    let q = queue();
    let t = now(&q.f);
    let count = |query: QueueQuery| {
        let p = q.page(query);
        assert_eq!(p.rows.len() as u32, p.total);
        p.total
    };
    let st = |statuses: Vec<IntakeStatus>| QueueQuery {
        statuses,
        ..QueueQuery::default()
    };
    assert_eq!(count(st(vec![IntakeStatus::New])), 3);
    assert_eq!(count(st(vec![IntakeStatus::NeedsFollowUp])), 2);
    assert_eq!(
        count(st(vec![IntakeStatus::New, IntakeStatus::Reviewed])),
        6
    );
    assert_eq!(count(st(vec![])), 8);
    let reviewed = |r| QueueQuery {
        reviewed: Some(r),
        ..QueueQuery::default()
    };
    assert_eq!(count(reviewed(false)), 3);
    assert_eq!(count(reviewed(true)), 5);
    assert_eq!(
        count(QueueQuery {
            reviewed: Some(false),
            ..st(vec![IntakeStatus::Reviewed])
        }),
        0,
        "contradicting filters match nothing"
    );
    // From is inclusive, to exclusive.
    let range = |from: i64, to: i64| QueueQuery {
        from_ms: Some(t - from * HOUR),
        to_ms: Some(t - to * HOUR),
        ..QueueQuery::default()
    };
    assert_eq!(count(range(5, 2)), 3, "5 h ago (two), 3 h ago; not 2 h ago");
    assert_eq!(
        count(QueueQuery {
            reviewed: Some(false),
            ..range(5, 0)
        }),
        2
    );
    assert_eq!(
        count(QueueQuery {
            search: Some("alvaro".into()),
            statuses: vec![IntakeStatus::NeedsFollowUp],
            ..range(8, 0)
        }),
        1
    );
    assert_eq!(
        count(QueueQuery {
            from_ms: Some(t),
            ..QueueQuery::default()
        }),
        0
    );
}

#[test]
fn search_ignores_accents_and_case_and_reads_phone_digits() {
    let q = queue();
    assert_eq!(q.search("jose"), ["JOSÉ GARCÍA", "María José Pérez"]);
    assert_eq!(q.search("PÉREZ"), ["María José Pérez"]);
    assert_eq!(q.search("  rÍa jo "), ["María José Pérez"], "inside a name");
    assert_eq!(q.search("ALVARO NÚÑEZ"), ["alvaro nunez", "Álvaro Núñez"]);
    assert_eq!(q.search("zoe"), ["Zoë Dubois"]);
    assert_eq!(q.search("+34 600-111"), ["María José Pérez"]);
    assert_eq!(q.search("600111222"), ["María José Pérez"]);
    assert_eq!(q.search("(555) 123"), ["Beatriz O'Brien"]);
    assert_eq!(q.search("34611"), ["alvaro nunez", "Álvaro Núñez"]);
    assert_eq!(q.search("nobody"), Vec::<String>::new());
    assert_eq!(q.search("   ").len(), 8, "blank is no search");
}

#[test]
fn hostile_searches_are_plain_text() {
    let q = queue();
    // Wildcards match themselves only.
    assert_eq!(q.search("%"), ["carla 100% Ruiz_x"]);
    assert_eq!(q.search("_"), ["carla 100% Ruiz_x"]);
    assert_eq!(q.search("a%r"), Vec::<String>::new());
    assert_eq!(q.search("o'b"), ["Beatriz O'Brien"]);
    for s in [
        "' OR 1=1 --",
        "\"; DROP TABLE intakes; --",
        "\\",
        "*",
        "[a-z]",
    ] {
        assert_eq!(q.search(s), Vec::<String>::new(), "{s}");
    }
    // Control characters and bidi marks are dropped before matching.
    assert_eq!(
        q.search("j\u{0}o\u{7}s\u{202E}e"),
        ["JOSÉ GARCÍA", "María José Pérez"]
    );
    let long = "a".repeat(101);
    let e = q
        .desk
        .intake_queue(
            &q.session,
            &QueueQuery {
                search: Some(long),
                ..QueueQuery::default()
            },
        )
        .unwrap_err();
    assert_eq!(code(e), "invalid.search");
    assert_eq!(q.search(&format!("  {}  ", "z".repeat(100))).len(), 0);
    assert_eq!(
        q.page(QueueQuery::default()).total,
        8,
        "the table is intact"
    );
}

#[test]
fn queries_are_checked() {
    let q = queue();
    let err = |query: QueueQuery| code(q.desk.intake_queue(&q.session, &query).unwrap_err());
    assert_eq!(
        err(QueueQuery {
            page_size: 201,
            ..QueueQuery::default()
        }),
        "invalid.page_size"
    );
    assert_eq!(
        q.page(QueueQuery {
            page_size: 200,
            ..QueueQuery::default()
        })
        .rows
        .len(),
        8
    );
    assert_eq!(
        err(QueueQuery {
            from_ms: Some(10),
            to_ms: Some(9),
            ..QueueQuery::default()
        }),
        "invalid.date_range"
    );
    assert_eq!(
        err(QueueQuery {
            to_ms: Some(i64::MAX),
            ..QueueQuery::default()
        }),
        "invalid.date_range"
    );
    let e = q
        .desk
        .intake_queue("no-such-session", &QueueQuery::default());
    assert_eq!(code(e.unwrap_err()), "auth.not_signed_in");
}

#[test]
fn the_dashboard_counts_local_days() {
    let f = clinic();
    let desk = f.desk();
    let session = f.user("desk", Role::FrontDesk);
    // The clock reads 2026-01-05 09:00 UTC.
    let at = |d: u32, h: u32, m: u32| {
        Utc.with_ymd_and_hms(2026, 1, d, h, m, 0)
            .unwrap()
            .timestamp_millis()
    };
    let t = now(&f);
    assert_eq!(t, at(5, 9, 0));
    use IntakeStatus::*;
    add(&desk, "A", "3460000001", at(5, 8, 0), New);
    add(&desk, "B", "3460000002", at(5, 6, 0), Reviewed);
    add(&desk, "C", "3460000003", at(5, 4, 30), NeedsFollowUp);
    add(&desk, "D", "3460000004", at(4, 12, 0), New);
    add(&desk, "E", "3460000005", t - 29 * DAY, Reviewed);
    add(&desk, "F", "3460000006", t - 40 * DAY, New);
    // Submitted "tomorrow" (a clock set wrong): in no day of the chart.
    add(&desk, "G", "3460000007", at(6, 10, 0), Reviewed);
    let dash = |offset| {
        desk.dashboard(
            &session,
            &DashboardQuery {
                utc_offset_minutes: offset,
            },
        )
        .unwrap()
    };

    let utc = dash(0);
    assert_eq!(
        (
            utc.today.new,
            utc.today.reviewed,
            utc.today.needs_follow_up,
            utc.today.total
        ),
        (1, 1, 1, 3)
    );
    assert_eq!(utc.awaiting_review, 3, "every new intake, whatever its day");
    assert_eq!(utc.per_day.len(), 30);
    assert_eq!(utc.per_day[29].day, "2026-01-05");
    assert_eq!(utc.per_day[0].day, "2025-12-07");
    let count = |d: &intake_core::queue::Dashboard, day: &str| {
        d.per_day.iter().find(|c| c.day == day).map(|c| c.count)
    };
    assert_eq!(count(&utc, "2026-01-05"), Some(3));
    assert_eq!(count(&utc, "2026-01-04"), Some(1));
    assert_eq!(
        count(&utc, "2025-12-07"),
        Some(1),
        "29 days ago is the first bar"
    );
    assert_eq!(utc.per_day.iter().map(|c| c.count).sum::<u32>(), 5);
    assert_eq!(utc.per_day.iter().filter(|c| c.count == 0).count(), 27);

    // UTC-5: it is 04:00 on the 5th; 04:30 UTC was 23:30 on the 4th.
    let west = dash(-300);
    assert_eq!(
        (west.today.total, west.today.new, west.today.reviewed),
        (2, 1, 1)
    );
    assert_eq!(count(&west, "2026-01-04"), Some(2));
    // UTC+14: already 23:00 on the 5th, which began at 10:00 UTC on the 4th; "tomorrow
    // 10:00 UTC" is the 7th there.
    let east = dash(14 * 60);
    assert_eq!(east.per_day[29].day, "2026-01-05");
    assert_eq!(east.today.total, 4);
    assert_eq!(count(&east, "2026-01-04"), Some(0));
    // Offsets beyond real ones are clamped, not trusted.
    assert_eq!(dash(100_000), east);
}

#[test]
fn waiting_for_staff_counts_each_conversation_once() {
    let f = clinic();
    let desk = f.desk();
    let session = f.user("desk", Role::FrontDesk);
    let t = now(&f);
    let waiting = || {
        desk.dashboard(&session, &DashboardQuery::default())
            .unwrap()
            .waiting_for_staff
    };
    assert_eq!(waiting(), 0);
    {
        let conn = desk.db().conn();
        let conv = |wa: &str, state: &str, released: Option<i64>| {
            conn.execute(
                "INSERT INTO conversations (wa_id, state, updated_at, released_at)
                 VALUES (?1, ?2, 0, ?3)",
                params![wa, state, released],
            )
            .unwrap();
        };
        let stopped = |wa: &str, state: &str, at: i64| {
            conn.execute(
                "INSERT INTO outbox (wa_to, payload, created_at, next_attempt_at, state)
                 VALUES (?1, '{}', ?2, ?2, ?3)",
                params![wa, at, state],
            )
            .unwrap();
        };
        conv("341", r#"{"handover":true}"#, None);
        conv("342", r#"{"handover":false}"#, None);
        stopped("342", "needs_staff", t);
        // Handed over and with a stopped message: one conversation.
        conv("343", r#"{"handover":true}"#, None);
        stopped("343", "needs_staff", t);
        // A stop dealt with before the hand-back (not waiting), a failed send (waiting, as in
        // the inbox) and a state that is not JSON (not waiting).
        conv("344", r#"{"handover":false}"#, Some(t));
        stopped("344", "needs_staff", t - 1);
        conv("345", "{}", None);
        stopped("345", "failed", t);
        conv("346", "not json", None);
    }
    assert_eq!(waiting(), 4);
    assert_eq!(
        desk.inbox(&session).unwrap().len(),
        4,
        "the dashboard counts what the inbox lists"
    );
}

#[test]
fn seeding_fills_an_empty_database_and_refuses_one_with_intakes() {
    let f = clinic();
    let desk = f.desk();
    let form = Form::default_form().unwrap();
    let report = intake_core::queue::seed_demo(&desk, &form, 500, 1).unwrap();
    assert_eq!(report.intakes, 500);
    let session = f.user("desk", Role::FrontDesk);
    let all = desk.intake_queue(&session, &QueueQuery::default()).unwrap();
    assert_eq!(all.total, 500);
    assert!(all.rows.iter().all(|r| r.patient_phone.starts_with('+')));
    let accented = desk
        .intake_queue(
            &session,
            &QueueQuery {
                search: Some("perez".into()),
                ..QueueQuery::default()
            },
        )
        .unwrap();
    assert!(accented.total > 0);
    assert!(accented
        .rows
        .iter()
        .all(|r| r.patient_name.contains("Pérez")));
    let dash = desk
        .dashboard(&session, &DashboardQuery::default())
        .unwrap();
    assert!(
        dash.per_day.iter().filter(|d| d.count > 0).count() > 20,
        "spread over days"
    );
    for s in IntakeStatus::ALL {
        let n = desk
            .intake_queue(
                &session,
                &QueueQuery {
                    statuses: vec![s],
                    ..QueueQuery::default()
                },
            )
            .unwrap()
            .total;
        assert!(n > 0, "{s:?}");
    }

    let again = intake_core::queue::seed_demo(&desk, &form, 10, 2).unwrap_err();
    assert_eq!(code(again), "seed.not_empty");
    let zero = intake_core::queue::seed_demo(&desk, &form, 0, 2).unwrap_err();
    assert_eq!(code(zero), "invalid.seed_count");
    let conn = desk.db().connect().unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM intakes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 500, "nothing added by the refused seed");
    let seeded: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'demo.seeded'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seeded, 1);

    // One real intake is enough to refuse.
    let other = clinic();
    add(
        &other.desk(),
        "Real Patient",
        "34699000000",
        now(&other),
        IntakeStatus::New,
    );
    let e = intake_core::queue::seed_demo(&other.desk(), &form, 10, 1).unwrap_err();
    assert_eq!(code(e), "seed.not_empty");
}

#[test]
fn migration_009_fills_the_queue_columns_of_earlier_intakes() {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    let migrations = intake_core::store::migrations();
    migrations.to_version(&mut conn, 8).unwrap();
    conn.execute(
        "INSERT INTO conversations (id, wa_id, state, updated_at) VALUES (1, '34600111222', '{}', 0)",
        [],
    )
    .unwrap();
    let answers = json!({"full_name": {"type": "text", "value": " ÁNGEL  María Núñez-Peña "}});
    for (answers, status) in [
        (answers.to_string(), "new"),
        (
            json!({"full_name": {"type": "skipped"}}).to_string(),
            "reviewed",
        ),
        ("not json".to_owned(), "needs_follow_up"),
    ] {
        conn.execute(
            "INSERT INTO intakes (conversation_id, form_id, form_version, lang, answers,
                 submitted_at, status) VALUES (1, 'f', '1', 'es', ?1, 5, ?2)",
            params![answers, status],
        )
        .unwrap();
    }
    migrations.to_latest(&mut conn).unwrap();
    let rows: Vec<(String, String, String, i64)> = conn
        .prepare(
            "SELECT patient_name, patient_phone, search_key, status_rank FROM intakes ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows[0],
        (
            "ÁNGEL  María Núñez-Peña".to_owned(),
            "+34600111222".to_owned(),
            "angel maria nunez-pena 34600111222".to_owned(),
            0
        )
    );
    assert_eq!(
        rows[0].2,
        format!("{} 34600111222", fold(&rows[0].0)),
        "the SQL folding agrees with the Rust one"
    );
    assert_eq!(
        rows[1],
        ("".into(), "+34600111222".into(), " 34600111222".into(), 2)
    );
    assert_eq!(rows[2].0, "", "unreadable answers leave the name empty");
    assert_eq!(rows[2].3, 1);
}
