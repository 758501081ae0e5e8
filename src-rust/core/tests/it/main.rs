//! Integration tests over real SQLCipher files (and, in os_keyring, the real OS keyring).
//! One binary with modules, so the crate links once.
mod audit_chain;
mod auth;
mod common;
mod encryption;
mod flood;
mod intake_walk;
mod log_capture;
mod media;
mod os_keyring;
mod permissions;
mod pipeline;
mod send_policy;
mod sender;
mod startup;
mod timeouts;
mod wa;
mod webhook;
