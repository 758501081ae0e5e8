//! One-click exports of the intake queue: Excel (XLSX), CSV and a FHIR R4 bundle. Role rules
//! and the audit row live here, so the desktop app and the headless `export` command behave
//! the same. The file is written next to its destination under a temporary name and renamed
//! into place only when complete: a cancelled or failed export leaves nothing behind.
mod columns;
mod csv_out;
mod decode;
mod error;
mod fhir;
pub(crate) mod forms;
mod pipeline;
mod read;
mod time;
mod types;
mod xlsx_out;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;

pub use error::ExportError;
pub use time::ExportTz;
pub use types::*;

use self::columns::{Cell, Column, Intake};
use crate::audit::Action;
use crate::auth::{allows, AuthError, Permission, Role};
use crate::form::Form;
use crate::store::StoreError;
use crate::{Desk, Result};

/// How often (in intakes) progress is reported.
const PROGRESS_EVERY: u64 = 500;
/// Excel's last row is 1,048,576; one is the header.
const XLSX_MAX_ROWS: u64 = 1_048_575;

/// Everything a writer needs to know before the first intake.
pub(crate) struct Layout {
    pub columns: Vec<Column>,
    /// The current form first, then older recorded versions.
    pub forms: Vec<Form>,
    /// The language of headers and choice labels.
    pub lang: String,
    pub scope: ExportScope,
    pub tz: ExportTz,
    pub now_ms: i64,
    pub clinic_name: String,
}

/// A file format: gets each intake in order, then finishes the file.
pub(crate) trait Sink {
    fn write(
        &mut self,
        layout: &Layout,
        intake: &Intake,
        cells: &[Cell],
    ) -> Result<(), ExportError>;
    /// Whether `write` reads the cells (FHIR works from the typed answers instead).
    fn wants_cells(&self) -> bool {
        true
    }
    fn finish(self: Box<Self>, layout: &Layout) -> Result<(), ExportError>;
}

/// One export to run: what, where, and how to report and stop it.
pub struct ExportJob<'a> {
    pub request: &'a ExportRequest,
    /// The file to write. The format's extension is added when missing.
    pub out: &'a Path,
    pub tz: ExportTz,
    /// Set from another thread to stop; the partial file is removed.
    pub cancel: &'a AtomicBool,
    /// `(done, total)` every few hundred intakes and at the end.
    pub progress: &'a mut dyn FnMut(u64, u64),
}

/// `report.xlsx` stays; `report` becomes `report.xlsx`; a folder is refused.
pub fn destination(out: &Path, format: ExportFormat) -> Result<PathBuf, ExportError> {
    if out.as_os_str().is_empty() || out.is_dir() || out.file_name().is_none() {
        return Err(ExportError::NotAFile);
    }
    let ext = format.extension();
    let has = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext));
    Ok(if has {
        out.to_path_buf()
    } else {
        let mut name = out.as_os_str().to_owned();
        name.push(".");
        name.push(ext);
        PathBuf::from(name)
    })
}

impl Desk {
    /// What the signed-in person may export: the scope follows the role and, for roles that
    /// may not export clinical answers, the clinic's front-desk setting.
    fn export_scope(&self, role: Role) -> Result<Option<ExportScope>> {
        if allows(role, Permission::ExportClinical) {
            return Ok(Some(ExportScope::Full));
        }
        if !allows(role, Permission::ExportDemographics) {
            return Ok(None);
        }
        Ok(match self.read_settings()?.front_desk_export {
            FrontDeskExport::Demographics => Some(ExportScope::Demographics),
            FrontDeskExport::Nothing => None,
        })
    }

    /// The role's export permission and the clinic's front-desk setting, together: the
    /// scope this session may export, or `auth.forbidden`.
    fn export_gate(&self, session: &str) -> Result<(crate::auth::Actor, ExportScope)> {
        let actor = self.authorize(session, Permission::ExportDemographics)?;
        let scope = self
            .export_scope(actor.role)?
            .ok_or(AuthError::Forbidden(Permission::ExportDemographics))?;
        Ok((actor, scope))
    }

    /// For callers that act on an export before running it (the app opens a save dialog,
    /// cancels, opens the file): refused exactly as `export_intakes` would refuse.
    pub fn authorize_export(&self, session: &str) -> Result<ExportScope> {
        Ok(self.export_gate(session)?.1)
    }

    pub fn export_options(&self, session: &str) -> Result<ExportOptions> {
        let actor = self.authorize(session, Permission::ViewQueue)?;
        let scope = self.export_scope(actor.role)?;
        Ok(ExportOptions {
            scope,
            formats: if scope.is_some() {
                ExportFormat::ALL.to_vec()
            } else {
                Vec::new()
            },
        })
    }

    /// Writes every intake matching the queue filters to `job.out`, audited with who, the
    /// format, the scope, the filters (never the search text) and the row count.
    pub fn export_intakes(
        &self,
        session: &str,
        form: &Form,
        job: ExportJob<'_>,
    ) -> Result<ExportSummary> {
        let (actor, scope) = self.export_gate(session)?;
        let format = job.request.format;
        let dest = destination(job.out, format)?;
        let selection = read::selection(&job.request.query)?;
        let settings = self.read_settings()?;
        let now_ms = self.now_ms();

        let conn = self.db().connect()?;
        forms::remember(&conn, form, now_ms)?;
        // One snapshot for the count, the columns and the rows (WAL: the bot keeps writing).
        conn.execute_batch("BEGIN").map_err(StoreError::from)?;
        let forms = forms::known(&conn, form)?;
        let other = forms::has_unknown_versions(&conn, &forms)?;
        let total = match &selection {
            Some(sel) => read::count(&conn, sel)?,
            None => 0,
        };
        if format == ExportFormat::Xlsx && total > XLSX_MAX_ROWS {
            return Err(ExportError::TooManyRows(total).into());
        }
        // Charged only for an export that will write: refusals above cost nothing.
        self.limits().export(&actor)?;
        let lang = settings
            .languages
            .first()
            .filter(|l| form.languages.contains(l))
            .cloned()
            .unwrap_or_else(|| form.fallback_lang().to_owned());
        let layout = Layout {
            columns: columns::columns(&forms, scope, &lang, other),
            lang,
            scope,
            tz: job.tz,
            now_ms,
            clinic_name: settings.clinic_name,
            forms,
        };
        let keep =
            (scope == ExportScope::Demographics).then(|| read::demographic_ids(&layout.forms));

        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let part = tempfile::Builder::new()
            .prefix(".intake-desk-export-")
            .suffix(".part")
            .tempfile_in(&dir)
            .map_err(ExportError::from)?;
        let file = part.as_file().try_clone().map_err(ExportError::from)?;
        let mut sink = open_sink(format, &layout, file, &dir)?;
        (job.progress)(0, total);
        // rust_xlsxwriter panics (rather than returning an error) when its temporary file
        // fails mid-write, e.g. on a full disk; that must end as a clear error, not a crash.
        let cancel = job.cancel;
        let progress = &mut *job.progress;
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<u64> {
            let done = pipeline::run(
                pipeline::Source {
                    conn,
                    selection: selection.as_ref(),
                    keep: keep.as_ref(),
                },
                &layout,
                sink.as_mut(),
                pipeline::Control {
                    cancel,
                    total,
                    progress: &mut *progress,
                },
            )?;
            if cancel.load(Ordering::Relaxed) {
                return Err(ExportError::Cancelled.into());
            }
            sink.finish(&layout)?;
            Ok(done)
        }));
        let done = match written {
            Ok(result) => result?,
            Err(_) => {
                tracing::error!("the export writer panicked");
                return Err(ExportError::Io(std::io::Error::other("writer panicked")).into());
            }
        };
        part.as_file().sync_all().map_err(ExportError::from)?;
        let bytes = part.as_file().metadata().map_err(ExportError::from)?.len();
        progress(done, total);

        // The audit row goes in before the file appears: an export nobody can account for
        // must not exist. (A rename that then fails leaves an extra row, never a missing one.)
        self.audit(
            &actor.audit_name(),
            Action::ExportCreated,
            "intakes",
            json!({
                "format": format.as_str(),
                "scope": scope.as_str(),
                "rows": done,
                "filters": AuditedFilters::from(&job.request.query),
            }),
        )?;
        part.persist(&dest)
            .map_err(|e| ExportError::from(e.error))?;
        Ok(ExportSummary {
            format,
            scope,
            rows: done,
            bytes,
            file_name: dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        })
    }
}

fn open_sink(
    format: ExportFormat,
    layout: &Layout,
    file: std::fs::File,
    dir: &Path,
) -> Result<Box<dyn Sink>, ExportError> {
    Ok(match format {
        ExportFormat::Csv => Box::new(csv_out::CsvSink::new(layout, file)?),
        ExportFormat::Xlsx => Box::new(xlsx_out::XlsxSink::new(layout, file, dir)?),
        ExportFormat::Fhir => Box::new(fhir::FhirSink::new(layout, file)?),
    })
}
