//! Times in an export are the clinic's wall-clock times: Excel has no time zones, and a
//! manager reading "14:05" expects the time on the clinic's clock. The app and the headless
//! binary use this computer's zone (daylight saving included, per timestamp); tests pin one.
use chrono::{DateTime, FixedOffset, Local, NaiveDateTime, Offset, SecondsFormat, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTz {
    /// This computer's time zone.
    Local,
    Fixed(FixedOffset),
}

impl ExportTz {
    fn utc(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    /// Wall-clock time, to the second.
    pub fn local(&self, ms: i64) -> NaiveDateTime {
        let t = Self::utc(ms - ms.rem_euclid(1000));
        t.naive_utc() + self.offset_at(ms)
    }

    /// The zone's offset at `ms`. Looking the local zone up costs a clock read and a cache
    /// check in chrono each time; offsets only change at clock changes, which every zone makes
    /// on a quarter hour, so answers are kept per quarter hour in a small table (an export
    /// alternates between submission and review times, both mostly in order).
    fn offset_at(&self, ms: i64) -> FixedOffset {
        const QUARTER_MS: i64 = 15 * 60 * 1000;
        const SLOTS: usize = 16;
        match self {
            Self::Fixed(off) => *off,
            Self::Local => {
                thread_local! {
                    static SEEN: std::cell::Cell<[(i64, i32); SLOTS]> =
                        const { std::cell::Cell::new([(i64::MIN, 0); SLOTS]) };
                }
                let quarter = ms.div_euclid(QUARTER_MS);
                let slot = quarter.rem_euclid(SLOTS as i64) as usize;
                SEEN.with(|seen| {
                    let mut table = seen.get();
                    let (q, secs) = table[slot];
                    if q == quarter {
                        if let Some(off) = FixedOffset::east_opt(secs) {
                            return off;
                        }
                    }
                    let off = Self::utc(ms).with_timezone(&Local).offset().fix();
                    table[slot] = (quarter, off.local_minus_utc());
                    seen.set(table);
                    off
                })
            }
        }
    }

    /// RFC 3339 with the offset, as FHIR's dateTime and instant want it.
    pub fn rfc3339(&self, ms: i64) -> String {
        let t = Self::utc(ms);
        match self {
            Self::Local => t
                .with_timezone(&Local)
                .to_rfc3339_opts(SecondsFormat::Secs, false),
            Self::Fixed(off) => t
                .with_timezone(off)
                .to_rfc3339_opts(SecondsFormat::Secs, false),
        }
    }

    /// The local calendar date, for the suggested file name.
    pub fn date(&self, ms: i64) -> chrono::NaiveDate {
        self.local(ms).date()
    }

    /// "UTC+01:00", for the column descriptions.
    pub fn describe(&self, ms: i64) -> String {
        let t = Self::utc(ms);
        let off = match self {
            Self::Local => t.with_timezone(&Local).offset().fix(),
            Self::Fixed(off) => *off,
        };
        format!("UTC{off}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_zones_shift_wall_clock_and_keep_the_offset() {
        let tz = ExportTz::Fixed(FixedOffset::east_opt(3600).unwrap());
        // 2026-11-22T13:05:09.999Z
        let ms = 1_795_352_709_999;
        assert_eq!(tz.local(ms).to_string(), "2026-11-22 14:05:09");
        assert_eq!(tz.rfc3339(ms), "2026-11-22T14:05:09+01:00");
        assert_eq!(tz.describe(ms), "UTC+01:00");
    }
}
