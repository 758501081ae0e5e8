//! Shared by the server's tests: a site (config, data and secrets folders) and the real binary.
#![allow(dead_code)]
pub mod meta;
pub mod script;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_intake-server");
pub const SECRET: &str = "server-test-app-secret";
/// The admin's password `init` sets.
pub const ADMIN_PW: &str = "correct horse battery";
/// A load generator is one client on loopback, where Meta's real traffic comes from many
/// addresses: lift the per-client webhook budget so it measures the server, not the limit.
pub const LOAD_LIMITS: &str = "[limits]\nwebhook_requests_per_minute = 4000000000\n";

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new() -> Self {
        Self::with_config("")
    }

    /// A site whose configuration file ends with `extra` (TOML lines).
    pub fn with_config(extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "bind = \"127.0.0.1:0\"\ndata_dir = \"{}\"\nsecrets = {{ dir = \"{}\" }}\n{extra}",
            dir.path().join("data").display(),
            dir.path().join("secrets").display()
        );
        std::fs::write(dir.path().join("server.toml"), config).unwrap();
        Self { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("server.toml")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config").arg(self.config()).args(args);
        c.env_remove("INTAKE_WA_APP_SECRET")
            .env_remove("INTAKE_WA_VERIFY_TOKEN");
        c
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
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

    pub fn init(&self) -> Output {
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
            &format!("{ADMIN_PW}\n"),
        )
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    pub fn put_secret(&self, name: &str, value: &str) {
        let dir = self.dir.path().join("secrets");
        std::fs::write(dir.join(name), value).unwrap();
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/whatsapp");
    std::fs::read(dir.join(name)).unwrap()
}

impl Site {
    /// Starts `serve` with the WhatsApp secrets in place; returns it and its webhook URL.
    pub fn serve(&self) -> (Running, String) {
        self.serve_at("debug")
    }

    /// `serve` with its log at `level` (an `INTAKE_DESK_LOG` filter).
    pub fn serve_at(&self, level: &str) -> (Running, String) {
        self.put_secret("whatsapp-app-secret", SECRET);
        self.put_secret("whatsapp-verify-token", "verify-me");
        // Every run appends its log to server.log, for tests that read it.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .unwrap();
        let child = self
            .command(&["serve"])
            .env("INTAKE_DESK_LOG", level)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
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
        (server, url)
    }
}

/// A whole-number setting from the environment (benches: PATIENTS, ROUNDS, ...).
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p` quantile (0..=1) of sorted durations, in milliseconds.
pub fn percentile_ms(sorted: &[std::time::Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1e3
}

/// A process's peak resident memory (Linux `VmHWM`), in MiB.
pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// First-run set-up through the core (benches): the clinic and its admin `admin` with
/// `password`, then the open desk.
pub fn set_up_clinic(
    launcher: &intake_core::Launcher,
    password: &str,
) -> std::sync::Arc<intake_core::Desk> {
    let recovery = launcher.begin_setup().expect("set-up starts");
    launcher
        .finish_setup(&intake_core::SetupRequest {
            clinic_name: "Bench Clinic".into(),
            username: "admin".into(),
            display_name: "Ana Admin".into(),
            password: password.into(),
            recovery_confirmation: recovery.rsplit('-').next().unwrap_or_default().into(),
        })
        .expect("set-up finishes");
    launcher.desk().expect("desk opens")
}
