//! `idle_deadline` must agree with what a Tick does: a deadline that fires too early would
//! abandon live intakes, one that never fires would leave them open forever.
use super::*;

/// Whether a Tick at `at` abandons the intake; panics if it does anything else.
fn tick_abandons(p: &Patient, at: DateTime<Utc>) -> bool {
    let st = step(&p.form, &p.state, &Event::Tick, at, &settings());
    assert!(st.outgoing.is_empty(), "a Tick never messages the patient");
    if st.state == p.state && st.effects.is_empty() {
        return false;
    }
    assert!(matches!(st.state.phase, Phase::Abandoned { .. }), "{st:?}");
    assert!(
        matches!(st.effects[..], [Effect::Abandoned { .. }]),
        "{st:?}"
    );
    true
}

/// A Tick changes nothing just before the deadline and abandons at it; with no deadline, even
/// a Tick a year later changes nothing.
fn assert_agrees_with_tick(p: &Patient) {
    match idle_deadline(&p.state, &settings()) {
        Some(d) => {
            assert!(!tick_abandons(p, d - Duration::milliseconds(1)), "early");
            assert!(tick_abandons(p, d), "at the deadline");
        }
        None => assert!(!tick_abandons(p, p.clock + Duration::days(365))),
    }
}

#[test]
fn deadline_is_last_activity_plus_timeout_and_moves_with_each_message() {
    let mut p = Patient::new();
    assert_eq!(idle_deadline(&p.state, &settings()), None, "never talked");
    p.text("hi");
    assert_eq!(
        idle_deadline(&p.state, &settings()),
        Some(p.clock + Duration::hours(24))
    );
    assert_agrees_with_tick(&p);
    p.tap("q:language:en");
    p.tap("q:consent:true");
    assert_eq!(p.asking(), Some("full_name"));
    assert_eq!(
        idle_deadline(&p.state, &settings()),
        Some(p.clock + Duration::hours(24))
    );
    assert_agrees_with_tick(&p);

    let short = Settings {
        idle_timeout_secs: 90,
        ..settings()
    };
    assert_eq!(
        idle_deadline(&p.state, &short),
        Some(p.clock + Duration::seconds(90))
    );
}

#[test]
fn review_and_edit_can_go_idle() {
    let mut p = Patient::new();
    p.text("Hi");
    p.tap("q:language:en");
    p.tap("q:consent:true");
    for a in [
        "Ana",
        "1987-03-14",
        "2",
        "yes",
        "skip",
        "Street 1",
        "Flu",
        "none",
        "no",
        "none",
    ] {
        p.text(a);
    }
    p.tap("s:id_card");
    assert_eq!(p.state.phase, Phase::Review);
    assert!(idle_deadline(&p.state, &settings()).is_some());
    assert_agrees_with_tick(&p);
    p.tap("r:edit");
    assert!(matches!(p.state.phase, Phase::Edit { .. }));
    assert!(idle_deadline(&p.state, &settings()).is_some());
    assert_agrees_with_tick(&p);
}

#[test]
fn no_deadline_with_staff_or_when_nothing_is_in_progress() {
    let mut p = Patient::new();
    p.text("hi");
    p.tap("q:language:en");
    p.text("staff");
    assert!(p.state.handover);
    assert_eq!(p.asking(), Some("consent"), "still mid-intake");
    assert_eq!(idle_deadline(&p.state, &settings()), None);
    assert_agrees_with_tick(&p);

    // Abandoned, then offered Continue / Start over / Talk to staff.
    let mut p = Patient::new();
    p.text("hi");
    p.state = step(
        &p.form,
        &p.state,
        &Event::Tick,
        p.clock + Duration::hours(24),
        &settings(),
    )
    .state;
    assert!(matches!(p.state.phase, Phase::Abandoned { .. }));
    assert_eq!(idle_deadline(&p.state, &settings()), None);
    assert_agrees_with_tick(&p);
    p.clock += Duration::hours(25);
    p.text("hello");
    assert!(matches!(p.state.phase, Phase::ResumeOffer { .. }));
    assert_eq!(idle_deadline(&p.state, &settings()), None);
    assert_agrees_with_tick(&p);

    let mut p = Patient::new();
    walk::complete_english(&mut p);
    assert_eq!(p.state.phase, Phase::Submitted);
    assert_eq!(idle_deadline(&p.state, &settings()), None);
    assert_agrees_with_tick(&p);

    let mut p = Patient::new();
    p.text("hi");
    p.text("stop");
    assert_eq!(p.state.phase, Phase::Ended);
    assert_eq!(idle_deadline(&p.state, &settings()), None);
    assert_agrees_with_tick(&p);
}

#[test]
fn an_absurd_timeout_means_never_not_a_panic() {
    let mut p = Patient::new();
    p.text("hi");
    for secs in [i64::MAX, i64::MIN] {
        let s = Settings {
            idle_timeout_secs: secs,
            ..settings()
        };
        assert_eq!(idle_deadline(&p.state, &s), None, "{secs}");
    }
}
