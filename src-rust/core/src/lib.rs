//! Intake Desk core: everything the desktop shell and the headless server share. No tauri, no
//! webview, no HTTP framework here; see docs/architecture.md for the boundaries.
pub mod appointments;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bot;
pub mod clock;
pub mod desk;
pub mod engine;
pub mod error;
pub mod events;
pub mod export;
pub mod form;
pub mod health;
pub mod inbox;
pub mod ingest;
pub mod keys;
pub mod outbox;
pub mod outbox_check;
pub mod paths;
pub mod processor;
pub mod queue;
pub mod redact;
pub mod sender;
pub mod setup;
pub mod startup;
pub mod store;
pub mod trybot;
pub mod tunnel;
pub mod webhook;
pub mod whatsapp;

pub use clock::{Clock, ManualClock, SystemClock};
pub use desk::{Config, Desk, SessionInfo};
pub use error::{Error, ErrorBody, Result};
pub use paths::DataDir;
pub use startup::{Launcher, SetupRequest, StartupStatus};
