//! Rendering where the patient is as one message (two when a review summary is too long for
//! an interactive body).
use super::flow::Cx;
use super::outgoing::{Opt, Outgoing, MAX_INTERACTIVE_BODY, MAX_ROWS};
use super::strings::{t, Msg};
use super::Phase;
use crate::form::text::truncate;
use crate::form::{tr, Format, Item, ItemType};

/// Fields per page of the edit list: one row is kept for "More…" / "Back to summary".
const FIELDS_PER_PAGE: usize = MAX_ROWS - 1;
/// Each answer's share of the review summary, so one long answer cannot crowd out the rest.
const REVIEW_VALUE_CHARS: usize = 150;

pub(super) fn page_of<'a>(fields: &[&'a Item], page: usize) -> Vec<&'a Item> {
    fields
        .iter()
        .skip(page.saturating_mul(FIELDS_PER_PAGE))
        .take(FIELDS_PER_PAGE)
        .copied()
        .collect()
}

fn join(prefix: Option<&str>, body: &str) -> String {
    match prefix {
        Some(p) if !p.trim().is_empty() => format!("{p}\n\n{body}"),
        _ => body.to_owned(),
    }
}

impl Cx<'_> {
    /// Re-sends whatever the patient is expected to answer now, after an optional lead line.
    pub fn reprompt(&mut self, lead: Option<Msg>) {
        let lead = lead.map(|m| t(self.lang(), m).to_owned());
        let lang = self.lang().to_owned();
        match self.state.phase.clone() {
            Phase::New => self.advance(lead),
            Phase::Asking { link_id } => match self.form.item(&link_id) {
                Some(item) => self.ask(item, lead),
                None => self.advance(lead),
            },
            Phase::Review => self.review(lead),
            Phase::Edit { page } => self.edit_list(page, lead),
            Phase::Abandoned { .. } | Phase::ResumeOffer { .. } => {
                let body = join(lead.as_deref(), t(&lang, Msg::WelcomeBack));
                self.out.push(Outgoing::choice(
                    &body,
                    t(&lang, Msg::Choose),
                    &[
                        Opt::new("o:continue", t(&lang, Msg::Continue)),
                        Opt::new("o:restart", t(&lang, Msg::StartOver)),
                        Opt::new("o:staff", t(&lang, Msg::TalkToStaff)),
                    ],
                ));
            }
            Phase::Submitted | Phase::SubmittedOffer => {
                let body = join(lead.as_deref(), t(&lang, Msg::AlreadySubmitted));
                self.out.push(Outgoing::choice(
                    &body,
                    t(&lang, Msg::Choose),
                    &[
                        Opt::new("o:new", t(&lang, Msg::NewIntake)),
                        Opt::new("o:staff", t(&lang, Msg::TalkToStaff)),
                    ],
                ));
            }
            Phase::Ended => {
                let body = join(lead.as_deref(), t(&lang, Msg::Ended));
                self.out.push(Outgoing::text(&body));
            }
        }
    }

    /// Before a language is chosen the question is shown in every language.
    fn question_text(&self, item: &Item) -> String {
        if self.state.lang.is_none() && item.link_id == self.form.language_link_id {
            let texts: Vec<&str> = self
                .offered_languages()
                .into_iter()
                .filter_map(|l| item.text.get(l).map(String::as_str))
                .collect();
            return texts.join("\n\n");
        }
        tr(&item.text, self.lang(), self.form.fallback_lang()).to_owned()
    }

    pub fn ask(&mut self, item: &Item, lead: Option<String>) {
        let lang = self.lang().to_owned();
        let fallback = self.form.fallback_lang().to_owned();
        let mut body = join(lead.as_deref(), &self.question_text(item));
        let q = |code: &str| format!("q:{}:{}", item.link_id, code);
        let mut opts: Vec<Opt> = match item.kind {
            ItemType::Choice => item
                .answer_option
                .iter()
                .filter(|o| {
                    item.link_id != self.form.language_link_id
                        || self.offered_languages().contains(&o.code.as_str())
                })
                .map(|o| Opt::new(q(&o.code), tr(&o.display, &lang, &fallback)))
                .collect(),
            ItemType::Boolean => vec![
                Opt::new(q("true"), t(&lang, Msg::Yes)),
                Opt::new(q("false"), t(&lang, Msg::No)),
            ],
            _ => Vec::new(),
        };
        if item.format == Some(Format::Phone) {
            if let Some(n) = self.state.wa_number.as_deref() {
                let shown = format!("+{}", n.trim_start_matches('+'));
                body = format!(
                    "{body}\n\n{}",
                    t(&lang, Msg::YourNumber).replace("{n}", &shown)
                );
                opts.push(Opt::new(
                    format!("d:{}", item.link_id),
                    t(&lang, Msg::UseThisNumber),
                ));
            }
        }
        if !item.required {
            opts.push(Opt::new(format!("s:{}", item.link_id), t(&lang, Msg::Skip)));
        }
        let msg = if opts.is_empty() {
            Outgoing::text(&body)
        } else {
            Outgoing::choice(&body, t(&lang, Msg::Choose), &opts)
        };
        self.out.push(msg);
    }

    pub fn review(&mut self, lead: Option<String>) {
        let lang = self.lang().to_owned();
        let fallback = self.form.fallback_lang().to_owned();
        let mut summary = join(lead.as_deref(), t(&lang, Msg::ReviewHeader));
        for item in &self.form.item {
            if item.link_id == self.form.consent.link_id {
                continue;
            }
            if let Some(a) = self.state.answers.get(&item.link_id) {
                let value = truncate(&a.display(item, &lang, &fallback), REVIEW_VALUE_CHARS);
                summary.push_str(&format!(
                    "\n• {}: {}",
                    tr(&item.label, &lang, &fallback),
                    value
                ));
            }
        }
        let question = t(&lang, Msg::ReviewQuestion);
        let opts = [
            Opt::new("r:confirm", t(&lang, Msg::Confirm)),
            Opt::new("r:edit", t(&lang, Msg::ChangeAnswer)),
        ];
        let whole = format!("{summary}\n\n{question}");
        if whole.chars().count() <= MAX_INTERACTIVE_BODY {
            self.out
                .push(Outgoing::choice(&whole, t(&lang, Msg::Choose), &opts));
        } else {
            self.out.push(Outgoing::text(&summary));
            self.out
                .push(Outgoing::choice(question, t(&lang, Msg::Choose), &opts));
        }
    }

    fn edit_list(&mut self, page: usize, lead: Option<String>) {
        let lang = self.lang().to_owned();
        let fallback = self.form.fallback_lang().to_owned();
        let fields = self.editable();
        let pages = fields.len().div_ceil(FIELDS_PER_PAGE).max(1);
        let page = page.min(pages - 1);
        self.state.phase = Phase::Edit { page };
        let mut opts: Vec<Opt> = page_of(&fields, page)
            .into_iter()
            .map(|item| Opt {
                id: format!("e:{}", item.link_id),
                title: tr(&item.label, &lang, &fallback).to_owned(),
                description: self
                    .state
                    .answers
                    .get(&item.link_id)
                    .map(|a| a.display(item, &lang, &fallback)),
            })
            .collect();
        if page + 1 < pages {
            opts.push(Opt::new(
                format!("p:{}", page + 1),
                t(&lang, Msg::MoreFields),
            ));
        } else {
            opts.push(Opt::new("r:back", t(&lang, Msg::BackToSummary)));
        }
        let body = join(lead.as_deref(), t(&lang, Msg::PickField));
        self.out
            .push(Outgoing::choice(&body, t(&lang, Msg::Fields), &opts));
    }
}
