use std::sync::Arc;

use intake_core::auth::Role;
use intake_core::desk::NewUser;
use intake_core::keys::{MemorySecretStore, SecretStore};
use intake_core::{Config, DataDir, Desk, Launcher, ManualClock, SetupRequest, StartupStatus};

pub const ADMIN_PW: &str = "correct horse battery";
/// Every other test user's password.
pub const USER_PW: &str = "tulip garden forty two";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub secrets: Arc<MemorySecretStore>,
    pub clock: Arc<ManualClock>,
    pub launcher: Launcher,
    pub recovery_key: String,
}

impl Fixture {
    pub fn config(&self) -> Config {
        Config::fast_for_tests(DataDir::new(self.dir.path()))
    }

    /// A fresh launcher over the same folder, keyring and clock: an app restart.
    pub fn restart(&self) -> Launcher {
        Launcher::new(self.config(), self.secrets.clone(), self.clock.clone())
    }

    pub fn desk(&self) -> Arc<Desk> {
        self.launcher.desk().unwrap()
    }

    pub fn login(&self, user: &str, pw: &str) -> String {
        self.desk().login(user, pw, None).unwrap().0
    }

    pub fn admin(&self) -> String {
        self.login("admin", ADMIN_PW)
    }

    /// Creates a user through the admin API and returns a session for them.
    pub fn user(&self, name: &str, role: Role) -> String {
        let admin = self.admin();
        self.desk()
            .create_user(
                &admin,
                &NewUser {
                    username: name.into(),
                    display_name: format!("{name} Example"),
                    role,
                    password: USER_PW.into(),
                },
            )
            .unwrap();
        self.login(name, USER_PW)
    }

    pub fn secret_names(&self) -> Vec<String> {
        let info = intake_core::paths::KeyInfo::read(&DataDir::new(self.dir.path()).keyinfo_path())
            .unwrap();
        vec![info.key_names().db_key()]
    }

    pub fn delete_keyring_entry(&self) {
        for name in self.secret_names() {
            self.secrets.delete(&name).unwrap();
        }
    }
}

pub fn setup_request(recovery_key: &str) -> SetupRequest {
    SetupRequest {
        clinic_name: "Clínica San Rafael".into(),
        username: "admin".into(),
        display_name: "Ana Admin".into(),
        password: ADMIN_PW.into(),
        recovery_confirmation: recovery_key.rsplit('-').next().unwrap().to_lowercase(),
    }
}

/// A clinic after first-run set-up, with its admin account.
pub fn clinic() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::new());
    let clock = Arc::new(ManualClock::at_test_epoch());
    let config = Config::fast_for_tests(DataDir::new(dir.path()));
    let launcher = Launcher::new(config, secrets.clone(), clock.clone());
    assert_eq!(launcher.status(), StartupStatus::FirstRun);
    let recovery_key = launcher.begin_setup().unwrap();
    launcher
        .finish_setup(&setup_request(&recovery_key))
        .unwrap();
    Fixture {
        dir,
        secrets,
        clock,
        launcher,
        recovery_key,
    }
}

pub fn code(e: intake_core::Error) -> String {
    e.body().code
}

/// The one number `sql` selects (a count, most often).
pub fn count(desk: &Desk, sql: &str) -> i64 {
    desk.db().conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The conversation of WhatsApp number `wa_id` (digits only, as the webhook stores it).
pub fn conversation_id(desk: &Desk, wa_id: &str) -> i64 {
    desk.db()
        .conn()
        .query_row(
            "SELECT id FROM conversations WHERE wa_id = ?1",
            [wa_id],
            |r| r.get(0),
        )
        .unwrap()
}

/// Clinic settings with everything but the name and lock time at their defaults, for tests
/// that need a whole value (some roles cannot read the current one).
pub fn clinic_settings(name: &str, idle_lock_minutes: u32) -> intake_core::desk::ClinicSettings {
    intake_core::desk::ClinicSettings {
        clinic_name: name.into(),
        idle_lock_minutes,
        languages: vec!["en".into()],
        date_order: intake_core::form::DateOrder::DayFirst,
        intake_timeout_hours: 24,
        backlog_minutes: 30,
        notify_with_first_name: false,
        reopen_template: String::new(),
        reopen_template_language: "en".into(),
        front_desk_export: Default::default(),
        available_languages: Vec::new(),
    }
}
