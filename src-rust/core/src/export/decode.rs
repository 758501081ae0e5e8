//! Reading an intake's stored answers fast. Serde's derived decoder for the adjacently tagged
//! `Answer` (`{"type":"text","value":"…"}`) goes through generic tag/content machinery that was
//! most of an export's reading time at 100,000 intakes; this visitor reads the same JSON in one
//! pass, expecting the order `Answer`'s own serialiser writes ("type" first). Anything else
//! (another order, a shape an older version wrote) is refused here and the caller falls back to
//! serde's decoder, answer by answer, so nothing readable is lost.
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};
use serde::Deserialize;

use crate::form::Answer;

/// The answers of one intake, or `None` when this fast path does not apply.
pub(crate) fn answers(json: &str) -> Option<BTreeMap<String, Answer>> {
    let mut de = serde_json::Deserializer::from_str(json);
    let map = de.deserialize_map(Answers).ok()?;
    de.end().ok()?;
    Some(map)
}

struct Answers;

impl<'de> Visitor<'de> for Answers {
    type Value = BTreeMap<String, Answer>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of answers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(link_id) = access.next_key::<String>()? {
            let answer = access.next_value_seed(One)?;
            out.insert(link_id, answer);
        }
        Ok(out)
    }
}

struct One;

impl<'de> DeserializeSeed<'de> for One {
    type Value = Answer;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Answer, D::Error> {
        d.deserialize_map(OneVisitor)
    }
}

struct OneVisitor;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Attachment {
    media_id: String,
    sha256: String,
    mime: String,
}

impl<'de> Visitor<'de> for OneVisitor {
    type Value = Answer;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answer")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Answer, A::Error> {
        if access.next_key::<&str>()? != Some("type") {
            return Err(A::Error::custom("type first"));
        }
        let kind: &str = access.next_value()?;
        if kind == "skipped" {
            return match access.next_key::<&str>()? {
                None => Ok(Answer::Skipped),
                Some(_) => Err(A::Error::custom("skipped has no value")),
            };
        }
        if access.next_key::<&str>()? != Some("value") {
            return Err(A::Error::custom("value second"));
        }
        let answer = match kind {
            "text" => Answer::Text(access.next_value()?),
            "date" => Answer::Date(access.next_value::<NaiveDate>()?),
            "choice" => Answer::Choice(access.next_value()?),
            "bool" => Answer::Bool(access.next_value()?),
            "int" => Answer::Int(access.next_value()?),
            "attachment" => {
                let a: Attachment = access.next_value()?;
                Answer::Attachment {
                    media_id: a.media_id,
                    sha256: a.sha256,
                    mime: a.mime,
                }
            }
            _ => return Err(A::Error::custom("unknown answer type")),
        };
        match access.next_key::<&str>()? {
            None => Ok(answer),
            Some(_) => Err(A::Error::custom("extra field")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> BTreeMap<String, Answer> {
        let mut m = BTreeMap::new();
        m.insert(
            "a".into(),
            Answer::Text("Zoë \"Zo\"\n=1+1 🙂 \\ \u{1}".into()),
        );
        m.insert(
            "b".into(),
            Answer::Date(NaiveDate::from_ymd_opt(1987, 3, 14).unwrap()),
        );
        m.insert("c".into(), Answer::Choice("female".into()));
        m.insert("d".into(), Answer::Bool(false));
        m.insert("e".into(), Answer::Int(-42));
        m.insert(
            "f".into(),
            Answer::Attachment {
                media_id: "m1".into(),
                sha256: "c2hh".into(),
                mime: "image/jpeg".into(),
            },
        );
        m.insert("g".into(), Answer::Skipped);
        m.insert("é \"key\"".into(), Answer::Text(String::new()));
        m
    }

    #[test]
    fn reads_what_the_serialiser_writes_for_every_kind() {
        let stored = every_kind();
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(answers(&json), Some(stored));
        assert_eq!(answers("{}"), Some(BTreeMap::new()));
    }

    #[test]
    fn anything_else_is_left_to_the_careful_decoder() {
        for json in [
            r#"{"a":{"value":"x","type":"text"}}"#,
            r#"{"a":{"type":"text"}}"#,
            r#"{"a":{"type":"skipped","value":null}}"#,
            r#"{"a":{"type":"text","value":"x","extra":1}}"#,
            r#"{"a":{"type":"poem","value":"x"}}"#,
            r#"{"a":{"type":"date","value":"14/03/1987"}}"#,
            r#"{"a":{"type":"int","value":"7"}}"#,
            r#"{"a":{"type":"text","value":"x"}} trailing"#,
            r#"["not","a","map"]"#,
            "not json",
            "",
        ] {
            assert_eq!(answers(json), None, "{json}");
        }
        // Serde's own decoder agrees on the order it accepts: the fallback still reads it.
        let swapped: BTreeMap<String, Answer> =
            serde_json::from_str(r#"{"a":{"value":"x","type":"text"}}"#).unwrap();
        assert_eq!(swapped["a"], Answer::Text("x".into()));
    }
}
