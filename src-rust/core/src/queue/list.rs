//! One page of the queue. The filters and the sort become SQL over the indexes of migration
//! 009; only the page's rows are read from the (fat, encrypted) intakes table, by id.
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::types::{IntakeStatus, QueuePage, QueueQuery, QueueRow, QueueSort};
use super::{digits, rank, status_from_db};
use crate::auth::Permission;
use crate::form::text::{fold, sanitize};
use crate::store::StoreError;
use crate::{Desk, Error, Result};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;
pub const MAX_SEARCH_CHARS: usize = 100;
/// 9999-12-31: anything later (or before 1970) is a caller's bug, not a date range.
const MAX_MS: i64 = 253_402_300_799_999;

/// What a search box entry means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Search {
    /// Folded like the stored names.
    Name(String),
    /// Digits only: "+34 600-11" is the phone fragment "3460011".
    Phone(String),
}

impl Search {
    pub(crate) fn parse(raw: Option<&str>) -> Result<Option<Search>> {
        let Some(raw) = raw else { return Ok(None) };
        let cleaned = sanitize(raw);
        if cleaned.chars().count() > MAX_SEARCH_CHARS {
            return Err(Error::invalid(
                "invalid.search",
                "Search with at most 100 characters: part of a name or of a phone number.",
            ));
        }
        let phone: String = cleaned
            .chars()
            .filter(|c| !matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'))
            .collect();
        if !phone.is_empty() && phone.chars().all(|c| c.is_ascii_digit()) {
            return Ok(Some(Search::Phone(digits(&phone))));
        }
        let name = fold(&cleaned);
        Ok((!name.is_empty()).then_some(Search::Name(name)))
    }

    fn needle(&self) -> &str {
        match self {
            Search::Name(s) | Search::Phone(s) => s,
        }
    }
}

/// A validated query as SQL pieces. Nothing the caller typed is ever spliced into the SQL: the
/// search and dates are parameters, the statuses become integer ranks chosen here.
#[derive(Debug)]
struct Plan {
    conditions: Vec<String>,
    params: Vec<Value>,
    /// `INDEXED BY` for a search or the name sort: the planner could otherwise walk the time
    /// index in order and read every fat row to test the search key.
    index: &'static str,
    order: String,
    page: u32,
    page_size: u32,
    /// The filters exclude everything (e.g. reviewed=false with only "reviewed" ticked).
    nothing: bool,
    /// Count and page in one read of the index (see `ids_and_count`).
    one_pass: bool,
}

impl Plan {
    fn new(q: &QueueQuery) -> Result<Plan> {
        let page_size = match q.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if n > MAX_PAGE_SIZE => {
                return Err(Error::invalid(
                    "invalid.page_size",
                    "A page shows at most 200 intakes.",
                ))
            }
            n => n,
        };
        for ms in [q.from_ms, q.to_ms].into_iter().flatten() {
            if !(0..=MAX_MS).contains(&ms) {
                return Err(Error::invalid(
                    "invalid.date_range",
                    "The dates of the filter are not valid. Pick them again.",
                ));
            }
        }
        if let (Some(from), Some(to)) = (q.from_ms, q.to_ms) {
            if from > to {
                return Err(Error::invalid(
                    "invalid.date_range",
                    "The start of the date range is after its end. Pick the dates again.",
                ));
            }
        }
        let mut conditions = Vec::new();
        let mut params = Vec::new();
        let search = Search::parse(q.search.as_deref())?;
        if let Some(s) = &search {
            conditions.push("instr(search_key, ?) > 0".to_owned());
            params.push(Value::Text(s.needle().to_owned()));
        }
        let statuses = wanted_statuses(q);
        if statuses.len() < IntakeStatus::ALL.len() && !statuses.is_empty() {
            let ranks: Vec<String> = statuses.iter().map(|s| rank(*s).to_string()).collect();
            conditions.push(format!("status_rank IN ({})", ranks.join(", ")));
        }
        if let Some(from) = q.from_ms {
            conditions.push("submitted_at >= ?".to_owned());
            params.push(Value::Integer(from));
        }
        if let Some(to) = q.to_ms {
            conditions.push("submitted_at < ?".to_owned());
            params.push(Value::Integer(to));
        }
        let dir = if q.descending { "DESC" } else { "ASC" };
        let order = match q.sort {
            QueueSort::SubmittedAt => format!("submitted_at {dir}, id {dir}"),
            QueueSort::Name => format!("search_key {dir}, id {dir}"),
            QueueSort::Status => format!("status_rank {dir}, submitted_at {dir}, id {dir}"),
        };
        let index = if search.is_some() || q.sort == QueueSort::Name {
            "INDEXED BY intakes_search"
        } else {
            ""
        };
        Ok(Plan {
            conditions,
            params,
            index,
            order,
            page: q.page,
            page_size,
            nothing: statuses.is_empty(),
            // In name order the page stops early in the search index, so only the count reads
            // all of it; otherwise both would.
            one_pass: search.is_some() && q.sort != QueueSort::Name,
        })
    }

    fn filter(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    fn run(&self, conn: &Connection) -> Result<QueuePage, StoreError> {
        let mut page = QueuePage {
            rows: Vec::new(),
            total: 0,
            page: self.page,
            page_size: self.page_size,
        };
        if self.nothing {
            return Ok(page);
        }
        let (ids, total) = if self.one_pass {
            self.ids_and_count(conn)?
        } else {
            let total = self.count(conn)?;
            (self.ids(conn, total)?, total)
        };
        page.total = u32::try_from(total).unwrap_or(u32::MAX);
        let mut row = conn.prepare_cached(
            "SELECT id, patient_name, patient_phone, submitted_at, status, status_by, status_at,
                    lang
             FROM intakes WHERE id = ?1",
        )?;
        for id in ids {
            page.rows.push(row.query_row([id], |r| {
                Ok(QueueRow {
                    id: r.get(0)?,
                    patient_name: r.get(1)?,
                    patient_phone: r.get(2)?,
                    submitted_at: r.get(3)?,
                    status: status_from_db(&r.get::<_, String>(4)?),
                    status_by: r.get(5)?,
                    status_at: r.get(6)?,
                    lang: r.get(7)?,
                })
            })?);
        }
        Ok(page)
    }

    fn offset(&self) -> i64 {
        i64::from(self.page) * i64::from(self.page_size)
    }

    fn paged_params(&self) -> Vec<Value> {
        let mut params = self.params.clone();
        params.push(Value::Integer(i64::from(self.page_size)));
        params.push(Value::Integer(self.offset()));
        params
    }

    /// Without a search the count is a range of an index and the page stops after its rows,
    /// so two cheap statements.
    fn count(&self, conn: &Connection) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT count(*) FROM intakes {} {}",
            self.index,
            self.filter()
        );
        Ok(conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(self.params.iter()), |r| r.get(0))?)
    }

    fn ids(&self, conn: &Connection, total: i64) -> Result<Vec<i64>, StoreError> {
        if self.offset() >= total {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id FROM intakes {} {} ORDER BY {} LIMIT ? OFFSET ?",
            self.index,
            self.filter(),
            self.order
        );
        let ids = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(self.paged_params().iter()), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// A search reads the whole search index whatever the page; counting in the same pass
    /// halves the pages decrypted. Past the last page there is no row to carry the count.
    fn ids_and_count(&self, conn: &Connection) -> Result<(Vec<i64>, i64), StoreError> {
        let sql = format!(
            "SELECT id, count(*) OVER () FROM intakes {} {} ORDER BY {} LIMIT ? OFFSET ?",
            self.index,
            self.filter(),
            self.order
        );
        let rows: Vec<(i64, i64)> = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(self.paged_params().iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        match rows.first() {
            Some(&(_, total)) => Ok((rows.into_iter().map(|(id, _)| id).collect(), total)),
            None if self.offset() == 0 => Ok((Vec::new(), 0)),
            None => Ok((Vec::new(), self.count(conn)?)),
        }
    }
}

/// The queue's filters and order without paging, for exports: every matching intake.
pub(crate) struct Selection {
    /// `SELECT <columns> FROM intakes ... ORDER BY ...`
    pub select: String,
    pub count: String,
    pub params: Vec<Value>,
}

/// `None` when the filters exclude everything.
pub(crate) fn selection(q: &QueueQuery, columns: &str) -> Result<Option<Selection>> {
    let plan = Plan::new(&QueueQuery {
        page: 0,
        page_size: 0,
        ..q.clone()
    })?;
    if plan.nothing {
        return Ok(None);
    }
    Ok(Some(Selection {
        select: format!(
            "SELECT {columns} FROM intakes {} {} ORDER BY {}",
            plan.index,
            plan.filter(),
            plan.order
        ),
        count: format!(
            "SELECT count(*) FROM intakes {} {}",
            plan.index,
            plan.filter()
        ),
        params: plan.params,
    }))
}

/// The ticked statuses (none ticked: all), narrowed by the reviewed filter.
fn wanted_statuses(q: &QueueQuery) -> Vec<IntakeStatus> {
    IntakeStatus::ALL
        .into_iter()
        .filter(|s| q.statuses.is_empty() || q.statuses.contains(s))
        .filter(|s| match q.reviewed {
            Some(reviewed) => reviewed == (*s != IntakeStatus::New),
            None => true,
        })
        .collect()
}

impl Desk {
    /// One page of the intake queue, with the number of intakes matching the filters.
    pub fn intake_queue(&self, session: &str, q: &QueueQuery) -> Result<QueuePage> {
        self.authorize(session, Permission::ViewQueue)?;
        let plan = Plan::new(q)?;
        let conn = self.db().conn();
        Ok(plan.run(&conn)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(s: &str) -> Option<Search> {
        Search::parse(Some(s)).ok().flatten()
    }

    #[test]
    fn searches_are_names_or_phone_digits() {
        assert_eq!(search("  JOSÉ "), Some(Search::Name("jose".into())));
        assert_eq!(
            search("+34 600-111"),
            Some(Search::Phone("34600111".into()))
        );
        assert_eq!(
            search("(600) 111.222"),
            Some(Search::Phone("600111222".into()))
        );
        assert_eq!(search("ana 600"), Some(Search::Name("ana 600".into())));
        assert_eq!(search("   "), None);
        assert_eq!(search("\u{0}\u{7}"), None);
        assert_eq!(search("%_'\""), Some(Search::Name("%_'\"".into())));
        assert!(Search::parse(Some(&"a".repeat(101))).is_err());
        assert!(Search::parse(Some(&format!("  {}  ", "a".repeat(100)))).is_ok());
    }

    #[test]
    fn statuses_and_reviewed_combine() {
        let q = |statuses: Vec<IntakeStatus>, reviewed| QueueQuery {
            statuses,
            reviewed,
            ..QueueQuery::default()
        };
        assert_eq!(wanted_statuses(&q(vec![], None)).len(), 3);
        assert_eq!(
            wanted_statuses(&q(vec![], Some(false))),
            [IntakeStatus::New]
        );
        assert_eq!(
            wanted_statuses(&q(vec![], Some(true))),
            [IntakeStatus::Reviewed, IntakeStatus::NeedsFollowUp]
        );
        assert!(wanted_statuses(&q(vec![IntakeStatus::Reviewed], Some(false))).is_empty());
    }

    #[test]
    fn queries_are_validated() {
        let bad = |q: QueueQuery| Plan::new(&q).err().map(|e| e.code());
        let ok = QueueQuery::default();
        assert_eq!(Plan::new(&ok).map(|p| p.page_size).ok(), Some(50));
        assert_eq!(
            bad(QueueQuery {
                page_size: 201,
                ..ok.clone()
            }),
            Some("invalid.page_size")
        );
        assert_eq!(
            bad(QueueQuery {
                from_ms: Some(10),
                to_ms: Some(5),
                ..ok.clone()
            }),
            Some("invalid.date_range")
        );
        assert_eq!(
            bad(QueueQuery {
                from_ms: Some(-1),
                ..ok.clone()
            }),
            Some("invalid.date_range")
        );
        assert_eq!(
            bad(QueueQuery {
                to_ms: Some(i64::MAX),
                ..ok
            }),
            Some("invalid.date_range")
        );
    }
}
