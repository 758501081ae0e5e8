//! Budgets that survive a restart. The limiters live in memory, but every action they count is
//! audited, so a new `Desk` replays the last window's audit rows into them at the times they
//! happened: governor computes the state, nothing here imitates it. Without this, closing and
//! reopening the app (or running `intake-server export` once per process) would refill every
//! budget.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params_from_iter, Connection};

use super::{username_key, Limits};
use crate::audit::Action;
use crate::clock::{from_millis, Clock};
use crate::store::StoreError;

const LIVE: i64 = i64::MIN;

/// Actions that spent a sign-in attempt (each passed the limiters before it was audited).
const SIGN_IN: [Action; 5] = [
    Action::LoginOk,
    Action::LoginFailed,
    Action::LoginLocked,
    Action::LoginRefusedDisabled,
    Action::SessionUnlocked,
];

/// The limiters' clock: the desk's clock, except while the audit log is being replayed.
pub(super) struct ReplayClock {
    live: Arc<dyn Clock>,
    at_ms: AtomicI64,
}

impl ReplayClock {
    pub(super) fn new(live: Arc<dyn Clock>) -> Self {
        Self {
            live,
            at_ms: AtomicI64::new(LIVE),
        }
    }
}

impl Clock for ReplayClock {
    fn now(&self) -> DateTime<Utc> {
        match self.at_ms.load(Ordering::SeqCst) {
            LIVE => self.live.now(),
            ms => from_millis(ms),
        }
    }
}

/// Puts the clock back to live time however the replay ends.
struct BackToLive<'a>(&'a ReplayClock);

impl Drop for BackToLive<'_> {
    fn drop(&mut self) {
        self.0.at_ms.store(LIVE, Ordering::SeqCst);
    }
}

struct Row {
    action: String,
    actor: String,
    subject: String,
    details: String,
    at: i64,
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The budget key of a sign-in row: the username it named, as `username_key` has it.
fn sign_in_key(row: &Row) -> Option<String> {
    if let Some(name) = row.subject.strip_prefix("staff:") {
        return Some(username_key(name));
    }
    let details: serde_json::Value = serde_json::from_str(&row.details).ok()?;
    details
        .get("usernameFingerprint")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

pub(super) fn replay(
    limits: &Limits,
    clock: &ReplayClock,
    conn: &Connection,
) -> Result<(), StoreError> {
    let p = limits.policy;
    let now = clock.live.now().timestamp_millis();
    let within = |at: i64, per| at > now.saturating_sub(ms(per));
    let longest = [
        p.sign_in_per_computer.per,
        p.sign_in_per_username.per,
        p.staff_replies.per,
        p.exports.per,
    ]
    .into_iter()
    .max()
    .unwrap_or_default();
    let actions: Vec<&str> = SIGN_IN
        .iter()
        .chain(&[Action::StaffReplyQueued, Action::ExportCreated])
        .map(|a| a.as_str())
        .collect();
    let marks = vec!["?"; actions.len()].join(",");
    let mut stmt = conn.prepare(&format!(
        "SELECT action, actor, subject, details, at FROM audit_log
         WHERE at > {} AND action IN ({marks}) ORDER BY at, id",
        now.saturating_sub(ms(longest))
    ))?;
    let rows = stmt.query_map(params_from_iter(&actions), |r| {
        Ok(Row {
            action: r.get(0)?,
            actor: r.get(1)?,
            subject: r.get(2)?,
            details: r.get(3)?,
            at: r.get(4)?,
        })
    })?;
    let _live = BackToLive(clock);
    let sign_in: Vec<&str> = SIGN_IN.iter().map(|a| a.as_str()).collect();
    for row in rows {
        let row = row?;
        // A row from "the future" (the clock was set back) counts as now.
        let at = row.at.min(now);
        clock.at_ms.store(at, Ordering::SeqCst);
        // Spending can fail here (the budget was already spent): that is the state to rebuild.
        if sign_in.contains(&row.action.as_str()) {
            if within(at, p.sign_in_per_username.per) {
                if let Some(key) = sign_in_key(&row) {
                    let _ = limits.sign_in_user.check_key(&key);
                }
            }
            if within(at, p.sign_in_per_computer.per) {
                let _ = limits.sign_in_all.check();
            }
        } else if row.action == Action::StaffReplyQueued.as_str() {
            if within(at, p.staff_replies.per) {
                let _ = limits.replies.check_key(&row.actor);
            }
        } else if within(at, p.exports.per) {
            let _ = limits.exports.check_key(&row.actor);
        }
    }
    Ok(())
}
