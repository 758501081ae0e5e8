//! Rate limits on the real binary: `serve` answers 429 with `Retry-After` and `X-RateLimit-*`
//! over loopback HTTP (per client, the tunnel's `X-Forwarded-For` telling clients apart), and
//! `export` refuses an export over the hour's budget even though each run is a new process.
//! The binary runs on the system clock, so the numbers are chosen to leave many seconds
//! between refills; nothing here waits for one.
mod common;

use common::{text, Site, ADMIN_PW, SECRET};
use intake_core::whatsapp::signature::sign;

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header on a {}", res.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

fn seconds(res: &reqwest::Response, name: &str) -> u64 {
    header(res, name).parse().unwrap()
}

#[test]
fn serve_answers_429_with_retry_after_and_rate_limit_headers() {
    let site = Site::with_config(
        "[limits]\nwebhook_requests_per_minute = 5\nwebhook_failures_per_minute = 3\n",
    );
    assert!(site.init().status.success());
    let (_server, url) = site.serve();
    let health = url.replace("/webhook", "/healthz");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let body = common::fixture("text.json");
        let post = |client: &'static str, sig: String| {
            http.post(&url)
                .header("X-Forwarded-For", client)
                .header("X-Hub-Signature-256", sig)
                .body(body.clone())
                .send()
        };
        let health_from =
            |client: &'static str| http.get(&health).header("X-Forwarded-For", client).send();
        const MALLORY: &str = "203.0.113.66";
        const META: &str = "198.51.100.9";

        // Three forgeries are refused for their signature, then the client is kept out.
        for _ in 0..3 {
            let res = post(MALLORY, "sha256=00".into()).await.unwrap();
            assert_eq!(res.status(), 401);
            assert_eq!(header(&res, "x-ratelimit-limit"), "5");
        }
        let res = post(MALLORY, "sha256=00".into()).await.unwrap();
        assert_eq!(res.status(), 429);
        let retry = seconds(&res, "retry-after");
        assert!(
            (1..=20).contains(&retry),
            "one failure comes back every 20 s: {retry}"
        );
        assert_eq!(header(&res, "x-ratelimit-limit"), "3");
        assert_eq!(header(&res, "x-ratelimit-remaining"), "0");
        assert!(seconds(&res, "x-ratelimit-reset") >= retry);
        // Even its correctly signed request is refused unread.
        let res = post(MALLORY, sign(SECRET.as_bytes(), &body)).await.unwrap();
        assert_eq!(res.status(), 429);

        // Meta, from another address, gets through with its own budget in the headers.
        let res = post(META, sign(SECRET.as_bytes(), &body)).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "x-ratelimit-limit"), "5");
        assert_eq!(header(&res, "x-ratelimit-remaining"), "4");
        assert!((1..=12).contains(&seconds(&res, "x-ratelimit-reset")));
        for left in (0..4).rev() {
            let res = health_from(META).await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(header(&res, "x-ratelimit-remaining"), left.to_string());
        }
        let res = health_from(META).await.unwrap();
        assert_eq!(res.status(), 429);
        let retry = seconds(&res, "retry-after");
        assert!((1..=12).contains(&retry), "{retry}");
        assert_eq!(header(&res, "x-ratelimit-remaining"), "0");
        assert!((retry..=60).contains(&seconds(&res, "x-ratelimit-reset")));
        // The connection's own address (no proxy header) is yet another client.
        assert_eq!(http.get(&health).send().await.unwrap().status(), 200);
    });
}

#[test]
fn export_refuses_past_the_hours_budget_across_runs() {
    let site = Site::with_config("[limits]\nexports_per_hour = 2\n");
    assert!(site.init().status.success());
    let out_dir = site.dir.path().join("exports");
    std::fs::create_dir(&out_dir).unwrap();
    let export = |name: &str| {
        let file = out_dir.join(name);
        let out = site
            .command(&[
                "export",
                "--format",
                "csv",
                "--out",
                file.to_str().unwrap(),
                "--username",
                "admin",
            ])
            .env("INTAKE_EXPORT_PASSWORD", ADMIN_PW)
            .output()
            .unwrap();
        (out, file.with_extension("csv"))
    };
    for name in ["first", "second"] {
        let (out, file) = export(name);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(file.exists());
    }
    let (out, file) = export("third");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "No export was made: each person can export 2 times an hour. Try again in 30 minutes."
        ),
        "{stderr}"
    );
    assert!(!file.exists());
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 2);
}
