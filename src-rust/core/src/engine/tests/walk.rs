//! Full walks through the default form, as the integration test will drive it over HTTP.
use super::*;

fn media() -> Content {
    Content::Media {
        media_id: "MEDIA-1".into(),
        sha256: "c2hhMjU2".into(),
        mime: "image/jpeg".into(),
    }
}

pub(in crate::engine) fn complete_english(p: &mut Patient) {
    let out = p.text("Hi");
    assert_eq!(ids(&out[0]), ["q:language:en", "q:language:es"]);
    assert!(body(&out[0]).contains("Which language") && body(&out[0]).contains("idioma"));
    p.tap("q:language:en");
    p.tap("q:consent:true");
    p.text("Ana María Pérez");
    let out = p.text("31/02/1987");
    assert!(body(&out[0]).starts_with("I couldn't read that date"));
    assert_eq!(p.asking(), Some("birth_date"));
    let out = p.text("14 March 1987");
    assert!(matches!(out[0], Outgoing::List { .. }), "4 genders → list");
    p.pick("q:gender:female");
    let out = p.text("");
    assert!(body(&out[0]).contains("+34612345678"));
    assert_eq!(p.asking(), Some("phone"));
    p.tap("d:phone");
    p.tap("s:email");
    p.text("Calle Mayor 1, Madrid");
    p.text("Headache for two weeks");
    p.text("none");
    p.text("yes");
    p.text("Penicillin: rash");
    p.text("Ibuprofen");
    let out = p.send(media());
    assert_eq!(p.state.phase, Phase::Review);
    let summary: String = out.iter().map(body).collect();
    assert!(summary.contains("Ana María Pérez") && summary.contains("1987-03-14"));
    assert!(summary.contains("Female") && summary.contains("Penicillin: rash"));
    assert!(p.effects.iter().any(|e| matches!(e,
        Effect::FetchMedia { media_id, link_id, .. } if media_id == "MEDIA-1" && link_id == "id_card")));

    // Edit from review: change the name, come back to review.
    let out = p.tap("r:edit");
    assert!(matches!(out[0], Outgoing::List { .. }));
    assert!(ids(&out[0]).contains(&"e:full_name".to_string()));
    assert!(
        ids(&out[0]).contains(&"p:1".to_string()),
        "13 fields need a second page"
    );
    p.pick("e:full_name");
    assert_eq!(p.asking(), Some("full_name"));
    let out = p.text("Ana María Pérez Gómez");
    assert_eq!(p.state.phase, Phase::Review);
    assert!(out.iter().any(|o| body(o).contains("Pérez Gómez")));

    // Second page of the edit list, then back to the summary.
    p.tap("r:edit");
    let out = p.pick("p:1");
    assert!(ids(&out[0]).contains(&"e:id_card".to_string()));
    p.pick("r:back");
    assert_eq!(p.state.phase, Phase::Review);

    let out = p.tap("r:confirm");
    assert!(body(&out[0]).contains("Thank you"));
    assert_eq!(p.state.phase, Phase::Submitted);
}

#[test]
fn full_walk_in_english() {
    let mut p = Patient::new();
    complete_english(&mut p);
    let submitted = p.effects.iter().find_map(|e| match e {
        Effect::Submitted { answers, lang, .. } => Some((answers, lang)),
        _ => None,
    });
    let (answers, lang) = submitted.unwrap();
    assert_eq!(lang, "en");
    assert_eq!(
        answers.get("full_name"),
        Some(&Answer::Text("Ana María Pérez Gómez".into()))
    );
    assert_eq!(
        answers.get("phone"),
        Some(&Answer::Text("+34612345678".into()))
    );
    assert_eq!(answers.get("email"), Some(&Answer::Skipped));
    assert_eq!(
        answers.get("gender"),
        Some(&Answer::Choice("female".into()))
    );
    assert_eq!(answers.get("history"), Some(&Answer::Text("none".into())));
    assert!(matches!(
        answers.get("id_card"),
        Some(Answer::Attachment { .. })
    ));
    assert_eq!(answers.len(), 14);
    let consent = p.effects.iter().find_map(|e| match e {
        Effect::Consent {
            wamid,
            consent_version,
            text_sha256,
            granted,
            ..
        } => Some((
            wamid.clone(),
            consent_version.clone(),
            text_sha256.clone(),
            *granted,
        )),
        _ => None,
    });
    let (wamid, version, hash, granted) = consent.unwrap();
    assert_eq!(
        (wamid.as_str(), version.as_str(), granted),
        ("wamid.3", "consent-2025-01", true)
    );
    assert_eq!(hash.len(), 64);
    assert!(
        p.state.answers.is_empty(),
        "answers leave the state once submitted"
    );
}

#[test]
fn full_walk_in_spanish_with_typed_answers() {
    let mut p = Patient::new();
    p.text("Hola");
    let out = p.text("Español");
    assert!(body(&out[0]).starts_with("Antes de empezar"));
    assert_eq!(ids(&out[0]), ["q:consent:true", "q:consent:false"]);
    p.text("sí");
    let out = p.text("José Núñez");
    assert!(body(&out[0]).contains("fecha de nacimiento"));
    let out = p.text("30 de febrero de 1990");
    assert!(body(&out[0]).starts_with("No he entendido la fecha"));
    let out = p.text("2099-01-01");
    assert!(body(&out[0]).starts_with("Esa fecha está en el futuro"));
    p.text("14 marzo 1987");
    p.text("hombre");
    let out = p.text("12");
    assert!(body(&out[0]).starts_with("Ese número de teléfono no parece válido"));
    p.text("699 11 22 33");
    p.text("jose@example.es");
    p.text("Calle Sol 3, Sevilla");
    p.text("Dolor de espalda");
    p.text("ninguno");
    p.tap("q:has_allergies:false");
    p.text("ninguno");
    let out = p.text("omitir");
    assert_eq!(p.state.phase, Phase::Review);
    let summary: String = out.iter().map(body).collect();
    assert!(summary.contains("Revise sus respuestas") && summary.contains("Hombre"));
    assert!(
        !summary.contains("Alergias:"),
        "allergy details were not asked"
    );
    // A typed edit: the field is picked by its label, in the patient's language.
    p.text("cambiar");
    p.text("fecha de nacimiento");
    assert_eq!(p.asking(), Some("birth_date"));
    p.text("15/03/1987");
    p.text("confirmar");
    let answers = p.effects.iter().find_map(|e| match e {
        Effect::Submitted { answers, lang, .. } if lang == "es" => Some(answers.clone()),
        _ => None,
    });
    let answers = answers.unwrap();
    assert_eq!(
        answers.get("phone"),
        Some(&Answer::Text("+34699112233".into()))
    );
    assert_eq!(
        answers.get("birth_date"),
        Some(&Answer::Date(
            chrono::NaiveDate::from_ymd_opt(1987, 3, 15).unwrap()
        ))
    );
    assert_eq!(answers.get("id_card"), Some(&Answer::Skipped));
    assert!(!answers.contains_key("allergies"));
}

#[test]
fn edit_that_enables_a_question_asks_it_before_review() {
    let mut p = Patient::new();
    complete_english_until_review_without_allergies(&mut p);
    p.tap("r:edit");
    p.pick("e:has_allergies");
    let out = p.tap("q:has_allergies:true");
    assert_eq!(p.asking(), Some("allergies"));
    assert!(body(&out[0]).contains("Which allergies"));
    p.text("Latex");
    assert_eq!(p.state.phase, Phase::Review);
}

fn complete_english_until_review_without_allergies(p: &mut Patient) {
    p.text("Hi");
    p.tap("q:language:en");
    p.tap("q:consent:true");
    for a in [
        "Ana",
        "1987-03-14",
        "2",
        "yes",
        "skip",
        "Street 1",
        "Flu",
        "none",
        "no",
        "none",
    ] {
        p.text(a);
    }
    p.tap("s:id_card");
    assert_eq!(p.state.phase, Phase::Review);
}
