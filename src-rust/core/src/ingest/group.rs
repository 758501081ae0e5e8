//! Group commit: one writer thread takes every webhook body waiting at that moment and stores
//! them in a single transaction, then answers each request. Each POST is still acknowledged
//! only after its own rows are durable, but one fsync serves many requests, which is how the
//! edge gets past the disk's fsync rate.
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Notify};

use super::{ingest_noting, FloodGuard, FloodLimit, Ingested, Touched};
use crate::clock::Clock;
use crate::events::DeskEvent;
use crate::store::StoreError;
use crate::{Desk, Error, Result};

/// How many bodies one transaction takes at most; bounds the latency of the first in line.
const MAX_BATCH: usize = 512;
/// Requests waiting for the writer; beyond this, callers wait (backpressure).
const QUEUE: usize = 4096;

struct Job {
    body: Vec<u8>,
    reply: oneshot::Sender<Result<Ingested>>,
}

#[derive(Clone)]
pub struct GroupCommitter {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for GroupCommitter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupCommitter")
    }
}

impl GroupCommitter {
    /// Starts the writer thread. It ends when every `GroupCommitter` clone is dropped. `wake`
    /// is notified after each commit that stored something to answer, so the bot starts at
    /// once. The flood budget lives in that thread: it decides in the order rows are stored.
    pub fn start(desk: Arc<Desk>, wake: Arc<Notify>, limit: FloodLimit) -> std::io::Result<Self> {
        let (jobs, rx) = mpsc::channel(QUEUE);
        let flood = FloodGuard::new(limit, Arc::new(DeskClock(desk.clone())));
        std::thread::Builder::new()
            .name("webhook-writer".into())
            .spawn(move || run(&desk, &wake, flood, rx))?;
        Ok(Self { jobs })
    }

    /// Stores one body; resolves once it is committed (or the commit failed).
    pub async fn submit(&self, body: Vec<u8>) -> Result<Ingested> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { body, reply })
            .await
            .map_err(|_| Error::Internal("the webhook writer has stopped"))?;
        answer
            .await
            .map_err(|_| Error::Internal("the webhook writer has stopped"))?
    }
}

/// The desk keeps its clock to itself; this lends it to the flood guard.
struct DeskClock(Arc<Desk>);

impl Clock for DeskClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.clock_now()
    }
}

fn run(desk: &Desk, wake: &Notify, mut flood: FloodGuard, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let now = desk.now_ms();
        let mut touched = Touched::default();
        let stored = desk.write(|tx| {
            let results = batch
                .iter()
                .map(|job| Ok(ingest_noting(tx, &job.body, now, &flood, &mut touched)?))
                .collect::<Result<Vec<_>>>()?;
            Ok((results, touched.conversations(tx)?))
        });
        match stored {
            Ok((results, conversations)) => {
                if results.iter().any(|r| r.new_messages > r.flooded) {
                    wake.notify_one();
                }
                let messages: usize = results.iter().map(|r| r.new_messages).sum();
                let statuses: usize = results.iter().map(|r| r.statuses).sum();
                if results.iter().any(|r| r.templates > 0) {
                    desk.events().publish(DeskEvent::TemplatesChanged);
                }
                // Before the answers (a broadcast send takes microseconds), so whoever posted a
                // body can count on its events once the POST returns.
                publish(desk, messages, statuses, conversations);
                for (job, result) in batch.drain(..).zip(results) {
                    let _ = job.reply.send(Ok(result));
                }
            }
            Err(e) => {
                // Nothing in this batch was committed: every request gets an error, so each is
                // answered 5xx and Meta retries it.
                tracing::error!(detail = %e, size = batch.len(), "webhook batch not stored");
                for job in batch.drain(..) {
                    let shared = match &e {
                        Error::Store(StoreError::DiskFull) => StoreError::DiskFull,
                        Error::Store(StoreError::ReadOnly) => StoreError::ReadOnly,
                        Error::Store(StoreError::Busy) => StoreError::Busy,
                        _ => StoreError::WriteFailed,
                    };
                    let _ = job.reply.send(Err(shared.into()));
                }
            }
        }
        flood.sweep();
    }
}

fn publish(desk: &Desk, messages: usize, statuses: usize, conversations: Vec<i64>) {
    let events = desk.events();
    if messages > 0 {
        events.publish(DeskEvent::InboundMessages {
            count: u32::try_from(messages).unwrap_or(u32::MAX),
        });
    }
    if statuses > 0 {
        events.publish(DeskEvent::DeliveryChanged);
    }
    for conversation_id in conversations {
        events.publish(DeskEvent::ConversationChanged { conversation_id });
    }
}
