//! Why an export stopped. The messages are for the person at the desk; the inner text (which
//! may hold a path) goes to the log only.
use std::io::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    // File errors show their kind only: the inner text can carry the path, and a clinic may
    // name an export after a patient.
    #[error("writing the export file: {}", .0.kind())]
    Io(#[from] std::io::Error),
    #[error("building the workbook: {}", xlsx_text(.0))]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing CSV: {}", csv_text(.0))]
    Csv(#[from] csv::Error),
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0} intakes do not fit in one Excel sheet")]
    TooManyRows(u64),
    #[error("the export was cancelled")]
    Cancelled,
    #[error("the destination is not a file name")]
    NotAFile,
}

fn xlsx_text(e: &rust_xlsxwriter::XlsxError) -> String {
    match e {
        rust_xlsxwriter::XlsxError::IoError(io) => io.kind().to_string(),
        other => other.to_string(),
    }
}

fn csv_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.kind().to_string(),
        _ => "record error".into(),
    }
}

impl ExportError {
    fn io_kind(&self) -> Option<ErrorKind> {
        match self {
            Self::Io(e) => Some(e.kind()),
            Self::Csv(e) => match e.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            },
            Self::Json(e) => e.io_error_kind(),
            Self::Xlsx(rust_xlsxwriter::XlsxError::IoError(e)) => Some(e.kind()),
            _ => None,
        }
    }

    pub(crate) fn describe(&self) -> (&'static str, String) {
        let s = |code, msg: &str| (code, msg.to_owned());
        match self {
            Self::Cancelled => s("export.cancelled", "Export cancelled. No file was written."),
            Self::TooManyRows(_) => s("export.too_many_rows", "An Excel sheet holds at most 1,048,575 intakes. Narrow the dates, or export CSV instead."),
            Self::NotAFile => s("export.not_a_file", "Choose a file name to save the export as, not a folder."),
            _ => match self.io_kind() {
                Some(ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem) => s("export.permission_denied", "Intake Desk may not write in that folder. Choose another folder, such as Documents."),
                Some(ErrorKind::StorageFull | ErrorKind::QuotaExceeded) => s("export.disk_full", "The disk is full, so the export was not written. Free some space or choose another drive."),
                Some(ErrorKind::NotFound) => s("export.folder_missing", "That folder is not there any more (a USB drive removed?). Choose another folder."),
                _ => s("export.write_failed", "The export file could not be written. Check the disk and try again; nothing was changed in the records."),
            },
        }
    }
}
