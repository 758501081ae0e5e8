//! The manager driven through a fake tunnel, on tokio's paused clock (sleeps finish at once, in
//! order, and `Instant` moves exactly by them) and a `ManualClock` for the published retry times.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use tokio::sync::watch;
use tokio::time::Instant;

use super::fake::{FakeOpen, FakeRequest, FakeTunnel};
use super::manager::backoff;
use super::*;
use crate::clock::to_millis;
use crate::{Clock, ManualClock};

const TOKEN: &str = "2good_authtoken_for_tests";

struct Rig {
    fake: FakeTunnel,
    /// The manager's own handle on the tunnel: the worker task holds a clone while it runs, so
    /// the strong count tells whether a task is left.
    tunnel: Arc<FakeTunnel>,
    clock: Arc<ManualClock>,
    manager: TunnelManager,
    states: watch::Receiver<TunnelState>,
}

fn rig(fake: FakeTunnel) -> Rig {
    let clock = Arc::new(ManualClock::at_test_epoch());
    let tunnel = Arc::new(fake.clone());
    let manager = TunnelManager::new(tunnel.clone(), clock.clone());
    let states = manager.subscribe();
    Rig {
        fake,
        tunnel,
        clock,
        manager,
        states,
    }
}

fn local() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8787))
}

fn token(t: &str) -> Option<SecretString> {
    Some(SecretString::from(t.to_owned()))
}

impl Rig {
    /// Starts with the good token; what `start` itself publishes (connecting, or the final
    /// state for own_url/off) is marked seen, so `next` returns what the task does.
    async fn start(&mut self, config: &TunnelConfig) {
        self.manager
            .start(config, token(TOKEN), local())
            .await
            .unwrap();
        self.states.borrow_and_update();
    }

    /// The next published state; fails instead of hanging if none comes within 10 (virtual)
    /// minutes.
    async fn next(&mut self) -> TunnelState {
        tokio::time::timeout(Duration::from_secs(600), self.states.changed())
            .await
            .expect("a state change")
            .expect("manager alive");
        self.states.borrow_and_update().clone()
    }

    /// Whether a worker task still holds the tunnel (this rig and the manager hold two).
    fn task_left(&self) -> bool {
        Arc::strong_count(&self.tunnel) > 2
    }

    fn now_ms(&self) -> i64 {
        to_millis(self.clock.now())
    }
}

fn reconnecting(state: &TunnelState) -> (u32, i64, &str) {
    match state {
        TunnelState::Reconnecting {
            attempt,
            retry_at_ms,
            problem,
        } => (*attempt, *retry_at_ms, problem.code.as_str()),
        other => panic!("expected reconnecting, got {other:?}"),
    }
}

#[test]
fn backoff_doubles_from_one_second_to_a_minute() {
    let secs: Vec<u64> = (1..=9).map(|a| backoff(a).as_secs()).collect();
    assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    assert_eq!(backoff(u32::MAX), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn start_connects_then_goes_online() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::ngrok(Some("Clinic.ngrok-free.app")))
        .await;
    assert_eq!(r.manager.state(), TunnelState::Connecting);
    let online = r.next().await;
    assert_eq!(
        online,
        TunnelState::online("https://fake-clinic.ngrok-free.app")
    );
    assert_eq!(
        online.webhook_url(),
        Some("https://fake-clinic.ngrok-free.app/webhook")
    );
    assert_eq!(
        r.fake.requests(),
        [FakeRequest {
            domain: Some("clinic.ngrok-free.app".into()),
            forward_to: local(),
        }],
        "the validated domain and the local server reach the tunnel"
    );
}

#[tokio::test(start_paused = true)]
async fn a_drop_reconnects_with_backoff_then_comes_back_online() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::ngrok(None)).await;
    assert!(matches!(r.next().await, TunnelState::Online { .. }));
    // The network goes away: the drop and the next two opens fail, the third succeeds.
    r.fake
        .then(FakeOpen::Fail(TunnelError::NoNetwork("down")))
        .then(FakeOpen::Fail(TunnelError::NoNetwork("down")));
    let dropped_at = Instant::now();
    assert!(r.fake.drop_connection(TunnelError::ConnectionLost));

    let s = r.next().await;
    assert_eq!(
        reconnecting(&s),
        (1, r.now_ms() + 1_000, "tunnel.connection_lost")
    );
    let s = r.next().await;
    assert_eq!(
        reconnecting(&s),
        (2, r.now_ms() + 2_000, "tunnel.no_network")
    );
    let s = r.next().await;
    assert_eq!(
        reconnecting(&s),
        (3, r.now_ms() + 4_000, "tunnel.no_network")
    );
    assert!(s.problem().is_some_and(|p| p.message.contains("internet")));
    assert!(matches!(r.next().await, TunnelState::Online { .. }));
    assert_eq!(dropped_at.elapsed(), Duration::from_secs(1 + 2 + 4));
    assert_eq!(r.fake.requests().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_refused_authtoken_fails_with_the_reason_and_is_not_retried() {
    let mut r = rig(FakeTunnel::new().accepting_only(TOKEN));
    r.manager
        .start(&TunnelConfig::ngrok(None), token("2stale_token"), local())
        .await
        .unwrap();
    r.states.borrow_and_update();
    let failed = r.next().await;
    let TunnelState::Failed { problem } = &failed else {
        panic!("expected failed, got {failed:?}");
    };
    assert_eq!(problem.code, "tunnel.bad_authtoken");
    assert!(
        problem.message.contains("dashboard.ngrok.com"),
        "{}",
        problem.message
    );
    assert!(!problem.message.contains("2stale_token"));
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    assert!(!r.task_left(), "the task ended with the failure");
    assert_eq!(r.fake.requests().len(), 1, "no retries");
    assert_eq!(r.manager.state(), failed);
}

#[tokio::test(start_paused = true)]
async fn a_token_revoked_while_running_fails_on_the_reconnect() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::ngrok(None)).await;
    r.next().await;
    r.fake.then(FakeOpen::Fail(TunnelError::from_ngrok_code(
        "ERR_NGROK_300",
    )));
    r.fake.drop_connection(TunnelError::ConnectionLost);
    assert_eq!(reconnecting(&r.next().await).0, 1);
    let failed = r.next().await;
    assert_eq!(
        failed.problem().map(|p| p.code.as_str()),
        Some("tunnel.bad_authtoken")
    );
}

#[tokio::test(start_paused = true)]
async fn an_unreserved_domain_fails_without_retry() {
    let mut r = rig(FakeTunnel::with_default(FakeOpen::Fail(
        TunnelError::from_ngrok_code("ERR_NGROK_319"),
    )));
    r.start(&TunnelConfig::ngrok(Some("typo.ngrok-free.app")))
        .await;
    let failed = r.next().await;
    assert!(matches!(failed, TunnelState::Failed { .. }));
    assert_eq!(
        failed.problem().map(|p| p.code.as_str()),
        Some("tunnel.domain_not_reserved")
    );
}

#[tokio::test(start_paused = true)]
async fn account_limits_are_explained_and_retried() {
    let mut r = rig(FakeTunnel::new());
    r.fake.then(FakeOpen::Fail(TunnelError::from_ngrok_code(
        "ERR_NGROK_108",
    )));
    r.start(&TunnelConfig::ngrok(None)).await;
    let s = r.next().await;
    assert_eq!(reconnecting(&s).2, "tunnel.account_limit");
    assert!(matches!(r.next().await, TunnelState::Online { .. }));
}

#[tokio::test(start_paused = true)]
async fn stop_closes_the_connection_and_leaves_no_task() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::ngrok(None)).await;
    r.next().await;
    assert_eq!(r.fake.live_connections(), 1);
    assert!(r.task_left());
    r.manager.stop().await;
    assert!(!r.task_left());
    assert_eq!(r.manager.state(), TunnelState::Off);
    assert_eq!(r.fake.closed_cleanly(), 1);
    assert_eq!(r.fake.live_connections(), 0);
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    assert_eq!(
        r.fake.requests().len(),
        1,
        "nothing reconnects after a stop"
    );
}

#[tokio::test(start_paused = true)]
async fn stop_during_backoff_cancels_the_retry() {
    let mut r = rig(FakeTunnel::with_default(FakeOpen::Fail(
        TunnelError::NoNetwork("down"),
    )));
    r.start(&TunnelConfig::ngrok(None)).await;
    assert_eq!(reconnecting(&r.next().await).0, 1);
    r.manager.stop().await;
    assert!(!r.task_left());
    assert_eq!(r.manager.state(), TunnelState::Off);
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    assert_eq!(r.fake.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_new_start_replaces_the_old_session() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::ngrok(Some("a.ngrok.app"))).await;
    r.next().await;
    r.fake.then(FakeOpen::Online("https://b.ngrok.app".into()));
    r.start(&TunnelConfig::ngrok(Some("b.ngrok.app"))).await;
    assert_eq!(
        r.fake.closed_cleanly(),
        1,
        "the old session was closed first"
    );
    let online = loop {
        if let s @ TunnelState::Online { .. } = r.next().await {
            break s;
        }
    };
    assert_eq!(online, TunnelState::online("https://b.ngrok.app"));
    let domains: Vec<_> = r.fake.requests().into_iter().map(|q| q.domain).collect();
    assert_eq!(
        domains,
        [Some("a.ngrok.app".into()), Some("b.ngrok.app".into())]
    );
    assert_eq!(r.fake.live_connections(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_stayed_up_starts_the_backoff_again() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::ngrok(None)).await;
    r.next().await;
    // Flapping: dropped as soon as it is up, twice; the backoff keeps growing.
    r.fake.drop_connection(TunnelError::ConnectionLost);
    assert_eq!(reconnecting(&r.next().await).0, 1);
    r.next().await;
    r.fake.drop_connection(TunnelError::ConnectionLost);
    assert_eq!(reconnecting(&r.next().await).0, 2);
    r.next().await;
    // Up for two minutes, then dropped: back to the first step.
    tokio::time::sleep(Duration::from_secs(120)).await;
    r.fake.drop_connection(TunnelError::ConnectionLost);
    assert_eq!(reconnecting(&r.next().await).0, 1);
}

#[tokio::test(start_paused = true)]
async fn own_url_is_online_at_once_and_off_is_off() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::own_url(
        "https://Intake.Example.org/webhook/",
    ))
    .await;
    assert_eq!(
        r.manager.state(),
        TunnelState::Online {
            url: "https://intake.example.org".into(),
            webhook_url: "https://intake.example.org/webhook".into(),
        }
    );
    r.start(&TunnelConfig::off()).await;
    assert_eq!(r.manager.state(), TunnelState::Off);
    assert!(
        r.fake.requests().is_empty(),
        "no tunnel is opened for either"
    );
}

#[tokio::test(start_paused = true)]
async fn ngrok_without_an_authtoken_fails_with_what_to_do() {
    let r = rig(FakeTunnel::new());
    for missing in [None, token("  ")] {
        r.manager
            .start(&TunnelConfig::ngrok(None), missing, local())
            .await
            .unwrap();
        let problem = r.manager.state().problem().cloned().unwrap();
        assert_eq!(problem.code, "tunnel.no_authtoken");
    }
    assert!(r.fake.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn invalid_settings_are_refused_and_shown() {
    let r = rig(FakeTunnel::new());
    let e = r
        .manager
        .start(
            &TunnelConfig::ngrok(Some("https://x.ngrok.app/")),
            token(TOKEN),
            local(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid.tunnel_domain");
    let shown = r.manager.state();
    assert_eq!(
        shown.problem().map(|p| p.code.as_str()),
        Some("invalid.tunnel_domain")
    );
    assert!(r.fake.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn dropping_the_manager_stops_the_tunnel() {
    let mut r = rig(FakeTunnel::new());
    r.start(&TunnelConfig::ngrok(None)).await;
    r.next().await;
    let fake = r.fake.clone();
    drop(r);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.live_connections(), 0);
    assert_eq!(fake.closed_cleanly(), 1);
}
