use rusqlite_migration::{Migrations, M};

/// Every schema change, in order. Append only: an edited migration would leave existing
/// clinics' databases on a schema the code no longer describes.
const STEPS: &[&str] = &[
    include_str!("migrations/001_foundation.sql"),
    include_str!("migrations/002_webhook_ingress.sql"),
    include_str!("migrations/003_outbox.sql"),
    include_str!("migrations/004_conversations.sql"),
    include_str!("migrations/005_media_bytes.sql"),
    include_str!("migrations/006_idle_deadline.sql"),
    include_str!("migrations/007_flood_guard.sql"),
    include_str!("migrations/008_send_claims.sql"),
    include_str!("migrations/009_queue.sql"),
    include_str!("migrations/010_inbox.sql"),
    include_str!("migrations/011_inbox_candidates.sql"),
    include_str!("migrations/012_forms.sql"),
    include_str!("migrations/013_send_health.sql"),
    include_str!("migrations/014_appointments.sql"),
    include_str!("migrations/015_reminders.sql"),
    include_str!("migrations/016_template_parts.sql"),
];

pub const LATEST_VERSION: i64 = STEPS.len() as i64;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
