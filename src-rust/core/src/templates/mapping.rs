//! Checking an admin's choice of template for an event. The template must be in the library
//! (in any state: a pending one may be chosen ahead of approval, and the preview says it is
//! not approved yet); every parameter of it gets exactly one value; there is one action per
//! quick-reply button. Messages never repeat what was typed, only the template's own names.
use std::collections::HashSet;

use rusqlite::Connection;

use super::parse::{MAX_LANGUAGE, MAX_NAME};
use super::store;
use super::types::{ButtonAction, MappingUpdate, TemplateMapping};
use crate::{Error, Result};

fn field(raw: &str, max: usize) -> Option<&str> {
    let s = raw.trim();
    (!s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)).then_some(s)
}

/// The mapping to store for `update` (which names a template), checked against the library.
pub(crate) fn checked(
    conn: &Connection,
    update: &MappingUpdate,
    name: &str,
) -> Result<TemplateMapping> {
    let not_in_library = || {
        Error::invalid(
            "invalid.template_not_in_library",
            "That template is not in the library. Sync the templates, then choose one from the list.",
        )
    };
    let name = field(name, MAX_NAME).ok_or_else(not_in_library)?;
    let language = field(&update.language, MAX_LANGUAGE).ok_or_else(|| {
        Error::invalid(
            "invalid.template_language",
            "Choose the template's language from the list.",
        )
    })?;
    let stored = store::template(conn, name, language)?.ok_or_else(not_in_library)?;
    let t = &stored.template;
    if let Some(why) = &t.unsupported {
        return Err(Error::invalid("invalid.template_unsupported", why));
    }

    let mut bound = HashSet::new();
    for b in &update.params {
        if !t.params.contains(&b.name) {
            return Err(Error::invalid(
                "invalid.template_param_unknown",
                "A value was chosen for a parameter this template does not have. Reopen the template choice and try again.",
            ));
        }
        if !bound.insert(b.name.as_str()) {
            return Err(Error::invalid(
                "invalid.template_param_duplicate",
                &format!(
                    "The parameter {{{{{}}}}} has two values chosen. Choose one.",
                    b.name
                ),
            ));
        }
    }
    if let Some(missing) = t.params.iter().find(|p| !bound.contains(p.as_str())) {
        return Err(Error::invalid(
            "invalid.template_param_missing",
            &format!("Choose what fills the parameter {{{{{missing}}}}} of this template."),
        ));
    }
    // Bindings in the template's own order, whatever order the screen sent them in.
    let params = t
        .params
        .iter()
        .filter_map(|p| update.params.iter().find(|b| &b.name == p).cloned())
        .collect();

    let buttons = if update.buttons.is_empty() {
        super::compose::actions(&t.buttons, &[])
    } else {
        update.buttons.clone()
    };
    if buttons.len() != t.buttons.len() {
        return Err(Error::invalid(
            "invalid.template_buttons",
            &format!(
                "This template has {} quick-reply button(s); choose what each one does.",
                t.buttons.len()
            ),
        ));
    }
    let mut actions = HashSet::new();
    if buttons
        .iter()
        .any(|a| *a != ButtonAction::None && !actions.insert(*a))
    {
        return Err(Error::invalid(
            "invalid.template_buttons",
            "Two buttons do the same thing. Give each button its own action, or \"only tells staff\".",
        ));
    }
    Ok(TemplateMapping {
        event: update.event,
        template_name: t.name.clone(),
        language: t.language.clone(),
        params,
        buttons,
    })
}
