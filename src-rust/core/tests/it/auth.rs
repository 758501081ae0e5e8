//! Lockout, idle lock, TOTP and account rules, with an injected clock: no sleeping.
use chrono::Duration;
use intake_core::auth::{totp, Role};
use intake_core::desk::ClinicSettings;

use crate::common::{clinic, clinic_settings, code, ADMIN_PW, USER_PW};

#[test]
fn five_failures_lock_the_account_until_the_backoff_expires() {
    let f = clinic();
    let desk = f.desk();
    for i in 1..=4 {
        let e = desk.login("admin", "wrong password!", None).unwrap_err();
        assert_eq!(code(e), "auth.invalid_credentials", "attempt {i}");
    }
    let e = desk.login("admin", "wrong password!", None).unwrap_err();
    assert_eq!(code(e), "auth.locked");
    // Locked: even the right password is refused, and says so.
    let e = desk.login("admin", ADMIN_PW, None).unwrap_err();
    let body = e.body();
    assert_eq!(body.code, "auth.locked");
    assert!(body.message.contains("Try again after"), "{}", body.message);
    f.clock.advance(Duration::minutes(4));
    assert_eq!(
        code(desk.login("admin", ADMIN_PW, None).unwrap_err()),
        "auth.locked"
    );
    f.clock.advance(Duration::minutes(1));
    // Five more failures without a success in between: the next lock is twice as long.
    for _ in 0..4 {
        assert_eq!(
            code(desk.login("admin", "wrong password!", None).unwrap_err()),
            "auth.invalid_credentials"
        );
    }
    assert_eq!(
        code(desk.login("admin", "wrong password!", None).unwrap_err()),
        "auth.locked"
    );
    f.clock.advance(Duration::minutes(9));
    assert_eq!(
        code(desk.login("admin", ADMIN_PW, None).unwrap_err()),
        "auth.locked"
    );
    f.clock.advance(Duration::minutes(1));
    desk.login("admin", ADMIN_PW, None).unwrap();
    // A success resets the back-off: the next lock is 5 minutes again.
    for _ in 0..5 {
        let _ = desk.login("admin", "wrong password!", None);
    }
    f.clock.advance(Duration::minutes(5));
    desk.login("admin", ADMIN_PW, None).unwrap();
}

#[test]
fn admin_can_unlock_and_attempts_are_audited() {
    let f = clinic();
    let desk = f.desk();
    let admin = f.admin();
    f.user("rosa", Role::FrontDesk);
    for _ in 0..5 {
        let _ = desk.login("rosa", "not her password", None);
    }
    let users = desk.list_users(&admin).unwrap();
    let rosa = users.iter().find(|u| u.username == "rosa").unwrap();
    assert!(rosa.locked_until.is_some());
    desk.unlock_user(&admin, rosa.id).unwrap();
    desk.login("rosa", USER_PW, None).unwrap();
    let log = desk.audit_log(&admin, &Default::default()).unwrap();
    let count = |a: &str| log.iter().filter(|e| e.action == a).count();
    assert_eq!(count("login.failed"), 5);
    assert_eq!(count("user.unlocked"), 1);
    assert!(count("login.ok") >= 3);
}

#[test]
fn unknown_usernames_look_like_real_ones() {
    let f = clinic();
    let desk = f.desk();
    for _ in 0..4 {
        assert_eq!(
            code(desk.login("nobody", "whatever-pass", None).unwrap_err()),
            "auth.invalid_credentials"
        );
    }
    assert_eq!(
        code(desk.login("nobody", "whatever-pass", None).unwrap_err()),
        "auth.locked"
    );
    // What was typed as a username is not stored as typed (it might be a password).
    let log = desk.audit_log(&f.admin(), &Default::default()).unwrap();
    assert!(log
        .iter()
        .all(|e| !e.details.contains("nobody") && !e.subject.contains("nobody")));
}

#[test]
fn idle_sessions_lock_and_only_their_user_can_unlock() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    assert_eq!(desk.session_info(&s).unwrap().idle_lock_minutes, 5);
    f.clock.advance(Duration::minutes(4));
    desk.touch(&s).unwrap();
    f.clock.advance(Duration::minutes(4));
    // A data call (a live refresh, say) is not activity: 5 minutes after the last touch the
    // screen locks even though the window kept asking.
    desk.list_users(&s).unwrap();
    f.clock.advance(Duration::minutes(1));
    assert_eq!(
        code(desk.list_users(&s).unwrap_err()),
        "auth.session_locked"
    );
    assert!(desk.session_info(&s).unwrap().locked);
    assert_eq!(
        code(desk.touch(&s).unwrap_err()),
        "auth.session_locked",
        "touch cannot unlock"
    );
    assert_eq!(
        code(desk.unlock(&s, "wrong password!").unwrap_err()),
        "auth.invalid_credentials"
    );
    assert_eq!(
        code(desk.list_users(&s).unwrap_err()),
        "auth.session_locked"
    );
    desk.unlock(&s, ADMIN_PW).unwrap();
    desk.list_users(&s).unwrap();

    // The setting changes the timeout; session_info (a poll) does not count as activity.
    desk.update_settings(
        &s,
        &ClinicSettings {
            clinic_name: "X".into(),
            idle_lock_minutes: 1,
            ..desk.settings(&s).unwrap()
        },
    )
    .unwrap();
    f.clock.advance(Duration::seconds(59));
    assert!(!desk.session_info(&s).unwrap().locked);
    f.clock.advance(Duration::seconds(1));
    assert!(desk.session_info(&s).unwrap().locked);
    desk.lock(&s).unwrap();
    desk.logout(&s).unwrap();
    assert_eq!(code(desk.list_users(&s).unwrap_err()), "auth.not_signed_in");
}

#[test]
fn totp_enrolment_login_and_replay_guard() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let enrol = desk.begin_totp(&s).unwrap();
    let now = || u64::try_from(desk.now_ms() / 1000).unwrap();
    assert_eq!(
        code(desk.confirm_totp(&s, "000000").unwrap_err()),
        "auth.totp_invalid"
    );
    let c = totp::code_at(&enrol.secret, now()).unwrap();
    desk.confirm_totp(&s, &c).unwrap();

    assert_eq!(
        code(desk.login("admin", ADMIN_PW, None).unwrap_err()),
        "auth.totp_required"
    );
    // The code used to confirm enrolment cannot be used again in the same 30 s step.
    assert_eq!(
        code(desk.login("admin", ADMIN_PW, Some(&c)).unwrap_err()),
        "auth.totp_replayed"
    );
    f.clock.advance(Duration::seconds(30));
    let c2 = totp::code_at(&enrol.secret, now()).unwrap();
    desk.login("admin", ADMIN_PW, Some(&c2)).unwrap();
    assert_eq!(
        code(desk.login("admin", ADMIN_PW, Some(&c2)).unwrap_err()),
        "auth.totp_replayed"
    );
    assert_eq!(
        code(desk.login("admin", ADMIN_PW, Some("12ab56")).unwrap_err()),
        "auth.totp_invalid"
    );
    // A right code with a wrong password is still a wrong password.
    f.clock.advance(Duration::seconds(30));
    let c3 = totp::code_at(&enrol.secret, now()).unwrap();
    assert_eq!(
        code(
            desk.login("admin", "wrong password!", Some(&c3))
                .unwrap_err()
        ),
        "auth.invalid_credentials"
    );
    desk.login("admin", ADMIN_PW, Some(&c3)).unwrap();
}

#[test]
fn the_last_active_admin_cannot_be_disabled_or_demoted() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let me = desk.list_users(&s).unwrap()[0].id;
    assert_eq!(
        code(desk.set_user_active(&s, me, false).unwrap_err()),
        "auth.last_admin"
    );
    assert_eq!(
        code(desk.set_user_role(&s, me, Role::Doctor).unwrap_err()),
        "auth.last_admin"
    );
    f.user("boss2", Role::Admin);
    let s = f.admin();
    let boss2 = desk
        .list_users(&s)
        .unwrap()
        .into_iter()
        .find(|u| u.username == "boss2")
        .unwrap()
        .id;
    desk.set_user_active(&s, boss2, false).unwrap();
    assert_eq!(
        code(desk.set_user_role(&s, me, Role::Doctor).unwrap_err()),
        "auth.last_admin"
    );
    desk.set_user_active(&s, boss2, true).unwrap();
    desk.set_user_role(&s, me, Role::Doctor).unwrap();
    // The demotion ended the session; the role applies at the next sign-in.
    assert_eq!(code(desk.list_users(&s).unwrap_err()), "auth.not_signed_in");
    let info = desk.login("admin", ADMIN_PW, None).unwrap().1;
    assert_eq!(info.role, Role::Doctor);
}

#[test]
fn disabled_users_cannot_sign_in_and_lose_their_sessions() {
    let f = clinic();
    let desk = f.desk();
    let doc = f.user("drlee", Role::Doctor);
    let s = f.admin();
    let id = desk
        .list_users(&s)
        .unwrap()
        .into_iter()
        .find(|u| u.username == "drlee")
        .unwrap()
        .id;
    desk.set_user_active(&s, id, false).unwrap();
    assert_eq!(
        code(desk.session_info(&doc).unwrap_err()),
        "auth.not_signed_in"
    );
    assert_eq!(
        code(desk.login("drlee", USER_PW, None).unwrap_err()),
        "auth.disabled"
    );
    // A wrong password for a disabled account says nothing about it being disabled.
    assert_eq!(
        code(desk.login("drlee", "wrong password!", None).unwrap_err()),
        "auth.invalid_credentials"
    );
}

#[test]
fn hostile_account_input_is_refused_cleanly() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let mk = |u: &str, d: &str, p: &str| intake_core::desk::NewUser {
        username: u.into(),
        display_name: d.into(),
        role: Role::FrontDesk,
        password: p.into(),
    };
    let cases = [
        (
            mk("admin", "Dup", "long enough pass"),
            "auth.username_taken",
        ),
        (
            mk("ADMIN", "Dup", "long enough pass"),
            "auth.username_taken",
        ),
        (
            mk("x'; DROP TABLE staff;--", "X", "long enough pass"),
            "auth.invalid_username",
        ),
        (
            mk("ok_name", "Bad\u{0}Name", "long enough pass"),
            "auth.invalid_display_name",
        ),
        (mk("ok_name", "Fine", "short"), "auth.weak_password"),
        (
            mk("ok_name", "Fine", &"p".repeat(10_000)),
            "auth.weak_password",
        ),
    ];
    for (u, want) in cases {
        assert_eq!(
            code(desk.create_user(&s, &u).unwrap_err()),
            want,
            "{:?}",
            u.username
        );
    }
    assert_eq!(desk.list_users(&s).unwrap().len(), 1, "nothing was created");
    let bad = clinic_settings("\n", 5);
    assert_eq!(
        code(desk.update_settings(&s, &bad).unwrap_err()),
        "invalid.clinic_name"
    );
    let bad = clinic_settings("OK", 0);
    assert_eq!(
        code(desk.update_settings(&s, &bad).unwrap_err()),
        "invalid.idle_lock_minutes"
    );
    assert_eq!(
        code(desk.login("", "", None).unwrap_err()),
        "auth.invalid_credentials"
    );
    assert_eq!(
        code(desk.login(&"a".repeat(100_000), "x", None).unwrap_err()),
        "auth.invalid_credentials"
    );
}

#[test]
fn own_password_change_checks_the_current_one() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    assert_eq!(
        code(
            desk.change_own_password(&s, "nope nope nope", "brand new passphrase")
                .unwrap_err()
        ),
        "auth.invalid_credentials"
    );
    assert_eq!(
        code(
            desk.change_own_password(&s, ADMIN_PW, "1234567890")
                .unwrap_err()
        ),
        "auth.weak_password"
    );
    desk.change_own_password(&s, ADMIN_PW, "brand new passphrase")
        .unwrap();
    desk.login("admin", "brand new passphrase", None).unwrap();
    assert!(desk.login("admin", ADMIN_PW, None).is_err());
}
