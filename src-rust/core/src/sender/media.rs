//! The Graph media flow for photos and documents patients send during the intake: the media
//! id (valid 7 days) → `GET {base}/{version}/{media_id}` → a URL valid 5 minutes → the bytes,
//! both with the bearer token. Bytes are size-limited, checked against the sha256 the webhook
//! carried, and stored in the encrypted database with the intake.
use std::sync::Arc;

use rusqlite::params;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::GraphConfig;
use crate::store::StoreError;
use crate::{Desk, Error, Result};

/// WhatsApp's own limits are 5 MB for images and 100 MB for documents; an intake needs an ID
/// or insurance card photo, so anything past this is refused rather than kept.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;
const MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MediaReport {
    pub stored: usize,
    pub failed: usize,
    pub retrying: usize,
}

enum Fetched {
    Stored(Vec<u8>),
    /// Will not get better by trying again; a sentence for staff.
    Refused(&'static str),
    Transient,
}

pub struct MediaFetcher {
    desk: Arc<Desk>,
    graph: GraphConfig,
    http: reqwest::Client,
}

impl MediaFetcher {
    pub fn new(desk: Arc<Desk>, graph: GraphConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|_| Error::Internal("cannot build the HTTP client"))?;
        Ok(Self { desk, graph, http })
    }

    pub async fn fetch_pending(&self) -> Result<MediaReport> {
        let pending: Vec<(String, String)> = {
            let conn = self.desk.db().conn();
            let mut stmt = conn
                .prepare(
                    "SELECT media_id, sha256 FROM media_fetches
                     WHERE state = 'pending' AND attempts < ?1 ORDER BY created_at LIMIT 20",
                )
                .map_err(StoreError::from)?;
            let rows = stmt
                .query_map([MAX_ATTEMPTS], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(StoreError::from)?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)?
        };
        let mut report = MediaReport::default();
        for (media_id, sha256) in pending {
            let outcome = self.fetch(&media_id, &sha256).await;
            let now = self.desk.now_ms();
            self.desk.write(|tx| {
                let n = match &outcome {
                    Fetched::Stored(bytes) => tx.execute(
                        "UPDATE media_fetches SET state = 'stored', data = ?2, size = ?3, fetched_at = ?4,
                             attempts = attempts + 1, error = NULL WHERE media_id = ?1",
                        params![media_id, bytes, bytes.len() as i64, now],
                    ),
                    Fetched::Refused(reason) => tx.execute(
                        "UPDATE media_fetches SET state = 'failed', attempts = attempts + 1, error = ?2
                         WHERE media_id = ?1",
                        params![media_id, reason],
                    ),
                    Fetched::Transient => tx.execute(
                        "UPDATE media_fetches SET attempts = attempts + 1,
                             state = CASE WHEN attempts + 1 >= ?2 THEN 'failed' ELSE state END,
                             error = 'WhatsApp did not hand over the file; tried again later.'
                         WHERE media_id = ?1",
                        params![media_id, MAX_ATTEMPTS],
                    ),
                };
                n.map_err(StoreError::from)?;
                Ok(())
            })?;
            match outcome {
                Fetched::Stored(_) => report.stored += 1,
                Fetched::Refused(_) => report.failed += 1,
                Fetched::Transient => report.retrying += 1,
            }
        }
        Ok(report)
    }

    async fn fetch(&self, media_id: &str, expected_sha256_b64: &str) -> Fetched {
        let ok_id = !media_id.is_empty()
            && media_id.len() <= 128
            && media_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok_id {
            return Fetched::Refused("The file reference from WhatsApp was not valid.");
        }
        let info_url = format!(
            "{}/{}/{}",
            self.graph.base_url.trim_end_matches('/'),
            self.graph.version.trim_matches('/'),
            media_id
        );
        let Ok(info) = self
            .http
            .get(&info_url)
            .bearer_auth(&*self.graph.token)
            .send()
            .await
        else {
            return Fetched::Transient;
        };
        match info.status().as_u16() {
            200..=299 => {}
            400 | 404 => {
                return Fetched::Refused(
                    "WhatsApp no longer has this file (files expire after 7 days).",
                )
            }
            401 | 403 => {
                return Fetched::Refused(
                    "WhatsApp refused the access token while fetching the file.",
                )
            }
            _ => return Fetched::Transient,
        }
        let Ok(meta) = info.json::<Value>().await else {
            return Fetched::Transient;
        };
        if meta["file_size"].as_u64().is_some_and(|n| n > MAX_BYTES) {
            return Fetched::Refused("The file is too large to keep with the intake.");
        }
        let Some(url) = meta["url"].as_str() else {
            return Fetched::Transient;
        };
        let Ok(mut response) = self
            .http
            .get(url)
            .bearer_auth(&*self.graph.token)
            .send()
            .await
        else {
            return Fetched::Transient;
        };
        if !response.status().is_success() {
            return Fetched::Transient;
        }
        // Read in chunks so a lying Content-Length cannot make us hold more than the limit.
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() as u64 + chunk.len() as u64 > MAX_BYTES {
                        return Fetched::Refused("The file is too large to keep with the intake.");
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => return Fetched::Transient,
            }
        }
        let actual = data_encoding::BASE64.encode(&Sha256::digest(&bytes));
        if expected_sha256_b64.is_empty() || actual != expected_sha256_b64.trim() {
            return Fetched::Refused(
                "The file did not match the checksum WhatsApp sent, so it was not kept.",
            );
        }
        Fetched::Stored(bytes)
    }
}
