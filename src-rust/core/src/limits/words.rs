//! Waits and rates in words for the person at the desk. Waits are rounded up, never down: "wait
//! 40 seconds" must be enough.
use std::time::Duration;

/// `wait` rounded up to whole seconds, and at least one (a wait of zero would invite an
/// immediate retry that may still be refused by a few nanoseconds).
pub(crate) fn whole_seconds(wait: Duration) -> Duration {
    Duration::from_secs(ceil_secs(wait).max(1))
}

pub(crate) fn ceil_secs(d: Duration) -> u64 {
    let nanos = d.as_nanos().div_ceil(1_000_000_000);
    u64::try_from(nanos).unwrap_or(u64::MAX)
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "1 second", "40 seconds", "2 minutes", "3 hours": seconds below a minute, then whole
/// minutes (rounded up) below two hours, then whole hours (rounded up).
pub fn wait_in_words(wait: Duration) -> String {
    let secs = ceil_secs(wait).max(1);
    if secs < 60 {
        return plural(secs, "second", "seconds");
    }
    let minutes = secs.div_ceil(60);
    if minutes < 120 {
        return plural(minutes, "minute", "minutes");
    }
    plural(minutes.div_ceil(60), "hour", "hours")
}

/// "a minute", "an hour", or "every 10 minutes" for other periods.
pub fn rate_in_words(per: Duration) -> String {
    match per.as_secs() {
        60 => "a minute".into(),
        3600 => "an hour".into(),
        86_400 => "a day".into(),
        _ => format!("every {}", wait_in_words(per)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_round_up_to_words() {
        let ms = Duration::from_millis;
        for (wait, words) in [
            (ms(0), "1 second"),
            (ms(1), "1 second"),
            (ms(1_000), "1 second"),
            (ms(1_001), "2 seconds"),
            (ms(40_000), "40 seconds"),
            (ms(58_001), "59 seconds"),
            (ms(59_999), "1 minute"),
            (ms(60_000), "1 minute"),
            (ms(60_001), "2 minutes"),
            (ms(180_000), "3 minutes"),
            (ms(119 * 60_000), "119 minutes"),
            (ms(120 * 60_000), "2 hours"),
            (ms(121 * 60_000), "3 hours"),
        ] {
            assert_eq!(wait_in_words(wait), words, "{wait:?}");
        }
        // Saturating, not overflowing: a limit misconfigured to years still speaks.
        assert!(wait_in_words(Duration::MAX).ends_with(" hours"));
    }

    #[test]
    fn retry_waits_are_whole_seconds_and_never_zero() {
        assert_eq!(whole_seconds(Duration::ZERO), Duration::from_secs(1));
        assert_eq!(
            whole_seconds(Duration::from_millis(2_001)),
            Duration::from_secs(3)
        );
        assert_eq!(
            whole_seconds(Duration::from_secs(20)),
            Duration::from_secs(20)
        );
    }

    #[test]
    fn rates_in_words() {
        assert_eq!(rate_in_words(Duration::from_secs(60)), "a minute");
        assert_eq!(rate_in_words(Duration::from_secs(3600)), "an hour");
        assert_eq!(rate_in_words(Duration::from_secs(600)), "every 10 minutes");
    }
}
