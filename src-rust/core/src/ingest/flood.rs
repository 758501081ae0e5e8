//! The per-sender flood guard. Meta packs many senders into one signed POST, so a flood cannot
//! be refused at the HTTP level: Meta would retry the whole batch, other patients included.
//! Instead a message beyond its sender's budget is stored (the transcript keeps it) but flagged
//! and marked handled, so the bot does not answer every one of a thousand messages.
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::Reference;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::clock::{Clock, RateClock};

/// Forgetting idle senders walks the whole map, so it runs at most this often...
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// ...unless this many senders are tracked, so a burst of distinct senders cannot pile up.
const SWEEP_ABOVE: usize = 10_000;

/// How much one sender may send before their messages stop being answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodLimit {
    /// The sustained rate: one more message is allowed every `60 s / per_minute`.
    pub per_minute: NonZeroU32,
    /// How many may arrive at once, on a full budget.
    pub burst: NonZeroU32,
}

const fn at_least_one(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

impl Default for FloodLimit {
    /// A patient sharing a dozen photos and a few lines at once stays inside the burst, and
    /// nobody types more than one message every 2 s for long; a script or a stuck client does.
    fn default() -> Self {
        Self {
            per_minute: at_least_one(30),
            burst: at_least_one(20),
        }
    }
}

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, RateClock, NoOpMiddleware<Nanos>>;

/// One sender's budget per number; lives in the webhook writer thread.
pub struct FloodGuard {
    limiter: Limiter,
    clock: RateClock,
    last_sweep: Nanos,
}

impl std::fmt::Debug for FloodGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The keys are patients' numbers: never print them.
        write!(f, "FloodGuard({} senders)", self.limiter.len())
    }
}

impl FloodGuard {
    pub fn new(limit: FloodLimit, clock: Arc<dyn Clock>) -> Self {
        let clock = RateClock(clock);
        let quota = Quota::per_minute(limit.per_minute).allow_burst(limit.burst);
        let last_sweep = governor::clock::Clock::now(&clock);
        Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
            last_sweep,
        }
    }

    /// Spends one unit of `sender`'s budget; false when there is none left. Call it only for a
    /// message seen for the first time, so Meta's retries cost nothing.
    pub fn admit(&self, sender: &str) -> bool {
        self.limiter.check_key(&sender.to_owned()).is_ok()
    }

    /// Forgets senders whose budget has refilled (they are indistinguishable from new ones), so
    /// memory follows the senders of the last minute or two, not everyone ever seen.
    pub fn sweep(&mut self) {
        let now = governor::clock::Clock::now(&self.clock);
        let due = now < self.last_sweep
            || Duration::from(now.duration_since(self.last_sweep)) >= SWEEP_EVERY
            || self.limiter.len() > SWEEP_ABOVE;
        if due {
            self.last_sweep = now;
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }

    /// How many senders are remembered.
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;

    fn guard(per_minute: u32, burst: u32) -> (Arc<ManualClock>, FloodGuard) {
        let clock = Arc::new(ManualClock::at_test_epoch());
        let limit = FloodLimit {
            per_minute: NonZeroU32::new(per_minute).unwrap(),
            burst: NonZeroU32::new(burst).unwrap(),
        };
        (clock.clone(), FloodGuard::new(limit, clock))
    }

    fn admitted(g: &FloodGuard, sender: &str, n: usize) -> usize {
        (0..n).filter(|_| g.admit(sender)).count()
    }

    #[test]
    fn the_default_lets_a_handful_of_photos_through() {
        let limit = FloodLimit::default();
        assert_eq!((limit.per_minute.get(), limit.burst.get()), (30, 20));
    }

    #[test]
    fn the_burst_passes_then_one_per_interval_as_the_clock_moves() {
        let (clock, g) = guard(30, 20);
        assert_eq!(admitted(&g, "a", 100), 20, "the burst, and no more");
        // Nothing refills while the injected clock stands still, however long the test runs.
        assert!(!g.admit("a"));
        clock.advance(chrono::Duration::milliseconds(1_999));
        assert!(!g.admit("a"), "30 a minute is one per 2 s");
        clock.advance(chrono::Duration::milliseconds(1));
        assert!(g.admit("a"));
        assert!(!g.admit("a"));
        clock.advance(chrono::Duration::seconds(10));
        assert_eq!(admitted(&g, "a", 100), 5);
        // A full minute refills to the burst, not beyond it.
        clock.advance(chrono::Duration::minutes(5));
        assert_eq!(admitted(&g, "a", 100), 20);
    }

    #[test]
    fn senders_have_separate_budgets() {
        let (_clock, g) = guard(30, 20);
        assert_eq!(admitted(&g, "a", 50), 20);
        assert_eq!(admitted(&g, "b", 50), 20);
        assert!(!g.admit("a"));
    }

    #[test]
    fn a_steady_sender_at_the_rate_is_never_refused() {
        let (clock, g) = guard(30, 20);
        for _ in 0..300 {
            assert!(g.admit("a"));
            clock.advance(chrono::Duration::seconds(2));
        }
    }

    #[test]
    fn sweeping_forgets_idle_senders_and_keeps_busy_ones() {
        let (clock, mut g) = guard(30, 20);
        for s in ["a", "b", "c"] {
            assert!(g.admit(s));
        }
        assert_eq!(g.tracked(), 3);
        g.sweep();
        assert_eq!(g.tracked(), 3, "not due yet, and all three are recent");
        clock.advance(chrono::Duration::minutes(2));
        assert_eq!(admitted(&g, "busy", 25), 20);
        g.sweep();
        assert_eq!(g.tracked(), 1, "only the sender still over budget is kept");
        // Forgetting is safe: a forgotten sender starts with a full budget, as they would have.
        assert_eq!(admitted(&g, "a", 25), 20);
        assert!(
            !g.admit("busy"),
            "the busy sender's debt survived the sweep"
        );
    }
}
