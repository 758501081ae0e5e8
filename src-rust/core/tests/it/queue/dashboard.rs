//! The dashboard's counts: local days, the 30-day chart, and "waiting for staff" agreeing
//! with the inbox.
use super::*;

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
