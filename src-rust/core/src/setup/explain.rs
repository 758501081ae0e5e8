//! Meta's error codes in words a clinic admin can act on: what happened, and where in Meta's
//! dashboards to fix it. Codes are from Meta's Cloud API and Graph API error pages; the same
//! code can point at a different field depending on which call Meta answered (`Step`).
use super::problem::{Hint, MetaError, SetupProblem, Step};

const TOKEN_EXPIRED: &str = "The access token has expired. Tokens copied from the API Setup page in Meta's dashboard last only 24 hours, so the bot would stop the next day. Create a permanent token instead: in Meta Business Settings open Users → System users, click Add (role Admin), assign it your app and your WhatsApp account, then Generate token with the permissions whatsapp_business_messaging and whatsapp_business_management and expiry Never. Paste that token here.";
const TOKEN_INVALID: &str = "Meta does not accept this access token: it is incomplete, was revoked, or belongs to another app. Paste the whole token again (it starts with EAA). If it still fails, generate a new one in Meta Business Settings → Users → System users → Generate token, with whatsapp_business_messaging and whatsapp_business_management.";
const PERMISSION: &str = "The access token works but is not allowed to do this. Generate the system-user token again with both whatsapp_business_messaging and whatsapp_business_management ticked, and in Business Settings → Users → System users → Assign assets give the system user full control of the app and of this WhatsApp account.";
const WRONG_PHONE_ID: &str = "Meta found no phone number with this phone number ID that the token may use. The phone number ID is the long number under WhatsApp → API Setup in Meta's dashboard: not the phone number itself, and not the business account ID. If it is right, give the system user this WhatsApp account in Business Settings → System users → Assign assets.";
const SWAPPED_PHONE_ID: &str = "This ID belongs to a WhatsApp Business Account, not to a phone number. Put it in the business account ID field, and copy the phone number ID from WhatsApp → API Setup in Meta's dashboard.";
const WRONG_WABA_ID: &str = "Meta found no WhatsApp Business Account with this ID that the token may use. The WhatsApp Business Account ID is under WhatsApp → API Setup in Meta's dashboard. If it is right, give the system user this WhatsApp account in Business Settings → System users → Assign assets.";
const SWAPPED_WABA_ID: &str = "This ID belongs to a phone number, not to a WhatsApp Business Account. Put it in the phone number ID field, and copy the WhatsApp Business Account ID from WhatsApp → API Setup in Meta's dashboard.";
const NOT_ALLOWED: &str = "This number is not on the app's list of test recipients. While the app is in development mode, WhatsApp only delivers to numbers you add: in Meta's dashboard open WhatsApp → API Setup, add the number in the To list and confirm it with the code WhatsApp sends to it. Or switch the app to Live mode.";
const NOT_ON_WHATSAPP: &str = "WhatsApp could not deliver to this number: it may not use WhatsApp, may have an old WhatsApp version, or has not accepted WhatsApp's latest terms. Check the number, or try one that uses WhatsApp.";
const WINDOW_CLOSED: &str = "WhatsApp refused the message because this number has not written to the clinic in the last 24 hours. The test message is a template, which should not need that: try again, and contact support if it repeats.";
const TEMPLATE_MISSING: &str = "The sample template hello_world (English, US) was not found on this WhatsApp account. Every new account has it; if it was deleted, create it again in WhatsApp Manager → Message templates, or contact support.";
const RATE_LIMITED: &str = "Meta is limiting how many requests this WhatsApp account can make right now. Wait a few minutes and try again.";
const ACCOUNT_LOCKED: &str = "Meta has locked the clinic's WhatsApp Business Account (usually for a policy or verification issue). Open WhatsApp Manager in Meta Business Suite to see why and to appeal; nothing can be sent until it is unlocked.";
const BLOCKED: &str = "Meta has temporarily blocked this account for a policy violation. Check WhatsApp Manager and Business Support Home in Meta Business Suite for the reason and when it ends, then try again.";
const NOT_REGISTERED: &str = "This phone number is not registered for the WhatsApp Cloud API yet. Finish adding it in WhatsApp Manager → Phone numbers (confirm the number and set its two-step PIN), then try again.";
const PAYMENT: &str = "Meta needs a valid payment method on the WhatsApp account before it sends template messages. Add one in WhatsApp Manager → Payment settings, then try again.";
const META_DOWN: &str = "Meta's servers had a temporary problem. Try again in a few minutes.";
pub(super) const NO_NETWORK: &str = "Intake Desk could not reach Meta's servers (graph.facebook.com). Check this computer's internet connection, proxy or firewall, then try again.";
pub(super) const UNEXPECTED: &str = "Meta answered in a way Intake Desk did not expect. Try again; if it repeats, note the time and contact support.";
pub(super) const INTERNAL: &str = "Something went wrong inside Intake Desk. Try again; if it keeps happening, restart Intake Desk.";
pub(super) const NOT_SUBSCRIBED: &str = "Meta is not sending this WhatsApp account's messages and delivery reports to any app, so the bot would never hear from patients. Use Subscribe here to subscribe your app to the account's webhooks, then check again.";

/// Meta's error, in words the admin can act on. Codes are from Meta's Cloud API and Graph API
/// error pages.
pub(crate) fn explain(step: Step, e: &MetaError) -> SetupProblem {
    let p = |code: &str, message: &str| SetupProblem::new(code, message, e.code);
    match e.code {
        Some(190) if e.subcode == Some(463) || e.hint == Hint::Expired => {
            p("setup.token_expired", TOKEN_EXPIRED)
        }
        Some(190) => p("setup.token_invalid", TOKEN_INVALID),
        Some(10 | 131005 | 200..=299) => p("setup.permission_missing", PERMISSION),
        Some(100) if step != Step::Delivery => wrong_id(step, e),
        Some(131030) => p("setup.not_allowed_recipient", NOT_ALLOWED),
        Some(131026) => p("setup.recipient_not_on_whatsapp", NOT_ON_WHATSAPP),
        Some(131047) => p("setup.window_closed", WINDOW_CLOSED),
        Some(132001) => p("setup.template_missing", TEMPLATE_MISSING),
        // Graph's app and account limits, Cloud API throughput, and the pair limit (the same
        // test number messaged many times in a row).
        Some(4 | 17 | 32 | 613 | 80007 | 130429 | 131056) => p("setup.rate_limited", RATE_LIMITED),
        Some(131031) => p("setup.account_locked", ACCOUNT_LOCKED),
        Some(368) => p("setup.temporarily_blocked", BLOCKED),
        Some(133010) => p("setup.number_not_registered", NOT_REGISTERED),
        Some(131042) => p("setup.payment_problem", PAYMENT),
        Some(1 | 2 | 131000 | 131016) => p("setup.meta_unavailable", META_DOWN),
        None if step == Step::Delivery => fallback(step, e),
        None => match e.http_status {
            401 => p("setup.token_invalid", TOKEN_INVALID),
            403 => p("setup.permission_missing", PERMISSION),
            404 => wrong_id(step, e),
            429 => p("setup.rate_limited", RATE_LIMITED),
            s if s >= 500 => p("setup.meta_unavailable", META_DOWN),
            _ => fallback(step, e),
        },
        Some(_) => fallback(step, e),
    }
}

fn wrong_id(step: Step, e: &MetaError) -> SetupProblem {
    let (code, message) = match (step, e.hint) {
        (Step::BusinessAccount, Hint::IsPhoneNumber) => {
            ("setup.wrong_business_account_id", SWAPPED_WABA_ID)
        }
        (Step::BusinessAccount, _) => ("setup.wrong_business_account_id", WRONG_WABA_ID),
        (_, Hint::IsBusinessAccount) => ("setup.wrong_phone_number_id", SWAPPED_PHONE_ID),
        _ => ("setup.wrong_phone_number_id", WRONG_PHONE_ID),
    };
    SetupProblem::new(code, message, e.code)
}

fn fallback(step: Step, e: &MetaError) -> SetupProblem {
    // Only the number is repeated: it is what support and Meta's error page need.
    let number = match e.code {
        Some(c) => format!("error {c}"),
        None if step == Step::Delivery => "no error code given".to_owned(),
        None => format!("HTTP {}", e.http_status),
    };
    let (code, message) = if step == Step::Delivery {
        ("setup.delivery_failed", format!(
            "WhatsApp could not deliver the test message ({number}). Check the number, or try another WhatsApp number; if it repeats, note the error number and contact support."
        ))
    } else {
        ("setup.meta_refused", format!(
            "Meta refused this request ({number}). Check the IDs and the access token and try again; if it repeats, note the error number and contact support."
        ))
    };
    SetupProblem {
        code: code.to_owned(),
        message,
        meta_code: e.code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TOKEN: &str = "EAAGsecretTOKENvalue123";

    fn meta(status: u16, code: i64, subcode: Option<i64>, message: &str) -> MetaError {
        let mut error = json!({
            "message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"
        });
        if let Some(s) = subcode {
            error["error_subcode"] = json!(s);
        }
        MetaError::parse(status, Some(&json!({ "error": error })))
    }

    /// Meta's text carries the token here on purpose: none of it may come back.
    fn check(
        step: Step,
        status: u16,
        code: i64,
        subcode: Option<i64>,
        message: &str,
    ) -> SetupProblem {
        let raw = format!("{message} (token {TOKEN})");
        let p = explain(step, &meta(status, code, subcode, &raw));
        assert!(!p.message.contains(TOKEN), "{p:?}");
        assert!(!p.message.contains(&raw), "{p:?}");
        assert_eq!(p.meta_code, Some(code));
        assert!(p.code.starts_with("setup."), "{p:?}");
        p
    }

    #[test]
    fn token_errors_tell_expired_from_invalid() {
        let p = check(
            Step::PhoneNumber,
            401,
            190,
            Some(463),
            "Error validating access token",
        );
        assert_eq!(p.code, "setup.token_expired");
        assert!(p.message.contains("24 hours"));
        assert!(p.message.contains("System users"));
        assert!(p.message.contains("whatsapp_business_messaging"));
        assert!(p.message.contains("whatsapp_business_management"));
        let p = check(
            Step::Send,
            401,
            190,
            None,
            "Error validating access token: Session has expired on Friday, 01-Aug-25",
        );
        assert_eq!(p.code, "setup.token_expired");
        for subcode in [None, Some(460), Some(467)] {
            let p = check(
                Step::PhoneNumber,
                401,
                190,
                subcode,
                "Invalid OAuth access token",
            );
            assert_eq!(p.code, "setup.token_invalid", "{subcode:?}");
        }
    }

    #[test]
    fn wrong_ids_name_the_field_and_spot_swaps() {
        let missing = "Unsupported get request. Object with ID '123' does not exist, cannot be loaded due to missing permissions, or does not support this operation.";
        let p = check(Step::PhoneNumber, 400, 100, Some(33), missing);
        assert_eq!(p.code, "setup.wrong_phone_number_id");
        assert!(p.message.contains("API Setup"));
        let p = check(Step::Send, 400, 100, Some(33), missing);
        assert_eq!(p.code, "setup.wrong_phone_number_id");
        let p = check(Step::BusinessAccount, 400, 100, Some(33), missing);
        assert_eq!(p.code, "setup.wrong_business_account_id");
        let p = check(
            Step::PhoneNumber,
            400,
            100,
            None,
            "(#100) Tried accessing nonexisting field (display_phone_number) on node type (WhatsAppBusinessAccount)",
        );
        assert_eq!(p.code, "setup.wrong_phone_number_id");
        assert_eq!(p.message, SWAPPED_PHONE_ID);
        let p = check(
            Step::BusinessAccount,
            400,
            100,
            None,
            "(#100) Tried accessing nonexisting field (subscribed_apps) on node type (WhatsAppBusinessPhoneNumber)",
        );
        assert_eq!(p.message, SWAPPED_WABA_ID);
    }

    #[test]
    fn every_listed_code_has_its_own_explanation() {
        let cases: &[(i64, &str)] = &[
            (10, "setup.permission_missing"),
            (200, "setup.permission_missing"),
            (294, "setup.permission_missing"),
            (131005, "setup.permission_missing"),
            (131030, "setup.not_allowed_recipient"),
            (131026, "setup.recipient_not_on_whatsapp"),
            (131047, "setup.window_closed"),
            (132001, "setup.template_missing"),
            (4, "setup.rate_limited"),
            (80007, "setup.rate_limited"),
            (130429, "setup.rate_limited"),
            (131056, "setup.rate_limited"),
            (131031, "setup.account_locked"),
            (368, "setup.temporarily_blocked"),
            (133010, "setup.number_not_registered"),
            (131042, "setup.payment_problem"),
            (131000, "setup.meta_unavailable"),
            (2, "setup.meta_unavailable"),
            (987654, "setup.meta_refused"),
        ];
        for (code, expected) in cases {
            let p = check(
                Step::Send,
                400,
                *code,
                None,
                "(#x) something for developers",
            );
            assert_eq!(p.code, *expected, "{code}");
        }
        let p = check(
            Step::Send,
            400,
            131030,
            None,
            "Recipient phone number not in allowed list",
        );
        assert!(p.message.contains("API Setup") && p.message.contains("To list"));
        let p = check(
            Step::Send,
            400,
            132001,
            None,
            "Template name does not exist",
        );
        assert!(p.message.contains("hello_world"));
        let p = check(Step::Send, 400, 987654, None, "whatever");
        assert!(p.message.contains("error 987654"), "{p:?}");
    }

    #[test]
    fn answers_without_meta_json_fall_back_on_the_http_status() {
        let bare = |status| explain(Step::PhoneNumber, &MetaError::parse(status, None)).code;
        assert_eq!(bare(401), "setup.token_invalid");
        assert_eq!(bare(403), "setup.permission_missing");
        assert_eq!(bare(404), "setup.wrong_phone_number_id");
        assert_eq!(bare(429), "setup.rate_limited");
        assert_eq!(bare(502), "setup.meta_unavailable");
        assert_eq!(bare(418), "setup.meta_refused");
        assert_eq!(SetupProblem::no_network().code, "setup.no_network");
        assert_eq!(SetupProblem::no_network().meta_code, None);
    }

    #[test]
    fn delivery_failures_use_the_same_words() {
        let p = SetupProblem::delivery(Some(131030));
        assert_eq!(p.code, "setup.not_allowed_recipient");
        assert_eq!(p.meta_code, Some(131030));
        assert_eq!(
            SetupProblem::delivery(Some(131026)).code,
            "setup.recipient_not_on_whatsapp"
        );
        // 100 in a status is about the message, not a field on this screen.
        assert_eq!(
            SetupProblem::delivery(Some(100)).code,
            "setup.delivery_failed"
        );
        let p = SetupProblem::delivery(None);
        assert_eq!(
            (p.code.as_str(), p.meta_code),
            ("setup.delivery_failed", None)
        );
    }

    #[test]
    fn serialises_camel_case_for_the_ui() {
        let v = serde_json::to_value(SetupProblem::delivery(Some(131030))).unwrap();
        assert_eq!(v["metaCode"], 131030);
        assert_eq!(v["code"], "setup.not_allowed_recipient");
        assert_eq!(SetupProblem::no_network().body().code, "setup.no_network");
    }
}
