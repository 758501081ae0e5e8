//! Login throttling as a pure policy: given the counters and the time, what happens next.
use chrono::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub first_lock: Duration,
    pub max_lock: Duration,
}

impl Default for LockoutPolicy {
    /// Five tries, then 5 minutes; each further lockout doubles it, up to an hour. Long enough
    /// to stop guessing, short enough that a receptionist with caps lock on is not stuck all
    /// morning (and an admin can unlock at once).
    fn default() -> Self {
        Self {
            max_failures: 5,
            first_lock: Duration::minutes(5),
            max_lock: Duration::hours(1),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LockState {
    pub failed_attempts: u32,
    /// Unix ms.
    pub locked_until: Option<i64>,
    pub lockouts: u32,
}

impl LockoutPolicy {
    pub fn locked_until(&self, s: &LockState, now_ms: i64) -> Option<i64> {
        s.locked_until.filter(|until| *until > now_ms)
    }

    pub fn after_failure(&self, s: &LockState, now_ms: i64) -> LockState {
        let failed = s.failed_attempts + 1;
        if failed < self.max_failures {
            return LockState {
                failed_attempts: failed,
                locked_until: None,
                lockouts: s.lockouts,
            };
        }
        let factor = 1i32 << s.lockouts.min(16);
        let lock = (self.first_lock * factor).min(self.max_lock);
        LockState {
            failed_attempts: 0,
            locked_until: Some(now_ms + lock.num_milliseconds()),
            lockouts: s.lockouts + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_and_the_lock_grows_then_caps() {
        let p = LockoutPolicy::default();
        let mut s = LockState::default();
        let now = 1_000_000;
        for _ in 0..4 {
            s = p.after_failure(&s, now);
            assert_eq!(p.locked_until(&s, now), None);
        }
        s = p.after_failure(&s, now);
        assert_eq!(p.locked_until(&s, now), Some(now + 5 * 60_000));
        assert_eq!(p.locked_until(&s, now + 5 * 60_000), None, "expired");
        let mut minutes = vec![];
        for _ in 0..5 {
            for _ in 0..5 {
                s = p.after_failure(&s, now);
            }
            minutes.push((s.locked_until.unwrap() - now) / 60_000);
        }
        assert_eq!(minutes, vec![10, 20, 40, 60, 60]);
    }
}
