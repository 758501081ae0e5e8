//! Exports from the queue. The save dialog opens here, in the backend, so the window never
//! names a path to write patient data to: it asks for an export, the person picks the file in
//! the operating system's dialog, and only that file is written (and later opened or shown).
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use intake_core::export::{
    ExportFormat, ExportJob, ExportOptions, ExportRequest, ExportSummary, ExportTz,
};
use intake_core::ErrorBody;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

use super::{with_desk, Reply, Shared};
use crate::IpcError;

/// Progress of a running export, as the Tauri event `export-progress`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    pub job_id: u32,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// The end of an export, as the Tauri event `export-finished`: a summary, or why not.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ExportFinished {
    pub job_id: u32,
    pub summary: Option<ExportSummary>,
    pub error: Option<ErrorBody>,
}

/// An export under way: the file chosen in the dialog.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ExportStarted {
    pub job_id: u32,
    pub file_name: String,
    /// The folder, for "saved in …".
    pub folder: String,
}

struct Job {
    /// Only the session that started an export may cancel, open or show it.
    session: String,
    path: PathBuf,
    cancel: Arc<AtomicBool>,
    finished: bool,
}

/// This window's exports, by job id. Only files written here can be opened or shown.
#[derive(Default)]
pub struct Exports {
    next: AtomicU32,
    jobs: Mutex<HashMap<u32, Job>>,
}

impl Exports {
    fn jobs(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Job>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn finished_path(&self, job_id: u32, session: &str) -> Result<PathBuf, IpcError> {
        match self.jobs().get(&job_id) {
            Some(job) if job.finished && job.session == session => Ok(job.path.clone()),
            _ => Err(IpcError(ErrorBody {
                code: "export.unknown".into(),
                message: "That export is not available any more. Export again.".into(),
            })),
        }
    }
}

/// The window's session, when it may export at all (role and the clinic's front-desk setting).
async fn exporting_session(shell: &Shared<'_>) -> Reply<String> {
    with_desk(shell, move |desk, session| {
        desk.authorize_export(session)?;
        Ok(session.to_owned())
    })
    .await
}

#[tauri::command]
pub async fn export_options(shell: Shared<'_>) -> Reply<ExportOptions> {
    with_desk(&shell, move |desk, session| desk.export_options(session)).await
}

/// Debug builds only: `INTAKE_DESK_TEST_EXPORT_DIR` stands in for the save dialog, which a
/// WebDriver session cannot reach.
fn test_export_dir() -> Option<PathBuf> {
    if cfg!(debug_assertions) {
        std::env::var_os("INTAKE_DESK_TEST_EXPORT_DIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    } else {
        None
    }
}

async fn choose_file<R: Runtime>(app: &AppHandle<R>, format: ExportFormat) -> Option<PathBuf> {
    let name = format.suggested_name(chrono::Local::now().date_naive());
    if let Some(dir) = test_export_dir() {
        return Some(dir.join(name));
    }
    use tauri_plugin_dialog::DialogExt;
    let label = match format {
        ExportFormat::Xlsx => "Excel workbook",
        ExportFormat::Csv => "CSV (comma-separated values)",
        ExportFormat::Fhir => "FHIR R4 bundle (JSON)",
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Save the export")
        .set_file_name(&name)
        .add_filter(label, &[format.extension()])
        .save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

/// Asks where to save, then runs the export in the background. `null` when the person closed
/// the dialog. Progress and the end arrive as events.
#[tauri::command]
pub async fn export_start<R: Runtime>(
    app: AppHandle<R>,
    shell: Shared<'_>,
    request: ExportRequest,
) -> Reply<Option<ExportStarted>> {
    // Refuse before the dialog opens: nobody picks a file for an export they may not make.
    let session = exporting_session(&shell).await?;
    let Some(chosen) = choose_file(&app, request.format).await else {
        return Ok(None);
    };
    let path = intake_core::export::destination(&chosen, request.format)
        .map_err(|e| IpcError::from(intake_core::Error::from(e)))?;
    let shell = shell.inner().clone();
    let job_id = shell.exports.next.fetch_add(1, Ordering::Relaxed) + 1;
    let cancel = Arc::new(AtomicBool::new(false));
    shell.exports.jobs().insert(
        job_id,
        Job {
            session: session.clone(),
            path: path.clone(),
            cancel: cancel.clone(),
            finished: false,
        },
    );
    let started = ExportStarted {
        job_id,
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        folder: path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    };
    tauri::async_runtime::spawn_blocking(move || {
        run(app, shell, job_id, &session, request, path, cancel)
    });
    Ok(Some(started))
}

fn run<R: Runtime>(
    app: AppHandle<R>,
    shell: Arc<crate::Shell>,
    job_id: u32,
    session: &str,
    request: ExportRequest,
    path: PathBuf,
    cancel: Arc<AtomicBool>,
) {
    let mut progress = |done: u64, total: u64| {
        let _ = app.emit(
            "export-progress",
            ExportProgress {
                job_id,
                done,
                total,
            },
        );
    };
    let result = shell.launcher.desk().and_then(|desk| {
        desk.export_intakes(
            session,
            &shell.form,
            ExportJob {
                request: &request,
                out: &path,
                tz: ExportTz::Local,
                cancel: &cancel,
                progress: &mut progress,
            },
        )
    });
    let finished = match result {
        Ok(summary) => {
            if let Some(job) = shell.exports.jobs().get_mut(&job_id) {
                job.finished = true;
            }
            ExportFinished {
                job_id,
                summary: Some(summary),
                error: None,
            }
        }
        Err(e) => {
            shell.exports.jobs().remove(&job_id);
            ExportFinished {
                job_id,
                summary: None,
                error: Some(IpcError::from(e).0),
            }
        }
    };
    let _ = app.emit("export-finished", finished);
}

#[tauri::command]
pub async fn export_cancel(shell: Shared<'_>, job_id: u32) -> Reply<()> {
    let session = exporting_session(&shell).await?;
    if let Some(job) = shell.exports.jobs().get(&job_id) {
        if job.session == session {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }
    Ok(())
}

/// This session's finished export `job_id`, handed to the opener.
async fn with_finished<R: Runtime>(
    app: &AppHandle<R>,
    shell: &Shared<'_>,
    job_id: u32,
    open: impl FnOnce(
        &tauri_plugin_opener::Opener<R>,
        PathBuf,
    ) -> Result<(), tauri_plugin_opener::Error>,
) -> Reply<()> {
    use tauri_plugin_opener::OpenerExt;
    let session = exporting_session(shell).await?;
    let path = shell.exports.finished_path(job_id, &session)?;
    open(app.opener(), path).map_err(|e| opener_failed(&e))
}

/// Opens a finished export in the program the computer uses for it (Excel, say).
#[tauri::command]
pub async fn export_open<R: Runtime>(
    app: AppHandle<R>,
    shell: Shared<'_>,
    job_id: u32,
) -> Reply<()> {
    with_finished(&app, &shell, job_id, |opener, path| {
        opener.open_path(path.to_string_lossy(), None::<&str>)
    })
    .await
}

/// Shows a finished export in its folder.
#[tauri::command]
pub async fn export_reveal<R: Runtime>(
    app: AppHandle<R>,
    shell: Shared<'_>,
    job_id: u32,
) -> Reply<()> {
    with_finished(&app, &shell, job_id, |opener, path| {
        opener.reveal_item_in_dir(path)
    })
    .await
}

fn opener_failed(e: &tauri_plugin_opener::Error) -> IpcError {
    tracing::warn!(error = %e, "could not open an export");
    IpcError(ErrorBody {
        code: "export.open_failed".into(),
        message:
            "The file was saved, but this computer could not open it here. Open it from its folder."
                .into(),
    })
}
