//! Where the test message has got to, read from what the webhook writer stored for its wamid
//! (`ingest::record_status`): `message_delivery` holds the furthest state (sent < delivered <
//! read < failed, moved forward only), `message_status_events` one row per (wamid, status) with
//! Meta's time in unix seconds.
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::problem::SetupProblem;
use crate::store::StoreError;
use crate::{Desk, Error, Result};

/// The test message's ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TestState {
    /// Meta took the message; no status webhook has arrived yet. If it stays here for minutes,
    /// webhooks are not reaching Intake Desk (callback URL, verify token, subscription).
    Accepted,
    /// One grey tick.
    Sent,
    /// Two grey ticks.
    Delivered,
    /// Two blue ticks.
    Read,
    /// Not delivered: `problem` says why and what to do.
    Failed,
}

impl TestState {
    /// The status names the webhook writer stores (Meta's own), and nothing else: `deleted`,
    /// `warning` and future names are stored but are no state of a test message.
    fn from_meta(status: &str) -> Option<Self> {
        match status {
            "sent" => Some(Self::Sent),
            "delivered" => Some(Self::Delivered),
            "read" => Some(Self::Read),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One status Meta reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TestStep {
    pub state: TestState,
    /// Meta's time for it, unix ms.
    #[ts(type = "number")]
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TestStatus {
    pub wamid: String,
    pub state: TestState,
    /// Why it failed, in the same words as the set-up checks (`meta_code` is Meta's code from
    /// the status's `errors`); only for `failed`.
    pub problem: Option<SetupProblem>,
    /// Every status received so far, in tick order (Meta may skip `delivered`, or send
    /// statuses out of order).
    pub steps: Vec<TestStep>,
}

/// Reads the statuses the webhook stored for `wamid` (from `send_test_message`). Call it again
/// on `DeskEvent::DeliveryChanged`, which the webhook writer publishes after each status.
pub fn test_message_status(desk: &Desk, wamid: &str) -> Result<TestStatus> {
    // The writer refuses longer wamids, so a longer one can only be a mistake by the caller.
    if wamid.is_empty() || wamid.len() > 512 {
        return Err(Error::invalid(
            "invalid.wamid",
            "That test message is unknown. Send a new test message.",
        ));
    }
    let conn = desk.db().conn();
    let delivery: Option<(String, Option<i64>)> = conn
        .prepare_cached("SELECT state, error_code FROM message_delivery WHERE wamid = ?1")
        .and_then(|mut s| {
            s.query_row(params![wamid], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(StoreError::from)?;
    let mut steps: Vec<(TestStep, Option<i64>)> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT status, at, error_code FROM message_status_events WHERE wamid = ?1",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map(params![wamid], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })
            .map_err(StoreError::from)?;
        let mut steps = Vec::new();
        for row in rows {
            let (status, at, code) = row.map_err(StoreError::from)?;
            if let Some(state) = TestState::from_meta(&status) {
                let at = at.saturating_mul(1000);
                steps.push((TestStep { state, at }, code));
            }
        }
        steps
    };
    drop(conn);
    steps.sort_by_key(|(s, _)| (s.state, s.at));

    let (state, delivery_code) = match &delivery {
        Some((state, code)) => (TestState::from_meta(state), *code),
        None => (None, None),
    };
    // message_delivery is the writer's verdict; the events are the fallback should a row ever
    // be missing, with the same order.
    let state = state
        .or_else(|| steps.iter().map(|(s, _)| s.state).max())
        .unwrap_or(TestState::Accepted);
    let problem = (state == TestState::Failed).then(|| {
        let code = delivery_code.or_else(|| {
            steps
                .iter()
                .find(|(s, _)| s.state == TestState::Failed)
                .and_then(|(_, c)| *c)
        });
        SetupProblem::delivery(code)
    });
    Ok(TestStatus {
        wamid: wamid.to_owned(),
        state,
        problem,
        steps: steps.into_iter().map(|(s, _)| s).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_the_writers_order() {
        // The same order as `ingest::rank`: a late `delivered` never hides a `read`.
        let order: Vec<TestState> = ["sent", "delivered", "read", "failed"]
            .iter()
            .filter_map(|s| TestState::from_meta(s))
            .collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
        assert!(TestState::Accepted < TestState::Sent);
        assert_eq!(TestState::from_meta("deleted"), None);
        assert_eq!(
            serde_json::to_value(TestState::Accepted).unwrap(),
            "accepted"
        );
    }
}
