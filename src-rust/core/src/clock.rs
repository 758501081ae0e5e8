//! Time is passed in so lockouts, idle locks and TOTP windows are tested without sleeping.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to. Public (not test-only) so integration tests, the
/// headless server's simulations and benches can drive time too.
#[derive(Debug)]
pub struct ManualClock {
    millis: AtomicI64,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            millis: AtomicI64::new(start.timestamp_millis()),
        }
    }

    /// 2026-01-05 09:00 UTC, a Monday morning: a fixed, readable starting point for tests.
    pub fn at_test_epoch() -> Self {
        Self::new(
            Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
                .single()
                .unwrap_or_default(),
        )
    }

    pub fn advance(&self, by: Duration) {
        self.millis
            .fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }

    pub fn set(&self, to: DateTime<Utc>) {
        self.millis.store(to.timestamp_millis(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.millis.load(Ordering::SeqCst))
            .single()
            .unwrap_or_default()
    }
}

/// Milliseconds since the Unix epoch: the one time representation stored in the database.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Our clock as a `governor` clock, so rate limits move with the injected time in tests.
#[derive(Clone)]
pub struct RateClock(pub Arc<dyn Clock>);

impl RateClock {
    /// Nanoseconds since the epoch; a clock set before 1970 reads as 0, which governor treats as
    /// no time passing (its arithmetic saturates), never as a panic.
    pub fn now_nanos(&self) -> governor::nanos::Nanos {
        let micros = u64::try_from(self.0.now().timestamp_micros()).unwrap_or(0);
        governor::nanos::Nanos::new(micros.saturating_mul(1_000))
    }
}

impl governor::clock::Clock for RateClock {
    type Instant = governor::nanos::Nanos;

    fn now(&self) -> Self::Instant {
        self.now_nanos()
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use governor::clock::Reference;
    use governor::{Quota, RateLimiter};

    use super::*;

    #[test]
    fn rate_limits_follow_the_injected_clock() {
        let clock = Arc::new(ManualClock::at_test_epoch());
        let quota = Quota::with_period(std::time::Duration::from_secs(6))
            .unwrap()
            .allow_burst(NonZeroU32::new(2).unwrap());
        let limiter = RateLimiter::hashmap_with_clock(quota, RateClock(clock.clone()));
        assert!(limiter.check_key(&"a").is_ok());
        assert!(limiter.check_key(&"a").is_ok());
        assert!(limiter.check_key(&"a").is_err(), "burst spent");
        assert!(limiter.check_key(&"b").is_ok(), "keys are separate");
        clock.advance(Duration::seconds(5));
        assert!(limiter.check_key(&"a").is_err());
        clock.advance(Duration::seconds(1));
        assert!(limiter.check_key(&"a").is_ok(), "one cell back after 6 s");
    }

    #[test]
    fn the_adapter_reads_the_injected_clock_in_nanoseconds() {
        let manual = Arc::new(ManualClock::at_test_epoch());
        let clock = RateClock(manual.clone());
        let start = governor::clock::Clock::now(&clock);
        let expected = manual.now().timestamp_millis() as u64 * 1_000_000;
        assert_eq!(start.as_u64(), expected);
        manual.advance(chrono::Duration::milliseconds(1_500));
        let later = governor::clock::Clock::now(&clock);
        assert_eq!(later.duration_since(start).as_u64(), 1_500_000_000);
        // Time going back is "no time passed", not an underflow.
        assert_eq!(start.duration_since(later).as_u64(), 0);
    }

    #[test]
    fn a_clock_before_1970_reads_as_zero() {
        let manual = Arc::new(ManualClock::new(
            chrono::Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).unwrap(),
        ));
        assert_eq!(governor::clock::Clock::now(&RateClock(manual)).as_u64(), 0);
    }
}
