use super::*;
use crate::templates::fill::MAX_VALUE;

#[test]
fn placeholders_in_order_once_each() {
    assert_eq!(
        placeholders("Hi {{first_name}}, {{ date }} {{first_name}} {{1}} {{bad name}} {{}} {{x"),
        vec!["first_name", "date", "1"]
    );
    assert!(placeholders("no params {{ }} {{-}}").is_empty());
}

#[test]
fn values_are_one_line_and_bounded() {
    assert_eq!(clean("  Ana\n\tMaría    Pérez \r\n"), "Ana María Pérez");
    assert_eq!(clean("a\u{0}b\u{7f}c"), "abc");
    let long = "x".repeat(10_000);
    let c = clean(&long);
    assert_eq!(c.chars().count(), MAX_VALUE);
    assert!(c.ends_with('…'));
}

#[test]
fn fill_does_not_expand_values() {
    let out = fill("A {{a}} B {{b}} C {{c}}", |n| match n {
        "a" => Some("{{b}}".into()),
        "b" => Some("2".into()),
        _ => None,
    });
    assert_eq!(out, "A {{b}} B 2 C {{c}}");
}

#[test]
fn duplicate_actions_become_none() {
    let texts: Vec<String> = ["Yes", "Confirm", "Cancel", "Maybe"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        actions(&texts, &[]),
        vec![
            ButtonAction::Confirm,
            ButtonAction::None,
            ButtonAction::Cancel,
            ButtonAction::None
        ]
    );
}
