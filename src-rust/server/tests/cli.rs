//! The real `intake-server` binary: init, add-user, serve on a free port, a signed webhook over
//! real HTTP, and the clear failures an operator can run into.
mod common;

use common::{text, Site, SECRET};

#[test]
fn init_add_user_and_serve_a_signed_webhook() {
    let site = Site::new();
    let out = site.init();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let key_line = stdout
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 39 && l.matches('-').count() == 7);
    assert!(key_line.is_some(), "recovery key printed once: {stdout}");
    assert!(
        !text(&out.stderr).contains(key_line.unwrap()),
        "the key never goes to the log"
    );

    let out = site.run(
        &[
            "add-user",
            "--username",
            "drlee",
            "--display-name",
            "Dr Lee",
            "--role",
            "doctor",
        ],
        "tulip garden forty two\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Created drlee (doctor)"));

    // No WhatsApp secrets yet: a clear message, no server.
    let out = site.run(&["serve"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("whatsapp-app-secret"),
        "{}",
        text(&out.stderr)
    );

    let (_server, url) = site.serve();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let body = common::fixture("text.json");
        let sig = intake_core::whatsapp::signature::sign(SECRET.as_bytes(), &body);
        let r = client
            .post(&url)
            .header("X-Hub-Signature-256", sig)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = client
            .post(&url)
            .header("X-Hub-Signature-256", "sha256=00")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let r = client
            .get(format!(
                "{url}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "42");
    });
}

#[test]
fn operator_mistakes_get_clear_messages_and_change_nothing() {
    let site = Site::new();
    let out = site.run(&["serve"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("run `intake-server init` first"),
        "{}",
        text(&out.stderr)
    );

    let weak = site.run(
        &[
            "init",
            "--clinic-name",
            "X",
            "--username",
            "admin",
            "--display-name",
            "A",
        ],
        "password123\n",
    );
    assert!(!weak.status.success());
    assert!(
        text(&weak.stderr).contains("too common"),
        "{}",
        text(&weak.stderr)
    );
    assert!(
        !site.dir.path().join("data/intake.db").exists(),
        "nothing created"
    );

    assert!(site.init().status.success());
    let again = site.init();
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already holds"),
        "{}",
        text(&again.stderr)
    );

    let bad_role = site.run(
        &[
            "add-user",
            "--username",
            "x1x",
            "--display-name",
            "X",
            "--role",
            "root",
        ],
        "whatever pass 1\n",
    );
    assert!(!bad_role.status.success());
    assert!(text(&bad_role.stderr).contains("front_desk, doctor or admin"));

    std::fs::write(site.config(), "bnd = 1\n").unwrap();
    let out = site.run(&["serve"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unknown field"),
        "{}",
        text(&out.stderr)
    );
}
