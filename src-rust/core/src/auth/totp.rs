//! Optional TOTP (RFC 6238: SHA-1, 6 digits, 30 s), with each time step usable once.
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP_SECS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpFailure {
    #[error("the code is not right")]
    Invalid,
    #[error("the code was already used")]
    Replayed,
}

pub fn generate_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        bytes,
        Some("Intake Desk".to_owned()),
        account.to_owned(),
    )
    .ok()
}

/// The `otpauth://` link an authenticator app scans.
pub fn otpauth_url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).map(|t| t.get_url())
}

/// The code for a given time; for tests and for showing the enrolment check.
pub fn code_at(secret_b32: &str, unix_secs: u64) -> Option<String> {
    totp(secret_b32, "x").map(|t| t.generate(unix_secs))
}

/// Accepts the current step and one either side (phone clocks drift), but never a step at or
/// before `last_step`: a code seen over someone's shoulder cannot be used again. Returns the
/// step that matched, to be stored as the new `last_step`.
pub fn check(
    secret_b32: &str,
    code: &str,
    unix_secs: u64,
    last_step: Option<i64>,
) -> Result<i64, TotpFailure> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let t = totp(secret_b32, "x").ok_or(TotpFailure::Invalid)?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TotpFailure::Invalid);
    }
    let current = (unix_secs / STEP_SECS) as i64;
    let mut matched = None;
    for step in [current - 1, current, current + 1] {
        let Ok(at) = u64::try_from(step) else {
            continue;
        };
        let expected = t.generate(at * STEP_SECS);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            matched = Some(step);
        }
    }
    let step = matched.ok_or(TotpFailure::Invalid)?;
    if last_step.is_some_and(|last| step <= last) {
        return Err(TotpFailure::Replayed);
    }
    Ok(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_once_then_refuses_replay() {
        let s = generate_secret();
        let now = 1_767_600_000;
        let code = code_at(&s, now).unwrap();
        let step = check(&s, &code, now, None).unwrap();
        assert_eq!(
            check(&s, &code, now + 5, Some(step)),
            Err(TotpFailure::Replayed)
        );
        let next = code_at(&s, now + 30).unwrap();
        assert!(check(&s, &next, now + 30, Some(step)).is_ok());
    }

    #[test]
    fn drift_window_and_garbage() {
        let s = generate_secret();
        let now = 1_767_600_000;
        let old = code_at(&s, now - 30).unwrap();
        assert!(check(&s, &old, now, None).is_ok(), "one step of drift");
        let older = code_at(&s, now - 90).unwrap();
        assert_eq!(check(&s, &older, now, None), Err(TotpFailure::Invalid));
        for junk in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"] {
            assert_eq!(
                check(&s, junk, now, None),
                Err(TotpFailure::Invalid),
                "{junk}"
            );
        }
        assert_eq!(
            check("not base32!", "123456", now, None),
            Err(TotpFailure::Invalid)
        );
        assert!(otpauth_url(&s, "ana")
            .unwrap()
            .starts_with("otpauth://totp/"));
    }
}
