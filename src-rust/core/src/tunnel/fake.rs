//! A scripted stand-in for ngrok's cloud, which tests (and the end-to-end app run, which has no
//! internet) cannot reach. Public for the same reason `ManualClock` is: integration tests and
//! simulations drive the real `TunnelManager` with it.
//!
//! Each `open` takes the next scripted result (then the default). In [`FakeOpen::Proxy`] mode
//! the fake's "public side" is a loopback listener that forwards raw bytes to the request's
//! `forward_to`, as ngrok's edge does, so a webhook POSTed to the fake URL reaches the real
//! webhook server.
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use secrecy::ExposeSecret;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use super::{BoxFuture, Live, OpenRequest, Tunnel, TunnelError};

/// What the next `open` does.
#[derive(Debug, Clone)]
pub enum FakeOpen {
    /// Online at this URL; nothing is forwarded.
    Online(String),
    /// Online at `http://127.0.0.1:<port>`, forwarding every connection to `forward_to`.
    Proxy,
    /// Fails with this error.
    Fail(TunnelError),
}

/// What the fake was asked to open (without the authtoken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeRequest {
    pub domain: Option<String>,
    pub forward_to: SocketAddr,
}

#[derive(Default)]
struct Inner {
    script: VecDeque<FakeOpen>,
    default: Option<FakeOpen>,
    /// When set, any other authtoken is refused with ERR_NGROK_107, as ngrok does.
    accepted_authtoken: Option<String>,
    requests: Vec<FakeRequest>,
    /// One per live connection, newest last: sending drops that connection.
    drops: Vec<oneshot::Sender<TunnelError>>,
    closed_cleanly: usize,
}

#[derive(Clone, Default)]
pub struct FakeTunnel {
    inner: Arc<Mutex<Inner>>,
}

impl FakeTunnel {
    /// Online at `https://fake-clinic.ngrok-free.app` on every open.
    pub fn new() -> Self {
        Self::with_default(FakeOpen::Online(
            "https://fake-clinic.ngrok-free.app".into(),
        ))
    }

    pub fn with_default(default: FakeOpen) -> Self {
        let fake = Self::default();
        fake.lock().default = Some(default);
        fake
    }

    /// Refuse every authtoken but this one with ngrok's "invalid authtoken" (ERR_NGROK_107).
    pub fn accepting_only(self, authtoken: &str) -> Self {
        self.lock().accepted_authtoken = Some(authtoken.to_owned());
        self
    }

    /// The result of the next `open` not yet scripted.
    pub fn then(&self, next: FakeOpen) -> &Self {
        self.lock().script.push_back(next);
        self
    }

    /// Drops the newest live connection (as a network loss or ngrok's side would). False when
    /// nothing is connected.
    pub fn drop_connection(&self, reason: TunnelError) -> bool {
        let mut inner = self.lock();
        while let Some(tx) = inner.drops.pop() {
            if tx.send(reason.clone()).is_ok() {
                return true;
            }
        }
        false
    }

    /// Every `open` so far, oldest first.
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.lock().requests.clone()
    }

    /// How many live connections were closed with `close()` (a clean stop).
    pub fn closed_cleanly(&self) -> usize {
        self.lock().closed_cleanly
    }

    /// Live connections not yet dropped or closed.
    pub fn live_connections(&self) -> usize {
        self.lock().drops.iter().filter(|d| !d.is_closed()).count()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock is a failing test already; keep the state usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn open_now(&self, req: &OpenRequest) -> Result<Box<dyn Live>, TunnelError> {
        let next = {
            let mut inner = self.lock();
            inner.requests.push(FakeRequest {
                domain: req.domain.clone(),
                forward_to: req.forward_to,
            });
            let refused = inner
                .accepted_authtoken
                .as_deref()
                .is_some_and(|ok| ok != req.authtoken.expose_secret());
            if refused {
                return Err(TunnelError::from_ngrok_code("ERR_NGROK_107"));
            }
            match inner.script.pop_front().or_else(|| inner.default.clone()) {
                Some(next) => next,
                None => FakeOpen::Fail(TunnelError::NoNetwork("fake has no script")),
            }
        };
        let (url, proxy) = match next {
            FakeOpen::Fail(e) => return Err(e),
            FakeOpen::Online(url) => (url, None),
            FakeOpen::Proxy => {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .map_err(|_| TunnelError::NoNetwork("fake could not listen"))?;
                let addr = listener
                    .local_addr()
                    .map_err(|_| TunnelError::NoNetwork("fake could not listen"))?;
                let proxy = tokio::spawn(forward_all(listener, req.forward_to));
                (format!("http://{addr}"), Some(proxy))
            }
        };
        let (tx, rx) = oneshot::channel();
        self.lock().drops.push(tx);
        Ok(Box::new(FakeLive {
            url,
            dropped: Some(rx),
            proxy,
            owner: self.clone(),
        }))
    }
}

impl Tunnel for FakeTunnel {
    fn open<'a>(
        &'a self,
        req: &'a OpenRequest,
    ) -> BoxFuture<'a, Result<Box<dyn Live>, TunnelError>> {
        Box::pin(self.open_now(req))
    }
}

/// The edge: every accepted connection is piped to the local server until either side closes.
/// The pipes live in a `JoinSet`, so aborting this task also cuts open (keep-alive)
/// connections, as a dropped ngrok session does.
async fn forward_all(listener: TcpListener, to: SocketAddr) {
    let mut pipes = JoinSet::new();
    while let Ok((mut public, _)) = listener.accept().await {
        pipes.spawn(async move {
            if let Ok(mut local) = TcpStream::connect(to).await {
                let _ = tokio::io::copy_bidirectional(&mut public, &mut local).await;
            }
        });
        // Reap finished pipes so a long test does not accumulate them.
        while pipes.try_join_next().is_some() {}
    }
}

struct FakeLive {
    url: String,
    dropped: Option<oneshot::Receiver<TunnelError>>,
    proxy: Option<JoinHandle<()>>,
    owner: FakeTunnel,
}

impl Live for FakeLive {
    fn url(&self) -> &str {
        &self.url
    }

    fn closed(&mut self) -> BoxFuture<'_, TunnelError> {
        Box::pin(async move {
            // Borrowed, not taken: if this wait is abandoned (a stop), `close` still sees the
            // connection as open.
            let reason = match self.dropped.as_mut() {
                // The fake itself going away counts as a lost connection.
                Some(rx) => rx.await.unwrap_or(TunnelError::ConnectionLost),
                None => std::future::pending().await,
            };
            self.dropped = None;
            // A dropped tunnel stops forwarding at once, like ngrok's edge.
            stop_proxy(self.proxy.take()).await;
            reason
        })
    }

    fn close(mut self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            stop_proxy(self.proxy.take()).await;
            // Dropping the receiver marks this connection gone in `live_connections`.
            if self.dropped.take().is_some() {
                self.owner.lock().closed_cleanly += 1;
            }
        })
    }
}

/// Aborts the public side and waits until its listener is really closed, so a request right
/// after a stop or drop is refused rather than racing the abort.
async fn stop_proxy(proxy: Option<JoinHandle<()>>) {
    if let Some(p) = proxy {
        p.abort();
        let _ = p.await;
    }
}

impl Drop for FakeLive {
    fn drop(&mut self) {
        if let Some(p) = self.proxy.take() {
            p.abort();
        }
    }
}
