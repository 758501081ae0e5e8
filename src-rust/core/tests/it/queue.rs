//! Issue 4: the intake queue's paging, sorting, filters and search, on a real SQLCipher file.
//! Intakes here are written straight into the tables with the queue columns as the processor
//! writes them; `pipeline` makes real ones through the webhook, `dashboard` checks the counts,
//! `seed` the demo data and migration 009's backfill.
mod dashboard;
mod pipeline;
mod seed;

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
