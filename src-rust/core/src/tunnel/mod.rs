//! The public HTTPS address Meta calls: an ngrok tunnel run inside the app, or the clinic's own
//! address (a reverse proxy or another tunnel) that the app only needs to know.
//!
//! ```text
//! TunnelManager::start(config, authtoken, 127.0.0.1:<webhook port>)
//!   off      → Off
//!   own_url  → Online { url }                       (nothing to run)
//!   ngrok    → Connecting → Online { url } ─ drop ─▶ Reconnecting { attempt, retryAtMs, problem }
//!                 │                                   └─ backoff 1 s, 2 s, 4 s … 60 s ─▶ Online
//!                 └─ bad authtoken / domain not reserved ─▶ Failed { problem }   (no retry)
//! ```
//! The tunnel itself sits behind [`Tunnel`] / [`Live`] so the manager is tested with
//! [`fake::FakeTunnel`]; [`ngrok::NgrokTunnel`] is the real one. Meta's callback URL is the
//! public URL plus `/webhook` ([`webhook_url`]).
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use secrecy::SecretString;

mod config;
mod error;
pub mod fake;
mod manager;
pub mod ngrok;
mod state;
#[cfg(test)]
mod tests;

pub use config::{TunnelConfig, TunnelMode};
pub use error::TunnelError;
pub use manager::TunnelManager;
pub use state::{TunnelProblem, TunnelState};

/// The path the webhook edge serves Meta on (see `crate::webhook`).
pub const WEBHOOK_PATH: &str = "/webhook";

/// Meta's callback URL for a public base URL (which has no trailing slash once normalised).
pub fn webhook_url(public_url: &str) -> String {
    format!("{}{WEBHOOK_PATH}", public_url.trim_end_matches('/'))
}

/// A boxed, sendable future: keeps [`Tunnel`] and [`Live`] object safe without `async_trait`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a tunnel needs to open. The authtoken stays a `SecretString` until the ngrok SDK takes
/// it, so it is redacted in `Debug` and wiped when the request is dropped.
#[derive(Debug)]
pub struct OpenRequest {
    pub authtoken: SecretString,
    /// The clinic's static ngrok domain (validated hostname), or `None` for one ngrok assigns.
    pub domain: Option<String>,
    /// The in-process webhook server, normally `127.0.0.1:<port>`.
    pub forward_to: SocketAddr,
}

/// Something that can open a public HTTPS endpoint forwarding to a local address.
pub trait Tunnel: Send + Sync {
    /// Opens one session; the error says why not, already classified for staff.
    fn open<'a>(
        &'a self,
        req: &'a OpenRequest,
    ) -> BoxFuture<'a, Result<Box<dyn Live>, TunnelError>>;
}

/// One open connection.
pub trait Live: Send {
    /// The public base URL, e.g. `https://clinic.ngrok-free.app`.
    fn url(&self) -> &str;
    /// Resolves when the connection is lost, with the reason. Called at most once.
    fn closed(&mut self) -> BoxFuture<'_, TunnelError>;
    /// A clean stop: tells the far side the endpoint is going away and releases everything.
    fn close(self: Box<Self>) -> BoxFuture<'static, ()>;
}
