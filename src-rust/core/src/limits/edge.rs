//! The webhook edge's budgets per client address (the HTTP side is in `webhook::limit`). Two
//! governor limiters: every request, and failed requests. A client that spends its failures is
//! kept out until its next failure would be allowed, and while it is out its requests are
//! refused before the signature is computed: a flood of forgeries costs a lookup, not an HMAC
//! over up to 3.5 MB.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock as _, Reference};
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::RateLimiter;

use super::words::ceil_secs;
use super::Rate;
use crate::clock::{Clock, RateClock};

/// Forgetting clients whose budget is full again walks the maps, so it runs at most this
/// often (in the injected clock's time)...
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// ...unless this many clients are remembered.
const SWEEP_ABOVE: usize = 10_000;

type Informed =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, RateClock, StateInformationMiddleware>;

/// What the `X-RateLimit-*` headers say about the budget that applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Requests allowed at once on a full budget.
    pub limit: u32,
    /// Requests still allowed right now.
    pub remaining: u32,
    /// Seconds until the budget is full again (rounded up; at most one refill early).
    pub reset_secs: u64,
}

/// A request refused for its client's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub usage: Usage,
    /// Seconds until a request from this client can be allowed again; at least 1.
    pub retry_after_secs: u64,
}

pub struct EdgeLimiter {
    requests_rate: Rate,
    failures_rate: Rate,
    requests: Informed,
    failures: Informed,
    /// Clients whose failures are spent, until when (governor's own answer).
    kept_out: Mutex<HashMap<IpAddr, Nanos>>,
    clock: RateClock,
    last_sweep: AtomicU64,
}

impl std::fmt::Debug for EdgeLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EdgeLimiter({} clients)", self.requests.len())
    }
}

/// The key a client is counted under: its address, with IPv6 cut to its /64 (one customer's
/// network hands out a whole /64, so single addresses would be free to rotate through) and
/// IPv4-mapped IPv6 read as the IPv4 address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Refused for `wait`: nothing remains, and the full budget is back `count - 1` refills after
/// the next one.
fn refusal(rate: Rate, wait: Duration) -> Refusal {
    let rest = rate
        .interval()
        .saturating_mul(rate.count.get().saturating_sub(1));
    Refusal {
        usage: Usage {
            limit: rate.count.get(),
            remaining: 0,
            reset_secs: ceil_secs(wait.saturating_add(rest)),
        },
        retry_after_secs: ceil_secs(wait).max(1),
    }
}

fn usage_after(rate: Rate, remaining: u32) -> Usage {
    let spent = rate.count.get().saturating_sub(remaining);
    Usage {
        limit: rate.count.get(),
        remaining,
        reset_secs: ceil_secs(rate.interval().saturating_mul(spent)),
    }
}

impl EdgeLimiter {
    pub fn new(requests: Rate, failures: Rate, clock: Arc<dyn Clock>) -> Self {
        let clock = RateClock(clock);
        let informed = |rate: Rate| {
            RateLimiter::dashmap_with_clock(rate.quota(), clock.clone())
                .with_middleware::<StateInformationMiddleware>()
        };
        Self {
            requests_rate: requests,
            failures_rate: failures,
            requests: informed(requests),
            failures: informed(failures),
            kept_out: Mutex::default(),
            last_sweep: AtomicU64::new(clock.now().as_u64()),
            clock,
        }
    }

    fn kept_out(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Nanos>> {
        self.kept_out.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Before the request is handled: spends one unit of the client's budget, or refuses.
    pub fn admit(&self, client: IpAddr) -> Result<Usage, Refusal> {
        let client = client_key(client);
        let now = self.clock.now();
        self.sweep(now);
        let until = self.kept_out().get(&client).copied();
        if let Some(until) = until {
            if until > now {
                let wait = Duration::from(until.duration_since(now));
                return Err(refusal(self.failures_rate, wait));
            }
            self.kept_out().remove(&client);
        }
        match self.requests.check_key(&client) {
            Ok(state) => Ok(usage_after(
                self.requests_rate,
                state.remaining_burst_capacity(),
            )),
            Err(no) => Err(refusal(self.requests_rate, no.wait_time_from(now))),
        }
    }

    /// After a request failed (bad signature, refused verification, oversized body): spends
    /// one of the client's failures. When that was the last, the client is kept out until the
    /// next one comes back. `Some` when this failure itself was over the budget (requests that
    /// were already in flight when the client was kept out), so it is answered 429 too.
    pub fn failed(&self, client: IpAddr) -> Option<Refusal> {
        let client = client_key(client);
        let now = self.clock.now();
        let (until, over) = match self.failures.check_key(&client) {
            // No further failure is allowed before one more unit is back, which is at most
            // one interval away.
            Ok(state) if state.remaining_burst_capacity() == 0 => {
                (now + Nanos::from(self.failures_rate.interval()), false)
            }
            Ok(_) => return None,
            Err(no) => (no.earliest_possible(), true),
        };
        let mut kept_out = self.kept_out();
        if kept_out.len() < SWEEP_ABOVE || kept_out.contains_key(&client) {
            kept_out.insert(client, until);
        }
        drop(kept_out);
        tracing::warn!(
            client = %client,
            "webhook client kept out after too many failed requests"
        );
        over.then(|| {
            refusal(
                self.failures_rate,
                Duration::from(until.duration_since(now)),
            )
        })
    }

    fn sweep(&self, now: Nanos) {
        let last = Nanos::from(self.last_sweep.load(Ordering::Relaxed));
        let due = now < last
            || Duration::from(now.duration_since(last)) >= SWEEP_EVERY
            || self.requests.len() > SWEEP_ABOVE
            || self.failures.len() > SWEEP_ABOVE;
        if !due
            || self
                .last_sweep
                .compare_exchange(
                    last.as_u64(),
                    now.as_u64(),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return;
        }
        for limiter in [&self.requests, &self.failures] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        self.kept_out().retain(|_, until| *until > now);
    }

    /// How many clients are remembered (for tests and logs).
    pub fn tracked(&self) -> usize {
        self.requests.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn limiter(requests: u32, failures: u32) -> (Arc<ManualClock>, EdgeLimiter) {
        let clock = Arc::new(ManualClock::at_test_epoch());
        let l = EdgeLimiter::new(
            Rate::per_minute(requests),
            Rate::per_minute(failures),
            clock.clone(),
        );
        (clock, l)
    }

    #[test]
    fn clients_are_keyed_by_ipv4_address_or_ipv6_slash_64() {
        assert_eq!(client_key(ip("203.0.113.9")), ip("203.0.113.9"));
        assert_eq!(client_key(ip("2001:db8:1:2:3:4:5:6")), ip("2001:db8:1:2::"));
        assert_eq!(client_key(ip("::ffff:203.0.113.9")), ip("203.0.113.9"));
    }

    #[test]
    fn headers_count_down_and_a_refusal_says_when() {
        let (clock, l) = limiter(3, 30);
        let a = ip("203.0.113.9");
        let used: Vec<_> = (0..3).map(|_| l.admit(a).unwrap()).collect();
        assert_eq!(
            used.iter()
                .map(|u| (u.limit, u.remaining, u.reset_secs))
                .collect::<Vec<_>>(),
            [(3, 2, 20), (3, 1, 40), (3, 0, 60)]
        );
        let no = l.admit(a).unwrap_err();
        assert_eq!(
            (no.retry_after_secs, no.usage.remaining, no.usage.reset_secs),
            (20, 0, 60)
        );
        clock.advance(chrono::Duration::milliseconds(19_001));
        assert_eq!(
            l.admit(a).unwrap_err().retry_after_secs,
            1,
            "rounded up, never 0"
        );
        clock.advance(chrono::Duration::milliseconds(999));
        assert!(l.admit(a).is_ok());
    }

    #[test]
    fn spent_failures_keep_a_client_out_and_its_neighbours_in_the_same_slash_64() {
        let (clock, l) = limiter(100, 2);
        let a = ip("2001:db8::1");
        let neighbour = ip("2001:db8::2");
        let other = ip("2001:db8:0:1::1");
        assert!(l.admit(a).is_ok());
        assert_eq!(l.failed(a), None);
        assert_eq!(
            l.failed(neighbour),
            None,
            "the last failure is still answered as it was"
        );
        let no = l.admit(a).unwrap_err();
        assert_eq!(
            (no.usage.limit, no.retry_after_secs, no.usage.reset_secs),
            (2, 30, 60)
        );
        assert!(l.admit(other).is_ok());
        clock.advance(chrono::Duration::seconds(30));
        assert!(l.admit(neighbour).is_ok());
        // One failure came back: the next one spends it and keeps them out again.
        assert_eq!(l.failed(a), None);
        assert!(l.admit(a).is_err());
    }

    #[test]
    fn a_failure_over_the_budget_is_itself_refused() {
        let (_clock, l) = limiter(100, 1);
        let a = ip("203.0.113.9");
        // Two requests in flight before the first failure came back.
        assert!(l.admit(a).is_ok() && l.admit(a).is_ok());
        assert_eq!(l.failed(a), None);
        let no = l.failed(a).expect("over the budget");
        assert_eq!((no.retry_after_secs, no.usage.limit), (60, 1));
    }

    #[test]
    fn idle_clients_are_forgotten() {
        let (clock, l) = limiter(5, 5);
        for c in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
            assert!(l.admit(ip(c)).is_ok());
            l.failed(ip(c));
        }
        assert_eq!(l.tracked(), 3);
        clock.advance(chrono::Duration::minutes(2));
        assert!(l.admit(ip("203.0.113.4")).is_ok());
        assert_eq!(l.tracked(), 1);
    }
}
