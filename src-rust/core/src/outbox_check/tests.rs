use proptest::prelude::*;
use serde_json::{json, Value};

use super::secrets::find;
use super::*;
use crate::engine::{Choice, Outgoing, Row};
use crate::keys::RecoveryKey;

const TO: &str = "34600111222";
const NAME: &str = "Ana María Pérez";

fn text(body: &str) -> Value {
    Outgoing::Text { body: body.into() }.to_graph_json(TO)
}

fn buttons(body: &str, titles: &[&str]) -> Value {
    Outgoing::Buttons {
        body: body.into(),
        buttons: titles
            .iter()
            .enumerate()
            .map(|(i, t)| Choice {
                id: format!("q:x:{i}"),
                title: (*t).into(),
            })
            .collect(),
    }
    .to_graph_json(TO)
}

fn list(rows: &[(&str, Option<&str>)]) -> Value {
    Outgoing::List {
        body: "Pick one".into(),
        button: "Options".into(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, (t, d))| Row {
                id: format!("q:x:{i}"),
                title: (*t).into(),
                description: d.map(Into::into),
            })
            .collect(),
    }
    .to_graph_json(TO)
}

fn check(v: &Value) -> Result<(), OutgoingError> {
    validate(v, &[])
}

#[test]
fn well_formed_messages_pass() {
    assert_eq!(check(&text("Hello")), Ok(()));
    assert_eq!(check(&text(&"é".repeat(4096))), Ok(()), "chars, not bytes");
    assert_eq!(check(&buttons("Agree?", &["Yes", "No"])), Ok(()));
    assert_eq!(check(&buttons("Q", &["a"; 3])), Ok(()));
    assert_eq!(
        check(&list(&[("One", Some("first")), ("Two", None)])),
        Ok(())
    );
    let rows: Vec<(&str, Option<&str>)> = vec![("row", None); 10];
    assert_eq!(check(&list(&rows)), Ok(()));
    let template = json!({"type": "template",
        "template": {"name": "reopen_intake", "language": {"code": "es"}}});
    assert_eq!(check(&template), Ok(()));
    let read = json!({"status": "read", "message_id": "wamid.HBgLMzQ2"});
    assert_eq!(check(&read), Ok(()));
}

#[test]
fn each_limit_has_its_error() {
    use OutgoingError as E;
    assert_eq!(check(&text("")), Err(E::EmptyText));
    assert_eq!(check(&text(" \n\t")), Err(E::EmptyText));
    assert_eq!(
        check(&text(&"a".repeat(4097))),
        Err(E::TextTooLong { len: 4097 })
    );
    assert_eq!(
        check(&buttons(&"b".repeat(1025), &["Yes"])),
        Err(E::BodyTooLong { len: 1025 })
    );
    assert_eq!(check(&buttons("  ", &["Yes"])), Err(E::EmptyText));
    assert_eq!(
        check(&buttons("Q", &["twenty-one characters"])),
        Err(E::ButtonTitleTooLong { len: 21 })
    );
    assert_eq!(check(&buttons("Q", &[" "])), Err(E::EmptyLabel));
    assert_eq!(
        check(&buttons("Q", &["a", "b", "c", "d"])),
        Err(E::ButtonCount { count: 4 })
    );
    assert_eq!(check(&buttons("Q", &[])), Err(E::ButtonCount { count: 0 }));
    assert_eq!(
        check(&list(&[("twenty-five characters...", None)])),
        Err(E::RowTitleTooLong { len: 25 })
    );
    let long = "d".repeat(73);
    assert_eq!(
        check(&list(&[("row", Some(long.as_str()))])),
        Err(E::RowDescriptionTooLong { len: 73 })
    );
    let rows: Vec<(&str, Option<&str>)> = vec![("row", None); 11];
    assert_eq!(check(&list(&rows)), Err(E::RowCount { count: 11 }));
    assert_eq!(check(&list(&[])), Err(E::RowCount { count: 0 }));
    let mut v = list(&[("row", None)]);
    v["interactive"]["action"]["button"] = json!("a button label too long");
    assert_eq!(check(&v), Err(E::ListButtonTooLong { len: 23 }));
    let mut v = buttons("Q", &["Yes"]);
    v["interactive"]["action"]["buttons"][0]["reply"]["id"] = json!("");
    assert_eq!(check(&v), Err(E::BadChoiceId));
    let mut v = list(&[("row", None)]);
    v["interactive"]["action"]["sections"][0]["rows"][0]["id"] = json!("x".repeat(201));
    assert_eq!(check(&v), Err(E::BadChoiceId));
}

#[test]
fn unknown_and_malformed_bodies_are_refused() {
    use OutgoingError as E;
    for v in [
        json!({"type": "image", "image": {"id": "1"}}),
        json!({"type": "interactive", "interactive": {"type": "flow", "body": {"text": "x"}}}),
        json!({"text": {"body": "no type"}}),
        json!({"status": "delivered", "message_id": "wamid.1"}),
        json!("just a string"),
        Value::Null,
    ] {
        assert_eq!(check(&v), Err(E::UnknownType), "{v}");
    }
    let mut v = text("hi");
    v["messaging_product"] = json!("sms");
    assert!(matches!(check(&v), Err(E::Malformed(_))));
    assert!(matches!(
        check(&json!({"type": "text", "text": {}})),
        Err(E::Malformed(_))
    ));
    assert!(matches!(
        check(&json!({"type": "template", "template": {"name": ""}})),
        Err(E::Malformed(_))
    ));
    let mut v = list(&[("row", None)]);
    v["interactive"]["action"]["sections"] = json!([]);
    assert!(matches!(check(&v), Err(E::Malformed(_))));
}

#[test]
fn secrets_are_refused_wherever_they_hide() {
    use SecretKind as K;
    let token = format!("EAAG{}", "m0PX4ZCpsBAxyz".repeat(10));
    let key = RecoveryKey::generate().display().to_string();
    let pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
    let cases = [
        (format!("Your token is {token}."), K::MetaAccessToken),
        (format!("Bearer {token}"), K::MetaAccessToken),
        (format!("Recovery: {key}"), K::RecoveryKey),
        (key.to_lowercase(), K::RecoveryKey),
        (pem.to_owned(), K::PrivateKey),
        ("-----BEGIN RSA PRIVATE KEY-----".to_owned(), K::PrivateKey),
        ("the secret 0123abcd0123abcd here".to_owned(), K::Configured),
    ];
    let configured = ["0123abcd0123abcd", "short", ""];
    for (body, kind) in &cases {
        let want = Err(OutgoingError::LooksLikeSecret(*kind));
        assert_eq!(validate(&text(body), &configured), want, "{body}");
        // In a button id, a row description or a field the engine never writes: still found.
        let mut v = buttons("Q", &["Yes"]);
        v["interactive"]["action"]["buttons"][0]["reply"]["id"] = json!(body);
        assert_eq!(validate(&v, &configured), want, "{body}");
        let v = list(&[("row", Some(body.as_str()))]);
        assert_eq!(validate(&v, &configured), want, "{body}");
        let mut v = text("hi");
        v["context"] = json!({"extra": [body]});
        assert_eq!(validate(&v, &configured), want, "{body}");
    }
}

#[test]
fn ordinary_text_is_not_mistaken_for_a_secret() {
    let configured = ["short", "", "   "];
    for body in [
        "EAA is an abbreviation",
        "EAAshort1234",
        "xEAAGm0PX4ZCpsBAm0PX4ZCpsBA",
        "wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQzQUYxAA==",
        "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345",
        "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789-ABCD",
        "ABCD-EFGH-JKMN-PQRS-TUWX-YZ01-2345-6789",
        "-----BEGIN CERTIFICATE-----",
        "-----BEGIN PUBLIC KEY-----",
        "Calle Mayor 1, 28013 Madrid - 2º izquierda",
        "You can send *restart* to start again, or *staff* to talk to a person.",
    ] {
        assert_eq!(find(body, &configured), None, "{body}");
        assert_eq!(validate(&text(body), &configured), Ok(()), "{body}");
    }
}

#[test]
fn messages_never_echo_the_text() {
    let body = format!("{NAME} {}", "x".repeat(5000));
    let token = format!("{NAME} EAA{}", "a".repeat(40));
    let twice = format!("{NAME} {NAME}");
    let errors = [
        check(&text(&body)),
        check(&buttons(&body, &["Yes"])),
        check(&buttons("Q", &[&twice])),
        check(&list(&[(&twice, None), ("two", None)])),
        check(&text(&token)),
        validate(
            &text(&format!("{NAME} 0123abcd0123abcd")),
            &["0123abcd0123abcd"],
        ),
    ];
    for e in errors {
        let Err(e) = e else {
            panic!("every case above is refused")
        };
        for shown in [e.to_string(), format!("{e:?}"), e.code().to_owned()] {
            assert!(!shown.contains("Ana") && !shown.contains("EAA"), "{shown}");
            assert!(!shown.contains("0123abcd"), "{shown}");
        }
        assert!(e.to_string().ends_with('.'), "a sentence: {e}");
        assert!(e.code().starts_with("outgoing."));
    }
}

/// Lengths that straddle each of Meta's limits, in one- and two-byte characters.
fn sized(max: usize) -> impl Strategy<Value = String> {
    (
        prop_oneof![0..=3usize, max - 2..=max + 2, 0..=max + 5],
        prop_oneof![Just('a'), Just('é'), Just(' '), Just('😀')],
    )
        .prop_map(|(n, c)| std::iter::repeat_n(c, n).collect())
}

fn any_outgoing() -> impl Strategy<Value = Outgoing> {
    let choice = (sized(MAX_BUTTON_TITLE), 0..=MAX_BUTTON_ID + 2).prop_map(|(title, id)| Choice {
        id: "i".repeat(id),
        title,
    });
    let row = (
        sized(MAX_ROW_TITLE),
        proptest::option::of(sized(MAX_ROW_DESCRIPTION)),
        1..=MAX_ROW_ID + 2,
    )
        .prop_map(|(title, description, id)| Row {
            id: "r".repeat(id),
            title,
            description,
        });
    prop_oneof![
        sized(MAX_TEXT_BODY).prop_map(|body| Outgoing::Text { body }),
        (
            sized(MAX_INTERACTIVE_BODY),
            proptest::collection::vec(choice, 0..=MAX_BUTTONS + 1)
        )
            .prop_map(|(body, buttons)| Outgoing::Buttons { body, buttons }),
        (
            sized(MAX_INTERACTIVE_BODY),
            sized(MAX_LIST_BUTTON),
            proptest::collection::vec(row, 0..=MAX_ROWS + 1)
        )
            .prop_map(|(body, button, rows)| Outgoing::List { body, button, rows }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The check and the engine's own `within_limits` agree on every message shape, so the
    /// duplicated limits cannot drift apart unnoticed.
    #[test]
    fn agrees_with_within_limits(o in any_outgoing()) {
        let checked = check(&o.to_graph_json(TO));
        prop_assert_eq!(checked.is_ok(), o.within_limits(), "{:?} for {:?}", checked, o);
    }
}
