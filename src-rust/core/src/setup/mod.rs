//! The guided WhatsApp set-up's checks (issue 6): are the IDs and the token right (one Graph API
//! call each, Meta's error code explained), does the account send its webhooks to an app, and
//! does a test message reach a phone the admin names, with its delivery status as Meta's status
//! webhooks report it. The credentials themselves are saved by `Desk::update_whatsapp` (ids in
//! settings, secrets in the keyring); nothing here stores or logs them.
pub(crate) mod explain;
pub(crate) mod graph;
mod problem;
mod status;

use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::form::parse_phone;
use crate::sender::GraphConfig;
pub use problem::SetupProblem;
pub(crate) use problem::{MetaError, Step};
pub use status::{test_message_status, TestState, TestStatus, TestStep};

/// What Meta says about the clinic's number, shown so the admin can see it is the right one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    /// The clinic's WhatsApp number as Meta formats it (`+1 555-000-1111`).
    pub display_phone_number: String,
    /// The business name WhatsApp shows patients (empty until Meta has one).
    pub verified_name: String,
    /// `GREEN`, `YELLOW`, `RED` or `UNKNOWN` (a new number): Meta's view of recent messaging.
    pub quality_rating: Option<String>,
    /// Whether Meta has verified the number by code (`VERIFIED`, `NOT_VERIFIED`, `EXPIRED`).
    pub code_verification_status: Option<String>,
    /// Apps the WhatsApp account sends its webhooks to, by name.
    pub subscribed_apps: Vec<String>,
    /// Set when no app is subscribed: then no patient message and no delivery status would
    /// ever reach the bot, the usual reason "the webhook never fires".
    pub webhook_problem: Option<SetupProblem>,
}

/// A test message Meta accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct TestMessage {
    /// Meta's id for the message; its status webhooks carry it (see `test_message_status`).
    pub wamid: String,
    /// The number it went to, in E.164 (`+34600111222`).
    pub to: String,
}

const PHONE_FIELDS: &str =
    "display_phone_number,verified_name,quality_rating,code_verification_status";
/// Meta's sample template: every new WhatsApp account has it approved, and only a template may
/// be sent to a number that has not written to the clinic first.
const TEST_TEMPLATE: &str = "hello_world";
const TEST_LANGUAGE: &str = "en_US";
/// A clinic's account has a handful of numbers; one page of this many holds them all.
const NUMBERS_PAGE: &str = "100";

/// Checks the token, the phone number ID and the business account ID against Meta, and whether
/// the account sends its webhooks to an app. Three GETs: the number, the account's numbers (is
/// this number in this account?) and the account's subscribed apps.
pub async fn check_connection(
    graph: &GraphConfig,
    business_account_id: &str,
) -> Result<ConnectionCheck, SetupProblem> {
    let phone_id = checked_credentials(graph)?;
    let account_id = checked_account_id(business_account_id, phone_id)?;
    let number = graph::get(
        graph,
        &[phone_id],
        &[("fields", PHONE_FIELDS)],
        Step::PhoneNumber,
    )
    .await?;
    let text = |key: &str| number.get(key).and_then(Value::as_str).map(str::to_owned);
    let display_phone_number = text("display_phone_number").ok_or_else(|| {
        tracing::warn!("Graph API answered the phone number check without a number");
        SetupProblem::unexpected_answer()
    })?;

    let numbers = graph::get(
        graph,
        &[account_id, "phone_numbers"],
        &[("fields", "id"), ("limit", NUMBERS_PAGE)],
        Step::BusinessAccount,
    )
    .await?;
    if !lists_number(&numbers, phone_id) {
        return Err(SetupProblem::new(
            "setup.number_not_in_account",
            "This phone number does not belong to this WhatsApp Business Account. Copy both IDs from the same WhatsApp → API Setup page in Meta's dashboard (pick the clinic's number in the From list first).",
            None,
        ));
    }

    let apps = graph::get(
        graph,
        &[account_id, "subscribed_apps"],
        &[],
        Step::BusinessAccount,
    )
    .await?;
    let subscribed_apps: Vec<String> = apps
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|app| {
            app.pointer("/whatsapp_business_api_data/name")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed app)")
                .to_owned()
        })
        .collect();
    let webhook_problem = subscribed_apps
        .is_empty()
        .then(SetupProblem::webhooks_not_subscribed);
    Ok(ConnectionCheck {
        display_phone_number,
        verified_name: text("verified_name").unwrap_or_default(),
        quality_rating: text("quality_rating"),
        code_verification_status: text("code_verification_status"),
        subscribed_apps,
        webhook_problem,
    })
}

/// The number's id is in the account's list; a list with a next page may hold it further on,
/// so only a complete list can prove it absent.
fn lists_number(numbers: &Value, phone_id: &str) -> bool {
    let listed = numbers
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|n| n.get("id").and_then(Value::as_str) == Some(phone_id));
    listed || numbers.pointer("/paging/next").is_some()
}

/// Subscribes the token's app to the account's webhooks (what `webhook_problem` asks for):
/// `POST /{waba_id}/subscribed_apps`.
pub async fn subscribe_webhooks(
    graph: &GraphConfig,
    business_account_id: &str,
) -> Result<(), SetupProblem> {
    let phone_id = checked_credentials(graph)?;
    let account_id = checked_account_id(business_account_id, phone_id)?;
    let answer = graph::post(
        graph,
        &[account_id, "subscribed_apps"],
        &json!({}),
        Step::BusinessAccount,
    )
    .await?;
    if answer.get("success").and_then(Value::as_bool) != Some(true) {
        tracing::warn!("Graph API did not confirm the webhook subscription");
        return Err(SetupProblem::unexpected_answer());
    }
    tracing::info!("app subscribed to the WhatsApp account's webhooks");
    Ok(())
}

/// Sends Meta's `hello_world` template to the number the admin typed (with its country code).
/// The number is checked first, so a typo never reaches Meta.
pub async fn send_test_message(graph: &GraphConfig, to: &str) -> Result<TestMessage, SetupProblem> {
    let phone_id = checked_credentials(graph)?;
    let e164 = recipient(to)?;
    let body = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        // Meta's wa_id form (digits with the country code), as the outbox sends it.
        "to": e164.trim_start_matches('+'),
        "type": "template",
        "template": {"name": TEST_TEMPLATE, "language": {"code": TEST_LANGUAGE}},
    });
    let answer = graph::post(graph, &[phone_id, "messages"], &body, Step::Send).await?;
    let wamid = answer
        .pointer("/messages/0/id")
        .and_then(Value::as_str)
        .filter(|w| !w.is_empty() && w.len() <= 512)
        .ok_or_else(|| {
            tracing::warn!("Graph API accepted the test message without an id");
            SetupProblem::unexpected_answer()
        })?;
    tracing::info!("WhatsApp test message accepted by Meta");
    Ok(TestMessage {
        wamid: wamid.to_owned(),
        to: e164,
    })
}

/// The token and the phone number ID, checked for what can only fail before asking Meta (both
/// are pasted by hand), so the admin gets precise advice rather than Meta's generic 190 or 100.
/// Returns the phone number ID.
pub(crate) fn checked_credentials(graph: &GraphConfig) -> Result<&str, SetupProblem> {
    let token = graph.token.trim();
    if token.is_empty() {
        return Err(SetupProblem::new(
            "setup.token_missing",
            "Paste the access token first: the permanent token of a system user, from Meta Business Settings → Users → System users → Generate token.",
            None,
        ));
    }
    if token.len() != graph.token.len() || !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(SetupProblem::new(
            "setup.token_invalid",
            "The access token contains spaces or line breaks. Copy it again in one piece (it starts with EAA) and paste it with nothing around it.",
            None,
        ));
    }
    // Digits only also keeps the value from reshaping the request's URL path.
    if !is_id(&graph.phone_number_id) {
        return Err(SetupProblem::new(
            "setup.wrong_phone_number_id",
            "The phone number ID is a long number (digits only) under WhatsApp → API Setup in Meta's dashboard. It is not the phone number itself.",
            None,
        ));
    }
    Ok(&graph.phone_number_id)
}

pub(crate) fn checked_account_id<'a>(
    account_id: &'a str,
    phone_id: &str,
) -> Result<&'a str, SetupProblem> {
    if !is_id(account_id) {
        return Err(SetupProblem::new(
            "setup.wrong_business_account_id",
            "The WhatsApp Business Account ID is a long number (digits only) under WhatsApp → API Setup in Meta's dashboard.",
            None,
        ));
    }
    if account_id == phone_id {
        return Err(SetupProblem::new(
            "setup.wrong_business_account_id",
            "The phone number ID and the WhatsApp Business Account ID are two different numbers. Copy each from its own line under WhatsApp → API Setup.",
            None,
        ));
    }
    Ok(account_id)
}

/// One of Meta's ids (a phone number, an account, a template): digits only, at most 32.
pub(crate) fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The admin's number in E.164. A country code is required: guessing one could send the test
/// to a stranger's phone in another country.
fn recipient(to: &str) -> Result<String, SetupProblem> {
    let trimmed = to.trim();
    let international = match trimmed.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => trimmed.to_owned(),
    };
    if !international.starts_with('+') {
        return Err(SetupProblem::new(
            "setup.invalid_recipient",
            "Enter the phone number with its country code, starting with + (for example +34 600 123 456).",
            None,
        ));
    }
    parse_phone(&international, None).map_err(|_| {
        SetupProblem::new(
            "setup.invalid_recipient",
            "That is not a valid phone number. Check the country code and the digits (for example +34 600 123 456).",
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn graph(phone_number_id: &str, token: &str) -> GraphConfig {
        GraphConfig {
            // Nothing listens here: every test below must be refused before any request.
            base_url: "http://127.0.0.1:9".into(),
            version: "v23.0".into(),
            phone_number_id: phone_number_id.into(),
            token: Arc::from(token),
        }
    }

    #[test]
    fn recipients_need_a_country_code_and_a_real_number() {
        assert_eq!(recipient(" +34 600 111 222 ").unwrap(), "+34600111222");
        assert_eq!(recipient("0034600111222").unwrap(), "+34600111222");
        for bad in ["600111222", "", "+34 12", "+999 123", "hello", "+1 555"] {
            assert_eq!(
                recipient(bad).unwrap_err().code,
                "setup.invalid_recipient",
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn bad_input_is_refused_before_asking_meta() {
        let token = "EAAGtoken123";
        let cases = [
            (graph("106540352242922", ""), "1", "setup.token_missing"),
            (
                graph("106540352242922", "EAA tok"),
                "1",
                "setup.token_invalid",
            ),
            (
                graph("106540352242922", "EAAtok\n"),
                "1",
                "setup.token_invalid",
            ),
            (graph("", token), "1", "setup.wrong_phone_number_id"),
            (
                graph("1065/../x", token),
                "1",
                "setup.wrong_phone_number_id",
            ),
            (graph("1065", token), "", "setup.wrong_business_account_id"),
            (
                graph("1065", token),
                "1065",
                "setup.wrong_business_account_id",
            ),
            (
                graph("1065", token),
                "10 65",
                "setup.wrong_business_account_id",
            ),
        ];
        for (g, account, code) in cases {
            let p = check_connection(&g, account).await.unwrap_err();
            assert_eq!(p.code, code, "{g:?} {account}");
            assert_eq!(p.meta_code, None);
        }
        let p = send_test_message(&graph("1065", token), "600111222")
            .await
            .unwrap_err();
        assert_eq!(p.code, "setup.invalid_recipient");
        let p = send_test_message(&graph("1065", ""), "+34600111222")
            .await
            .unwrap_err();
        assert_eq!(p.code, "setup.token_missing");
    }

    #[test]
    fn only_a_complete_list_proves_a_number_absent() {
        let listed = json!({"data": [{"id": "1"}, {"id": "2"}]});
        assert!(lists_number(&listed, "2"));
        assert!(!lists_number(&listed, "3"));
        let paged = json!({"data": [{"id": "1"}], "paging": {"next": "https://x"}});
        assert!(lists_number(&paged, "3"));
    }

    #[test]
    fn urls_join_base_version_and_path() {
        let g = GraphConfig {
            base_url: "https://graph.facebook.com/".into(),
            version: "/v23.0/".into(),
            ..graph("1065", "t")
        };
        assert_eq!(
            graph::url(&g, &["1065", "messages"]),
            "https://graph.facebook.com/v23.0/1065/messages"
        );
    }
}
