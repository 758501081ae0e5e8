//! Conversations that need a person: take over (the bot goes quiet), reply through the same
//! outbox, give back to the bot. Also the transcript that the intake detail shows.
mod conv;
mod desk;
mod render;
mod transcript;
mod types;

pub(crate) use conv::WINDOW_MS;
pub use desk::clean_text;
/// Meta's error codes in words for staff (the appointment panel says the same as the transcript).
pub(crate) use render::explain_code;
pub use transcript::{transcript, MAX_ENTRIES};
pub use types::*;

/// The inbox without a session check (the rule is in `conv`), for counts shown elsewhere,
/// such as the dashboard's, so every screen agrees on who is waiting.
pub fn needing_staff(
    conn: &rusqlite::Connection,
) -> Result<Vec<InboxItem>, crate::store::StoreError> {
    conv::inbox(conn)
}
