//! What crosses IPC (and the headless CLI) for exports.
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::queue::{IntakeStatus, QueueQuery};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Fhir,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [Self::Xlsx, Self::Csv, Self::Fhir];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::Fhir => "fhir",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The file name extension, without the dot. A FHIR bundle is JSON.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::Fhir => "json",
        }
    }

    /// `intakes-2026-11-22.xlsx`, from the local date of the export.
    pub fn suggested_name(self, local_date: chrono::NaiveDate) -> String {
        let suffix = if self == Self::Fhir { "-fhir" } else { "" };
        format!(
            "intakes-{}{suffix}.{}",
            local_date.format("%Y-%m-%d"),
            self.extension()
        )
    }
}

/// Which part of each intake an export may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ExportScope {
    /// Every answer: admins and doctors.
    Full,
    /// Demographic answers only (no clinical column): the front desk, when the clinic allows.
    Demographics,
}

impl ExportScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Demographics => "demographics",
        }
    }
}

/// What the clinic lets the front desk export (a clinic setting; admins and doctors always
/// export full intakes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum FrontDeskExport {
    #[default]
    Demographics,
    Nothing,
}

impl FrontDeskExport {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demographics => "demographics",
            Self::Nothing => "nothing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Demographics, Self::Nothing]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// One export: a format and the queue's filters (its search, statuses, dates and reviewed
/// flag; sort order kept, paging ignored: an export holds every matching intake).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    pub format: ExportFormat,
    #[serde(default)]
    pub query: QueueQuery,
}

/// What the signed-in person may export, for the queue's Export button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ExportOptions {
    /// `null`: this person may not export (the button is hidden; core refuses anyway).
    pub scope: Option<ExportScope>,
    pub formats: Vec<ExportFormat>,
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ExportSummary {
    pub format: ExportFormat,
    pub scope: ExportScope,
    /// Intakes written.
    #[ts(type = "number")]
    pub rows: u64,
    /// Size of the file written.
    #[ts(type = "number")]
    pub bytes: u64,
    pub file_name: String,
}

/// The filters as the audit log records them: never the search text, which may be a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuditedFilters {
    pub searched: bool,
    pub statuses: Vec<IntakeStatus>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub reviewed: Option<bool>,
}

impl From<&QueueQuery> for AuditedFilters {
    fn from(q: &QueueQuery) -> Self {
        Self {
            searched: q.search.as_deref().is_some_and(|s| !s.trim().is_empty()),
            statuses: q.statuses.clone(),
            from_ms: q.from_ms,
            to_ms: q.to_ms,
            reviewed: q.reviewed,
        }
    }
}
