//! FHIR R4 export: one Bundle of type `collection` holding the Questionnaire of every form
//! version in the export, then a Patient and a QuestionnaireResponse per intake.
//!
//! The bundle is streamed: its opening is written first, each entry is serialised straight
//! into a large write buffer from structs that borrow the intake (no `serde_json::Value` tree,
//! no copy of the answers), and the closing brackets come last. 100,000 intakes take well under
//! the export's time budget and only the buffer's memory, whatever the size of the file.
mod patient;
mod questionnaire;
mod response;

use std::fs::File;
use std::io::{self, BufWriter, Write};

use chrono::{Datelike, NaiveDate};
use rand::rngs::{OsRng, StdRng};
use rand::{Rng, SeedableRng};
use serde::{Serialize, Serializer};

use self::questionnaire::Plan;
use super::columns::{Cell, Intake};
use super::{ExportError, Layout, Sink};

/// Large enough that a write to disk happens every few hundred intakes, not every few.
const BUFFER: usize = 1 << 20;

pub(crate) struct FhirSink {
    out: Entries,
    /// One per form in the layout, in the same order: the current form first.
    plans: Vec<Plan>,
    ids: StdRng,
    /// Answers that could not go in a QuestionnaireResponse, counted for one warning at the end
    /// (counts only: the log never holds patient data).
    dropped: Dropped,
}

#[derive(Debug, Default, Clone, Copy)]
struct Dropped {
    /// Answers whose value does not fit the question's FHIR type (an answer kept from a
    /// version whose question had another type, an integer beyond FHIR's 32 bits).
    unfitting: u64,
    /// Answers to questions the Questionnaire used has no item for (intakes from a form version
    /// whose definition was never recorded are exported against the current form).
    unknown: u64,
}

impl FhirSink {
    pub(crate) fn new(layout: &Layout, file: File) -> Result<FhirSink, ExportError> {
        // Entry ids only need to be unique, but they are random UUIDs (version 4) as FHIR
        // expects of `urn:uuid:` URLs. One OS seed for a fast generator rather than an OS call
        // per id (two per intake).
        let mut ids = StdRng::from_rng(OsRng)
            .map_err(|_| io::Error::other("no random number source for entry ids"))?;
        let plans = questionnaire::plans(layout);
        let mut out = Entries::open(file, layout)?;
        for plan in &plans {
            let url = FullUrl::new(&mut ids);
            out.entry(&url, &plan.resource())?;
        }
        Ok(FhirSink {
            out,
            plans,
            ids,
            dropped: Dropped::default(),
        })
    }
}

/// The plan of the form version that produced the intake; the current form's when that version
/// was never recorded. `None` only if the layout held no form at all.
fn plan_for<'a>(plans: &'a [Plan], intake: &Intake) -> Option<&'a Plan> {
    plans
        .iter()
        .find(|p| p.form_id == intake.form_id && p.version == intake.form_version)
        .or_else(|| plans.first())
}

impl Sink for FhirSink {
    fn wants_cells(&self) -> bool {
        false
    }

    fn write(&mut self, layout: &Layout, intake: &Intake, _: &[Cell]) -> Result<(), ExportError> {
        let patient_url = FullUrl::new(&mut self.ids);
        let response_url = FullUrl::new(&mut self.ids);
        // The layout always holds the current form; were it empty there would be no
        // Questionnaire to answer against, and the Patient alone is still right.
        let plan = plan_for(&self.plans, intake);
        let patient = patient::Patient::of(plan, intake);
        self.out.entry(&patient_url, &patient)?;
        if let Some(plan) = plan {
            let (resource, dropped) = response::Response::of(plan, layout, intake, &patient_url);
            self.out.entry(&response_url, &resource)?;
            self.dropped.unfitting += dropped.unfitting;
            self.dropped.unknown += dropped.unknown;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, _: &Layout) -> Result<(), ExportError> {
        let Dropped { unfitting, unknown } = self.dropped;
        if unfitting > 0 || unknown > 0 {
            tracing::warn!(
                unfitting,
                unknown,
                "FHIR export left out answers that fit no Questionnaire item"
            );
        }
        let file = self.out.close()?;
        file.sync_all()?;
        Ok(())
    }
}

/// The bundle's file: its opening on creation, comma-separated entries, its closing on close.
struct Entries {
    out: BufWriter<File>,
    first: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a, R> {
    full_url: &'a FullUrl,
    resource: &'a R,
}

impl Entries {
    fn open(file: File, layout: &Layout) -> Result<Entries, ExportError> {
        let mut out = BufWriter::with_capacity(BUFFER, file);
        out.write_all(br#"{"resourceType":"Bundle","type":"collection","timestamp":"#)?;
        serde_json::to_writer(&mut out, &layout.tz.rfc3339(layout.now_ms))?;
        out.write_all(br#","entry":["#)?;
        Ok(Entries { out, first: true })
    }

    fn entry<R: Serialize>(&mut self, url: &FullUrl, resource: &R) -> Result<(), ExportError> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        serde_json::to_writer(
            &mut self.out,
            &Entry {
                full_url: url,
                resource,
            },
        )?;
        Ok(())
    }

    fn close(mut self) -> Result<File, ExportError> {
        self.out.write_all(b"]}")?;
        // The error's own text is the path-free io error kind; the buffer is dropped with it.
        let file = self
            .out
            .into_inner()
            .map_err(|e| io::Error::new(e.error().kind(), "flushing the FHIR bundle"))?;
        Ok(file)
    }
}

/// `urn:uuid:` and a random (version 4) UUID, lower case: an entry's identity in the bundle,
/// which a QuestionnaireResponse's `subject` points at. Kept on the stack: two per intake.
struct FullUrl([u8; FullUrl::LEN]);

impl FullUrl {
    const PREFIX: &'static [u8] = b"urn:uuid:";
    const LEN: usize = 9 + uuid::fmt::Hyphenated::LENGTH;

    fn new(rng: &mut StdRng) -> FullUrl {
        let id = uuid::Builder::from_random_bytes(rng.gen()).into_uuid();
        let mut buf = [0u8; Self::LEN];
        buf[..Self::PREFIX.len()].copy_from_slice(Self::PREFIX);
        id.hyphenated().encode_lower(&mut buf[Self::PREFIX.len()..]);
        FullUrl(buf)
    }

    fn as_str(&self) -> &str {
        // ASCII by construction, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Serialize for FullUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A FHIR `date` (YYYY-MM-DD). FHIR years have exactly four digits, so a date outside years
/// 1-9999 has no FHIR form and is treated as a value that does not fit.
#[derive(Clone, Copy)]
struct FhirDate(NaiveDate);

impl FhirDate {
    fn new(d: NaiveDate) -> Option<FhirDate> {
        (1..=9999).contains(&d.year()).then_some(FhirDate(d))
    }
}

impl Serialize for FhirDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        s.collect_str(&format_args!(
            "{:04}-{:02}-{:02}",
            d.year(),
            d.month(),
            d.day()
        ))
    }
}

/// A FHIR Coding. `system` is left out for the form's own option codes, which have no code
/// system beyond the Questionnaire that lists them.
#[derive(Serialize)]
struct Coding<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<&'a str>,
}

/// Language codes in the form (the language question's options, the patient's language) are
/// BCP 47 tags, FHIR's code system for languages.
const BCP47: &str = "urn:ietf:bcp:47";
