//! `intake-server export`: the desktop's export, for automation (a nightly export to a shared
//! folder). It signs in as a staff account, so the role rules and the audit row are exactly the
//! app's; the password comes from an environment variable or standard input, never an argument.
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{Days, Local, NaiveDate, TimeZone};
use intake_core::export::{ExportFormat, ExportJob, ExportRequest, ExportTz};
use intake_core::form::Form;
use intake_core::queue::{IntakeStatus, QueueQuery};
use intake_core::Desk;

use crate::Failure;

/// Where a script puts the password (and, for accounts with two-step sign-in, the code).
pub const PASSWORD_ENV: &str = "INTAKE_EXPORT_PASSWORD";
pub const TOTP_ENV: &str = "INTAKE_EXPORT_TOTP";

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// xlsx, csv or fhir
    #[arg(long, value_parser = parse_format)]
    format: ExportFormat,
    /// The file to write (the extension is added when missing). Replaced if it exists.
    #[arg(long)]
    out: PathBuf,
    /// The staff account to export as; its role decides what the file may hold.
    #[arg(long)]
    username: String,
    /// First day, YYYY-MM-DD, in this computer's time zone.
    #[arg(long, value_parser = parse_day)]
    from: Option<NaiveDate>,
    /// Last day (included), YYYY-MM-DD.
    #[arg(long, value_parser = parse_day)]
    to: Option<NaiveDate>,
    /// new, reviewed or needs_follow_up; repeat for several. Default: every status.
    #[arg(long, value_parser = parse_status)]
    status: Vec<IntakeStatus>,
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| "expected xlsx, csv or fhir".into())
}

fn parse_status(s: &str) -> Result<IntakeStatus, String> {
    IntakeStatus::parse(s).ok_or_else(|| "expected new, reviewed or needs_follow_up".into())
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| "expected a date as YYYY-MM-DD, e.g. 2026-11-01".into())
}

/// Local midnight at the start of `day`, in unix ms (the first instant when a clock change
/// makes midnight ambiguous or skipped).
fn start_of(day: NaiveDate) -> Result<i64, Failure> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Local
        .from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            Local
                .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| Failure(format!("{day} has no midnight in this time zone")))
}

pub fn query(args: &ExportArgs) -> Result<QueueQuery, Failure> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            return Err(Failure(format!(
                "--from {from} is after --to {to}: swap them."
            )));
        }
    }
    let to_ms = match args.to {
        Some(to) => Some(start_of(
            to.checked_add_days(Days::new(1))
                .ok_or_else(|| Failure("--to is too far in the future".into()))?,
        )?),
        None => None,
    };
    Ok(QueueQuery {
        statuses: args.status.clone(),
        from_ms: args.from.map(start_of).transpose()?,
        to_ms,
        ..QueueQuery::default()
    })
}

fn password(read_stdin: impl FnOnce() -> Result<String, Failure>) -> Result<String, Failure> {
    match std::env::var(PASSWORD_ENV) {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => read_stdin(),
    }
}

pub fn run(
    desk: &Desk,
    args: &ExportArgs,
    read_stdin: impl FnOnce() -> Result<String, Failure>,
) -> Result<(), Failure> {
    let query = query(args)?;
    let form =
        Form::default_form().map_err(|e| Failure(format!("the intake form is not valid: {e}")))?;
    let password = password(read_stdin)?;
    let totp = std::env::var(TOTP_ENV)
        .ok()
        .filter(|c| !c.trim().is_empty());
    let (session, _) = desk
        .login(&args.username, &password, totp.as_deref())
        .map_err(|e| match e.code() {
            "auth.totp_required" => Failure(format!(
                "This account uses two-step sign-in: put the current 6-digit code in {TOTP_ENV}, or export with an account made for it."
            )),
            _ => Failure::from(e),
        })?;
    let started = std::time::Instant::now();
    let cancel = AtomicBool::new(false);
    let mut progress = |_: u64, _: u64| {};
    let result = desk.export_intakes(
        &session,
        &form,
        ExportJob {
            request: &ExportRequest {
                format: args.format,
                query,
            },
            out: &args.out,
            tz: ExportTz::Local,
            cancel: &cancel,
            progress: &mut progress,
        },
    );
    // Signed out whatever happened, so the audit log shows where the run ended.
    let _ = desk.logout(&session);
    let summary = result.map_err(Failure::from)?;
    let folder = args.out.parent().unwrap_or(Path::new("."));
    println!(
        "Exported {} intakes ({} columns) to {} in {:.1} s.",
        summary.rows,
        match summary.scope {
            intake_core::export::ExportScope::Full => "all",
            intake_core::export::ExportScope::Demographics => "patient-detail",
        },
        folder.join(&summary.file_name).display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
