use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use intake_core::auth::AuthError;
use intake_core::form::Form;
use intake_core::keys::OsKeyring;
use intake_core::trybot::TryBot;
use intake_core::{Config, DataDir, Desk, Launcher, SystemClock};
use tauri::{AppHandle, Manager, Runtime};

use crate::backend::Backend;

/// Where the database lives: `--data-dir PATH`, else `INTAKE_DESK_DATA_DIR`, else the
/// platform's app-data folder.
pub fn data_dir<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            if let Some(dir) = args.next() {
                return Ok(PathBuf::from(dir));
            }
        } else if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Ok(PathBuf::from(dir));
        }
    }
    if let Some(dir) = std::env::var_os("INTAKE_DESK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    Ok(app.path().app_data_dir()?)
}

/// The OS keyring, under `INTAKE_DESK_KEYRING_SERVICE` when set, so test runs and a second
/// installation on one PC keep their entries apart from the clinic's.
fn keyring() -> OsKeyring {
    match std::env::var("INTAKE_DESK_KEYRING_SERVICE") {
        Ok(service) if !service.trim().is_empty() => OsKeyring::with_service(service.trim()),
        _ => OsKeyring::new(),
    }
}

/// Process-wide state: start-up phase and the window's signed-in session. The session id
/// stays in the backend so the web side never holds a credential.
pub struct Shell {
    pub launcher: Launcher,
    current: Mutex<Option<String>>,
    /// The in-process webhook server and bot.
    pub backend: Backend,
    /// The intake form the bot asks and the screens show.
    pub form: Arc<Form>,
    /// Try the bot: practice chats, made when first used and again when the clinic's settings
    /// change (languages, date order), so practice matches what patients get.
    trybot: Mutex<Option<Arc<TryBot>>>,
    /// This window's exports (see commands/export.rs).
    pub exports: crate::commands::Exports,
}

impl Shell {
    pub fn start(dir: PathBuf) -> Self {
        Self::with_launcher(Launcher::new(
            Config::new(DataDir::new(dir)),
            Arc::new(keyring()),
            Arc::new(SystemClock),
        ))
    }

    pub fn with_launcher(launcher: Launcher) -> Self {
        Self {
            launcher,
            current: Mutex::new(None),
            backend: Backend::default(),
            form: Arc::new(default_form()),
            trybot: Mutex::new(None),
            exports: Default::default(),
        }
    }

    pub fn trybot(&self, desk: &Desk) -> intake_core::Result<Arc<TryBot>> {
        let settings = desk.engine_settings()?;
        let mut slot = self.trybot.lock().unwrap_or_else(|p| p.into_inner());
        match &*slot {
            Some(t) if *t.settings() == settings => Ok(t.clone()),
            _ => {
                let made = Arc::new(TryBot::new(self.form.clone(), settings));
                *slot = Some(made.clone());
                Ok(made)
            }
        }
    }

    pub fn session(&self) -> Result<String, intake_core::Error> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| AuthError::NotSignedIn.into())
    }

    /// Makes `session` the window's session and returns the one it replaces.
    pub fn replace_session(&self, session: Option<String>) -> Option<String> {
        std::mem::replace(
            &mut *self.current.lock().unwrap_or_else(|p| p.into_inner()),
            session,
        )
    }
}

/// The bundled form is checked by a unit test in core, so failing here means a broken build.
fn default_form() -> Form {
    match Form::default_form() {
        Ok(f) => f,
        Err(e) => panic!("the bundled intake form is invalid: {e}"),
    }
}
