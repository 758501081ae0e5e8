//! The intake queue at clinic scale: a real SQLCipher database in a temp folder, INTAKES demo
//! intakes (default 100,000, written by `queue::seed_demo`, the same code as
//! `intake-server seed-demo`), then each screen's call through the Desk as an admin, REPS times
//! (default 100): the queue's first page, name searches (a common fragment, an accented one),
//! a phone-digits search, a status filter, a date range with the reviewed filter, the other
//! sorts, a deep page, the dashboard and one intake's detail. Prints p50/p99/max in ms.
//!
//!   cargo bench -p intake-server --bench queue
//!   INTAKES=20000 REPS=300 cargo bench -p intake-server --bench queue
//!   CACHE_KIB=65536 cargo bench -p intake-server --bench queue
//!
//! CACHE_KIB sets SQLite's page cache on the desk's connection (default 2 MiB), to see what
//! the searches cost once the decrypted search index stays in memory.
use std::sync::Arc;
use std::time::{Duration, Instant};

use intake_core::form::Form;
use intake_core::keys::MemorySecretStore;
use intake_core::queue::{DashboardQuery, IntakeStatus, QueueQuery, QueueSort};
use intake_core::{Config, DataDir, Desk, Launcher, SystemClock};

#[path = "../tests/common/mod.rs"]
mod common;

use common::{env_usize as var, percentile_ms};

const DAY_MS: i64 = 86_400_000;
const PASSWORD: &str = "correct horse battery";

fn clinic(dir: &std::path::Path) -> Arc<Desk> {
    let launcher = Launcher::new(
        Config::fast_for_tests(DataDir::new(dir)),
        Arc::new(MemorySecretStore::new()),
        Arc::new(SystemClock),
    );
    common::set_up_clinic(&launcher, PASSWORD)
}

struct Case {
    name: &'static str,
    run: Box<dyn Fn() -> u32>,
}

fn main() {
    let intakes = var("INTAKES", 100_000);
    let reps = var("REPS", 100).max(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let desk = clinic(dir.path());
    let form = Arc::new(Form::default_form().expect("default form"));

    let t = Instant::now();
    intake_core::queue::seed_demo(&desk, &form, intakes, 7).expect("seeding");
    let seeded = t.elapsed();
    let db_mib = std::fs::metadata(dir.path().join("intake.db"))
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);
    let session = desk.login("admin", PASSWORD, None).expect("login").0;
    if let Some(kib) = std::env::var("CACHE_KIB")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    {
        desk.db()
            .conn()
            .execute_batch(&format!("PRAGMA cache_size = -{kib}"))
            .expect("cache size");
    }
    let now = desk.now_ms();
    println!(
        "queue bench: {intakes} intakes seeded in {:.1} s ({db_mib:.0} MiB database), {reps} repetitions each\n",
        seeded.as_secs_f64()
    );

    let query = |q: QueueQuery| {
        let desk = desk.clone();
        let session = session.clone();
        Box::new(move || desk.intake_queue(&session, &q).expect("queue").total)
            as Box<dyn Fn() -> u32>
    };
    let search = |s: &str| QueueQuery {
        search: Some(s.into()),
        descending: true,
        ..QueueQuery::default()
    };
    let newest = QueueQuery {
        descending: true,
        ..QueueQuery::default()
    };
    let some_id = desk
        .intake_queue(&session, &newest)
        .expect("queue")
        .rows
        .first()
        .map(|r| r.id)
        .unwrap_or(1);
    let cases = vec![
        Case {
            name: "first page (newest first)",
            run: query(newest.clone()),
        },
        Case {
            name: "search name \"mar\"",
            run: query(search("mar")),
        },
        Case {
            name: "search accented \"Pérez\"",
            run: query(search("Pérez")),
        },
        Case {
            name: "search rare name \"zoë o'brien\"",
            run: query(search("zoë o'brien")),
        },
        Case {
            name: "search phone \"+34 600 1\"",
            run: query(search("+34 600 1")),
        },
        Case {
            name: "status needs follow-up",
            run: query(QueueQuery {
                statuses: vec![IntakeStatus::NeedsFollowUp],
                ..newest.clone()
            }),
        },
        Case {
            name: "last 7 days, not reviewed",
            run: query(QueueQuery {
                from_ms: Some(now - 7 * DAY_MS),
                to_ms: Some(now + DAY_MS),
                reviewed: Some(false),
                ..newest.clone()
            }),
        },
        Case {
            name: "last 30 days, reviewed",
            run: query(QueueQuery {
                from_ms: Some(now - 30 * DAY_MS),
                reviewed: Some(true),
                ..newest.clone()
            }),
        },
        Case {
            name: "sort by name",
            run: query(QueueQuery {
                sort: QueueSort::Name,
                ..QueueQuery::default()
            }),
        },
        Case {
            name: "sort by status",
            run: query(QueueQuery {
                sort: QueueSort::Status,
                ..QueueQuery::default()
            }),
        },
        Case {
            name: "search \"an\" sorted by name",
            run: query(QueueQuery {
                sort: QueueSort::Name,
                ..search("an")
            }),
        },
        Case {
            name: "page 1000 (newest first)",
            run: query(QueueQuery {
                page: 1000,
                page_size: 50,
                ..newest.clone()
            }),
        },
        Case {
            name: "dashboard (UTC+1)",
            run: {
                let (desk, session) = (desk.clone(), session.clone());
                Box::new(move || {
                    desk.dashboard(
                        &session,
                        &DashboardQuery {
                            utc_offset_minutes: 60,
                        },
                    )
                    .expect("dashboard")
                    .awaiting_review
                })
            },
        },
        Case {
            name: "intake detail (audited)",
            run: {
                let (desk, session, form) = (desk.clone(), session.clone(), form.clone());
                Box::new(move || {
                    desk.intake_detail(&session, &form, some_id)
                        .expect("detail")
                        .sections
                        .len() as u32
                })
            },
        },
    ];

    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9}",
        "call", "p50 ms", "p99 ms", "max ms", "matches"
    );
    let mut over = Vec::new();
    for case in &cases {
        // Warm-up: the page cache and prepared statements, as on a screen already open.
        let matches = (case.run)();
        let mut times: Vec<Duration> = (0..reps)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box((case.run)());
                t.elapsed()
            })
            .collect();
        times.sort();
        let (p50, p99) = (percentile_ms(&times, 0.5), percentile_ms(&times, 0.99));
        let max = percentile_ms(&times, 1.0);
        println!(
            "{:<34} {p50:>9.2} {p99:>9.2} {max:>9.2} {matches:>9}",
            case.name
        );
        if p99 > 100.0 {
            over.push(case.name);
        }
    }
    if over.is_empty() {
        println!("\nevery call under 100 ms at p99");
    } else {
        println!("\nover 100 ms at p99: {}", over.join(", "));
    }
}
