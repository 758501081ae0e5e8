//! What the set-up screen shows when something is wrong (`SetupProblem`), and Meta's Graph API
//! error reduced to what explaining it needs (`MetaError`). Meta's own `message` is read only to
//! tell two cases apart (an expired token, an ID of the wrong kind); it is never shown or logged,
//! because it can quote IDs or numbers, and it is written for developers, not for a clinic.
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::explain::{explain, INTERNAL, NOT_SUBSCRIBED, NO_NETWORK, UNEXPECTED};
use crate::error::ErrorBody;

/// Why a set-up check or the test message did not work, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
#[error("WhatsApp set-up problem ({code}, Meta code {meta_code:?})")]
pub struct SetupProblem {
    /// Stable, machine-readable (`setup.token_expired`); the UI branches on it.
    pub code: String,
    /// Sentences for the admin: what happened and where to fix it. Never the token, never
    /// Meta's raw text.
    pub message: String,
    /// Meta's numeric error code (190, 100, 131030, ...), for support; none when the problem
    /// was found before asking Meta or Meta could not be reached.
    #[ts(type = "number | null")]
    pub meta_code: Option<i64>,
}

impl SetupProblem {
    pub(crate) fn new(code: &str, message: &str, meta_code: Option<i64>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.to_owned(),
            meta_code,
        }
    }

    /// The `{code, message}` every other error shows, for callers that only carry those.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.clone(),
            message: self.message.clone(),
        }
    }

    pub(crate) fn no_network() -> Self {
        Self::new("setup.no_network", NO_NETWORK, None)
    }

    pub(crate) fn unexpected_answer() -> Self {
        Self::new("setup.unexpected_answer", UNEXPECTED, None)
    }

    pub(crate) fn internal() -> Self {
        Self::new("setup.internal", INTERNAL, None)
    }

    /// Not an error from Meta: the account sends its webhooks to no app at all.
    pub(crate) fn webhooks_not_subscribed() -> Self {
        Self::new("setup.webhooks_not_subscribed", NOT_SUBSCRIBED, None)
    }

    /// Why Meta reported a test message as `failed` in a status webhook.
    pub(crate) fn delivery(code: Option<i64>) -> Self {
        explain(
            Step::Delivery,
            &MetaError {
                http_status: 200,
                code,
                subcode: None,
                hint: Hint::None,
            },
        )
    }
}

/// Which call Meta answered: the same code can mean a different field to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    PhoneNumber,
    BusinessAccount,
    Send,
    Delivery,
}

impl Step {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::PhoneNumber => "phone_number",
            Step::BusinessAccount => "business_account",
            Step::Send => "send",
            Step::Delivery => "delivery",
        }
    }
}

/// What Meta's message revealed that its numbers do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    None,
    /// 190 without subcode 463 whose text still says the session expired.
    Expired,
    /// The ID given as a phone number ID is a business account's.
    IsBusinessAccount,
    /// The ID given as a business account ID is a phone number's.
    IsPhoneNumber,
}

/// Meta's `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`, reduced to
/// what the explanation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetaError {
    pub http_status: u16,
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    pub hint: Hint,
}

impl MetaError {
    pub(crate) fn parse(http_status: u16, body: Option<&Value>) -> Self {
        let error = body.and_then(|b| b.get("error"));
        let int = |key: &str| error.and_then(|e| e.get(key)).and_then(Value::as_i64);
        let text = error
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let hint = if text.contains("node type (WhatsAppBusinessAccount)") {
            Hint::IsBusinessAccount
        } else if text.contains("node type (WhatsAppBusinessPhoneNumber)") {
            Hint::IsPhoneNumber
        } else if text.to_ascii_lowercase().contains("session has expired") {
            Hint::Expired
        } else {
            Hint::None
        };
        Self {
            http_status,
            code: int("code"),
            subcode: int("error_subcode"),
            hint,
        }
    }
}
