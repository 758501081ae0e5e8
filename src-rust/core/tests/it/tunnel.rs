//! A webhook sent through the tunnel path reaches the same handler as a local one. The fake
//! tunnel's "public side" is a loopback listener that pipes bytes to the webhook server, as
//! ngrok's edge does; the manager, the webhook router and the store are the real ones.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use intake_core::tunnel::fake::{FakeOpen, FakeTunnel};
use intake_core::tunnel::{TunnelConfig, TunnelError, TunnelManager, TunnelState};
use intake_core::whatsapp::signature::sign;
use reqwest::StatusCode;
use secrecy::SecretString;
use tokio::sync::watch;

use crate::webhook::{fixture, start, Server, SECRET};

/// The verify token `webhook::start` configures.
const VERIFY: &str = "verify-token-for-tests";

fn local_addr(s: &Server) -> SocketAddr {
    s.base.trim_start_matches("http://").parse().unwrap()
}

async fn online(states: &mut watch::Receiver<TunnelState>) -> String {
    let state = tokio::time::timeout(
        Duration::from_secs(30),
        states.wait_for(|s| matches!(s, TunnelState::Online { .. })),
    )
    .await
    .expect("online in time")
    .unwrap()
    .clone();
    state.webhook_url().unwrap().to_owned()
}

async fn post(s: &Server, url: &str, body: Vec<u8>, signature: Option<String>) -> StatusCode {
    let mut req = s.client.post(url).body(body);
    if let Some(sig) = signature {
        req = req.header("X-Hub-Signature-256", sig);
    }
    req.send().await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_through_the_tunnel_reaches_the_same_handler_as_a_local_one() {
    let s = start().await;
    let fake = FakeTunnel::with_default(FakeOpen::Proxy);
    let manager = TunnelManager::new(Arc::new(fake.clone()), s.f.clock.clone());
    let mut states = manager.subscribe();
    manager
        .start(
            &TunnelConfig::ngrok(None),
            Some(SecretString::from("2token".to_owned())),
            local_addr(&s),
        )
        .await
        .unwrap();
    let public = online(&mut states).await;
    let local = format!("{}/webhook", s.base);
    assert_ne!(public, local);

    // Meta's verification, through the tunnel.
    let challenge = s
        .client
        .get(format!(
            "{public}?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=4217"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.status(), StatusCode::OK);
    assert_eq!(challenge.text().await.unwrap(), "4217");

    // A forged POST is refused at the same signature check, and nothing is stored.
    let body = fixture("text.json");
    let forged = post(&s, &public, body.clone(), Some(sign(b"wrong", &body))).await;
    assert_eq!(forged, StatusCode::UNAUTHORIZED);
    assert_eq!(s.count("webhook_payloads"), 0);

    // Signed through the tunnel: stored, byte for byte.
    let signed = post(&s, &public, body.clone(), Some(sign(SECRET, &body))).await;
    assert_eq!(signed, StatusCode::OK);
    assert_eq!(s.count("webhook_payloads"), 1);
    assert_eq!(s.count("inbound_messages"), 1);
    let stored: Vec<u8> =
        s.f.desk()
            .db()
            .connect()
            .unwrap()
            .query_row("SELECT body FROM webhook_payloads", [], |r| r.get(0))
            .unwrap();
    assert_eq!(stored, body);

    // Meta's retry of the same body arriving locally is the same message: one row per wamid.
    let again = post(&s, &local, body.clone(), Some(sign(SECRET, &body))).await;
    assert_eq!(again, StatusCode::OK);
    assert_eq!(s.count("webhook_payloads"), 2);
    assert_eq!(s.count("inbound_messages"), 1);

    // The connection drops; the manager reconnects and the new address works too.
    assert!(fake.drop_connection(TunnelError::ConnectionLost));
    states
        .wait_for(|s| matches!(s, TunnelState::Reconnecting { .. }))
        .await
        .unwrap();
    let public2 = online(&mut states).await;
    assert_ne!(public2, public, "the fake gives each session its own port");
    let image = fixture("image.json");
    let status = post(&s, &public2, image.clone(), Some(sign(SECRET, &image))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.count("inbound_messages"), 2);

    // After a stop nothing listens on the public side.
    manager.stop().await;
    assert_eq!(manager.state(), TunnelState::Off);
    assert!(s.client.post(&public2).body(image).send().await.is_err());
}
