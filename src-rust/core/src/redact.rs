//! `Phi<T>`: patient data that cannot be printed by accident. Logs, panics and error strings
//! must never carry names, phone numbers, dates of birth, addresses or message text, yet some
//! code has to hold such values right next to a `tracing` call or a `{:?}` in an error path.
//! Wrapping the value makes `{}`, `{:?}`, `%field` and `?field` all print `<redacted>`; the
//! value itself is reached only through an explicit, greppable `expose()`.
use std::fmt;

/// What every redacted value prints as.
pub const REDACTED: &str = "<redacted>";

/// A value that is patient data. Deliberately not `Serialize`: storing or sending it is a
/// decision the caller makes with `expose()`, not something a derive does silently.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phi<T>(pub T);

impl<T> Phi<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The patient data itself. Named so reviews can find every place it leaves the wrapper.
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: AsRef<str>> Phi<T> {
    /// The length in characters: safe to log (a length says nothing about who the patient is)
    /// and often all a log line needs, e.g. why a message was too long.
    pub fn chars(&self) -> usize {
        self.0.as_ref().chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_empty()
    }
}

impl<T> From<T> for Phi<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

// `pad` rather than `write_str` so width and alignment in a format string still line up.
impl<T> fmt::Debug for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(REDACTED)
    }
}

impl<T> fmt::Display for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    const NAME: &str = "Ana María Pérez";
    const PHONE: &str = "34600111222";

    #[test]
    fn display_and_debug_hide_the_value() {
        let name = Phi(NAME.to_owned());
        for shown in [
            format!("{name}"),
            format!("{name:?}"),
            format!("{name:#?}"),
            format!("{name:>20}"),
            format!("{:?}", Some(&name)),
            format!("{:?}", vec![Phi(PHONE)]),
        ] {
            assert!(shown.contains(REDACTED), "{shown}");
            assert!(!shown.contains("Ana") && !shown.contains(PHONE), "{shown}");
        }
        assert_eq!(format!("{name:>12}|"), "  <redacted>|");
    }

    #[test]
    fn structs_that_derive_debug_stay_redacted() {
        #[derive(Debug)]
        #[allow(dead_code)] // read only through Debug, which is the point of the test
        struct Row {
            id: i64,
            wa_to: Phi<String>,
        }
        let row = Row {
            id: 7,
            wa_to: Phi(PHONE.into()),
        };
        let shown = format!("{row:?}");
        assert_eq!(shown, "Row { id: 7, wa_to: <redacted> }");
    }

    #[test]
    fn the_value_is_still_there_for_code_that_needs_it() {
        let phone = Phi::new(String::from(PHONE));
        assert_eq!(phone.expose(), PHONE);
        assert_eq!(phone.chars(), 11);
        assert!(!phone.is_empty());
        assert_eq!(Phi::from("Pérez").chars(), 5, "characters, not bytes");
        assert_eq!(phone.clone(), phone);
        assert_eq!(phone.into_inner(), PHONE);
    }

    /// Collects formatted `tracing` events so the test sees exactly what a log line would say.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<String>>>);

    struct Fields<'a>(&'a mut String);

    impl tracing::field::Visit for Fields<'_> {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
            self.0.push_str(&format!("{}={:?} ", field.name(), value));
        }
    }

    impl tracing::Subscriber for Lines {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut line = String::new();
            event.record(&mut Fields(&mut line));
            if let Ok(mut lines) = self.0.lock() {
                lines.push(line);
            }
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[test]
    fn tracing_fields_print_redacted() {
        let lines = Lines::default();
        let name = Phi(NAME.to_owned());
        let phone = Phi(PHONE);
        tracing::subscriber::with_default(lines.clone(), || {
            tracing::warn!(wa_from = %phone, name = ?name, len = name.chars(), "patient text");
        });
        let lines = lines.0.lock().map(|l| l.join("\n")).unwrap_or_default();
        assert!(lines.contains("wa_from=<redacted>"), "{lines}");
        assert!(lines.contains("name=<redacted>"), "{lines}");
        assert!(lines.contains("len=15"), "{lines}");
        assert!(!lines.contains(PHONE) && !lines.contains("Ana"), "{lines}");
    }
}
