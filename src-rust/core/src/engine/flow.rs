//! Transitions: what an inbound message means in the patient's current phase.
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::reply::{decode, keyword, Keyword, Reply};
use super::strings::{t, Msg};
use super::{Effect, Inbound, Outgoing, Phase, Settings, State, Step};
use crate::form::text::fold;
use crate::form::{parse_answer, Answer, Form, Input, Invalid, Item, ItemType, ParseSettings};

const SKIP_WORDS: [&str; 6] = ["skip", "omitir", "saltar", "pass", "-", "none"];

pub(super) struct Cx<'a> {
    pub form: &'a Form,
    pub state: State,
    pub now: DateTime<Utc>,
    pub settings: &'a Settings,
    pub out: Vec<Outgoing>,
    pub effects: Vec<Effect>,
}

impl<'a> Cx<'a> {
    pub fn new(form: &'a Form, state: State, now: DateTime<Utc>, settings: &'a Settings) -> Self {
        Cx {
            form,
            state,
            now,
            settings,
            out: Vec::new(),
            effects: Vec::new(),
        }
    }

    pub fn finish(self) -> Step {
        Step {
            state: self.state,
            outgoing: self.out,
            effects: self.effects,
        }
    }

    pub fn lang(&self) -> &str {
        self.state
            .lang
            .as_deref()
            .unwrap_or_else(|| self.form.fallback_lang())
    }

    pub fn tick(&mut self) {
        if let Some(last) = self.state.last_activity {
            if self.is_idle(last, self.now) {
                self.abandon(last);
            }
        }
    }

    fn is_idle(&self, last: DateTime<Utc>, at: DateTime<Utc>) -> bool {
        !self.state.handover
            && self.state.phase.in_progress()
            && at - last >= Duration::seconds(self.settings.idle_timeout_secs)
    }

    fn abandon(&mut self, last: DateTime<Utc>) {
        let resume = Box::new(std::mem::take(&mut self.state.phase));
        self.state.phase = Phase::Abandoned { resume };
        self.effects.push(Effect::Abandoned {
            last_activity: last,
        });
    }

    pub fn inbound(&mut self, msg: &Inbound) {
        if self.state.wa_number.is_none() {
            self.state.wa_number = msg.from.clone();
        }
        if let Some(last) = self.state.last_activity {
            if self.is_idle(last, msg.timestamp) {
                self.abandon(last);
            }
        }
        self.state.last_activity = Some(
            self.state
                .last_activity
                .map_or(msg.timestamp, |l| l.max(msg.timestamp)),
        );
        if self.state.handover {
            return;
        }
        let reply = decode(&msg.content);
        if let Reply::Text(text) = reply {
            if let Some(k) = keyword(text) {
                return self.keyword(k, msg);
            }
        }
        match self.state.phase.clone() {
            Phase::New | Phase::Ended => self.start(),
            Phase::Asking { link_id } => self.answer(&link_id, reply, msg),
            Phase::Review => self.review_reply(reply),
            Phase::Edit { page } => self.edit_reply(page, reply),
            Phase::Abandoned { resume } => {
                self.state.phase = Phase::ResumeOffer { resume };
                self.reprompt(None);
            }
            Phase::ResumeOffer { resume } => self.resume_reply(*resume, reply, msg),
            Phase::Submitted => {
                self.state.phase = Phase::SubmittedOffer;
                self.reprompt(None);
            }
            Phase::SubmittedOffer => match reply {
                Reply::Action("o:new") => self.start(),
                Reply::Action("o:staff") => self.handover(msg),
                Reply::Text(t) if matches!(fold(t).as_str(), "1" | "new" | "nuevo") => self.start(),
                Reply::Text(t) if fold(t) == "2" => self.handover(msg),
                _ => self.reprompt(None),
            },
        }
    }

    fn keyword(&mut self, k: Keyword, msg: &Inbound) {
        match k {
            Keyword::Restart => self.start(),
            Keyword::Help => self.reprompt(Some(Msg::Help)),
            Keyword::Stop => {
                self.state.phase = Phase::Ended;
                self.state.answers.clear();
                self.effects.push(Effect::Withdrawn {
                    wamid: msg.wamid.clone(),
                    at: msg.timestamp,
                });
                self.out
                    .push(Outgoing::text(t(self.lang(), Msg::Withdrawn)));
            }
            Keyword::Staff => self.handover(msg),
        }
    }

    fn handover(&mut self, msg: &Inbound) {
        // Resolve a pending offer so that, when staff hand back, the bot re-asks the question.
        if let Phase::ResumeOffer { resume } = &self.state.phase {
            self.state.phase = (**resume).clone();
        }
        self.state.handover = true;
        self.effects.push(Effect::HandoverRequested {
            wamid: msg.wamid.clone(),
            at: msg.timestamp,
        });
        self.out.push(Outgoing::text(t(self.lang(), Msg::Handover)));
    }

    /// A fresh intake from the language question; the WhatsApp number is kept.
    fn start(&mut self) {
        self.state.answers.clear();
        self.state.lang = None;
        self.state.form_version = Some(self.form.version.clone());
        self.advance(None);
    }

    fn resume_reply(&mut self, resume: Phase, reply: Reply<'_>, msg: &Inbound) {
        let pick = match reply {
            Reply::Action(a) => a.strip_prefix("o:").unwrap_or(""),
            Reply::Text(text) => match fold(text).as_str() {
                "1" | "continue" | "continuar" => "continue",
                "2" => "restart",
                "3" => "staff",
                _ => "",
            },
            _ => "",
        };
        match pick {
            "continue" => {
                self.state.phase = resume;
                self.reprompt(None);
            }
            "restart" => self.start(),
            "staff" => {
                self.state.phase = resume;
                self.handover(msg);
            }
            _ => self.reprompt(Some(Msg::NeedsReply)),
        }
    }

    /// Moves to the first unanswered enabled question, or to review when there is none.
    /// The form's languages the clinic offers, in the form's order (all if none match).
    pub fn offered_languages(&self) -> Vec<&'a str> {
        let form: &'a Form = self.form;
        let offered: Vec<&str> = form
            .languages
            .iter()
            .map(String::as_str)
            .filter(|l| {
                self.settings.languages.is_empty() || self.settings.languages.iter().any(|s| s == l)
            })
            .collect();
        if offered.is_empty() {
            form.languages.iter().map(String::as_str).collect()
        } else {
            offered
        }
    }

    pub fn advance(&mut self, prefix: Option<String>) {
        self.form.prune(&mut self.state.answers);
        // One language offered: asking which one would only be a hurdle.
        if let [only] = self.offered_languages()[..] {
            let link = &self.form.language_link_id;
            if !self.state.answers.contains_key(link) {
                self.state.lang = Some(only.to_owned());
                self.state
                    .answers
                    .insert(link.clone(), Answer::Choice(only.to_owned()));
            }
        }
        match self.form.next_unanswered(&self.state.answers) {
            Some(item) => {
                self.state.phase = Phase::Asking {
                    link_id: item.link_id.clone(),
                };
                self.ask(item, prefix);
            }
            None => {
                self.state.phase = Phase::Review;
                self.review(prefix);
            }
        }
    }

    fn answer(&mut self, link_id: &str, reply: Reply<'_>, msg: &Inbound) {
        let Some(item) = self.form.item(link_id) else {
            // The form changed under a stored state: carry on with what is still asked.
            return self.advance(None);
        };
        let input = match reply {
            Reply::Option { link_id: l, code } if l == link_id => Ok(Input::Tap(code)),
            Reply::Skip(l) if l == link_id && !item.required => {
                return self.store(item, Answer::Skipped, msg)
            }
            Reply::Default(l) if l == link_id => match self.wa_e164() {
                Some(n) => return self.store(item, Answer::Text(n), msg),
                None => Err(Invalid::NotAPhone),
            },
            Reply::Text(text) => {
                let folded = fold(text);
                let skippable =
                    !item.required && !matches!(item.kind, ItemType::Boolean | ItemType::Choice);
                if skippable && SKIP_WORDS.contains(&folded.as_str()) {
                    return self.store(item, Answer::Skipped, msg);
                }
                let wants_default = item.format == Some(crate::form::Format::Phone)
                    && matches!(folded.as_str(), "yes" | "si" | "y" | "s" | "ok");
                if wants_default {
                    if let Some(n) = self.wa_e164() {
                        return self.store(item, Answer::Text(n), msg);
                    }
                }
                Ok(Input::Text(text))
            }
            Reply::Media {
                media_id,
                sha256,
                mime,
            } => Ok(Input::Media {
                media_id,
                sha256,
                mime,
            }),
            Reply::Unusable => Err(if item.kind == ItemType::Attachment {
                Invalid::NeedsAttachment
            } else {
                Invalid::NeedsText
            }),
            _ => return self.stale(),
        };
        let settings = ParseSettings {
            date_order: self.settings.date_order,
            default_region: self.settings.default_region,
            today: self.now.date_naive(),
        };
        match input.and_then(|i| parse_answer(item, i, &settings)) {
            Ok(answer) => self.store(item, answer, msg),
            Err(why) => {
                let lead = super::strings::invalid(self.lang(), why);
                self.ask(item, Some(lead));
            }
        }
    }

    fn stale(&mut self) {
        self.reprompt(Some(Msg::StaleReply));
    }

    fn wa_e164(&self) -> Option<String> {
        let digits = self.state.wa_number.as_deref()?;
        crate::form::parse_phone(&format!("+{}", digits.trim_start_matches('+')), None).ok()
    }

    fn store(&mut self, item: &Item, answer: Answer, msg: &Inbound) {
        if item.link_id == self.form.language_link_id {
            if let Answer::Choice(code) = &answer {
                self.state.lang = Some(code.clone());
            }
        }
        if let Answer::Attachment {
            media_id,
            sha256,
            mime,
        } = &answer
        {
            self.effects.push(Effect::FetchMedia {
                media_id: media_id.clone(),
                sha256: sha256.clone(),
                mime: mime.clone(),
                link_id: item.link_id.clone(),
            });
        }
        let declined = item.link_id == self.form.consent.link_id && answer == Answer::Bool(false);
        if item.link_id == self.form.consent.link_id {
            self.record_consent(item, &answer, msg);
        }
        self.state.answers.insert(item.link_id.clone(), answer);
        if declined {
            self.state.answers.clear();
            self.state.phase = Phase::Ended;
            self.out
                .push(Outgoing::text(t(self.lang(), Msg::ConsentDeclined)));
            return;
        }
        self.advance(None);
    }

    fn record_consent(&mut self, item: &Item, answer: &Answer, msg: &Inbound) {
        let lang = self.lang().to_owned();
        let text = crate::form::tr(&item.text, &lang, self.form.fallback_lang());
        self.effects.push(Effect::Consent {
            wamid: msg.wamid.clone(),
            at: msg.timestamp,
            consent_version: self.form.consent.version.clone(),
            text_sha256: hex::encode(Sha256::digest(text.as_bytes())),
            lang,
            granted: *answer == Answer::Bool(true),
        });
    }

    fn review_reply(&mut self, reply: Reply<'_>) {
        let action = match reply {
            Reply::Action(a) => a,
            Reply::Text(text) => match fold(text).trim_end_matches(['.', '!']) {
                "1" | "yes" | "si" | "confirm" | "confirmar" | "ok" | "correct" | "correcto" => {
                    "r:confirm"
                }
                "2" | "change" | "edit" | "cambiar" | "no" => "r:edit",
                _ => "",
            },
            _ => "",
        };
        match action {
            "r:confirm" => self.submit(),
            "r:edit" => {
                self.state.phase = Phase::Edit { page: 0 };
                self.reprompt(None);
            }
            _ => self.reprompt(Some(Msg::NeedsReply)),
        }
    }

    fn edit_reply(&mut self, page: usize, reply: Reply<'_>) {
        let fields = self.editable();
        let picked = match reply {
            Reply::Edit(link) => fields.iter().find(|i| i.link_id == link).copied(),
            Reply::Text(text) => {
                let typed = fold(text);
                let on_page = super::prompt::page_of(&fields, page);
                typed
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| on_page.get(i).copied())
                    .or_else(|| {
                        fields
                            .iter()
                            .find(|i| i.label.values().any(|l| fold(l) == typed))
                            .copied()
                    })
            }
            Reply::Page(p) => {
                self.state.phase = Phase::Edit { page: p };
                return self.reprompt(None);
            }
            Reply::Action("r:back") => {
                self.state.phase = Phase::Review;
                return self.reprompt(None);
            }
            _ => None,
        };
        match picked {
            Some(item) => {
                self.state.phase = Phase::Asking {
                    link_id: item.link_id.clone(),
                };
                self.ask(item, None);
            }
            None => self.reprompt(Some(Msg::NeedsReply)),
        }
    }

    /// Answers a patient may change from review: everything shown except consent, which is
    /// given once per intake (changing it means starting over).
    pub fn editable(&self) -> Vec<&'a Item> {
        self.form
            .item
            .iter()
            .filter(|i| {
                i.link_id != self.form.consent.link_id
                    && self.state.answers.contains_key(&i.link_id)
            })
            .collect()
    }

    fn submit(&mut self) {
        let answers = std::mem::take(&mut self.state.answers);
        self.effects.push(Effect::Submitted {
            form_id: self.form.id.clone(),
            form_version: self.form.version.clone(),
            lang: self.lang().to_owned(),
            answers,
        });
        self.state.phase = Phase::Submitted;
        self.out
            .push(Outgoing::text(t(self.lang(), Msg::Submitted)));
    }
}
