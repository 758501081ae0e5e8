//! Reading the intakes an export holds: the queue's filters and order, on a connection of its
//! own inside one read transaction, so the count and the rows agree and the bot's writes (on
//! the shared connection, WAL mode) never wait for an export.
use std::collections::{BTreeMap, HashSet};

use rusqlite::{params_from_iter, Connection};

use super::columns::Intake;
use crate::form::{Answer, Form, Tag};
use crate::queue::{decode_answers, Selection};
use crate::store::StoreError;

const COLUMNS: &str = "id, form_id, form_version, lang, answers, submitted_at, status, \
                       status_by, status_at, patient_phone";

pub(crate) fn selection(q: &crate::queue::QueueQuery) -> crate::Result<Option<Selection>> {
    crate::queue::selection(q, COLUMNS)
}

pub(crate) fn count(conn: &Connection, sel: &Selection) -> Result<u64, StoreError> {
    let n: i64 = conn
        .prepare(&sel.count)?
        .query_row(params_from_iter(sel.params.iter()), |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Which answers a demographic-only export keeps: those to questions some known version tags
/// demographic. Unknown questions may be clinical, so they are left out.
pub(crate) fn demographic_ids(forms: &[Form]) -> HashSet<String> {
    let mut clinical = HashSet::new();
    let mut demographic = HashSet::new();
    for item in forms.iter().flat_map(|f| f.item.iter()) {
        match item.tag {
            Tag::Demographic => demographic.insert(item.link_id.clone()),
            Tag::Clinical => clinical.insert(item.link_id.clone()),
        };
    }
    // A question that changed tag between versions counts as clinical.
    demographic.retain(|id| !clinical.contains(id));
    demographic
}

/// An intake as read, its answers still JSON until [`Fetched::decode`] runs (on whichever
/// thread has time: see `pipeline`).
pub(crate) struct Fetched {
    pub intake: Intake,
    json: Option<String>,
}

impl Fetched {
    /// Decodes the answers and narrows them to the scope (`keep`; `None`: every answer).
    pub(crate) fn decode(&mut self, keep: Option<&HashSet<String>>) {
        if let Some(json) = self.json.take() {
            let mut answers = decode(self.intake.id, &json);
            if let Some(keep) = keep {
                answers.retain(|link_id, _| keep.contains(link_id));
            }
            self.intake.answers = answers;
        }
    }
}

/// Calls `f` with each intake in the selection's order, answers not yet decoded.
pub(crate) fn each(
    conn: &Connection,
    sel: &Selection,
    mut f: impl FnMut(Fetched) -> crate::Result<()>,
) -> crate::Result<()> {
    let mut stmt = conn.prepare(&sel.select).map_err(StoreError::from)?;
    let mut rows = stmt
        .query(params_from_iter(sel.params.iter()))
        .map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let status: String = r.get(6).map_err(StoreError::from)?;
        let intake = Intake {
            id: r.get(0).map_err(StoreError::from)?,
            form_id: r.get(1).map_err(StoreError::from)?,
            form_version: r.get(2).map_err(StoreError::from)?,
            lang: r.get(3).map_err(StoreError::from)?,
            submitted_at: r.get(5).map_err(StoreError::from)?,
            status: crate::queue::IntakeStatus::parse(&status)
                .unwrap_or(crate::queue::IntakeStatus::New),
            status_by: r.get(7).map_err(StoreError::from)?,
            status_at: r.get(8).map_err(StoreError::from)?,
            phone: r.get(9).map_err(StoreError::from)?,
            answers: BTreeMap::new(),
        };
        let json: Option<String> = r.get(4).map_err(StoreError::from)?;
        f(Fetched {
            intake,
            json: Some(json.unwrap_or_else(|| "{}".into())),
        })?;
    }
    Ok(())
}

/// The whole map in one pass; answer by answer only when that fails (an answer an older
/// version wrote differently costs only itself).
fn decode(id: i64, json: &str) -> BTreeMap<String, Answer> {
    super::decode::answers(json).unwrap_or_else(|| decode_answers(id, json))
}
