//! Per-client budgets at the edge (`limits::EdgeLimiter`), as an axum middleware around every
//! route: 429 with `Retry-After` when a client is over its budget, `X-RateLimit-Limit`,
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until the budget is full again) on
//! every answer. A 429 to a genuine message from Meta costs only delay: Meta retries any answer
//! that is not 200, with back-off, for up to 7 days. The signature check stays in the handler;
//! this layer only counts its failures.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::limits::{EdgeLimiter, Refusal, Usage};

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
/// The longest `X-Forwarded-For` read; anything longer is not from our own proxy.
const MAX_FORWARDED: usize = 1024;

/// A proxy on this machine or the local network: the ngrok tunnel forwards from loopback, a
/// clinic's own reverse proxy or a container network from a private address.
fn is_proxy(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_loopback() || v4.is_private(),
            // Loopback, or a unique local address (fc00::/7).
            None => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
        },
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_entry(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// Who a request is counted against. Behind a proxy of our own the address that proxy saw is
/// the LAST `X-Forwarded-For` entry (each proxy appends the peer it saw; entries before it
/// are whatever the client chose to send, so trusting the first would let anyone pick a fresh
/// budget per request). Without the connection's address (a server started without connect
/// info), every request shares one budget.
pub(super) fn client_of(peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
    let Some(peer) = peer else {
        return IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    };
    if !is_proxy(peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= MAX_FORWARDED)
        .and_then(|v| v.rsplit(',').next())
        .and_then(parse_entry)
        .unwrap_or(peer)
}

fn set_usage(headers: &mut HeaderMap, usage: Usage) {
    headers.insert(LIMIT, HeaderValue::from(usage.limit));
    headers.insert(REMAINING, HeaderValue::from(usage.remaining));
    headers.insert(RESET, HeaderValue::from(usage.reset_secs));
}

fn too_many(refusal: Refusal) -> Response {
    let mut res = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(serde_json::json!({ "error": "too many requests" })),
    )
        .into_response();
    let headers = res.headers_mut();
    headers.insert(
        axum::http::header::RETRY_AFTER,
        HeaderValue::from(refusal.retry_after_secs),
    );
    set_usage(headers, refusal.usage);
    res
}

/// What counts as a failed request: one the edge refused for its signature, its verify token
/// or its size (the kinds a stranger can send; Meta's own never fail this way once set up).
fn failed(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::PAYLOAD_TOO_LARGE
    )
}

pub(super) async fn guard(
    State(limiter): State<Arc<EdgeLimiter>>,
    req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = client_of(peer, req.headers());
    let usage = match limiter.admit(client) {
        Ok(usage) => usage,
        Err(refusal) => return too_many(refusal),
    };
    let mut res = next.run(req).await;
    if failed(res.status()) {
        if let Some(refusal) = limiter.failed(client) {
            return too_many(refusal);
        }
    }
    set_usage(res.headers_mut(), usage);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_public_peer_is_the_client_whatever_it_claims() {
        let h = headers(&["10.0.0.1"]);
        assert_eq!(client_of(Some(ip("203.0.113.9")), &h), ip("203.0.113.9"));
    }

    #[test]
    fn behind_our_proxy_the_last_forwarded_address_counts() {
        let local = Some(ip("127.0.0.1"));
        assert_eq!(client_of(local, &headers(&[])), ip("127.0.0.1"));
        assert_eq!(
            client_of(local, &headers(&["198.51.100.7"])),
            ip("198.51.100.7")
        );
        // A client-supplied first entry is not trusted; the proxy's own (last) is.
        assert_eq!(
            client_of(local, &headers(&["1.1.1.1, 2.2.2.2,198.51.100.7"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_of(local, &headers(&["1.1.1.1", "198.51.100.7"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_of(Some(ip("192.168.1.20")), &headers(&["[2001:db8::1]:443"])),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_of(Some(ip("::1")), &headers(&["198.51.100.7:5555"])),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn hostile_forwarded_headers_fall_back_to_the_peer() {
        let local = Some(ip("127.0.0.1"));
        for bad in [
            "",
            ",",
            "unknown",
            "198.51.100.7, ",
            "999.1.1.1",
            "198.51.100.7\u{7f}",
            "; DROP TABLE",
            "[::1",
        ] {
            let Ok(v) = HeaderValue::from_str(bad) else {
                continue;
            };
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", v);
            assert_eq!(client_of(local, &h), ip("127.0.0.1"), "{bad:?}");
        }
        let long = format!("{}198.51.100.7", "1.1.1.1,".repeat(200));
        assert_eq!(client_of(local, &headers(&[&long])), ip("127.0.0.1"));
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes("é198.51.100.7".as_bytes()).unwrap(),
        );
        assert_eq!(client_of(local, &h), ip("127.0.0.1"), "not visible ASCII");
    }

    #[test]
    fn no_connection_address_means_one_shared_budget() {
        assert_eq!(
            client_of(None, &headers(&["198.51.100.7"])),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
    }

    #[test]
    fn which_answers_are_failures() {
        assert!(failed(StatusCode::UNAUTHORIZED));
        assert!(failed(StatusCode::FORBIDDEN));
        assert!(failed(StatusCode::PAYLOAD_TOO_LARGE));
        for ok in [
            StatusCode::OK,
            StatusCode::BAD_REQUEST,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::NOT_FOUND,
        ] {
            assert!(!failed(ok), "{ok}");
        }
    }
}
