//! The clinic's language choice: one language skips the question, several limit its options.
use super::*;

fn step_with(p: &mut Patient, s: &Settings, body: &str) -> Vec<Outgoing> {
    let ev = p.event(Content::Text { body: body.into() });
    let st = step_batch(&p.form, &p.state, &[ev], p.clock, s);
    p.state = st.state;
    st.outgoing
}

#[test]
fn one_language_skips_the_question_and_sets_it() {
    let mut p = Patient::new();
    let s = Settings {
        languages: vec!["es".into()],
        ..settings()
    };
    let out = step_with(&mut p, &s, "hola");
    assert_eq!(p.state.lang.as_deref(), Some("es"));
    assert_ne!(p.asking(), Some(p.form.language_link_id.as_str()));
    assert!(
        out.iter()
            .all(|o| !ids(o).iter().any(|id| id.starts_with("q:language"))),
        "{out:?}"
    );
}

#[test]
fn offered_languages_limit_the_options_and_all_means_all() {
    let mut p = Patient::new();
    let out = step_with(&mut p, &settings(), "hi");
    let all: Vec<String> = out
        .iter()
        .flat_map(ids)
        .filter(|i| i.starts_with("q:language"))
        .collect();
    assert_eq!(all.len(), 2, "{out:?}");
    assert_eq!(p.asking(), Some(p.form.language_link_id.as_str()));

    let mut p = Patient::new();
    let unknown = Settings {
        languages: vec!["fr".into()],
        ..settings()
    };
    step_with(&mut p, &unknown, "bonjour");
    assert_eq!(
        p.asking(),
        Some(p.form.language_link_id.as_str()),
        "no match: every language"
    );
}
