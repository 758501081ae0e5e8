//! Integration tests over real SQLCipher files (and, in os_keyring, the real OS keyring).
//! One binary with modules, so the crate links once.
mod audit_chain;
mod auth;
mod common;
mod encryption;
mod intake_walk;
mod media;
mod os_keyring;
mod permissions;
mod pipeline;
mod sender;
mod startup;
mod webhook;
