//! The bot's background loop: process what arrived, queue the appointment messages that are
//! due, send what is due, fetch media, then sleep until the webhook edge signals a commit or a
//! short tick passes (retries, idle checks, reminders).
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::engine::Settings;
use crate::form::Form;
use crate::processor::Processor;
use crate::sender::media::MediaFetcher;
use crate::sender::{GraphConfig, SendPolicy, Sender};
use crate::{Desk, Error, Result};

const TICK: Duration = Duration::from_millis(500);

pub struct Bot {
    desk: Arc<Desk>,
    processor: Arc<Processor>,
    sender: Sender,
    media: MediaFetcher,
}

impl Bot {
    pub fn new(
        desk: Arc<Desk>,
        form: Arc<Form>,
        settings: Settings,
        graph: GraphConfig,
    ) -> Result<Self> {
        Self::with_policy(desk, form, settings, graph, SendPolicy::default())
    }

    pub fn with_policy(
        desk: Arc<Desk>,
        form: Arc<Form>,
        settings: Settings,
        graph: GraphConfig,
        policy: SendPolicy,
    ) -> Result<Self> {
        // Exports line answers up by form version; record the one this bot will submit with.
        desk.remember_form(&form)?;
        Ok(Self {
            desk: desk.clone(),
            processor: Arc::new(Processor::new(desk.clone(), form, settings)),
            sender: Sender::with_policy(desk.clone(), graph.clone(), policy)?,
            media: MediaFetcher::new(desk, graph)?,
        })
    }

    /// One pass of everything; errors are logged and the next pass tries again (nothing is
    /// lost: the work stays in the database until it is done).
    pub async fn pass(&self) -> Result<()> {
        let processor = self.processor.clone();
        tokio::task::spawn_blocking(move || processor.run_once())
            .await
            .map_err(|_| Error::Internal("processor task failed"))??;
        // Appointment messages that are due join the outbox before this drain.
        let desk = self.desk.clone();
        tokio::task::spawn_blocking(move || crate::reminders::run_due(&desk))
            .await
            .map_err(|_| Error::Internal("reminder task failed"))??;
        self.sender.drain_until_idle().await?;
        self.media.fetch_pending().await?;
        Ok(())
    }

    /// Runs until `stop` is notified.
    pub async fn run(self, wake: Arc<Notify>, stop: Arc<Notify>) {
        loop {
            if let Err(e) = self.pass().await {
                tracing::error!(detail = %e, "bot pass failed; retrying");
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
                _ = stop.notified() => return,
            }
        }
    }
}
