//! The export loop on both cores: one thread reads (SQLCipher decrypts pages) while the
//! caller's thread turns intakes into cells and writes the file. Decoding the answers' JSON,
//! the biggest single cost, goes to whichever side is idle: the reader decodes a batch itself
//! only while the writer has work queued (XLSX, whose compression is slow), and otherwise
//! leaves it to the writer (CSV, whose writing is quick). Either side stopping stops the
//! other: the writer drops the channel on cancel or error, and the reader's next send fails.
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;

use rusqlite::Connection;

use super::columns;
use super::read::Fetched;
use super::{read, ExportError, Layout, Sink, PROGRESS_EVERY};
use crate::queue::Selection;
use crate::Result;

/// Intakes per message: big enough that the channel costs nothing, small enough that a cancel
/// is seen at once and memory stays flat.
const BATCH: usize = 256;
/// Batches in flight between the threads.
const DEPTH: usize = 8;
/// The writer has this many batches waiting: it is the slow side, so the reader decodes.
const WRITER_BUSY: usize = 2;

/// Where the intakes come from: a connection inside its read transaction (its snapshot), the
/// selection, and the answers a demographic export keeps.
pub(crate) struct Source<'a> {
    pub conn: Connection,
    pub selection: Option<&'a Selection>,
    pub keep: Option<&'a HashSet<String>>,
}

pub(crate) struct Control<'a, 'p> {
    pub cancel: &'a AtomicBool,
    pub total: u64,
    pub progress: &'a mut (dyn FnMut(u64, u64) + 'p),
}

/// Writes every intake of `source` to `sink`; returns how many.
pub(crate) fn run(
    source: Source<'_>,
    layout: &Layout,
    sink: &mut dyn Sink,
    ctl: Control<'_, '_>,
) -> Result<u64> {
    let Some(selection) = source.selection else {
        return Ok(0);
    };
    let (tx, rx) = sync_channel::<Vec<Fetched>>(DEPTH);
    let queued = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let keep = source.keep;
        let conn = source.conn;
        let queued = &queued;
        let reader = scope.spawn(move || -> Result<()> {
            let mut batch = Vec::with_capacity(BATCH);
            let mut open = true;
            let send = |mut full: Vec<Fetched>| {
                if queued.load(Ordering::Relaxed) >= WRITER_BUSY {
                    for f in &mut full {
                        f.decode(keep);
                    }
                }
                queued.fetch_add(1, Ordering::Relaxed);
                tx.send(full).is_ok()
            };
            read::each(&conn, selection, |fetched| {
                batch.push(fetched);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if !send(full) {
                        // The writer stopped (cancel or error) and says why itself.
                        open = false;
                        return Err(ExportError::Cancelled.into());
                    }
                }
                Ok(())
            })
            .or_else(|e| if open { Err(e) } else { Ok(()) })?;
            if !batch.is_empty() {
                send(batch);
            }
            Ok(())
        });

        let mut done = 0u64;
        let wants_cells = sink.wants_cells();
        let written = (|| -> Result<u64> {
            for mut batch in rx.iter() {
                queued.fetch_sub(1, Ordering::Relaxed);
                // Per batch: the cells borrow from its intakes.
                let mut cells = Vec::with_capacity(layout.columns.len());
                for fetched in &mut batch {
                    if ctl.cancel.load(Ordering::Relaxed) {
                        return Err(ExportError::Cancelled.into());
                    }
                    fetched.decode(keep);
                }
                for fetched in &batch {
                    let intake = &fetched.intake;
                    if wants_cells {
                        columns::cells(
                            &layout.columns,
                            intake,
                            &layout.forms,
                            &layout.lang,
                            &layout.tz,
                            &mut cells,
                        );
                    }
                    sink.write(layout, intake, &cells)?;
                    done += 1;
                    if done.is_multiple_of(PROGRESS_EVERY) {
                        (ctl.progress)(done, ctl.total);
                    }
                }
            }
            Ok(done)
        })();
        // Unblocks a reader waiting to send, so the join below returns.
        drop(rx);
        let read = reader
            .join()
            .map_err(|_| crate::Error::Internal("export reader thread failed"))?;
        let written = written?;
        read?;
        Ok(written)
    })
}
