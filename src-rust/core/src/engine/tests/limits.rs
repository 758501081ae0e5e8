//! Whatever the labels, every message the engine builds stays within Meta's limits.
use proptest::prelude::*;

use super::*;
use crate::form::{AnswerOption, Item, ItemType, Tag};

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "\\PC{0,3000}",
        proptest::collection::vec(any::<char>(), 0..1200).prop_map(|v| v.into_iter().collect()),
        Just(" \n\t ".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn widgets_stay_within_limits(
        body in any_text(),
        titles in proptest::collection::vec((any_text(), proptest::option::of(any_text())), 1..14),
        button in any_text(),
    ) {
        let opts: Vec<Opt> = titles
            .into_iter()
            .enumerate()
            .map(|(i, (title, description))| Opt { id: format!("q:x:{i}"), title, description })
            .collect();
        let o = Outgoing::choice(&body, &button, &opts);
        prop_assert!(o.within_limits(), "{:?}", o);
        let t = Outgoing::text(&body);
        prop_assert!(t.within_limits());
    }

    #[test]
    fn any_form_labels_and_answers_give_valid_messages(
        question in any_text(),
        options in proptest::collection::vec(any_text(), 1..13),
        answer in any_text(),
    ) {
        let mut form = Form::default_form().unwrap();
        let tr = |s: &str| [("en".to_owned(), format!("Q{s}")), ("es".to_owned(), format!("P{s}"))].into();
        form.item.insert(2, Item {
            link_id: "custom".into(),
            kind: ItemType::Choice,
            text: tr(&question),
            label: tr(&question),
            required: true,
            tag: Tag::Clinical,
            answer_option: options
                .iter()
                .enumerate()
                .map(|(i, o)| AnswerOption { code: format!("c{i}"), display: tr(o) })
                .collect(),
            enable_when: vec![],
            format: None,
            max_length: None,
        });
        prop_assert!(form.validate().is_ok());
        let mut p = Patient::new();
        p.form = form;
        p.text("hi");
        p.tap("q:language:en");
        p.tap("q:consent:true");
        p.text(&answer);
        p.text("1");
        p.text(&answer);
        p.text(&answer);
        p.tap("r:edit");
    }
}
