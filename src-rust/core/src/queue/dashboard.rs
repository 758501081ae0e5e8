//! The dashboard's counts, in the clinic's days. The window sends its UTC offset; days are cut
//! at local midnight with that one offset, so across a daylight-saving change the older days of
//! the chart are an hour off, which a count per day tolerates.
use chrono::DateTime;
use rusqlite::{params, Connection};

use super::types::{Dashboard, DashboardQuery, DayCount, StatusCounts};
use crate::auth::Permission;
use crate::store::StoreError;
use crate::{Desk, Result};

const DAY_MS: i64 = 86_400_000;
pub const CHART_DAYS: i64 = 30;
/// Real offsets run from UTC-12 to UTC+14.
const MAX_OFFSET_MINUTES: i32 = 14 * 60;

/// Midnight (as unix ms) of the local day holding `now_ms`, and the offset in ms.
pub(crate) fn local_midnight(now_ms: i64, utc_offset_minutes: i32) -> (i64, i64) {
    let offset =
        i64::from(utc_offset_minutes.clamp(-MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES)) * 60_000;
    let local = now_ms + offset;
    (local.div_euclid(DAY_MS) * DAY_MS - offset, offset)
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn counts(conn: &Connection, now_ms: i64, q: &DashboardQuery) -> Result<Dashboard, StoreError> {
    let (today, offset) = local_midnight(now_ms, q.utc_offset_minutes);
    let mut by_status = conn.prepare_cached(
        "SELECT status_rank, count(*) FROM intakes
         WHERE submitted_at >= ?1 AND submitted_at < ?2 GROUP BY status_rank",
    )?;
    let mut today_counts = StatusCounts::default();
    let rows = by_status.query_map(params![today, today + DAY_MS], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (rank, n) = row?;
        match rank {
            0 => today_counts.new = count(n),
            1 => today_counts.needs_follow_up = count(n),
            _ => today_counts.reviewed += count(n),
        }
        today_counts.total += count(n);
    }
    let awaiting_review: i64 = conn
        .prepare_cached("SELECT count(*) FROM intakes WHERE status_rank = 0")?
        .query_row([], |r| r.get(0))?;
    // The inbox's own rule, so the dashboard and the inbox never disagree.
    let waiting = i64::try_from(crate::inbox::needing_staff(conn)?.len()).unwrap_or(i64::MAX);
    let first = today - (CHART_DAYS - 1) * DAY_MS;
    let mut per_day: Vec<DayCount> = (0..CHART_DAYS)
        .map(|d| DayCount {
            // Local midnight read as if it were UTC is the local date.
            day: DateTime::from_timestamp_millis(first + d * DAY_MS + offset)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            count: 0,
        })
        .collect();
    let mut by_day = conn.prepare_cached(
        "SELECT (submitted_at - ?1) / 86400000, count(*) FROM intakes
         WHERE submitted_at >= ?1 AND submitted_at < ?2 GROUP BY 1",
    )?;
    let rows = by_day.query_map(params![first, today + DAY_MS], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (day, n) = row?;
        if let Some(slot) = usize::try_from(day).ok().and_then(|d| per_day.get_mut(d)) {
            slot.count = count(n);
        }
    }
    Ok(Dashboard {
        today: today_counts,
        awaiting_review: count(awaiting_review),
        waiting_for_staff: count(waiting),
        per_day,
    })
}

impl Desk {
    pub fn dashboard(&self, session: &str, q: &DashboardQuery) -> Result<Dashboard> {
        self.authorize(session, Permission::ViewQueue)?;
        let now = self.now_ms();
        let conn = self.db().conn();
        Ok(counts(&conn, now, q)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_midnight_follows_the_offset_and_is_clamped() {
        // 2026-01-05 23:30 UTC.
        let now = 1_767_655_800_000;
        let utc_midnight = 1_767_571_200_000;
        assert_eq!(local_midnight(now, 0).0, utc_midnight);
        // In UTC+1 it is already 00:30 on the 6th.
        assert_eq!(local_midnight(now, 60).0, utc_midnight + DAY_MS - 3_600_000);
        // In UTC-5 it is 18:30 on the 5th; midnight was at 05:00 UTC.
        assert_eq!(local_midnight(now, -300).0, utc_midnight + 5 * 3_600_000);
        assert_eq!(local_midnight(now, 10_000), local_midnight(now, 14 * 60));
        assert_eq!(local_midnight(now, i32::MIN), local_midnight(now, -14 * 60));
    }
}
