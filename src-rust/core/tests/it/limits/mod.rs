//! Per-action rate limits on the injected clock: sign-in attempts (per computer and per
//! username, checked before any password hash), staff replies per person, exports per person,
//! budgets that survive a restart. Staff replies and exports are in `staff`, the webhook
//! edge's 429s over real HTTP in `edge`.
mod edge;
mod staff;

use std::sync::Arc;

use chrono::Duration;
use intake_core::auth::Role;
use intake_core::desk::NewUser;
use intake_core::keys::MemorySecretStore;
use intake_core::limits::{LimitPolicy, Rate};
use intake_core::webhook::{router, serve, WebhookSecrets};
use intake_core::{Config, DataDir, Desk, Error, Launcher, ManualClock};

use crate::common::{setup_request, ADMIN_PW, USER_PW};

pub const SECRET: &[u8] = b"limits-app-secret";
pub const VERIFY: &str = "limits-verify-token";

/// A clinic whose desk has `policy`; `restart` opens the same files again with it.
pub struct Clinic {
    pub dir: tempfile::TempDir,
    pub secrets: Arc<MemorySecretStore>,
    pub clock: Arc<ManualClock>,
    pub policy: LimitPolicy,
    pub launcher: Launcher,
}

impl Clinic {
    pub fn new(policy: LimitPolicy) -> Clinic {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecretStore::new());
        let clock = Arc::new(ManualClock::at_test_epoch());
        let launcher = Launcher::new(config(&dir, policy), secrets.clone(), clock.clone());
        let recovery = launcher.begin_setup().unwrap();
        launcher.finish_setup(&setup_request(&recovery)).unwrap();
        Clinic {
            dir,
            secrets,
            clock,
            policy,
            launcher,
        }
    }

    pub fn desk(&self) -> Arc<Desk> {
        self.launcher.desk().unwrap()
    }

    pub fn restart(&mut self) {
        self.launcher = Launcher::new(
            config(&self.dir, self.policy),
            self.secrets.clone(),
            self.clock.clone(),
        );
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance(Duration::seconds(secs));
    }

    /// A staff account made by the admin (whose sign-in is not counted against `policy`'s
    /// numbers by the caller), signed in.
    pub fn user(&self, name: &str, role: Role) -> String {
        let desk = self.desk();
        let admin = desk.login("admin", ADMIN_PW, None).unwrap().0;
        desk.create_user(
            &admin,
            &NewUser {
                username: name.into(),
                display_name: format!("{name} Example"),
                role,
                password: USER_PW.into(),
            },
        )
        .unwrap();
        desk.login(name, USER_PW, None).unwrap().0
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.desk()
            .db()
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }

    /// The webhook edge for this desk on 127.0.0.1:0, served the way the app and
    /// `intake-server serve` serve it (with each connection's address).
    pub async fn serve(&self) -> String {
        let secrets = WebhookSecrets {
            app_secret: Arc::from(SECRET),
            verify_token: Arc::from(VERIFY),
        };
        let app = router(self.desk(), secrets, Default::default()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, app, std::future::pending()));
        format!("http://{addr}")
    }
}

fn config(dir: &tempfile::TempDir, limits: LimitPolicy) -> Config {
    Config {
        limits,
        ..Config::fast_for_tests(DataDir::new(dir.path()))
    }
}

/// Budgets out of the way, for tests about one other limit.
fn roomy() -> LimitPolicy {
    LimitPolicy::generous_for_tests()
}

/// The refusal's code, message and wait, or a panic naming what came instead.
fn limited<T: std::fmt::Debug>(r: Result<T, Error>) -> (String, String, i64) {
    match r {
        Err(Error::RateLimited {
            code,
            message,
            retry_after_ms,
        }) => (code.to_owned(), message, retry_after_ms),
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    r.unwrap_err().body().code
}

#[test]
fn sign_in_attempts_on_one_computer_are_limited_across_usernames() {
    let c = Clinic::new(LimitPolicy {
        sign_in_per_computer: Rate::per_minute(3),
        ..roomy()
    });
    let desk = c.desk();
    for name in ["mallory1", "mallory2", "admin"] {
        assert_eq!(
            code(desk.login(name, "guess", None)),
            "auth.invalid_credentials"
        );
    }
    // Three a minute is one every 20 s once the three at once are spent.
    let (code_, message, wait) = limited(desk.login("admin", ADMIN_PW, None));
    assert_eq!(code_, "rate_limited.login");
    assert_eq!(
        message,
        "Too many sign-in attempts on this computer. Wait 20 seconds and try again."
    );
    assert_eq!(wait, 20_000);
    c.advance(19);
    let (_, message, wait) = limited(desk.login("mallory3", "guess", None));
    assert!(message.contains("Wait 1 second and"), "{message}");
    assert_eq!(wait, 1_000);
    c.advance(1);
    desk.login("admin", ADMIN_PW, None).unwrap();
    limited(desk.login("admin", ADMIN_PW, None));
}

#[test]
fn each_username_has_its_own_budget_whatever_its_case_or_spaces() {
    let c = Clinic::new(LimitPolicy {
        sign_in_per_username: Rate::per_minute(2),
        ..roomy()
    });
    let doctor = c.user("drlee", Role::Doctor);
    let desk = c.desk();
    desk.logout(&doctor).unwrap();
    // `user` signed drlee in once already.
    assert_eq!(
        code(desk.login("DrLee", "guess", None)),
        "auth.invalid_credentials"
    );
    let (code_, message, wait) = limited(desk.login("  drlee ", USER_PW, None));
    assert_eq!(code_, "rate_limited.login");
    assert_eq!(
        message,
        "Too many sign-in attempts for this username. Wait 30 seconds and try again."
    );
    assert_eq!(wait, 30_000);
    // Unknown names are counted the same way, so a refusal says nothing about existence.
    for _ in 0..2 {
        code(desk.login("nobody", "guess", None));
    }
    let (_, unknown, _) = limited(desk.login("NOBODY", "guess", None));
    assert_eq!(unknown, message);
    // Other people still sign in.
    desk.login("admin", ADMIN_PW, None).unwrap();
    c.advance(30);
    desk.login("drlee", USER_PW, None).unwrap();
}

#[test]
fn a_refused_sign_in_never_reaches_the_password_check() {
    let c = Clinic::new(LimitPolicy {
        sign_in_per_computer: Rate::per_minute(2),
        ..roomy()
    });
    let desk = c.desk();
    let attempts =
        |c: &Clinic| c.count("SELECT failed_attempts FROM staff WHERE username = 'admin'");
    let audited =
        |c: &Clinic| c.count("SELECT count(*) FROM audit_log WHERE action LIKE 'login.%'");
    for _ in 0..2 {
        code(desk.login("admin", "wrong password", None));
    }
    assert_eq!(attempts(&c), 2);
    let rows = audited(&c);
    // The right password and a wrong one get the same refusal: neither was compared.
    limited(desk.login("admin", ADMIN_PW, None));
    limited(desk.login("admin", "wrong password", None));
    for _ in 0..10 {
        limited(desk.login("admin", "wrong password", None));
    }
    assert_eq!(attempts(&c), 2, "no failure counted towards the lockout");
    assert_eq!(audited(&c), rows, "nothing written for refused attempts");
    let locked: Option<i64> = desk
        .db()
        .conn()
        .query_row(
            "SELECT locked_until FROM staff WHERE username = 'admin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(locked, None, "twelve guesses did not lock the account");
}

#[test]
fn unlocking_a_locked_screen_spends_the_same_budget() {
    // Two attempts a minute per username, three per computer.
    let c = Clinic::new(LimitPolicy::tight_for_tests());
    let desk = c.desk();
    let session = desk.login("admin", ADMIN_PW, None).unwrap().0;
    desk.lock(&session).unwrap();
    assert_eq!(
        code(desk.unlock(&session, "wrong")),
        "auth.invalid_credentials"
    );
    let (code_, _, _) = limited(desk.unlock(&session, ADMIN_PW));
    assert_eq!(code_, "rate_limited.login");
    c.advance(30);
    assert!(!desk.unlock(&session, ADMIN_PW).unwrap().locked);
}

#[test]
fn sign_in_budgets_survive_a_restart() {
    let mut c = Clinic::new(LimitPolicy {
        sign_in_per_computer: Rate::per_minute(3),
        ..roomy()
    });
    // Set-up's own sign-ins are older than a minute by now.
    c.advance(120);
    let desk = c.desk();
    for name in ["mallory1", "mallory2", "mallory3"] {
        code(desk.login(name, "guess", None));
    }
    drop(desk);
    c.restart();
    let (_, message, _) = limited(c.desk().login("admin", ADMIN_PW, None));
    assert!(message.contains("Wait 20 seconds"), "{message}");
    c.advance(20);
    c.desk().login("admin", ADMIN_PW, None).unwrap();
}

#[test]
fn the_default_numbers() {
    let p = LimitPolicy::default();
    let per_min = |r: Rate| (r.count.get(), r.per.as_secs());
    assert_eq!(per_min(p.sign_in_per_computer), (20, 60));
    assert_eq!(per_min(p.sign_in_per_username), (10, 60));
    assert_eq!(per_min(p.staff_replies), (30, 60));
    assert_eq!(per_min(p.exports), (20, 3600));
    assert_eq!(per_min(p.webhook_requests), (1000, 60));
    assert_eq!(per_min(p.webhook_failures), (30, 60));
    assert_eq!(
        (p.sender_flood.per_minute.get(), p.sender_flood.burst.get()),
        (30, 20)
    );
}
