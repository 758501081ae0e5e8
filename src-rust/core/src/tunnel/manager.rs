//! Runs one tunnel at a time: opens it, publishes its state, reconnects with backoff when it
//! drops, and stops it cleanly. The state lives in a `watch` channel so the UI, the health
//! panel and the setup screen all see the same value without polling.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{oneshot, watch, Mutex};
use tokio::task::JoinHandle;

use super::{Live, OpenRequest, Tunnel, TunnelConfig, TunnelError, TunnelMode, TunnelState};
use crate::{Clock, Result};

/// First retry after 1 s, doubling to at most 60 s: quick after a blip, and no hammering of
/// ngrok (or of a clinic's metered connection) during a long outage.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(60);
/// A connection that stayed up this long starts the backoff again from 1 s when it drops; one
/// that keeps dropping sooner keeps backing off.
const STABLE_AFTER: Duration = Duration::from_secs(60);
/// A clean close tells ngrok the endpoint is gone (so a restart can bind the same domain at
/// once), but on a dead network it would hang: give it this long.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The delay before retry number `attempt` (1-based).
pub(crate) fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    FIRST_RETRY.saturating_mul(1u32 << doublings).min(MAX_RETRY)
}

struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    /// Asks the task to close its connection and waits for it; a task that does not finish
    /// in time is aborted, so no task outlives a stop.
    async fn finish(mut self) {
        let _ = self.stop.send(());
        if tokio::time::timeout(CLOSE_TIMEOUT * 2, &mut self.task)
            .await
            .is_err()
        {
            tracing::warn!("tunnel task did not stop in time; aborted");
            self.task.abort();
            let _ = self.task.await;
        }
    }
}

pub struct TunnelManager {
    tunnel: Arc<dyn Tunnel>,
    clock: Arc<dyn Clock>,
    state: watch::Sender<TunnelState>,
    running: Mutex<Option<Running>>,
}

impl TunnelManager {
    pub fn new(tunnel: Arc<dyn Tunnel>, clock: Arc<dyn Clock>) -> Self {
        Self {
            tunnel,
            clock,
            state: watch::Sender::new(TunnelState::Off),
            running: Mutex::new(None),
        }
    }

    /// The manager over the real ngrok SDK.
    pub fn with_ngrok(clock: Arc<dyn Clock>) -> Self {
        Self::new(Arc::new(super::ngrok::NgrokTunnel::new()), clock)
    }

    /// A receiver that sees every state change (for the UI and health panel).
    pub fn subscribe(&self) -> watch::Receiver<TunnelState> {
        self.state.subscribe()
    }

    pub fn state(&self) -> TunnelState {
        self.state.borrow().clone()
    }

    /// Starts (or restarts) the public address for `config`, replacing whatever ran before.
    /// `authtoken` is needed in ngrok mode only; `forward_to` is the local webhook server.
    /// Returns once the state is `connecting` (ngrok), `online` (own_url) or `off`; follow
    /// [`subscribe`](Self::subscribe) for the rest. Invalid settings are an error (and the
    /// state says `failed`, so a start at launch shows why too).
    pub async fn start(
        &self,
        config: &TunnelConfig,
        authtoken: Option<SecretString>,
        forward_to: SocketAddr,
    ) -> Result<()> {
        let mut running = self.running.lock().await;
        if let Some(old) = running.take() {
            old.finish().await;
        }
        let config = match config.validated() {
            Ok(c) => c,
            Err(e) => {
                let body = e.body();
                self.state.send_replace(TunnelState::Failed {
                    problem: super::TunnelProblem {
                        code: body.code,
                        message: body.message,
                    },
                });
                return Err(e);
            }
        };
        match config.mode {
            TunnelMode::Off => {
                self.state.send_replace(TunnelState::Off);
            }
            TunnelMode::OwnUrl => {
                let url = config.public_url.unwrap_or_default();
                tracing::info!(%url, "public address set to the clinic's own URL");
                self.state.send_replace(TunnelState::online(&url));
            }
            TunnelMode::Ngrok => {
                let Some(authtoken) = authtoken.filter(|t| !t.expose_secret().trim().is_empty())
                else {
                    tracing::warn!("ngrok tunnel not started: no authtoken saved");
                    self.state.send_replace(TunnelState::Failed {
                        problem: TunnelError::MissingAuthtoken.problem(),
                    });
                    return Ok(());
                };
                let req = OpenRequest {
                    authtoken,
                    domain: config.domain,
                    forward_to,
                };
                self.state.send_replace(TunnelState::Connecting);
                let (stop, stopped) = oneshot::channel();
                let worker = Worker {
                    tunnel: self.tunnel.clone(),
                    clock: self.clock.clone(),
                    state: self.state.clone(),
                };
                let task = tokio::spawn(worker.run(req, stopped));
                *running = Some(Running { stop, task });
            }
        }
        Ok(())
    }

    /// Stops the tunnel (closing the ngrok session cleanly) and reports `off`. Call on quit.
    pub async fn stop(&self) {
        let mut running = self.running.lock().await;
        if let Some(old) = running.take() {
            old.finish().await;
            tracing::info!("tunnel stopped");
        }
        self.state.send_replace(TunnelState::Off);
    }
}

/// The background half: owns the open request (and so the authtoken) for as long as it runs.
struct Worker {
    tunnel: Arc<dyn Tunnel>,
    clock: Arc<dyn Clock>,
    state: watch::Sender<TunnelState>,
}

impl Worker {
    async fn run(self, req: OpenRequest, mut stop: oneshot::Receiver<()>) {
        let mut attempt: u32 = 0;
        loop {
            // `stop` also resolves when the manager is dropped (its sender goes away).
            let opened = tokio::select! {
                opened = self.tunnel.open(&req) => opened,
                _ = &mut stop => return,
            };
            let problem = match opened {
                Ok(mut live) => {
                    let url = live.url().to_owned();
                    tracing::info!(%url, "ngrok tunnel online");
                    self.state.send_replace(TunnelState::online(&url));
                    let up_since = tokio::time::Instant::now();
                    tokio::select! {
                        lost = live.closed() => {
                            close(live).await;
                            if up_since.elapsed() >= STABLE_AFTER {
                                attempt = 0;
                            }
                            lost
                        }
                        _ = &mut stop => {
                            close(live).await;
                            return;
                        }
                    }
                }
                Err(e) => e,
            };
            if problem.is_permanent() {
                tracing::warn!(error = %problem, "ngrok tunnel failed; not retrying");
                self.state.send_replace(TunnelState::Failed {
                    problem: problem.problem(),
                });
                return;
            }
            attempt = attempt.saturating_add(1);
            let delay = backoff(attempt);
            let retry_at_ms = crate::clock::to_millis(self.clock.now())
                .saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
            tracing::warn!(error = %problem, attempt, delay_s = delay.as_secs(), "ngrok tunnel down; retrying");
            self.state.send_replace(TunnelState::Reconnecting {
                attempt,
                retry_at_ms,
                problem: problem.problem(),
            });
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = &mut stop => return,
            }
        }
    }
}

async fn close(live: Box<dyn Live>) {
    if tokio::time::timeout(CLOSE_TIMEOUT, live.close())
        .await
        .is_err()
    {
        tracing::warn!("closing the ngrok tunnel timed out");
    }
}
