//! The real tunnel: ngrok's agent SDK in-process. Kept thin, because nothing here can run
//! without ngrok's cloud; what can be tested without it (the error mapping) is tested below.
//!
//! One deliberate change from the SDK's defaults: it never reconnects by itself. Its own loop
//! retries with delays of 50 ms, 2.5 s, 125 s, 104 min … (tokio-retry's `from_millis(50)` is
//! 50^n ms) and says nothing while it does, so after a short outage the clinic could be
//! offline for hours while the app looked fine. Instead the connector refuses every reconnect,
//! the session ends, and `TunnelManager` reconnects with its own visible, capped backoff. With
//! a static domain the address stays the same; without one each new session gets a new one
//! (shown in `online { url }`).
use std::sync::{Arc, Once};
use std::time::Duration;

use ngrok::config::ForwarderBuilder;
use ngrok::forwarder::Forwarder;
use ngrok::prelude::TunnelCloser;
use ngrok::prelude::{EndpointInfo, Error as _};
use ngrok::session::{ConnectError, IoStream, RpcError};
use ngrok::tunnel::{AcceptError, HttpTunnel};
use ngrok::Session;
use secrecy::ExposeSecret;
use url::Url;

use super::{BoxFuture, Live, OpenRequest, Tunnel, TunnelError};

#[derive(Debug, Default, Clone, Copy)]
pub struct NgrokTunnel;

impl NgrokTunnel {
    pub fn new() -> Self {
        Self
    }
}

impl Tunnel for NgrokTunnel {
    fn open<'a>(
        &'a self,
        req: &'a OpenRequest,
    ) -> BoxFuture<'a, Result<Box<dyn Live>, TunnelError>> {
        Box::pin(open(req))
    }
}

async fn open(req: &OpenRequest) -> Result<Box<dyn Live>, TunnelError> {
    let to = Url::parse(&format!("http://{}", req.forward_to)).map_err(|_| TunnelError::Other {
        ngrok_code: None,
        what: "the local webhook address is not a URL",
    })?;
    use_ring_for_tls();
    let session = Session::builder()
        .authtoken(req.authtoken.expose_secret())
        .client_info("intake-desk", env!("CARGO_PKG_VERSION"), None::<String>)
        .connector(connect_without_reconnect)
        .connect()
        .await
        .map_err(|e| from_connect(&e))?;
    let mut endpoint = session.http_endpoint();
    if let Some(domain) = &req.domain {
        endpoint.domain(domain.as_str());
    }
    let forwarder = match endpoint.listen_and_forward(to).await {
        Ok(f) => f,
        Err(e) => {
            // Close the session we did open: accounts allow few agent sessions at once, and
            // leftovers would make the retries fail with ERR_NGROK_108.
            let mut session = session;
            let _ = tokio::time::timeout(Duration::from_secs(5), session.close()).await;
            return Err(from_rpc(&e));
        }
    };
    Ok(Box::new(NgrokLive {
        url: forwarder.url().to_owned(),
        forwarder,
        session,
        lost: None,
    }))
}

/// rustls panics when it has to choose between two compiled-in providers; ring is ours, so
/// it is installed as the process default once (a no-op if something already installed one).
fn use_ring_for_tls() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// ngrok's connector, except that a reconnect (`err` is set) is refused; see the module doc.
async fn connect_without_reconnect(
    host: String,
    port: u16,
    tls: Arc<rustls::ClientConfig>,
    err: Option<AcceptError>,
) -> Result<Box<dyn IoStream>, ConnectError> {
    if err.is_some() {
        return Err(ConnectError::Canceled);
    }
    ngrok::session::default_connect(host, port, tls, None).await
}

struct NgrokLive {
    url: String,
    forwarder: Forwarder<HttpTunnel>,
    session: Session,
    /// Set once the forwarding task has ended, so `closed` never polls a finished task.
    lost: Option<TunnelError>,
}

impl Live for NgrokLive {
    fn url(&self) -> &str {
        &self.url
    }

    fn closed(&mut self) -> BoxFuture<'_, TunnelError> {
        Box::pin(async move {
            if let Some(lost) = &self.lost {
                return lost.clone();
            }
            let lost = match self.forwarder.join().await {
                Ok(Err(e)) => from_forward_error(e.as_ref()),
                // The stream ended (tunnel closed from ngrok's side) or the task died.
                Ok(Ok(())) | Err(_) => TunnelError::ConnectionLost,
            };
            self.lost = Some(lost.clone());
            lost
        })
    }

    fn close(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let NgrokLive {
                mut forwarder,
                mut session,
                lost,
                ..
            } = *self;
            if lost.is_none() {
                // Unlisten first, so ngrok frees the domain for the next session at once.
                if let Err(e) = forwarder.close().await {
                    tracing::debug!(error = %from_rpc(&e), "ngrok tunnel close");
                }
            }
            forwarder.join().abort();
            if let Err(e) = session.close().await {
                tracing::debug!(error = %from_rpc(&e), "ngrok session close");
            }
        })
    }
}

/// Why `Session::connect` failed. Only the variant and ngrok's code are used, never the text.
pub(crate) fn from_connect(e: &ConnectError) -> TunnelError {
    match e {
        ConnectError::Tcp(_) => TunnelError::NoNetwork("tcp connection to ngrok failed"),
        ConnectError::Tls(_) => TunnelError::NoNetwork("tls handshake with ngrok failed"),
        ConnectError::ProxyConnect(_) => TunnelError::NoNetwork("proxy connection failed"),
        ConnectError::Auth(rpc) | ConnectError::Rebind(rpc) => from_rpc(rpc),
        ConnectError::Canceled => TunnelError::ConnectionLost,
        _ => match e.error_code() {
            Some(code) => TunnelError::from_ngrok_code(code),
            None => TunnelError::Other {
                ngrok_code: None,
                what: "ngrok session did not start",
            },
        },
    }
}

/// Why an RPC (authenticate, listen) failed.
pub(crate) fn from_rpc(e: &RpcError) -> TunnelError {
    if let Some(code) = e.error_code() {
        return TunnelError::from_ngrok_code(code);
    }
    match e {
        RpcError::Open(_) | RpcError::Transport(_) | RpcError::Send(_) | RpcError::Receive(_) => {
            TunnelError::NoNetwork("connection to ngrok broke during a request")
        }
        _ => TunnelError::Other {
            ngrok_code: None,
            what: "ngrok sent an unexpected answer",
        },
    }
}

/// Why the forwarding task ended: the SDK wraps the tunnel's `AcceptError` in an `io::Error`.
pub(crate) fn from_forward_error(
    e: &(dyn std::error::Error + Send + Sync + 'static),
) -> TunnelError {
    let accept = e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        .and_then(|inner| inner.downcast_ref::<AcceptError>())
        .or_else(|| e.downcast_ref::<AcceptError>());
    match accept {
        Some(AcceptError::Reconnect(c)) => from_connect(c),
        Some(AcceptError::ListenerClosed {
            error_code: Some(code),
            ..
        }) => TunnelError::from_ngrok_code(code),
        _ => TunnelError::ConnectionLost,
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;

    const TOKEN: &str = "2abcTOKENthatMustNeverBeLogged_1234";

    /// ngrok's real RPC error text: the code on its own line, and for 105/107 the token echoed.
    fn rpc(text: &str) -> RpcError {
        RpcError::Response(text.into())
    }

    #[test]
    fn refused_authtokens_are_classified_and_not_echoed() {
        let text = format!(
            "The authtoken you specified is properly formed, but it is invalid.\n\
             Your authtoken: {TOKEN}\nThis usually happens when:\n\nERR_NGROK_107\n"
        );
        let e = from_connect(&ConnectError::Auth(rpc(&text)));
        assert_eq!(e, TunnelError::BadAuthtoken("ERR_NGROK_107".into()));
        assert!(e.is_permanent());
        for shown in [e.to_string(), format!("{e:?}"), e.problem().message] {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }

    #[test]
    fn binding_errors_are_classified() {
        let cases = [
            (
                "You must reserve a custom hostname.\n\nERR_NGROK_319",
                "tunnel.domain_not_reserved",
            ),
            (
                "This domain is reserved for another account.\n\nERR_NGROK_320",
                "tunnel.domain_not_yours",
            ),
            (
                "The endpoint is already online.\n\nERR_NGROK_334",
                "tunnel.domain_in_use",
            ),
            (
                "Your account is limited to 1 simultaneous ngrok agent sessions.\n\nERR_NGROK_108",
                "tunnel.account_limit",
            ),
            ("Something new.\n\nERR_NGROK_99999", "tunnel.failed"),
            ("no code at all", "tunnel.failed"),
        ];
        for (text, want) in cases {
            assert_eq!(from_rpc(&rpc(text)).code(), want, "{text}");
        }
    }

    #[test]
    fn transport_failures_are_no_network() {
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(
            from_connect(&ConnectError::Tcp(refused)).code(),
            "tunnel.no_network"
        );
        let tls = io::Error::other("bad certificate");
        assert_eq!(
            from_connect(&ConnectError::Tls(tls)).code(),
            "tunnel.no_network"
        );
        let recv = RpcError::Receive(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
        assert_eq!(from_rpc(&recv).code(), "tunnel.no_network");
    }

    #[test]
    fn a_dropped_forwarder_is_classified_through_the_io_wrapper() {
        // What `listen_and_forward`'s task returns: io::Error(NotConnected, AcceptError).
        let wrap = |a: AcceptError| -> Box<dyn std::error::Error + Send + Sync> {
            Box::new(io::Error::new(io::ErrorKind::NotConnected, a))
        };
        let cancelled = wrap(AcceptError::Reconnect(Arc::new(ConnectError::Canceled)));
        assert_eq!(
            from_forward_error(cancelled.as_ref()),
            TunnelError::ConnectionLost
        );
        let revoked = wrap(AcceptError::Reconnect(Arc::new(ConnectError::Auth(rpc(
            "revoked\n\nERR_NGROK_300",
        )))));
        assert_eq!(
            from_forward_error(revoked.as_ref()).code(),
            "tunnel.bad_authtoken"
        );
        let stopped = wrap(AcceptError::ListenerClosed {
            message: "stopped".into(),
            error_code: Some("ERR_NGROK_334".into()),
        });
        assert_eq!(
            from_forward_error(stopped.as_ref()).code(),
            "tunnel.domain_in_use"
        );
        let other: Box<dyn std::error::Error + Send + Sync> = Box::new(io::Error::other("x"));
        assert_eq!(
            from_forward_error(other.as_ref()),
            TunnelError::ConnectionLost
        );
    }

    #[tokio::test]
    async fn reconnects_are_left_to_the_manager() {
        use_ring_for_tls();
        let tls = Arc::new(
            rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
        );
        let lost = AcceptError::ListenerClosed {
            message: "gone".into(),
            error_code: None,
        };
        let r = connect_without_reconnect("127.0.0.1".into(), 9, tls, Some(lost)).await;
        assert!(matches!(r, Err(ConnectError::Canceled)));
    }
}
