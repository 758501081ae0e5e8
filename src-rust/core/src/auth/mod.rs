//! Staff accounts, roles, passwords, lockout, sessions and TOTP.
pub mod lockout;
pub mod password;
pub mod roles;
pub mod sessions;
pub mod staff;
pub mod totp;

pub use password::{HashParams, PasswordHasher, WeakPassword};
pub use roles::{allows, permissions_of, Permission, Role};
pub use sessions::{Actor, Sessions};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("account locked until {until_ms}")]
    Locked { until_ms: i64 },
    #[error("account disabled")]
    Disabled,
    #[error("a TOTP code is required")]
    TotpRequired,
    #[error("wrong TOTP code")]
    TotpInvalid,
    #[error("TOTP code already used")]
    TotpReplayed,
    #[error("not signed in")]
    NotSignedIn,
    #[error("session locked")]
    SessionLocked,
    #[error("permission {0:?} refused")]
    Forbidden(Permission),
    #[error(transparent)]
    WeakPassword(#[from] WeakPassword),
    #[error("username taken")]
    UsernameTaken,
    #[error("last active admin")]
    LastAdmin,
    #[error("no such user")]
    UserNotFound,
    #[error("invalid username")]
    InvalidUsername,
    #[error("invalid display name")]
    InvalidDisplayName,
    #[error("no TOTP enrolment in progress")]
    NoTotpEnrollment,
}

/// 3 to 32 letters, digits, dots, dashes or underscores: easy to type on any keyboard.
pub fn validate_username(raw: &str) -> Result<String, AuthError> {
    let name = raw.trim();
    let len = name.chars().count();
    let ok = (3..=32).contains(&len)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(AuthError::InvalidUsername)
    }
}

pub fn validate_display_name(raw: &str) -> Result<String, AuthError> {
    let name = raw.trim();
    let len = name.chars().count();
    if (1..=80).contains(&len) && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(AuthError::InvalidDisplayName)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(validate_username("  maria.g ").unwrap(), "maria.g");
        assert_eq!(validate_username("José_2").unwrap(), "José_2");
        for bad in [
            "",
            "ab",
            "has space",
            "semi;colon",
            "x\u{0}yz",
            &"a".repeat(33),
            "'; DROP",
        ] {
            assert_eq!(
                validate_username(bad),
                Err(AuthError::InvalidUsername),
                "{bad:?}"
            );
        }
        assert!(validate_display_name("Dr. Ana María López").is_ok());
        assert!(validate_display_name("line\nbreak").is_err());
        assert!(validate_display_name("   ").is_err());
    }
}
