//! Clinic settings and the WhatsApp connection: validation of hostile input, secrets only in
//! the key store (never in the database, the audit log or what the window gets back), and the
//! engine seeing what the clinic chose.
use intake_core::audit::AuditQuery;
use intake_core::auth::Role;
use intake_core::desk::{ClinicSettings, WhatsAppUpdate};
use intake_core::form::DateOrder;
use intake_core::keys::SecretStore;

use crate::common::*;

const SECRET: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "EAAGm0PX4ZCpsBAKZAh1ZCZBexampleexampleexampleexample";

fn code(e: intake_core::Error) -> String {
    e.body().code
}

fn update(app_secret: Option<&str>, access_token: Option<&str>) -> WhatsAppUpdate {
    WhatsAppUpdate {
        phone_number_id: "106540352242922".into(),
        business_account_id: "102290129340398".into(),
        app_secret: app_secret.map(Into::into),
        access_token: access_token.map(Into::into),
    }
}

#[test]
fn settings_round_trip_and_reach_the_engine() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let before = desk.settings(&s).unwrap();
    assert_eq!(before.languages, ["en", "es"]);
    assert_eq!(before.available_languages.len(), 2);
    let saved = desk
        .update_settings(
            &s,
            &ClinicSettings {
                languages: vec!["es".into(), "es".into()],
                date_order: DateOrder::MonthFirst,
                intake_timeout_hours: 48,
                backlog_minutes: 90,
                notify_with_first_name: false,
                reopen_template: "welcome_back_2".into(),
                reopen_template_language: "es_MX".into(),
                ..before
            },
        )
        .unwrap();
    assert_eq!(saved.languages, ["es"], "duplicates dropped");
    assert_eq!(desk.settings(&s).unwrap(), saved);
    let engine = desk.engine_settings().unwrap();
    assert_eq!(engine.idle_timeout_secs, 48 * 3600);
    assert_eq!(engine.backlog_age_secs, 90 * 60);
    assert_eq!(engine.date_order, DateOrder::MonthFirst);
    assert_eq!(engine.languages, ["es"]);
}

#[test]
fn hostile_settings_are_refused_and_change_nothing() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let good = desk.settings(&s).unwrap();
    let cases: Vec<(ClinicSettings, &str)> = vec![
        (
            ClinicSettings {
                languages: vec![],
                ..good.clone()
            },
            "invalid.languages",
        ),
        (
            ClinicSettings {
                languages: vec!["xx".into()],
                ..good.clone()
            },
            "invalid.languages",
        ),
        (
            ClinicSettings {
                intake_timeout_hours: 0,
                ..good.clone()
            },
            "invalid.intake_timeout_hours",
        ),
        (
            ClinicSettings {
                intake_timeout_hours: 10_000,
                ..good.clone()
            },
            "invalid.intake_timeout_hours",
        ),
        (
            ClinicSettings {
                backlog_minutes: 1,
                ..good.clone()
            },
            "invalid.backlog_minutes",
        ),
        (
            ClinicSettings {
                reopen_template: "=HYPERLINK(\"x\")".into(),
                ..good.clone()
            },
            "invalid.reopen_template",
        ),
        (
            ClinicSettings {
                reopen_template: "a".repeat(600),
                ..good.clone()
            },
            "invalid.reopen_template",
        ),
        (
            ClinicSettings {
                reopen_template_language: "en-US!".into(),
                reopen_template: "x".into(),
                ..good.clone()
            },
            "invalid.reopen_template_language",
        ),
        (
            ClinicSettings {
                clinic_name: "a\u{0}b".into(),
                ..good.clone()
            },
            "invalid.clinic_name",
        ),
    ];
    for (bad, want) in cases {
        assert_eq!(code(desk.update_settings(&s, &bad).unwrap_err()), want);
    }
    assert_eq!(desk.settings(&s).unwrap(), good);
}

#[test]
fn whatsapp_secrets_live_in_the_key_store_only() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let first = desk.whatsapp_settings(&s).unwrap();
    assert!(!first.app_secret_saved && !first.access_token_saved);
    assert!(first.verify_token.len() >= 24, "a generated verify token");
    assert_eq!(
        desk.whatsapp_settings(&s).unwrap().verify_token,
        first.verify_token,
        "stable"
    );

    let saved = desk
        .update_whatsapp(&s, &update(Some(SECRET), Some(TOKEN)))
        .unwrap();
    assert!(saved.app_secret_saved && saved.access_token_saved);
    let shown = serde_json::to_string(&saved).unwrap();
    assert!(
        !shown.contains(SECRET) && !shown.contains(TOKEN),
        "never sent back: {shown}"
    );

    let creds = desk.whatsapp_credentials().unwrap();
    assert_eq!(creds.app_secret.as_deref(), Some(SECRET));
    assert_eq!(creds.access_token.as_deref(), Some(TOKEN));
    assert_eq!(creds.phone_number_id, "106540352242922");
    assert!(!format!("{creds:?}").contains(SECRET), "Debug redacts");

    // Not in the database (settings rows, audit details) in any form.
    let conn = desk.db().conn();
    let leaks: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM settings WHERE value LIKE '%' || ?1 || '%' OR value LIKE '%' || ?2 || '%')
                  + (SELECT count(*) FROM audit_log WHERE details LIKE '%' || ?1 || '%' OR details LIKE '%' || ?2 || '%')",
            [SECRET, TOKEN],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaks, 0);
    drop(conn);
    let audit = desk
        .audit_log(
            &s,
            &AuditQuery {
                text: Some("whatsapp".into()),
                before_id: None,
                limit: None,
            },
        )
        .unwrap();
    assert!(
        audit.iter().any(|e| e.details.contains("replaced")),
        "{audit:?}"
    );

    // None keeps, "" removes.
    desk.update_whatsapp(&s, &update(None, None)).unwrap();
    assert!(desk.whatsapp_credentials().unwrap().access_token.is_some());
    let removed = desk.update_whatsapp(&s, &update(None, Some(""))).unwrap();
    assert!(!removed.access_token_saved && removed.app_secret_saved);

    let renewed = desk.renew_verify_token(&s).unwrap();
    assert_ne!(renewed.verify_token, first.verify_token);
    let names: Vec<String> = f.secret_names();
    assert!(
        f.secrets.get(&names[0]).unwrap().is_some(),
        "the database key is untouched"
    );
}

#[test]
fn hostile_whatsapp_input_is_refused_and_nothing_is_stored() {
    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let cases = [
        (WhatsAppUpdate { phone_number_id: "12ab".into(), ..update(None, None) }, "invalid.phone_number_id"),
        (WhatsAppUpdate { phone_number_id: "1".repeat(40), ..update(None, None) }, "invalid.phone_number_id"),
        (WhatsAppUpdate { business_account_id: "-1".into(), ..update(None, None) }, "invalid.business_account_id"),
        (update(Some("short"), None), "invalid.app_secret"),
        (update(Some("has spaces in the middle of it!!"), None), "invalid.app_secret"),
        (update(None, Some("EAA\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}")), "invalid.access_token"),
        (update(None, Some(&"E".repeat(5000))), "invalid.access_token"),
    ];
    for (bad, want) in cases {
        assert_eq!(code(desk.update_whatsapp(&s, &bad).unwrap_err()), want);
    }
    let after = desk.whatsapp_settings(&s).unwrap();
    assert!(
        after.phone_number_id.is_empty() && !after.app_secret_saved && !after.access_token_saved
    );
}

#[test]
fn only_admins_see_or_change_the_connection() {
    let f = clinic();
    let desk = f.desk();
    for (name, role) in [("reception", Role::FrontDesk), ("doctor", Role::Doctor)] {
        let s = f.user(name, role);
        assert_eq!(
            code(desk.whatsapp_settings(&s).unwrap_err()),
            "auth.forbidden"
        );
        assert_eq!(
            code(
                desk.update_whatsapp(&s, &update(Some(SECRET), None))
                    .unwrap_err()
            ),
            "auth.forbidden"
        );
        assert_eq!(
            code(desk.renew_verify_token(&s).unwrap_err()),
            "auth.forbidden"
        );
    }
    assert!(desk.whatsapp_credentials().unwrap().app_secret.is_none());
}

/// Issue 6: the tunnel's mode and address are settings; the ngrok authtoken is a secret.
#[test]
fn the_tunnel_is_configured_with_its_authtoken_in_the_key_store_only() {
    use intake_core::desk::TunnelUpdate;
    use intake_core::tunnel::{TunnelConfig, TunnelMode};
    use secrecy::ExposeSecret;
    const AUTHTOKEN: &str = "2abcDEFghiJKLmnoPQRstuVWXyz_0123456789abcdefGHIJ";

    let f = clinic();
    let desk = f.desk();
    let s = f.admin();
    let first = desk.tunnel_settings(&s).unwrap();
    assert_eq!(first.config.mode, TunnelMode::Off);
    assert!(!first.authtoken_saved);

    let ngrok = |authtoken: Option<&str>, domain: Option<&str>| TunnelUpdate {
        config: TunnelConfig::ngrok(domain),
        authtoken: authtoken.map(Into::into),
    };
    // ngrok without an authtoken, or with something that is not one, is explained.
    for bad in [
        ngrok(None, None),
        ngrok(Some(""), None),
        ngrok(Some("short"), None),
        ngrok(Some("has spaces in it and is long enough to pass"), None),
        ngrok(
            Some(AUTHTOKEN),
            Some("https://clinic.ngrok-free.app/webhook?x=1"),
        ),
    ] {
        let e = desk.update_tunnel(&s, &bad).unwrap_err();
        assert!(code(e).starts_with("invalid."));
    }
    assert!(
        !desk.tunnel_settings(&s).unwrap().authtoken_saved,
        "nothing stored"
    );

    let saved = desk
        .update_tunnel(&s, &ngrok(Some(AUTHTOKEN), Some("Clinic.ngrok-free.app")))
        .unwrap();
    assert!(saved.authtoken_saved);
    assert_eq!(
        saved.config.domain.as_deref(),
        Some("clinic.ngrok-free.app")
    );
    assert!(!serde_json::to_string(&saved).unwrap().contains(AUTHTOKEN));
    let (config, token) = desk.tunnel_for_backend().unwrap();
    assert_eq!(config.mode, TunnelMode::Ngrok);
    assert_eq!(token.unwrap().expose_secret(), AUTHTOKEN);
    let conn = desk.db().conn();
    let leaks: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM settings WHERE value LIKE '%' || ?1 || '%')
                  + (SELECT count(*) FROM audit_log WHERE details LIKE '%' || ?1 || '%')",
            [AUTHTOKEN],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaks, 0);
    drop(conn);

    // Own address: https only; the token is kept unless removed.
    let own = |url: &str| TunnelUpdate {
        config: TunnelConfig::own_url(url),
        authtoken: None,
    };
    assert!(desk
        .update_tunnel(&s, &own("http://clinic.example.org"))
        .is_err());
    let mine = desk
        .update_tunnel(&s, &own("https://intake.clinic.example.org/webhook"))
        .unwrap();
    assert_eq!(
        mine.config.public_url.as_deref(),
        Some("https://intake.clinic.example.org")
    );
    assert!(mine.authtoken_saved);
    let off = desk
        .update_tunnel(
            &s,
            &TunnelUpdate {
                config: TunnelConfig::off(),
                authtoken: Some(String::new()),
            },
        )
        .unwrap();
    assert!(!off.authtoken_saved);

    let front = f.user("rosa", Role::FrontDesk);
    assert_eq!(
        code(desk.tunnel_settings(&front).unwrap_err()),
        "auth.forbidden"
    );
    assert_eq!(
        code(
            desk.update_tunnel(&front, &own("https://x.example.org"))
                .unwrap_err()
        ),
        "auth.forbidden"
    );
}
