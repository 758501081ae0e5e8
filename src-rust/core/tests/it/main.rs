//! Integration tests over real SQLCipher files (and, in os_keyring, the real OS keyring).
//! One binary with modules, so the crate links once.
mod appointments;
mod audit_chain;
mod auth;
mod clinic_settings;
mod common;
mod encryption;
mod flood;
mod inbox;
mod intake_walk;
mod log_capture;
mod media;
mod os_keyring;
mod permissions;
mod pipeline;
mod queue;
mod send_policy;
mod sender;
mod setup;
mod startup;
mod timeouts;
mod trybot;
mod tunnel;
mod wa;
mod webhook;
