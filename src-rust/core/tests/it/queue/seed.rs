//! Demo seeding (and its refusal to mix with real patients) and migration 009's backfill of
//! the queue columns for intakes stored before it.
use super::*;

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
