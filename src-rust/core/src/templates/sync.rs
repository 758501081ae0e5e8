//! The two Graph API calls of the template library: the list (`GET /{waba_id}/message_templates`,
//! every page) and submitting a ready-made text (`POST` to the same path). The session is
//! checked before Meta is asked; the token is only ever sent to `graph.base_url`'s host.
//! Nothing here logs a template's text, the token or Meta's error text.
use std::collections::HashSet;

use reqwest::Url;
use serde_json::{json, Value};

use super::ready_made::{self, Lang};
use super::store::{self, Stored};
use super::types::{suggestions, TemplateStatus, WaTemplate};
use super::types::{ParamBinding, ParamSource, TemplateEvent, TemplateLibrary, TemplateMapping};
use super::{library, parse};
use crate::audit::{self, Action};
use crate::auth::Permission;
use crate::events::DeskEvent;
use crate::sender::GraphConfig;
use crate::setup::explain::explain;
use crate::setup::{self, graph, MetaError, SetupProblem, Step};
use crate::{Desk, Error, Result};

const FIELDS: &str = "id,name,language,status,category,parameter_format,components,rejected_reason";
const PAGE: &str = "100";
/// A business account holds at most a few thousand templates (100 a page); past this many
/// pages something is looping.
const MAX_PAGES: usize = 100;

const PERMISSION: &str = "The access token cannot manage message templates: it needs the whatsapp_business_management permission. In Meta Business Settings → Users → System users, generate the token again with whatsapp_business_messaging and whatsapp_business_management ticked, and give the system user full control of this WhatsApp account under Assign assets.";

/// Codes whose meaning differs for templates from the set-up checks; the rest are explained as
/// for the business account check (a wrong account id, an expired token...).
fn explain_list(e: &MetaError) -> SetupProblem {
    match e.code {
        Some(10 | 200..=299) => {
            SetupProblem::new("templates.permission_missing", PERMISSION, e.code)
        }
        _ => explain(Step::BusinessAccount, e),
    }
}

fn explain_create(e: &MetaError) -> SetupProblem {
    match (e.code, e.subcode) {
        (Some(100), Some(2388023 | 2388024)) => SetupProblem::new(
            "templates.already_exists",
            "A template with this name and language is already on the clinic's WhatsApp account (submitted before, or created in WhatsApp Manager). Use Sync to bring it into the library.",
            e.code,
        ),
        (Some(100), Some(33)) => explain(Step::BusinessAccount, e),
        (Some(100), sub) => SetupProblem {
            code: "templates.refused".into(),
            message: format!(
                "Meta did not accept the template (error 100{}). Check it in WhatsApp Manager → Message templates; if it repeats, note the error number and contact support.",
                sub.map(|s| format!(", subcode {s}")).unwrap_or_default()
            ),
            meta_code: e.code,
        },
        _ => explain_list(e),
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn base_url(graph: &GraphConfig, account_id: &str) -> Result<Url> {
    Url::parse(&graph::url(graph, &[account_id, "message_templates"])).map_err(|_| {
        tracing::error!("the Graph API base URL is not a URL");
        Error::Graph(SetupProblem::internal())
    })
}

/// The page after `page`: Meta's `paging.next` when it points at our own Graph host (so the
/// token never leaves it), else our own URL with the `after` cursor. `None` on the last page.
fn next_page(page: &Value, base: &Url) -> Option<Url> {
    let next = page.pointer("/paging/next").and_then(Value::as_str)?;
    if let Ok(url) = Url::parse(next) {
        if same_origin(&url, base) {
            return Some(url);
        }
    }
    let after = page
        .pointer("/paging/cursors/after")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty() && c.len() <= 1024)?;
    Url::parse_with_params(
        base.as_str(),
        [("fields", FIELDS), ("limit", PAGE), ("after", after)],
    )
    .ok()
}

/// Every template the account has: (readable entries, unreadable ones, whether the list is
/// complete).
async fn fetch_all(
    graph: &GraphConfig,
    account_id: &str,
    now_ms: i64,
) -> Result<(Vec<Stored>, usize, bool)> {
    let base = base_url(graph, account_id)?;
    let mut url = Url::parse_with_params(base.as_str(), [("fields", FIELDS), ("limit", PAGE)])
        .map_err(|_| Error::Graph(SetupProblem::internal()))?;
    let mut seen = HashSet::new();
    // (name, language) of each entry kept: Meta's key for a template, listed once.
    let mut keys = HashSet::new();
    let (mut list, mut skipped): (Vec<Stored>, usize) = (Vec::new(), 0);
    for _ in 0..MAX_PAGES {
        seen.insert(url.to_string());
        let page = graph::get_url_with(graph, url, "templates_list", explain_list).await?;
        let Some(data) = page.get("data").and_then(Value::as_array) else {
            // An answer without a list must not empty the library.
            tracing::warn!("Graph API answered the template list without a data array");
            return Err(SetupProblem::unexpected_answer().into());
        };
        for v in data {
            match parse::entry(v, now_ms) {
                Some(s) => {
                    if keys.insert((s.template.name.clone(), s.template.language.clone())) {
                        list.push(s);
                    }
                }
                None => skipped += 1,
            }
        }
        match next_page(&page, &base) {
            None => return Ok((list, skipped, true)),
            Some(next) if seen.contains(next.as_str()) => {
                tracing::warn!("the template list's next page repeats an earlier one");
                return Ok((list, skipped, false));
            }
            Some(next) => url = next,
        }
    }
    tracing::warn!(
        pages = MAX_PAGES,
        "the template list has more pages than expected"
    );
    Ok((list, skipped, false))
}

pub(super) async fn sync(
    desk: &Desk,
    session: &str,
    graph: &GraphConfig,
    account_id: &str,
) -> Result<TemplateLibrary> {
    let actor = desk.authorize(session, Permission::ManageSettings)?;
    let phone_id = setup::checked_credentials(graph)?;
    let account_id = setup::checked_account_id(account_id, phone_id)?;
    let (list, skipped, complete) = fetch_all(graph, account_id, desk.now_ms()).await?;
    if skipped > 0 {
        tracing::warn!(
            skipped,
            "some templates in Meta's list could not be read and were left out"
        );
    }
    let now = desk.now_ms();
    let lib = desk.write(|tx| {
        let removed = if complete {
            store::replace_all(tx, &list, now)?
        } else {
            // Without the whole list, a template missing from it may just be on a page not read.
            for s in &list {
                store::upsert(tx, s, now)?;
            }
            0
        };
        audit::append(
            tx,
            now,
            &actor.audit_name(),
            Action::TemplatesSynced,
            "templates",
            &json!({"count": list.len(), "skipped": skipped, "removed": removed, "complete": complete}),
        )?;
        library(tx)
    })?;
    tracing::info!(count = list.len(), skipped, "template library synced");
    desk.events().publish(DeskEvent::TemplatesChanged);
    Ok(lib)
}

/// Meta's create body for a ready-made text: UTILITY, NAMED parameters with examples, the
/// quick-reply buttons.
pub(crate) fn create_body(event: TemplateEvent, lang: Lang) -> Value {
    let t = ready_made::text(event, lang);
    let examples: Vec<Value> = super::compose::placeholders(t.body)
        .iter()
        .filter_map(|p| ParamSource::parse(p))
        .map(|s| json!({"param_name": s.as_str(), "example": ready_made::example(s, lang)}))
        .collect();
    let mut components = vec![json!({
        "type": "BODY", "text": t.body, "example": {"body_text_named_params": examples}
    })];
    if !t.buttons.is_empty() {
        let buttons: Vec<Value> = t
            .buttons
            .iter()
            .map(|b| json!({"type": "QUICK_REPLY", "text": b}))
            .collect();
        components.push(json!({"type": "BUTTONS", "buttons": buttons}));
    }
    json!({
        "name": t.name, "language": lang.code(), "category": "UTILITY",
        "parameter_format": "NAMED", "components": components,
    })
}

pub(super) async fn submit(
    desk: &Desk,
    session: &str,
    graph: &GraphConfig,
    account_id: &str,
    event: TemplateEvent,
    language: &str,
) -> Result<TemplateLibrary> {
    let actor = desk.authorize(session, Permission::ManageSettings)?;
    let lang = match language {
        "en" => Lang::En,
        "es" => Lang::Es,
        _ => {
            return Err(Error::invalid(
                "invalid.template_language",
                "Ready-made templates are written in English (en) and Spanish (es). Choose one of those.",
            ))
        }
    };
    let phone_id = setup::checked_credentials(graph)?;
    let account_id = setup::checked_account_id(account_id, phone_id)?;
    let body = create_body(event, lang);
    let answer = graph::post_with(
        graph,
        &[account_id, "message_templates"],
        &body,
        "templates_create",
        explain_create,
    )
    .await?;
    let Some(meta_id) = parse::id(&answer, "id") else {
        tracing::warn!("Graph API accepted a template without an id");
        return Err(SetupProblem::unexpected_answer().into());
    };
    let word = |k: &str, default: &str| {
        answer
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| {
                !s.is_empty()
                    && s.len() <= 64
                    && s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
            })
            .unwrap_or(default)
            .to_ascii_uppercase()
    };
    let t = ready_made::text(event, lang);
    let meta_status = word("status", "PENDING");
    let params = super::compose::placeholders(t.body);
    let buttons: Vec<String> = t.buttons.iter().map(|b| (*b).to_owned()).collect();
    let (suggested_params, suggested_buttons) = suggestions(&params, &buttons);
    let stored = Stored {
        meta_id: Some(meta_id),
        named: true,
        unsupported: None,
        template: WaTemplate {
            name: t.name.into(),
            language: lang.code().into(),
            category: word("category", "UTILITY"),
            status: TemplateStatus::from_meta(&meta_status),
            meta_status,
            body: t.body.into(),
            suggested_params,
            suggested_buttons,
            params: params.clone(),
            buttons: buttons.clone(),
            reason: None,
            unsupported: None,
            updated_at: 0,
        },
    };
    let now = desk.now_ms();
    let lib = desk.write(|tx| {
        store::upsert(tx, &stored, now)?;
        // The template was made for this event: if nothing is chosen for it yet, choose it,
        // each parameter filled by the value of the same name and each button doing what its
        // text says, so sending works as soon as Meta approves it. An existing choice is the
        // admin's and is left alone.
        let mapped = store::mapping(tx, event)?.is_none();
        if mapped {
            let mapping = TemplateMapping {
                event,
                template_name: t.name.into(),
                language: lang.code().into(),
                params: params
                    .iter()
                    .filter_map(|p| {
                        ParamSource::parse(p).map(|source| ParamBinding {
                            name: p.clone(),
                            source,
                        })
                    })
                    .collect(),
                buttons: super::compose::actions(&buttons, &[]),
            };
            store::save_mapping(tx, &mapping, Some(actor.user_id), now)?;
        }
        audit::append(
            tx,
            now,
            &actor.audit_name(),
            Action::TemplateSubmitted,
            &format!("template:{}", t.name),
            &json!({"event": event.as_str(), "language": lang.code(), "mapped": mapped}),
        )?;
        library(tx)
    })?;
    tracing::info!(
        event = event.as_str(),
        "ready-made template submitted to Meta"
    );
    desk.events().publish(DeskEvent::TemplatesChanged);
    Ok(lib)
}
