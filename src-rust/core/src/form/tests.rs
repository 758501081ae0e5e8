use chrono::NaiveDate;

use super::*;

fn form() -> Form {
    Form::default_form().unwrap()
}

fn settings() -> ParseSettings {
    ParseSettings {
        date_order: DateOrder::DayFirst,
        default_region: Some(phonenumber::country::Id::ES),
        today: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn default_form_loads_and_is_bilingual() {
    let f = form();
    assert_eq!(f.languages, ["en", "es"]);
    assert!(f
        .item
        .iter()
        .all(|i| i.text.contains_key("es") && i.label.contains_key("en")));
    assert_eq!(f.item[0].link_id, "language");
}

fn mutate(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Form, FormError> {
    let mut v: serde_json::Value = serde_json::from_str(DEFAULT_FORM).unwrap();
    edit(&mut v);
    Form::from_json(&v.to_string())
}

#[test]
fn validate_rejects_bad_definitions() {
    assert_eq!(
        mutate(|v| v["item"][3]["linkId"] = "full_name".into()),
        Err(FormError::DuplicateLinkId("full_name".into()))
    );
    assert!(matches!(
        mutate(|v| v["item"][11]["enableWhen"][0]["question"] = "nowhere".into()),
        Err(FormError::EnableWhenTarget { .. })
    ));
    assert!(matches!(
        mutate(|v| v["item"][11]["enableWhen"][0]["equals"] = "maybe".into()),
        Err(FormError::EnableWhenValue { .. })
    ));
    assert_eq!(
        mutate(|v| v["item"][4]["answerOption"] = serde_json::json!([])),
        Err(FormError::ChoiceWithoutOptions("gender".into()))
    );
    assert!(matches!(
        mutate(|v| {
            v["item"][2]["text"].as_object_mut().unwrap().remove("es");
        }),
        Err(FormError::MissingTranslation { lang, .. }) if lang == "es"
    ));
    assert!(matches!(
        mutate(|v| v["item"][2]["linkId"] = "bad:id".into()),
        Err(FormError::BadId(_))
    ));
    assert!(matches!(
        mutate(|v| v["consent"]["linkId"] = "full_name".into()),
        Err(FormError::ConsentItem(_))
    ));
    assert!(matches!(Form::from_json("{"), Err(FormError::Json(_))));
}

#[test]
fn dates_as_people_type_them() {
    let s = settings();
    let today = s.today;
    for input in [
        "1987-03-14",
        "14/03/1987",
        "14-3-1987",
        "14.03.87",
        "14 March 1987",
        "March 14, 1987",
        "14th of March 1987",
        "14 marzo 1987",
        "14 de marzo de 1987",
        "14 MAR 1987",
        "03/14/1987",
    ] {
        assert_eq!(
            parse_date(input, DateOrder::DayFirst, today),
            Some(d(1987, 3, 14)),
            "{input}"
        );
    }
    assert_eq!(
        parse_date("03/04/1987", DateOrder::DayFirst, today),
        Some(d(1987, 4, 3))
    );
    assert_eq!(
        parse_date("03/04/1987", DateOrder::MonthFirst, today),
        Some(d(1987, 3, 4))
    );
    assert_eq!(
        parse_date("05/04/03", DateOrder::DayFirst, today),
        Some(d(2003, 4, 5))
    );
    for bad in [
        "",
        "yesterday",
        "31/02/1990",
        "1987",
        "14 Smarch 1987",
        "1/2/3/4",
    ] {
        assert_eq!(parse_date(bad, DateOrder::DayFirst, today), None, "{bad}");
    }
}

#[test]
fn birth_dates_are_range_checked() {
    let f = form();
    let item = f.item("birth_date").unwrap();
    let s = settings();
    let p = |t| parse_answer(item, Input::Text(t), &s);
    assert_eq!(p("2030-01-01"), Err(Invalid::FutureDate));
    assert_eq!(p("1900-01-01"), Err(Invalid::TooOld));
    assert_eq!(p("1905-06-01"), Ok(Answer::Date(d(1905, 6, 1))));
    assert_eq!(p("not a date"), Err(Invalid::NotADate));
}

#[test]
fn choices_accept_taps_text_numbers_and_translations() {
    let f = form();
    let g = f.item("gender").unwrap();
    let s = settings();
    let p = |i| parse_answer(g, i, &s);
    let female = Ok(Answer::Choice("female".into()));
    assert_eq!(p(Input::Tap("female")), female);
    assert_eq!(p(Input::Text("FEMALE")), female);
    assert_eq!(p(Input::Text("mujer")), female);
    assert_eq!(p(Input::Text(" 1 ")), female);
    assert_eq!(
        p(Input::Text("prefiero no decirlo")),
        Ok(Answer::Choice("unknown".into()))
    );
    assert_eq!(p(Input::Text("5")), Err(Invalid::NotAnOption));
    assert_eq!(p(Input::Tap("nonsense")), Err(Invalid::NotAnOption));
    let lang = f.item("language").unwrap();
    assert_eq!(
        parse_answer(lang, Input::Text("espanol"), &s),
        Ok(Answer::Choice("es".into()))
    );
}

#[test]
fn booleans_in_both_languages() {
    let f = form();
    let c = f.item("consent").unwrap();
    let s = settings();
    for yes in ["yes", "Y", "sí", "SI", "Si."] {
        assert_eq!(
            parse_answer(c, Input::Text(yes), &s),
            Ok(Answer::Bool(true)),
            "{yes}"
        );
    }
    for no in ["no", "N", "No."] {
        assert_eq!(
            parse_answer(c, Input::Text(no), &s),
            Ok(Answer::Bool(false))
        );
    }
    assert_eq!(
        parse_answer(c, Input::Text("maybe"), &s),
        Err(Invalid::NotYesNo)
    );
}

#[test]
fn phones_emails_and_free_text() {
    let f = form();
    let s = settings();
    let phone = f.item("phone").unwrap();
    assert_eq!(
        parse_answer(phone, Input::Text("612 34 56 78"), &s),
        Ok(Answer::Text("+34612345678".into()))
    );
    assert_eq!(
        parse_answer(phone, Input::Text("+44 20 7946 0958"), &s),
        Ok(Answer::Text("+442079460958".into()))
    );
    assert_eq!(
        parse_answer(phone, Input::Text("12"), &s),
        Err(Invalid::NotAPhone)
    );
    let email = f.item("email").unwrap();
    assert!(parse_answer(email, Input::Text("ana@example.org"), &s).is_ok());
    assert_eq!(
        parse_answer(email, Input::Text("ana@"), &s),
        Err(Invalid::NotAnEmail)
    );
    let name = f.item("full_name").unwrap();
    assert_eq!(
        parse_answer(name, Input::Text("  María de la Cruz \u{7}\u{202E} "), &s),
        Ok(Answer::Text("María de la Cruz".into()))
    );
    assert_eq!(
        parse_answer(name, Input::Text(" \n "), &s),
        Err(Invalid::Empty)
    );
    let long = "x".repeat(10_000);
    assert_eq!(
        parse_answer(name, Input::Text(&long), &s),
        Err(Invalid::TooLong { max: 150 })
    );
    assert_eq!(
        parse_answer(name, Input::Text("محمد 😀"), &s),
        Ok(Answer::Text("محمد 😀".into()))
    );
}

#[test]
fn attachments_need_media() {
    let f = form();
    let s = settings();
    let card = f.item("id_card").unwrap();
    let media = Input::Media {
        media_id: "m1",
        sha256: "abc",
        mime: "image/jpeg",
    };
    assert!(matches!(
        parse_answer(card, media, &s),
        Ok(Answer::Attachment { .. })
    ));
    assert_eq!(
        parse_answer(card, Input::Text("hi"), &s),
        Err(Invalid::NeedsAttachment)
    );
    let audio = Input::Media {
        media_id: "m1",
        sha256: "abc",
        mime: "audio/ogg",
    };
    assert_eq!(
        parse_answer(card, audio, &s),
        Err(Invalid::UnsupportedMedia)
    );
    assert_eq!(
        parse_answer(f.item("full_name").unwrap(), media, &s),
        Err(Invalid::NeedsText)
    );
}

#[test]
fn enable_when_and_prune() {
    let f = form();
    let mut answers = std::collections::BTreeMap::new();
    for id in [
        "language",
        "consent",
        "full_name",
        "birth_date",
        "gender",
        "phone",
    ] {
        answers.insert(id.to_owned(), Answer::Skipped);
    }
    for id in ["email", "address", "reason", "history"] {
        answers.insert(id.to_owned(), Answer::Text("x".into()));
    }
    answers.insert("has_allergies".into(), Answer::Bool(false));
    assert_eq!(f.next_unanswered(&answers).unwrap().link_id, "medications");
    answers.insert("has_allergies".into(), Answer::Bool(true));
    assert_eq!(f.next_unanswered(&answers).unwrap().link_id, "allergies");
    answers.insert("allergies".into(), Answer::Text("pollen".into()));
    answers.insert("has_allergies".into(), Answer::Bool(false));
    f.prune(&mut answers);
    assert!(!answers.contains_key("allergies"));
}

#[test]
fn text_helpers_respect_char_boundaries() {
    assert_eq!(text::truncate("ñññññ", 3), "ññ…");
    assert_eq!(text::truncate("abc", 3), "abc");
    assert_eq!(text::bounded("   ", 10, "?"), "?");
    assert_eq!(text::fold("  Sí  SEÑOR "), "si senor");
}
