//! What to do with Graph API's answer to a send: a pure function of the HTTP status and
//! Meta's error code, so the retry policy is tested without a network.
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted: Graph's wamid for the message.
    Sent(String),
    /// Try again after this long.
    Retry(Duration),
    /// 131047: the 24-hour customer-service window has closed; only a template may be sent.
    WindowClosed,
    /// Do not retry; tell the front desk why, in plain words.
    Fatal { code: i64, reason: &'static str },
    /// Never sent: it breaks Meta's limits or carries a secret (the reason says which).
    Refused(String),
}

/// Longest wait between attempts, so a message is never parked for hours by the backoff alone.
const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);

fn backoff(base_secs: u64, attempts: u32) -> Duration {
    let exp = attempts.min(10);
    Duration::from_secs(base_secs.saturating_pow(exp).max(1)).min(MAX_BACKOFF)
}

/// `attempts` is how many tries were made before this one (0 for the first).
pub fn classify(
    http_status: u16,
    error_code: Option<i64>,
    wamid: Option<&str>,
    attempts: u32,
) -> Outcome {
    if (200..300).contains(&http_status) {
        return match wamid {
            Some(id) if !id.is_empty() => Outcome::Sent(id.to_owned()),
            // A 2xx without an id cannot be matched to statuses later; treat as transient.
            _ => Outcome::Retry(backoff(2, attempts + 1)),
        };
    }
    match error_code {
        // Pair rate limit (one patient, too fast): Meta asks for 4^n seconds.
        Some(131056) => Outcome::Retry(backoff(4, attempts + 1)),
        // Throughput, temporary service errors, unknown errors.
        Some(130429 | 131000 | 1 | 2 | 131016) => Outcome::Retry(backoff(2, attempts + 1)),
        Some(131047) => Outcome::WindowClosed,
        Some(131026) => Outcome::Fatal {
            code: 131026,
            reason: "WhatsApp could not deliver this message to the patient (the number may not use WhatsApp, or has not accepted the latest terms).",
        },
        Some(190) => Outcome::Fatal {
            code: 190,
            reason: "The WhatsApp access token has expired or was revoked. An admin must paste a new long-lived token in Settings.",
        },
        _ if http_status >= 500 || http_status == 429 || http_status == 408 => {
            Outcome::Retry(backoff(2, attempts + 1))
        }
        code => Outcome::Fatal {
            code: code.unwrap_or(i64::from(http_status)),
            reason: "WhatsApp refused this message. Check the message and the clinic's WhatsApp settings.",
        },
    }
}

/// Network failures and timeouts: always worth another try.
pub fn transport_failure(attempts: u32) -> Outcome {
    Outcome::Retry(backoff(2, attempts + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_needs_a_wamid() {
        assert_eq!(
            classify(200, None, Some("wamid.X"), 0),
            Outcome::Sent("wamid.X".into())
        );
        assert!(matches!(classify(200, None, None, 0), Outcome::Retry(_)));
    }

    #[test]
    fn retryable_codes_back_off_and_cap() {
        for code in [130429, 131000, 1, 2, 131016] {
            assert_eq!(
                classify(400, Some(code), None, 0),
                Outcome::Retry(Duration::from_secs(2)),
                "{code}"
            );
        }
        assert_eq!(
            classify(400, Some(131056), None, 0),
            Outcome::Retry(Duration::from_secs(4))
        );
        assert_eq!(
            classify(400, Some(131056), None, 1),
            Outcome::Retry(Duration::from_secs(16))
        );
        assert_eq!(
            classify(503, None, None, 2),
            Outcome::Retry(Duration::from_secs(8))
        );
        assert_eq!(classify(429, None, None, 50), Outcome::Retry(MAX_BACKOFF));
        assert_eq!(transport_failure(0), Outcome::Retry(Duration::from_secs(2)));
    }

    #[test]
    fn window_closed_and_fatal_errors_are_not_retried() {
        assert_eq!(classify(400, Some(131047), None, 0), Outcome::WindowClosed);
        for (status, code) in [
            (401, Some(190)),
            (400, Some(131026)),
            (400, Some(100)),
            (404, None),
        ] {
            let Outcome::Fatal { reason, .. } = classify(status, code, None, 0) else {
                panic!("{status} {code:?} must not be retried")
            };
            assert!(!reason.is_empty() && !reason.contains("Exception"));
        }
    }
}
