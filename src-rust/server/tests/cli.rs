//! The real `intake-server` binary: init, add-user, serve on a free port, a signed webhook over
//! real HTTP, and the clear failures an operator can run into.
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_intake-server");
const SECRET: &str = "server-test-app-secret";

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "bind = \"127.0.0.1:0\"\ndata_dir = \"{}\"\nsecrets = {{ dir = \"{}\" }}\n",
            dir.path().join("data").display(),
            dir.path().join("secrets").display()
        );
        std::fs::write(dir.path().join("server.toml"), config).unwrap();
        Self { dir }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("server.toml")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config").arg(self.config()).args(args);
        c.env_remove("INTAKE_WA_APP_SECRET")
            .env_remove("INTAKE_WA_VERIFY_TOKEN");
        c
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn init(&self) -> Output {
        self.run(
            &[
                "init",
                "--clinic-name",
                "Clínica Norte",
                "--username",
                "admin",
                "--display-name",
                "Ana Admin",
            ],
            "correct horse battery\n",
        )
    }

    fn put_secret(&self, name: &str, value: &str) {
        let dir = self.dir.path().join("secrets");
        std::fs::write(dir.join(name), value).unwrap();
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/whatsapp");
    std::fs::read(dir.join(name)).unwrap()
}

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

    site.put_secret("whatsapp-app-secret", SECRET);
    site.put_secret("whatsapp-verify-token", "verify-me\n");
    let child = site
        .command(&["serve"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Running(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("ready: webhook at ")
        .unwrap_or_else(|| panic!("ready line: {line:?}"))
        .to_owned();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let body = fixture("text.json");
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
