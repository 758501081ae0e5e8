//! The photos and documents of an intake, served only to whoever may read the item they
//! answer: nothing but the media the intake's own answers name, so a guessed or stale media id
//! from another patient's conversation is refused.
use rusqlite::OptionalExtension;
use serde_json::json;

use super::detail::{kind_of, load, shown};
use super::subject;
use super::types::{MediaData, SectionKind};
use crate::audit::Action;
use crate::auth::{allows, AuthError, Permission};
use crate::form::{Answer, Form};
use crate::store::StoreError;
use crate::{Desk, Error, Result};

impl Desk {
    /// The bytes of a photo or document of this intake, for an `<img src="data:…">`. Only media
    /// the intake's own answers name; a clinical item's only for roles that may read clinical
    /// answers (and then audited).
    pub fn intake_media(
        &self,
        session: &str,
        form: &Form,
        intake_id: i64,
        media_id: &str,
    ) -> Result<MediaData> {
        let actor = self.authorize(session, Permission::ViewDemographics)?;
        let not_found = || {
            Error::not_found(
                "not_found.media",
                "That photo or document is not part of this intake.",
            )
        };
        let (link_id, clinical_item, bytes) = {
            let conn = self.db().conn();
            let stored = load(&conn, intake_id)?;
            let shown = shown(form, &stored.answers);
            let found = shown.iter().find(
                |a| matches!(a.answer, Answer::Attachment { media_id: m, .. } if m == media_id),
            );
            let Some(a) = found else {
                return Err(not_found());
            };
            let clinical_item = kind_of(&a.item) == SectionKind::Clinical;
            if clinical_item && !allows(actor.role, Permission::ViewClinical) {
                return Err(AuthError::Forbidden(Permission::ViewClinical).into());
            }
            let bytes: Option<(String, Option<Vec<u8>>)> = conn
                .prepare_cached(
                    "SELECT mime, data FROM media_fetches
                     WHERE media_id = ?1 AND conversation_id = ?2 AND state = 'stored'",
                )
                .map_err(StoreError::from)?
                .query_row(rusqlite::params![media_id, stored.conversation_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(StoreError::from)?;
            (a.item.link_id.clone(), clinical_item, bytes)
        };
        let Some((mime, Some(data))) = bytes else {
            return Err(Error::not_found(
                "not_found.media_bytes",
                "That file is not stored yet: it is still being downloaded from WhatsApp, or WhatsApp could not hand it over.",
            ));
        };
        if clinical_item {
            self.audit(
                &actor.audit_name(),
                Action::IntakeMediaViewed,
                &subject(intake_id),
                json!({ "linkId": link_id }),
            )?;
        }
        Ok(MediaData {
            mime,
            base64: data_encoding::BASE64.encode(&data),
        })
    }
}
