//! Per-action rate limits: sign-in attempts, staff replies, exports, and the webhook edge's
//! per-client budgets. Every budget is a `governor` GCRA limiter on the injected clock
//! (`clock::RateClock`), so tests move time with a `ManualClock` and nothing here sleeps.
//!
//! Choices (defaults in [`LimitPolicy::default`]; the headless server's `[limits]` table
//! overrides them):
//!
//! - Every budget reads "`count` per `per`": up to `count` at once on a full budget, then one
//!   more every `per / count`. So "20 exports an hour" means 20 in a row, then one every 3
//!   minutes, never "wait for the top of the hour".
//! - Sign-in: the per-account lockout (`auth::lockout`, kept in the database) stops guessing one
//!   password; these budgets slow guessing across many usernames on one computer: 20 attempts a
//!   minute in all and 10 a minute per typed username (case and spaces ignored; the key is the
//!   same fingerprint the audit log uses, so no typed name is kept in memory). Both are checked
//!   before the database is read and before any password hash is computed; a refused attempt
//!   writes nothing and does not count towards the account's lockout. Unlocking an idle-locked
//!   screen is a password attempt too and spends the same budgets.
//! - Staff replies: 30 a minute per staff member, refused before anything is queued (the window
//!   keeps the draft; the message says it was not sent).
//! - Exports: 20 an hour per staff member, charged when an export is about to write its file
//!   (a refused request, a bad destination or too many rows for Excel costs nothing). The
//!   headless `intake-server export` goes through the same call.
//! - Budgets survive a restart: a new `Desk` replays the last window's audit rows (sign-ins,
//!   unlocks, staff replies, exports) into the limiters at the times they happened, so
//!   restarting the app, or running `intake-server export` once per process, does not refill
//!   them. A refused attempt is never audited, so it is never replayed either.
//! - The webhook edge ([`EdgeLimiter`]): 1,000 requests a minute per client address (Meta sends
//!   from many addresses, a clinic's traffic is far below this) and 30 failed requests a minute
//!   per client (bad signature, refused verification, oversized body); once a client has spent
//!   its failures, its requests are answered 429 before the signature is computed. A client
//!   is its address (IPv6 by /64); behind our own proxy (loopback or a private address, as the
//!   tunnel is) the last `X-Forwarded-For` entry, the one that proxy appended (`webhook::limit`).
//! - Test suites: `Config::fast_for_tests` takes [`LimitPolicy::generous_for_tests`] (they sign
//!   in many times at one frozen instant); tests of a limit set their own numbers.
//! - Patient floods stay where they were: `ingest::FloodGuard` (30 messages a minute per sender
//!   with a burst of 20) stores and flags messages beyond the budget instead of refusing them,
//!   because Meta packs many patients into one POST and no patient's message may be lost. Its
//!   numbers are part of [`LimitPolicy`] so they are configured with the others.
mod edge;
mod history;
mod words;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::Clock as _;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{NotUntil, Quota, RateLimiter};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::clock::{Clock, RateClock};
use crate::ingest::FloodLimit;
use crate::store::StoreError;
use crate::Error;

pub use edge::{EdgeLimiter, Refusal, Usage};
pub use words::{rate_in_words, wait_in_words};

/// "`count` per `per`": `count` may come at once, then one more every `per / count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub per: Duration,
}

const fn non_zero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

impl Rate {
    pub const fn per_minute(count: u32) -> Self {
        Self {
            count: non_zero(count),
            per: Duration::from_secs(60),
        }
    }

    pub const fn per_hour(count: u32) -> Self {
        Self {
            count: non_zero(count),
            per: Duration::from_secs(3600),
        }
    }

    /// How long one unit takes to come back.
    pub fn interval(&self) -> Duration {
        (self.per / self.count.get()).max(Duration::from_nanos(1))
    }

    pub(crate) fn quota(&self) -> Quota {
        Quota::with_period(self.interval())
            .unwrap_or_else(|| Quota::per_second(self.count))
            .allow_burst(self.count)
    }
}

/// Every limit's numbers in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitPolicy {
    /// Sign-in and unlock attempts on this computer, whatever the username.
    pub sign_in_per_computer: Rate,
    /// Sign-in and unlock attempts for one username (existing or not).
    pub sign_in_per_username: Rate,
    /// Replies one staff member sends from the inbox.
    pub staff_replies: Rate,
    /// Exports one staff member makes.
    pub exports: Rate,
    /// Requests to the webhook edge from one client address.
    pub webhook_requests: Rate,
    /// Failed requests (bad signature, refused verification, oversized body) from one client
    /// address, after which its requests are refused before the signature is computed.
    pub webhook_failures: Rate,
    /// Messages one patient number may send before further ones are stored but not answered.
    pub sender_flood: FloodLimit,
}

impl Default for LimitPolicy {
    fn default() -> Self {
        Self {
            sign_in_per_computer: Rate::per_minute(20),
            sign_in_per_username: Rate::per_minute(10),
            staff_replies: Rate::per_minute(30),
            exports: Rate::per_hour(20),
            webhook_requests: Rate::per_minute(1000),
            webhook_failures: Rate::per_minute(30),
            sender_flood: FloodLimit::default(),
        }
    }
}

impl LimitPolicy {
    /// Desk budgets out of the way (10,000 each) for test suites that sign in, reply or export
    /// many times at one frozen instant; the edge and flood limits keep their defaults. Tests
    /// of a limit set its numbers themselves.
    pub fn generous_for_tests() -> Self {
        Self {
            sign_in_per_computer: Rate::per_minute(10_000),
            sign_in_per_username: Rate::per_minute(10_000),
            staff_replies: Rate::per_minute(10_000),
            exports: Rate::per_hour(10_000),
            ..Self::default()
        }
    }

    /// Small budgets, so a test reaches each limit in a few calls: 3 sign-ins a minute per
    /// computer, 2 per username, 2 replies a minute, 2 exports an hour, 5 webhook requests and
    /// 2 failures a minute per client. The patient flood limit keeps its default.
    pub fn tight_for_tests() -> Self {
        Self {
            sign_in_per_computer: Rate::per_minute(3),
            sign_in_per_username: Rate::per_minute(2),
            staff_replies: Rate::per_minute(2),
            exports: Rate::per_hour(2),
            webhook_requests: Rate::per_minute(5),
            webhook_failures: Rate::per_minute(2),
            sender_flood: FloodLimit::default(),
        }
    }
}

/// How the sign-in budget knows a typed username: a short hash of the trimmed, lower-cased
/// name (the audit log's fingerprint for unknown usernames), since people sometimes type their
/// password into the username box.
pub(crate) fn username_key(name: &str) -> String {
    hex::encode(&Sha256::digest(name.trim().to_lowercase().as_bytes())[..6])
}

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, RateClock, NoOpMiddleware<Nanos>>;
type Direct = RateLimiter<NotKeyed, InMemoryState, RateClock, NoOpMiddleware<Nanos>>;

/// Above this many remembered usernames, those whose budget is full again are forgotten (the
/// per-username budget is keyed by whatever is typed, so its map must not grow without end).
const FORGET_ABOVE: usize = 10_000;

/// The desk's limiters; one per `Desk`, memory only, refilled from the audit log at start.
pub struct Limits {
    policy: LimitPolicy,
    clock: RateClock,
    sign_in_all: Direct,
    sign_in_user: Keyed,
    replies: Keyed,
    exports: Keyed,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("policy", &self.policy)
            .finish()
    }
}

impl Limits {
    /// Limiters for `policy`, with the budgets the audit log says were spent in the last
    /// window (see `history`).
    pub(crate) fn new(
        policy: LimitPolicy,
        clock: Arc<dyn Clock>,
        conn: &Connection,
    ) -> Result<Self, StoreError> {
        let replay = Arc::new(history::ReplayClock::new(clock));
        let clock = RateClock(replay.clone());
        let keyed = |rate: Rate| RateLimiter::dashmap_with_clock(rate.quota(), clock.clone());
        let limits = Self {
            policy,
            sign_in_all: RateLimiter::direct_with_clock(
                policy.sign_in_per_computer.quota(),
                clock.clone(),
            ),
            sign_in_user: keyed(policy.sign_in_per_username),
            replies: keyed(policy.staff_replies),
            exports: keyed(policy.exports),
            clock,
        };
        // Only here, before the limits are shared, does the replay clock point into the past.
        history::replay(&limits, &replay, conn)?;
        Ok(limits)
    }

    pub fn policy(&self) -> &LimitPolicy {
        &self.policy
    }

    fn wait(&self, refused: &NotUntil<Nanos>) -> Duration {
        refused.wait_time_from(self.clock.now())
    }

    /// One sign-in (or unlock) attempt for `username`; call before anything else is done.
    pub(crate) fn sign_in(&self, username: &str) -> Result<(), Error> {
        if self.sign_in_user.len() > FORGET_ABOVE {
            self.sign_in_user.retain_recent();
            self.sign_in_user.shrink_to_fit();
        }
        if let Err(no) = self.sign_in_user.check_key(&username_key(username)) {
            tracing::warn!("sign-in refused: too many attempts for one username");
            return Err(refused("rate_limited.login", self.wait(&no), |w| {
                format!("Too many sign-in attempts for this username. Wait {w} and try again.")
            }));
        }
        if let Err(no) = self.sign_in_all.check() {
            tracing::warn!("sign-in refused: too many attempts on this computer");
            return Err(refused("rate_limited.login", self.wait(&no), |w| {
                format!("Too many sign-in attempts on this computer. Wait {w} and try again.")
            }));
        }
        Ok(())
    }

    /// One reply by `actor`; call after the reply was found fit to send, before it is queued.
    pub(crate) fn staff_reply(&self, actor: &Actor) -> Result<(), Error> {
        let rate = self.policy.staff_replies;
        self.replies
            .check_key(&actor.audit_name())
            .map_err(|no| {
                refused("rate_limited.send", self.wait(&no), |w| {
                    format!(
                        "Your reply was not sent: each person can send {} replies {}. It is still in the box; send it again in {w}.",
                        rate.count,
                        rate_in_words(rate.per)
                    )
                })
            })
    }

    /// One export by `actor`; call when the export is about to write its file.
    pub(crate) fn export(&self, actor: &Actor) -> Result<(), Error> {
        let rate = self.policy.exports;
        self.exports.check_key(&actor.audit_name()).map_err(|no| {
            refused("rate_limited.export", self.wait(&no), |w| {
                format!(
                    "No export was made: each person can export {} times {}. Try again in {w}.",
                    rate.count,
                    rate_in_words(rate.per)
                )
            })
        })
    }
}

fn refused(code: &'static str, wait: Duration, message: impl Fn(&str) -> String) -> Error {
    let wait = words::whole_seconds(wait);
    Error::RateLimited {
        code,
        message: message(&wait_in_words(wait)),
        retry_after_ms: i64::try_from(wait.as_millis()).unwrap_or(i64::MAX),
    }
}
