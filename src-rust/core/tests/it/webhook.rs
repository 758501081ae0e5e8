//! The webhook edge over real HTTP on 127.0.0.1:0, with Meta's fixture payloads signed the way
//! Meta signs them (HMAC-SHA256 of the exact bytes).
use std::path::PathBuf;
use std::sync::Arc;

use intake_core::webhook::{router, WebhookSecrets, BODY_LIMIT};
use intake_core::whatsapp::signature::sign;
use reqwest::StatusCode;

use crate::common::{clinic, Fixture};

pub const SECRET: &[u8] = b"app-secret-for-tests";
const VERIFY: &str = "verify-token-for-tests";

pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    pub f: Fixture,
}

pub async fn start() -> Server {
    let f = clinic();
    let secrets = WebhookSecrets {
        app_secret: Arc::from(SECRET),
        verify_token: Arc::from(VERIFY),
    };
    let app = router(f.desk(), secrets, Default::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        f,
    }
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whatsapp")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(name)).unwrap()
}

impl Server {
    async fn post(&self, body: Vec<u8>, signature: Option<String>) -> (StatusCode, String) {
        let mut req = self
            .client
            .post(format!("{}/webhook", self.base))
            .body(body);
        if let Some(s) = signature {
            req = req.header("X-Hub-Signature-256", s);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.text().await.unwrap())
    }

    pub async fn signed(&self, body: Vec<u8>) -> (StatusCode, String) {
        let sig = sign(SECRET, &body);
        self.post(body, Some(sig)).await
    }

    pub fn count(&self, table: &str) -> i64 {
        self.f
            .desk()
            .db()
            .connect()
            .unwrap()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_fixture_is_accepted_and_stored() {
    let s = start().await;
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 17, "{names:?}");
    for name in &names {
        let (status, body) = s.signed(fixture(name)).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
    assert_eq!(s.count("webhook_payloads"), names.len() as i64);
    // Exactly one row per distinct wamid across all fixtures (some fixtures share wamids).
    let mut wamids = std::collections::BTreeSet::new();
    for name in &names {
        let v: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
        for e in v["entry"].as_array().unwrap() {
            for c in e["changes"].as_array().unwrap() {
                for m in c["value"]["messages"].as_array().into_iter().flatten() {
                    wamids.insert(m["id"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    assert!(wamids.len() >= 10, "{wamids:?}");
    assert_eq!(s.count("inbound_messages"), wamids.len() as i64);
    let conn = s.f.desk().db().connect().unwrap();
    let kinds: Vec<String> = conn
        .prepare("SELECT DISTINCT kind FROM inbound_messages ORDER BY kind")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for k in [
        "audio",
        "document",
        "image",
        "location",
        "reaction",
        "button_reply",
        "list_reply",
        "system",
        "template_button",
        "text",
        "unsupported",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing from {kinds:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_signatures_are_refused_and_nothing_is_stored() {
    let s = start().await;
    let body = fixture("text.json");
    let good = sign(SECRET, &body);
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'H').unwrap();
    tampered[at] = b'J';
    let cases: Vec<(Vec<u8>, Option<String>)> = vec![
        (body.clone(), None),
        (body.clone(), Some(String::new())),
        (body.clone(), Some(sign(b"someone-elses-secret", &body))),
        (body.clone(), Some(good.replace("sha256=", "sha1="))),
        (tampered, Some(good.clone())),
        (body.clone(), Some(format!("{}0", good))),
    ];
    for (b, sig) in cases {
        let (status, text) = s.post(b, sig.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{sig:?}");
        assert!(!text.contains("Ana"), "no body echo");
    }
    assert_eq!(s.count("webhook_payloads"), 0);
    assert_eq!(s.count("inbound_messages"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_wamid_five_times_is_one_message() {
    let s = start().await;
    for _ in 0..5 {
        assert_eq!(s.signed(fixture("text.json")).await.0, StatusCode::OK);
    }
    assert_eq!(s.count("webhook_payloads"), 5, "every delivery is kept raw");
    let n: i64 = s.f.desk().db().connect().unwrap()
        .query_row("SELECT count(*) FROM inbound_messages WHERE wamid = 'wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQzQUYxAA=='", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn statuses_move_forward_only_and_unknown_messages_are_fine() {
    let s = start().await;
    // read arrives first, then the late delivered and sent: the state stays read.
    for name in [
        "status_read.json",
        "status_delivered.json",
        "status_sent.json",
        "status_read.json",
    ] {
        assert_eq!(s.signed(fixture(name)).await.0, StatusCode::OK, "{name}");
    }
    assert_eq!(
        s.signed(fixture("status_failed_131047.json")).await.0,
        StatusCode::OK
    );
    let conn = s.f.desk().db().connect().unwrap();
    let states: Vec<(String, String, Option<i64>)> = conn
        .prepare("SELECT wamid, state, error_code FROM message_delivery ORDER BY wamid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let read_wamid = {
        let v: serde_json::Value = serde_json::from_slice(&fixture("status_read.json")).unwrap();
        v["entry"][0]["changes"][0]["value"]["statuses"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let state_of = |w: &str| {
        states
            .iter()
            .find(|(id, _, _)| id == w)
            .map(|(_, st, _)| st.clone())
    };
    assert_eq!(
        state_of(&read_wamid).as_deref(),
        Some("read"),
        "late sent/delivered did not move it back: {states:?}"
    );
    let failed: Vec<_> = states.iter().filter(|(_, st, _)| st == "failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].2, Some(131047));
    // Each (wamid, status) event once, however often it was delivered.
    let events: i64 = conn
        .query_row(
            "SELECT count(*) FROM message_status_events WHERE status = 'read'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(events, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_bodies_get_clear_4xx_and_the_server_keeps_serving() {
    let s = start().await;
    let cases: Vec<(Vec<u8>, StatusCode)> = vec![
        (b"{not json".to_vec(), StatusCode::BAD_REQUEST),
        (vec![0xff, 0xfe, 0x00, 0x81], StatusCode::BAD_REQUEST),
        (Vec::new(), StatusCode::BAD_REQUEST),
    ];
    for (body, want) in cases {
        let (status, text) = s.signed(body).await;
        assert_eq!(status, want, "{text}");
        assert!(text.contains("error"), "{text}");
    }
    // Kept raw for inspection, but no message rows.
    assert_eq!(s.count("webhook_payloads"), 3);
    assert_eq!(s.count("inbound_messages"), 0);
    // Valid JSON of an unexpected shape is acknowledged (Meta would retry it for days).
    for odd in [
        &b"{}"[..],
        b"[]",
        b"{\"entry\":\"nope\"}",
        b"{\"entry\":[{\"changes\":[{\"value\":{\"messages\":[{\"id\":1}]}}]}]}",
    ] {
        let (status, text) = s.signed(odd.to_vec()).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{text}"
        );
    }
    // 4 MB: refused before anything is read into the database.
    let big = vec![b' '; 4 * 1024 * 1024];
    assert!(big.len() > BODY_LIMIT);
    let (status, _) = s.signed(big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // Still serving.
    assert_eq!(s.signed(fixture("text.json")).await.0, StatusCode::OK);
    assert_eq!(s.count("inbound_messages"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn verification_echoes_the_challenge_only_for_the_right_token() {
    let s = start().await;
    let get = |q: &str| {
        let url = format!("{}/webhook?{q}", s.base);
        let c = s.client.clone();
        async move {
            let r = c.get(url).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let ok = get(&format!(
        "hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=1158201444"
    ))
    .await;
    assert_eq!(ok, (StatusCode::OK, "1158201444".to_owned()));
    for q in [
        "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1".to_owned(),
        format!("hub.mode=unsubscribe&hub.verify_token={VERIFY}&hub.challenge=1"),
        "hub.mode=subscribe&hub.challenge=1".to_owned(),
        format!("hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=%3Cscript%3E%20x"),
        format!(
            "hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge={}",
            "9".repeat(1000)
        ),
    ] {
        assert_eq!(get(&q).await.0, StatusCode::FORBIDDEN, "{q}");
    }
}

/// Issue 6: the setup screen waits for Meta's verification, and the health panel counts
/// forged or mis-signed webhooks (a wrong app secret shows up there first).
#[tokio::test(flavor = "multi_thread")]
async fn verifications_and_bad_signatures_are_seen_for_the_health_panel() {
    let s = start().await;
    let desk = s.f.desk();
    let mut events = desk.events().subscribe();
    let before = desk.edge_health().unwrap();
    assert_eq!(before.verified_at, None);
    assert_eq!(before.verification_refused_at, None);
    assert_eq!(before.bad_signatures_24h, 0);

    let url = |token: &str| {
        format!(
            "{}/webhook?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=42",
            s.base
        )
    };
    let refused = s.client.get(url("not-the-token")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let seen = desk.edge_health().unwrap();
    assert_eq!(
        seen.verified_at, None,
        "a wrong token is not a verification"
    );
    assert_eq!(seen.verification_refused_at, Some(desk.now_ms()));

    let ok = s.client.get(url(VERIFY)).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let verified_at = desk.now_ms();
    assert_eq!(desk.edge_health().unwrap().verified_at, Some(verified_at));
    assert!(
        std::iter::from_fn(|| events.try_recv().ok())
            .any(|e| e == intake_core::events::DeskEvent::ConnectionChanged),
        "the screens are told"
    );

    for _ in 0..3 {
        let (status, _) = s.post(fixture("text.json"), Some("sha256=00".into())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = s.post(fixture("text.json"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let seen = desk.edge_health().unwrap();
    assert_eq!(seen.bad_signatures_24h, 4);
    assert_eq!(seen.last_bad_signature_at, Some(desk.now_ms()));

    // A day later the forgeries have aged out; the verification is kept (it is in the
    // database, so a restart keeps it too).
    s.f.clock.advance(chrono::Duration::hours(25));
    let later = s.f.restart().desk().unwrap().edge_health().unwrap();
    assert_eq!(
        later.bad_signatures_24h, 0,
        "a restart starts counting afresh"
    );
    assert_eq!(later.verified_at, Some(verified_at));
    assert_eq!(desk.edge_health().unwrap().bad_signatures_24h, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_that_cannot_commit_gets_503_never_200() {
    let s = start().await;
    let conn = s.f.desk().db().connect().unwrap();
    // Stands in for disk full / read-only: every insert of a payload fails.
    conn.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON webhook_payloads
         BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;",
    )
    .unwrap();
    let (status, text) = s.signed(fixture("text.json")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        !text.contains("simulated"),
        "no internal error text in the response: {text}"
    );
    assert_eq!(s.count("inbound_messages"), 0);
    conn.execute_batch("DROP TRIGGER refuse").unwrap();
    // Meta's retry then lands.
    assert_eq!(s.signed(fixture("text.json")).await.0, StatusCode::OK);
    assert_eq!(s.count("inbound_messages"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_are_all_acknowledged_and_stored_once() {
    let s = Arc::new(start().await);
    let template = String::from_utf8(fixture("text.json")).unwrap();
    let original = "wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQzQUYxAA==";
    let mut tasks = Vec::new();
    for i in 0..300 {
        // Every third request repeats an earlier message, as Meta's retries do.
        let id = format!("wamid.concurrent.{}", if i % 3 == 0 { i / 3 } else { i });
        let body = template.replace(original, &id).into_bytes();
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.signed(body).await.0 }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let distinct: std::collections::BTreeSet<usize> = (0..300)
        .map(|i| if i % 3 == 0 { i / 3 } else { i })
        .collect();
    assert_eq!(s.count("webhook_payloads"), 300);
    assert_eq!(s.count("inbound_messages"), distinct.len() as i64);
}
