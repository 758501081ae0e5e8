//! The webhook edge's per-client budgets over real HTTP on loopback, served as the app and
//! `intake-server serve` serve it. Clients behind our own proxy (the tunnel forwards from
//! loopback) are told apart by the `X-Forwarded-For` entry the proxy appends.
use intake_core::ingest::FloodLimit;
use intake_core::limits::{LimitPolicy, Rate};
use intake_core::whatsapp::signature::sign;
use reqwest::{Response, StatusCode};

use super::{roomy, Clinic, SECRET, VERIFY};
use crate::wa::{text, webhook_from};

fn header(res: &Response, name: &str) -> String {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// `(X-RateLimit-Limit, -Remaining, -Reset)`.
fn usage(res: &Response) -> (String, String, String) {
    (
        header(res, "x-ratelimit-limit"),
        header(res, "x-ratelimit-remaining"),
        header(res, "x-ratelimit-reset"),
    )
}

fn strs(a: u64, b: u64, c: u64) -> (String, String, String) {
    (a.to_string(), b.to_string(), c.to_string())
}

struct Edge {
    base: String,
    http: reqwest::Client,
}

impl Edge {
    async fn health(&self, client: &str) -> Response {
        self.http
            .get(format!("{}/healthz", self.base))
            .header("X-Forwarded-For", client)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, client: &str, body: Vec<u8>, signature: &str) -> Response {
        self.http
            .post(format!("{}/webhook", self.base))
            .header("X-Forwarded-For", client)
            .header("X-Hub-Signature-256", signature)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn signed(&self, client: &str, body: Vec<u8>) -> Response {
        let sig = sign(SECRET, &body);
        self.post(client, body, &sig).await
    }

    async fn verify(&self, client: &str, token: &str) -> Response {
        self.http
            .get(format!(
                "{}/webhook?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444",
                self.base
            ))
            .header("X-Forwarded-For", client)
            .send()
            .await
            .unwrap()
    }
}

async fn edge(c: &Clinic) -> Edge {
    Edge {
        base: c.serve().await,
        http: reqwest::Client::new(),
    }
}

fn message(c: &Clinic, n: u32) -> Vec<u8> {
    let ts = intake_core::Clock::now(c.clock.as_ref()).timestamp();
    webhook_from("34600111222", &format!("wamid.edge.{n}"), ts, text("Hi"))
}

#[tokio::test(flavor = "multi_thread")]
async fn over_its_budget_a_client_gets_429_with_retry_after_and_rate_limit_headers() {
    let c = Clinic::new(LimitPolicy {
        webhook_requests: Rate::per_minute(5),
        ..roomy()
    });
    let e = edge(&c).await;
    const ONE: &str = "198.51.100.1";
    // Five at once, then one every 12 s; Reset is when all five are back.
    for i in 0..5u64 {
        let res = e.health(ONE).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(usage(&res), strs(5, 4 - i, 12 * (i + 1)));
    }
    let res = e.health(ONE).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&res, "retry-after"), "12");
    assert_eq!(usage(&res), strs(5, 0, 60));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "too many requests");
    // Refused before the handler: a signed message is not stored (Meta will retry it).
    let res = e.signed(ONE, message(&c, 1)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(c.count("SELECT count(*) FROM webhook_payloads"), 0);
    // Another client has its own budget.
    let res = e.signed("198.51.100.2", message(&c, 1)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(usage(&res), strs(5, 4, 12));
    assert_eq!(c.count("SELECT count(*) FROM webhook_payloads"), 1);

    c.advance(11);
    let res = e.health(ONE).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&res, "retry-after"), "1");
    c.advance(1);
    let res = e.health(ONE).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(usage(&res), strs(5, 0, 60));
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_signatures_are_refused_before_the_hmac_while_meta_gets_through() {
    let c = Clinic::new(LimitPolicy {
        webhook_failures: Rate::per_minute(3),
        ..roomy()
    });
    let e = edge(&c).await;
    const MALLORY: &str = "203.0.113.66";
    const META: &str = "198.51.100.9";
    let bad_signatures = || c.desk().edge_health().unwrap().bad_signatures_24h;
    let forged = || (message(&c, 99), "sha256=".to_owned() + &"0".repeat(64));
    for _ in 0..3 {
        let (body, sig) = forged();
        let res = e.post(MALLORY, body, &sig).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(usage(&res).0, "1000", "the request budget's headers");
    }
    assert_eq!(bad_signatures(), 3);
    for _ in 0..20 {
        let (body, sig) = forged();
        let res = e.post(MALLORY, body, &sig).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&res, "retry-after"), "20");
        assert_eq!(usage(&res), strs(3, 0, 60));
    }
    assert_eq!(
        bad_signatures(),
        3,
        "the handler, and so the signature check, never ran for the refused ones"
    );
    // While kept out, even a good signature is not looked at.
    let res = e.signed(MALLORY, message(&c, 1)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(c.count("SELECT count(*) FROM webhook_payloads"), 0);

    // Meta, from another address, is not affected.
    let res = e.signed(META, message(&c, 1)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(usage(&res), strs(1000, 999, 1));
    assert_eq!(c.count("SELECT count(*) FROM inbound_messages"), 1);
    // A signed body that is not JSON is stored and answered 400: not a failure.
    for _ in 0..5 {
        let res = e.signed(META, b"not json".to_vec()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        e.signed(META, message(&c, 2)).await.status(),
        StatusCode::OK
    );

    // Refused verifications spend the same budget.
    const PROBE: &str = "192.0.2.5";
    for _ in 0..3 {
        assert_eq!(
            e.verify(PROBE, "guess").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let res = e.verify(PROBE, VERIFY).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);

    c.advance(20);
    let res = e.signed(MALLORY, message(&c, 3)).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "back once a failure came back"
    );
    let res = e.verify(PROBE, VERIFY).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "1158201444");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_cannot_pick_a_fresh_budget_by_prepending_addresses() {
    let c = Clinic::new(LimitPolicy {
        webhook_requests: Rate::per_minute(2),
        ..roomy()
    });
    let e = edge(&c).await;
    // The proxy appends what it saw (the last entry); the rest is the client's to invent.
    for n in 0..2 {
        let claimed = format!("10.9.9.{n}, 198.51.100.4");
        assert_eq!(e.health(&claimed).await.status(), StatusCode::OK);
    }
    let res = e.health("10.9.9.77, 198.51.100.4").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Garbage in the header falls back to the connection's address, which has its own budget.
    assert_eq!(e.health("not-an-address").await.status(), StatusCode::OK);
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn without_a_proxy_header_clients_are_told_apart_by_their_address() {
    let c = Clinic::new(LimitPolicy {
        webhook_requests: Rate::per_minute(2),
        ..roomy()
    });
    let base = c.serve().await;
    let from = |ip: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(ip))
            .build()
            .unwrap()
    };
    let (one, two) = (from([127, 0, 0, 1]), from([127, 0, 0, 2]));
    let url = format!("{base}/healthz");
    for _ in 0..2 {
        assert_eq!(one.get(&url).send().await.unwrap().status(), 200);
    }
    assert_eq!(one.get(&url).send().await.unwrap().status(), 429);
    assert_eq!(two.get(&url).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn patient_floods_are_flagged_with_the_policys_numbers_and_never_refused() {
    let c = Clinic::new(LimitPolicy {
        sender_flood: FloodLimit {
            per_minute: std::num::NonZeroU32::new(1).unwrap(),
            burst: std::num::NonZeroU32::new(2).unwrap(),
        },
        ..roomy()
    });
    let e = edge(&c).await;
    for n in 0..4 {
        let res = e.signed("198.51.100.9", message(&c, n)).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "Meta is never refused a message"
        );
    }
    assert_eq!(c.count("SELECT count(*) FROM inbound_messages"), 4);
    assert_eq!(
        c.count("SELECT count(*) FROM inbound_messages WHERE skipped_reason = 'flood'"),
        2
    );
}
