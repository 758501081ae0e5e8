//! Everything this test binary logs, at every level, kept in memory so a test can show that no
//! patient data reaches a log line. The subscriber is global because the code under test logs
//! from tokio workers and blocking threads, where a thread-local default would see nothing;
//! so a capture also holds other tests' lines, which only makes the PHI check stricter.
use std::io::Write;
use std::sync::{Mutex, MutexGuard, OnceLock};

static LOG: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static INSTALLED: OnceLock<bool> = OnceLock::new();

fn log() -> MutexGuard<'static, Vec<u8>> {
    // A test that panicked mid-write leaves whole lines behind: fmt writes each event at once.
    LOG.lock().unwrap_or_else(|e| e.into_inner())
}

struct Sink;

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        log().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber once per process; false if another subscriber won.
fn install() -> bool {
    *INSTALLED.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| Sink)
            .with_ansi(false)
            // No clock digits in the lines, so a date or number check cannot hit a timestamp.
            .without_time()
            .try_init()
            .is_ok()
    })
}

/// The log from the moment `start` was called.
pub struct Capture {
    from: usize,
}

impl Capture {
    pub fn start() -> Capture {
        assert!(
            install(),
            "another global tracing subscriber was installed first"
        );
        Capture { from: log().len() }
    }

    pub fn text(&self) -> String {
        let log = log();
        String::from_utf8_lossy(log.get(self.from..).unwrap_or_default()).into_owned()
    }
}

/// The `needles` found in `log`, ignoring case (a lower-cased name is still a name), each with
/// the first line it appears on.
pub fn leaks<'a>(log: &str, needles: &[&'a str]) -> Vec<(&'a str, String)> {
    let lower = log.to_lowercase();
    needles
        .iter()
        .filter_map(|n| {
            let n_lower = n.to_lowercase();
            lower.contains(&n_lower).then(|| {
                let line = lower
                    .lines()
                    .find(|l| l.contains(&n_lower))
                    .unwrap_or_default();
                (*n, line.to_owned())
            })
        })
        .collect()
}

/// Panics with the offending lines if any needle is in the log.
pub fn assert_no_leaks(log: &str, needles: &[&str]) {
    let found = leaks(log, needles);
    assert!(found.is_empty(), "patient data in the log: {found:#?}");
}

#[test]
fn a_leak_would_be_caught() {
    let capture = Capture::start();
    let canary = "Zoë Canary, born 1970-01-01";
    // From another thread, as the webhook and sender tasks log: the capture is process-wide.
    std::thread::spawn(move || tracing::trace!(patient = canary, "canary line"))
        .join()
        .unwrap();
    let log = capture.text();
    assert!(
        log.contains("canary line"),
        "TRACE lines are captured: {log}"
    );
    let found = leaks(&log, &["ZOË CANARY", "never logged"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "ZOË CANARY");
    let result = std::panic::catch_unwind(|| assert_no_leaks(&log, &["zoë canary"]));
    assert!(result.is_err(), "assert_no_leaks fails on a leak");
}
