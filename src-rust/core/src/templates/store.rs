//! The SQL behind the template library (`wa_templates`) and the event → template mapping
//! (`template_mappings`). Rows are keyed by (name, language), which is how Meta identifies a
//! template when one is sent; Meta's own id is kept to match status webhooks.
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::types::{
    ButtonAction, ParamBinding, TemplateEvent, TemplateMapping, TemplateStatus, WaTemplate,
};
use crate::store::{settings, StoreError};
use crate::Result;

/// When the library was last fetched from Meta (unix ms), in `settings`.
pub(crate) const SYNCED_AT: &str = "templates_synced_at";

impl TemplateStatus {
    /// Meta's status words (list answer) and status-webhook events. FLAGGED means the quality
    /// is dropping but the template may still be sent; REINSTATED lifts a pause.
    pub fn from_meta(word: &str) -> Self {
        match word.trim().to_ascii_uppercase().as_str() {
            "APPROVED" | "REINSTATED" | "FLAGGED" => Self::Approved,
            "PENDING" | "IN_APPEAL" => Self::Pending,
            "REJECTED" => Self::Rejected,
            "PAUSED" => Self::Paused,
            _ => Self::Unavailable,
        }
    }
}

/// One template as read from Meta (a list entry) or as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored {
    pub meta_id: Option<String>,
    /// NAMED parameters (`{{first_name}}`) rather than POSITIONAL ones (`{{1}}`).
    pub named: bool,
    /// The code of a part composing cannot fill (see `parse::unsupported`).
    pub unsupported: Option<&'static str>,
    pub template: WaTemplate,
}

const UNSUPPORTED: [(&str, &str); 4] = [
    ("media_header", "This template starts with a picture, video or document, which Intake Desk cannot attach yet. Choose a template with a text header or none."),
    ("header_variable", "This template's header has a variable, which Intake Desk cannot fill yet. Choose a template whose variables are all in the body."),
    ("url_variable", "This template has a link button with a variable, which Intake Desk cannot fill yet. Choose a template with fixed links or quick replies."),
    ("special_button", "This template has a copy-code, form or catalogue button, which Intake Desk cannot send. Choose a template with quick-reply buttons."),
];

/// The stored code and its sentence for the admin.
pub(crate) fn unsupported_sentence(code: &str) -> String {
    UNSUPPORTED
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(UNSUPPORTED[0].1, |(_, s)| s)
        .to_owned()
}

fn unsupported_code(stored: Option<String>) -> Option<&'static str> {
    // A code this version does not know still marks the template as not sendable.
    stored.map(|s| {
        UNSUPPORTED
            .iter()
            .find(|(c, _)| *c == s)
            .map_or("special_button", |(c, _)| c)
    })
}

const COLUMNS: &str =
    "meta_id, parameter_format, name, language, category, status, body, params, buttons, reason, updated_at, unsupported";

fn json_list(text: &str) -> Vec<String> {
    // Only this module writes these columns; a damaged value reads as an empty list.
    serde_json::from_str(text).unwrap_or_default()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let format: String = r.get(1)?;
    let status: String = r.get(5)?;
    let unsupported = unsupported_code(r.get(11)?);
    let params = json_list(&r.get::<_, String>(7)?);
    let buttons = json_list(&r.get::<_, String>(8)?);
    let (suggested_params, suggested_buttons) = super::types::suggestions(&params, &buttons);
    Ok(Stored {
        meta_id: r.get(0)?,
        named: format.eq_ignore_ascii_case("NAMED"),
        unsupported,
        template: WaTemplate {
            name: r.get(2)?,
            language: r.get(3)?,
            category: r.get(4)?,
            status: TemplateStatus::from_meta(&status),
            meta_status: status,
            body: r.get(6)?,
            params,
            buttons,
            suggested_params,
            suggested_buttons,
            reason: r.get(9)?,
            unsupported: unsupported.map(unsupported_sentence),
            updated_at: r.get(10)?,
        },
    })
}

pub(crate) fn template(conn: &Connection, name: &str, language: &str) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM wa_templates WHERE name = ?1 AND language = ?2"
        ))
        .map_err(StoreError::from)?
        .query_row(params![name, language], from_row)
        .optional()
        .map_err(StoreError::from)?)
}

/// Every template, by name then language.
pub(crate) fn templates(conn: &Connection) -> Result<Vec<WaTemplate>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM wa_templates ORDER BY name, language"
        ))
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([], from_row)
        .map_err(StoreError::from)?
        .map(|r| r.map(|s| s.template))
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(StoreError::from)?;
    Ok(rows)
}

pub(crate) fn synced_at(conn: &Connection) -> Result<Option<i64>> {
    Ok(settings::get(conn, SYNCED_AT)?.and_then(|v| v.parse().ok()))
}

/// Replaces the library with Meta's complete list, in the caller's transaction: new templates
/// are added, known ones updated, and those Meta no longer lists are removed (deleted in
/// WhatsApp Manager). `updated_at` moves only for rows whose content changed, so the screen's
/// "changed at" means something. Returns how many rows were removed.
pub(crate) fn replace_all(conn: &Connection, list: &[Stored], now_ms: i64) -> Result<usize> {
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS temp.template_sync (name TEXT, language TEXT)",
        [],
    )
    .map_err(StoreError::from)?;
    conn.execute("DELETE FROM temp.template_sync", [])
        .map_err(StoreError::from)?;
    {
        let mut keep = conn
            .prepare_cached("INSERT INTO temp.template_sync (name, language) VALUES (?1, ?2)")
            .map_err(StoreError::from)?;
        for s in list {
            upsert(conn, s, now_ms)?;
            keep.execute(params![s.template.name, s.template.language])
                .map_err(StoreError::from)?;
        }
    }
    let removed = conn
        .execute(
            "DELETE FROM wa_templates WHERE NOT EXISTS (
                 SELECT 1 FROM temp.template_sync k
                 WHERE k.name = wa_templates.name AND k.language = wa_templates.language)",
            [],
        )
        .map_err(StoreError::from)?;
    conn.execute("DELETE FROM temp.template_sync", [])
        .map_err(StoreError::from)?;
    settings::set(conn, SYNCED_AT, &now_ms.to_string(), now_ms)?;
    Ok(removed)
}

/// Inserts or updates one template by (name, language).
pub(crate) fn upsert(conn: &Connection, s: &Stored, now_ms: i64) -> Result<()> {
    let t = &s.template;
    let params_json = serde_json::to_string(&t.params).unwrap_or_else(|_| "[]".into());
    let buttons_json = serde_json::to_string(&t.buttons).unwrap_or_else(|_| "[]".into());
    let format = if s.named { "NAMED" } else { "POSITIONAL" };
    conn.prepare_cached(
        "INSERT INTO wa_templates (meta_id, name, language, category, status, parameter_format,
             body, params, buttons, reason, updated_at, unsupported)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (name, language) DO UPDATE SET
             meta_id = coalesce(excluded.meta_id, meta_id),
             category = excluded.category, status = excluded.status,
             parameter_format = excluded.parameter_format, body = excluded.body,
             params = excluded.params, buttons = excluded.buttons, reason = excluded.reason,
             unsupported = excluded.unsupported,
             updated_at = CASE WHEN meta_id IS coalesce(excluded.meta_id, meta_id)
                 AND category = excluded.category AND status = excluded.status
                 AND parameter_format = excluded.parameter_format AND body = excluded.body
                 AND params = excluded.params AND buttons = excluded.buttons
                 AND reason IS excluded.reason AND unsupported IS excluded.unsupported
                 THEN updated_at ELSE excluded.updated_at END",
    )
    .map_err(StoreError::from)?
    .execute(params![
        s.meta_id,
        t.name,
        t.language,
        t.category,
        t.meta_status,
        format,
        t.body,
        params_json,
        buttons_json,
        t.reason,
        now_ms,
        s.unsupported
    ])
    .map_err(StoreError::from)?;
    Ok(())
}

/// What a `message_template_status_update` webhook says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusUpdate {
    pub meta_id: Option<String>,
    pub name: Option<String>,
    pub language: Option<String>,
    /// Meta's event word: APPROVED, REJECTED, PAUSED...
    pub event: String,
    /// Meta's reason; `None` when there is none ("NONE").
    pub reason: Option<String>,
    pub category: Option<String>,
}

/// Moves one template's status: found by Meta's id, else by name and language. A template the
/// library does not know yet (created in WhatsApp Manager since the last sync) is added with
/// what the webhook tells, so the screen shows it before the next sync. Returns whether a row
/// changed.
pub(crate) fn apply_status(
    conn: &Connection,
    u: &StatusUpdate,
    now_ms: i64,
) -> std::result::Result<bool, StoreError> {
    let by_id = match &u.meta_id {
        Some(id) => conn
            .prepare_cached(
                "UPDATE wa_templates SET status = ?2, reason = ?3, updated_at = ?4,
                     category = coalesce(?5, category)
                 WHERE meta_id = ?1",
            )?
            .execute(params![id, u.event, u.reason, now_ms, u.category])?,
        None => 0,
    };
    if by_id > 0 {
        return Ok(true);
    }
    let (Some(name), Some(language)) = (&u.name, &u.language) else {
        return Ok(false);
    };
    conn.prepare_cached(
        "INSERT INTO wa_templates (meta_id, name, language, category, status, updated_at, reason)
         VALUES (?1, ?2, ?3, coalesce(?4, ''), ?5, ?6, ?7)
         ON CONFLICT (name, language) DO UPDATE SET
             meta_id = coalesce(excluded.meta_id, meta_id), status = excluded.status,
             reason = excluded.reason, updated_at = excluded.updated_at,
             category = CASE WHEN ?4 IS NULL THEN category ELSE excluded.category END",
    )?
    .execute(params![
        u.meta_id, name, language, u.category, u.event, now_ms, u.reason
    ])?;
    Ok(true)
}

fn mapping_from(r: &Row<'_>) -> rusqlite::Result<Option<TemplateMapping>> {
    let event: String = r.get(0)?;
    let Some(event) = TemplateEvent::parse(&event) else {
        return Ok(None);
    };
    let params: Vec<ParamBinding> =
        serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default();
    let buttons: Vec<ButtonAction> =
        serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default();
    Ok(Some(TemplateMapping {
        event,
        template_name: r.get(1)?,
        language: r.get(2)?,
        params,
        buttons,
    }))
}

pub(crate) fn mapping(conn: &Connection, event: TemplateEvent) -> Result<Option<TemplateMapping>> {
    Ok(conn
        .prepare_cached(
            "SELECT event, template_name, language, params, buttons FROM template_mappings
             WHERE event = ?1",
        )
        .map_err(StoreError::from)?
        .query_row([event.as_str()], mapping_from)
        .optional()
        .map_err(StoreError::from)?
        .flatten())
}

/// Every stored mapping, in `TemplateEvent::ALL` order.
pub(crate) fn mappings(conn: &Connection) -> Result<Vec<TemplateMapping>> {
    let mut out = Vec::new();
    for event in TemplateEvent::ALL {
        if let Some(m) = mapping(conn, event)? {
            out.push(m);
        }
    }
    Ok(out)
}

pub(crate) fn save_mapping(
    conn: &Connection,
    m: &TemplateMapping,
    staff_id: Option<i64>,
    now_ms: i64,
) -> Result<()> {
    let params_json = serde_json::to_string(&m.params).unwrap_or_else(|_| "[]".into());
    let buttons_json = serde_json::to_string(&m.buttons).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "INSERT INTO template_mappings (event, template_name, language, params, buttons,
             updated_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (event) DO UPDATE SET template_name = excluded.template_name,
             language = excluded.language, params = excluded.params, buttons = excluded.buttons,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .map_err(StoreError::from)?
    .execute(params![
        m.event.as_str(),
        m.template_name,
        m.language,
        params_json,
        buttons_json,
        staff_id,
        now_ms
    ])
    .map_err(StoreError::from)?;
    Ok(())
}

/// Returns whether there was a mapping to clear.
pub(crate) fn clear_mapping(conn: &Connection, event: TemplateEvent) -> Result<bool> {
    let n = conn
        .execute(
            "DELETE FROM template_mappings WHERE event = ?1",
            [event.as_str()],
        )
        .map_err(StoreError::from)?;
    Ok(n > 0)
}
