//! What the edge has seen of Meta, for the setup screen and the health panel: when Meta last
//! verified the webhook (kept in the database, so "Verified at 10:42" survives a restart), when
//! a verification was last refused, and signatures that did not match in the last 24 hours (a
//! wrong app secret shows up here first). Refusals and bad signatures stay in memory only: the
//! endpoint is public, and strangers must not be able to make it write to the database.
use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::events::DeskEvent;
use crate::store::settings;
use crate::{Desk, Result};

const VERIFIED_AT: &str = "whatsapp_verified_at";
const DAY_MS: i64 = 86_400_000;
/// Enough to say "more than 1,000"; a flood of forgeries cannot grow memory past this.
const MAX_KEPT: usize = 1_000;

#[derive(Debug, Default)]
pub(crate) struct Seen {
    refused_at: Mutex<Option<i64>>,
    bad_signatures: Mutex<VecDeque<i64>>,
}

/// The edge's observations, as the setup screen and the health panel show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct EdgeHealth {
    /// Meta's last successful verification request (unix ms).
    #[ts(type = "number | null")]
    pub verified_at: Option<i64>,
    /// The last verification request with a wrong token or mode (unix ms; since the app started).
    #[ts(type = "number | null")]
    pub verification_refused_at: Option<i64>,
    /// POSTs whose signature did not match the app secret, in the last 24 hours (since the app
    /// started; at most 1,000 are counted).
    pub bad_signatures_24h: u32,
    #[ts(type = "number | null")]
    pub last_bad_signature_at: Option<i64>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Desk {
    /// Meta verified the webhook (right token): remembered, and the screens are told.
    pub(crate) fn record_verified(&self) -> Result<()> {
        let now = self.now_ms();
        self.write(|tx| Ok(settings::set(tx, VERIFIED_AT, &now.to_string(), now)?))?;
        self.events().publish(DeskEvent::ConnectionChanged);
        Ok(())
    }

    pub(crate) fn record_verification_refused(&self) {
        *lock(&self.seen().refused_at) = Some(self.now_ms());
        self.events().publish(DeskEvent::ConnectionChanged);
    }

    pub(crate) fn record_bad_signature(&self) {
        let now = self.now_ms();
        let mut seen = lock(&self.seen().bad_signatures);
        while seen.len() >= MAX_KEPT || seen.front().is_some_and(|t| *t <= now - DAY_MS) {
            seen.pop_front();
        }
        seen.push_back(now);
        drop(seen);
        self.events().publish(DeskEvent::ConnectionChanged);
    }

    /// What the edge has seen. No session: the health panel asks on behalf of whoever is
    /// signed in, and none of it is patient data.
    pub fn edge_health(&self) -> Result<EdgeHealth> {
        let now = self.now_ms();
        let verified_at =
            settings::get(&self.db().conn(), VERIFIED_AT)?.and_then(|v| v.parse().ok());
        let bad = lock(&self.seen().bad_signatures);
        let recent = bad.iter().filter(|t| **t > now - DAY_MS).count();
        Ok(EdgeHealth {
            verified_at,
            verification_refused_at: *lock(&self.seen().refused_at),
            bad_signatures_24h: u32::try_from(recent).unwrap_or(u32::MAX),
            last_bad_signature_at: bad.back().copied(),
        })
    }
}
