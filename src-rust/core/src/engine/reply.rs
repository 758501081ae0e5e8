//! Decoding what the patient sent: keywords and the ids our buttons and list rows carry.
use super::Content;
use crate::form::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keyword {
    Restart,
    Help,
    Stop,
    Staff,
}

pub(super) fn keyword(text: &str) -> Option<Keyword> {
    match fold(text).trim_end_matches(['.', '!']) {
        "restart" | "start over" | "reiniciar" | "empezar de nuevo" => Some(Keyword::Restart),
        "help" | "ayuda" | "?" => Some(Keyword::Help),
        "stop" | "parar" | "baja" | "unsubscribe" => Some(Keyword::Stop),
        "staff" | "human" | "person" | "personal" | "humano" | "persona" => Some(Keyword::Staff),
        _ => None,
    }
}

/// What a reply means once button/list ids are decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reply<'a> {
    /// `q:<linkId>:<code>`: an option of a question.
    Option {
        link_id: &'a str,
        code: &'a str,
    },
    /// `s:<linkId>`: skip an optional question.
    Skip(&'a str),
    /// `d:<linkId>`: use the WhatsApp number.
    Default(&'a str),
    /// `e:<linkId>`: edit that answer; `p:<n>`: page of the edit list.
    Edit(&'a str),
    Page(usize),
    /// `r:confirm`, `r:edit`, `r:back`, `o:continue`, `o:restart`, `o:staff`, `o:new`.
    Action(&'a str),
    Text(&'a str),
    Media {
        media_id: &'a str,
        sha256: &'a str,
        mime: &'a str,
    },
    Unusable,
}

pub(super) fn decode(content: &Content) -> Reply<'_> {
    let id = match content {
        Content::Text { body } => return Reply::Text(body),
        Content::Media {
            media_id,
            sha256,
            mime,
        } => {
            return Reply::Media {
                media_id,
                sha256,
                mime,
            }
        }
        Content::Location { .. } | Content::Other { .. } => return Reply::Unusable,
        Content::ButtonReply { id, .. } | Content::ListReply { id, .. } => id.as_str(),
    };
    let mut parts = id.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("q"), Some(link_id), Some(code)) => Reply::Option { link_id, code },
        (Some("s"), Some(link), None) => Reply::Skip(link),
        (Some("d"), Some(link), None) => Reply::Default(link),
        (Some("e"), Some(link), None) => Reply::Edit(link),
        (Some("p"), Some(n), None) => n.parse().map(Reply::Page).unwrap_or(Reply::Unusable),
        (Some("r" | "o"), Some(_), None) => Reply::Action(id),
        _ => Reply::Unusable,
    }
}
