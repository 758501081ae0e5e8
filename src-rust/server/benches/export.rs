//! Exports at clinic scale: a real SQLCipher database in a temp folder with INTAKES demo
//! intakes (default 100,000, written by `queue::seed_demo`), then each format exported by an
//! admin through `Desk::export_intakes`, the same call the app and `intake-server export` make.
//! Each export runs in a fresh child process (this binary again), so the peak memory printed
//! (Linux VmHWM: the whole process, database open included) belongs to that export alone.
//! REPS runs per format (default 3); the best and median times are printed.
//!
//!   cargo bench -p intake-server --bench export
//!   INTAKES=20000 REPS=5 cargo bench -p intake-server --bench export
//!   FORMATS=csv cargo bench -p intake-server --bench export      (one format, e.g. to profile)
//!
//! Budgets (issue 5, release build, 100,000 intakes): XLSX ≤ 2 s, CSV ≤ 0.5 s, FHIR ≤ 3 s,
//! peak memory ≤ 150 MB.
// The app's and the server's allocator (see src-rust/app/src/main.rs), so the figures are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use intake_core::export::{ExportFormat, ExportJob, ExportRequest, ExportTz};
use intake_core::form::Form;
use intake_core::keys::FileSecretStore;
use intake_core::queue::QueueQuery;
use intake_core::{Config, DataDir, Launcher, SystemClock};

#[path = "../tests/common/mod.rs"]
mod common;

use common::{env_usize as var, peak_rss_mib};

const PASSWORD: &str = "correct horse battery";
const CHILD: &str = "INTAKE_EXPORT_BENCH_CHILD";

fn launcher(dir: &Path) -> Launcher {
    Launcher::new(
        Config::fast_for_tests(DataDir::new(dir.join("data"))),
        Arc::new(FileSecretStore::new(dir.join("secrets"))),
        Arc::new(SystemClock),
    )
}

/// Child mode: one export, then one line `seconds rows bytes peak_mib` on stdout.
fn child(dir: &Path, format: ExportFormat) {
    let desk = launcher(dir).desk().expect("desk opens");
    let session = desk.login("admin", PASSWORD, None).expect("login").0;
    let form = Form::default_form().expect("form");
    let out = dir.join(format!("bench.{}", format.extension()));
    let cancel = AtomicBool::new(false);
    let mut progress = |_: u64, _: u64| {};
    let t = Instant::now();
    let summary = desk
        .export_intakes(
            &session,
            &form,
            ExportJob {
                request: &ExportRequest {
                    format,
                    query: QueueQuery::default(),
                },
                out: &out,
                tz: ExportTz::Local,
                cancel: &cancel,
                progress: &mut progress,
            },
        )
        .expect("export");
    let secs = t.elapsed().as_secs_f64();
    let peak = peak_rss_mib(std::process::id()).unwrap_or(f64::NAN);
    println!("{secs} {} {} {peak}", summary.rows, summary.bytes);
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        let (format, dir) = spec.split_once(':').expect("format:dir");
        child(Path::new(dir), ExportFormat::parse(format).expect("format"));
        return;
    }
    let intakes = var("INTAKES", 100_000);
    let reps = var("REPS", 3).max(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let launcher = launcher(dir.path());
    let desk = common::set_up_clinic(&launcher, PASSWORD);
    let form = Form::default_form().expect("default form");
    let t = Instant::now();
    intake_core::queue::seed_demo(&desk, &form, intakes, 7).expect("seeding");
    let db_mib = std::fs::metadata(dir.path().join("data/intake.db"))
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);
    println!(
        "export bench: {intakes} intakes seeded in {:.1} s ({db_mib:.0} MiB database), {reps} runs per format, each in a fresh process\n",
        t.elapsed().as_secs_f64()
    );
    drop(desk);
    drop(launcher);

    println!(
        "{:<6} {:>8} {:>9} {:>9} {:>10} {:>10}  budget",
        "format", "rows", "best s", "median s", "peak MiB", "file MiB"
    );
    let me = std::env::current_exe().expect("own path");
    let wanted = std::env::var("FORMATS").unwrap_or_else(|_| "xlsx,csv,fhir".into());
    for (format, budget) in [
        (ExportFormat::Xlsx, 2.0),
        (ExportFormat::Csv, 0.5),
        (ExportFormat::Fhir, 3.0),
    ] {
        if !wanted.split(',').any(|w| w.trim() == format.as_str()) {
            continue;
        }
        let mut times = Vec::new();
        let (mut rows, mut bytes, mut peak) = (0u64, 0u64, 0f64);
        for _ in 0..reps {
            let out = Command::new(&me)
                .env(
                    CHILD,
                    format!("{}:{}", format.as_str(), dir.path().display()),
                )
                .output()
                .expect("child runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let line = String::from_utf8_lossy(&out.stdout);
            let f: Vec<f64> = line
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            times.push(Duration::from_secs_f64(f[0]));
            rows = f[1] as u64;
            bytes = f[2] as u64;
            peak = peak.max(f[3]);
        }
        times.sort();
        let best = times[0].as_secs_f64();
        let median = times[times.len() / 2].as_secs_f64();
        let peak_mb = peak * 1.048_576;
        let verdict = if median <= budget && peak_mb <= 150.0 {
            "within"
        } else {
            "OVER"
        };
        println!(
            "{:<6} {rows:>8} {best:>9.2} {median:>9.2} {peak:>10.1} {:>10.1}  {verdict} (≤ {budget} s, ≤ 150 MB)",
            format.as_str(),
            bytes as f64 / 1_048_576.0
        );
    }
}
