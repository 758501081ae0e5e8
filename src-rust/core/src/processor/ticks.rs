//! Ticks for idle intakes. Every save stores when the conversation's next Tick is due
//! (`conversations.idle_at`, from `engine::idle_deadline`), so a round reads only the due ones
//! from a small index instead of stepping every conversation.
use rusqlite::{params, OptionalExtension};

use super::{parse_state, Processor};
use crate::engine::{self, Event};
use crate::store::StoreError;
use crate::Result;

/// Bounds one round's work, like `PATIENTS_PER_ROUND`; the rest are due again next round.
const TICKS_PER_ROUND: i64 = 500;

/// Due and with nothing pending from the patient: their messages go through the normal path
/// first (an answer sent before the deadline is an answer, not a return after abandoning).
const DUE: &str = "c.idle_at <= ?1 AND NOT EXISTS (
        SELECT 1 FROM inbound_messages m WHERE m.wa_from = c.wa_id AND m.processed_at IS NULL)";

impl Processor {
    /// Sends a Tick to every conversation past its idle deadline: (conversations ticked,
    /// replies queued).
    pub(super) fn tick_idle(&self) -> Result<(usize, usize)> {
        let now_ms = self.desk.now_ms();
        let due: Vec<i64> = {
            let conn = self.desk.db().conn();
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT c.id FROM conversations c WHERE {DUE} ORDER BY c.idle_at LIMIT ?2"
                ))
                .map_err(StoreError::from)?;
            let rows = stmt
                .query_map(params![now_ms, TICKS_PER_ROUND], |r| r.get(0))
                .map_err(StoreError::from)?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)?
        };
        let (mut ticked, mut replies) = (0, 0);
        for id in due {
            if let Some(sent) = self.tick_one(id)? {
                ticked += 1;
                replies += sent;
            }
        }
        Ok((ticked, replies))
    }

    /// One conversation, one transaction. `None` when it is no longer due.
    fn tick_one(&self, id: i64) -> Result<Option<usize>> {
        let now = self.desk.clock_now();
        let now_ms = now.timestamp_millis();
        self.desk.write(|tx| {
            // Checked again under the write lock: since the pick, a message may have arrived
            // or been processed (which moves the deadline).
            let found: Option<(String, String)> = tx
                .query_row(
                    &format!(
                        "SELECT c.wa_id, c.state FROM conversations c WHERE c.id = ?2 AND {DUE}"
                    ),
                    params![now_ms, id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(StoreError::from)?;
            let Some((wa_id, json)) = found else {
                return Ok(None);
            };
            let Some(state) = parse_state(id, &json) else {
                // Leave the state for the patient's next message to deal with; a Tick would
                // only overwrite it, and must not be retried every round.
                tx.execute(
                    "UPDATE conversations SET idle_at = NULL WHERE id = ?1",
                    [id],
                )
                .map_err(StoreError::from)?;
                return Ok(None);
            };
            let step = engine::step(&self.form, &state, &Event::Tick, now, &self.settings);
            self.commit_step(tx, id, &wa_id, &step, None, now_ms)?;
            Ok(Some(step.outgoing.len()))
        })
    }
}
