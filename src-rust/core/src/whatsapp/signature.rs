//! `X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the app secret, checked before the
//! body is parsed. The comparison is constant-time (`Mac::verify_slice`).
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header value for `body`: `sha256=<hex>`. Used by tests and the load generator.
pub fn sign(app_secret: &[u8], body: &[u8]) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(app_secret) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// True only for a well-formed header whose HMAC matches the exact bytes received.
pub fn verify(app_secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header
        .map(str::trim)
        .and_then(|h| h.strip_prefix("sha256="))
    else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return false;
    };
    if app_secret.is_empty() {
        return false;
    }
    let Ok(mut mac) = HmacSha256::new_from_slice(app_secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_exact_bytes() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let header = sign(b"secret", body);
        assert!(verify(b"secret", body, Some(&header)));
        assert!(verify(b"secret", body, Some(&format!("  {header} "))));
        assert!(!verify(b"other", body, Some(&header)));
        assert!(!verify(
            b"secret",
            b"{\"object\": \"whatsapp_business_account\"}",
            Some(&header)
        ));
        let mut tampered = body.to_vec();
        tampered[3] ^= 1;
        assert!(!verify(b"secret", &tampered, Some(&header)));
    }

    #[test]
    fn malformed_headers_fail_closed() {
        let body = b"{}";
        let good = sign(b"s", body);
        for h in [
            None,
            Some(""),
            Some("sha256="),
            Some("sha1=abcd"),
            Some("sha256=zz"),
            Some(&good[..good.len() - 2]),
            Some(&good.to_uppercase()),
        ] {
            assert!(!verify(b"s", body, h), "{h:?}");
        }
        assert!(
            !verify(b"", body, Some(&sign(b"", body))),
            "an empty secret never verifies"
        );
    }
}
