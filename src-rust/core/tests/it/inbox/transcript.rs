//! The transcript: both sides in order, ticks from status webhooks, failures explained.
use chrono::Duration;
use intake_core::events::DeskEvent;
use intake_core::inbox::{transcript, Delivery, Direction};

use super::{drain, Clinic, PATIENT};
use crate::wa::{tap, text, webhook_from};

#[tokio::test(flavor = "multi_thread")]
async fn transcript_merges_both_sides_in_order_with_ticks_and_explained_failures() {
    let mut c = Clinic::new().await;
    let mut events = c.desk.events().subscribe();
    c.say(text("Hi")).await;
    let id = c.conversation_id(PATIENT);
    let seen = drain(&mut events);
    assert!(
        seen.contains(&DeskEvent::InboundMessages { count: 1 }),
        "{seen:?}"
    );
    assert!(
        seen.contains(&DeskEvent::DeliveryChanged),
        "the sender's ticks: {seen:?}"
    );
    assert!(seen.contains(&DeskEvent::ConversationChanged {
        conversation_id: id
    }));

    let t = transcript(&c.desk.db().conn(), id).unwrap();
    assert_eq!(t.len(), 2, "{t:?}");
    assert_eq!((t[0].direction, t[0].text.as_str()), (Direction::In, "Hi"));
    assert_eq!((t[0].author.as_deref(), t[0].delivery), (None, None));
    assert!(t[0].key.starts_with("in:wamid.inbox."));
    assert_eq!(t[1].direction, Direction::Out);
    assert_eq!(t[1].author.as_deref(), Some("bot"));
    assert_eq!(t[1].delivery, Some(Delivery::Sent));
    assert!(
        t[1].text.contains("[English]"),
        "buttons are shown: {:?}",
        t[1].text
    );
    assert!(t[0].at <= t[1].at);

    // Ticks move forward with Meta's status webhooks, and never back.
    let wamid = c.wamid_of_outbox(&t[1].key);
    let _ = drain(&mut events);
    c.status(&wamid, "delivered", None).await;
    let seen = drain(&mut events);
    assert!(seen.contains(&DeskEvent::DeliveryChanged), "{seen:?}");
    assert!(seen.contains(&DeskEvent::ConversationChanged {
        conversation_id: id
    }));
    let tick = |c: &Clinic| transcript(&c.desk.db().conn(), id).unwrap()[1].delivery;
    assert_eq!(tick(&c), Some(Delivery::Delivered));
    c.status(&wamid, "read", None).await;
    assert_eq!(tick(&c), Some(Delivery::Read));
    c.status(&wamid, "delivered", None).await;
    assert_eq!(
        tick(&c),
        Some(Delivery::Read),
        "a late status does not undo the blue ticks"
    );

    // A message queued but not yet sent shows the clock.
    let tap_en = tap("q:language:en", "English");
    c.s.f.clock.advance(Duration::seconds(5));
    let (status, _) =
        c.s.signed(webhook_from(
            PATIENT,
            "wamid.inbox.queued",
            c.desk.clock_now().timestamp(),
            tap_en,
        ))
        .await;
    assert_eq!(status, 200);
    c.processor.run_once().unwrap();
    let t = transcript(&c.desk.db().conn(), id).unwrap();
    let last = t.last().unwrap();
    assert_eq!(
        (last.delivery, last.problem.as_deref()),
        (Some(Delivery::Queued), None)
    );
    assert_eq!(
        t[t.len() - 2].text,
        "English",
        "the tap reads as the button's title"
    );
    c.sender.drain_until_idle().await.unwrap();

    // Failed after sending: the reason in plain words.
    let t = transcript(&c.desk.db().conn(), id).unwrap();
    let consent = t.last().unwrap().clone();
    c.status(&c.wamid_of_outbox(&consent.key), "failed", Some(131026))
        .await;
    let t = transcript(&c.desk.db().conn(), id).unwrap();
    let failed = t.iter().find(|e| e.key == consent.key).unwrap();
    assert_eq!(failed.delivery, Some(Delivery::Failed));
    let problem = failed.problem.as_deref().unwrap();
    assert!(problem.contains("could not deliver"), "{problem}");
    assert!(
        !problem.contains("131026"),
        "no bare error codes for staff: {problem}"
    );

    // Order: strictly by our clock, patient then bot.
    let dirs: Vec<Direction> = t.iter().map(|e| e.direction).collect();
    assert_eq!(
        dirs[..3],
        [Direction::In, Direction::Out, Direction::In],
        "{t:?}"
    );
    assert!(dirs[3..].iter().all(|d| *d == Direction::Out), "{t:?}");
    assert!(t.windows(2).all(|w| w[0].at <= w[1].at), "{t:?}");
    assert!(transcript(&c.desk.db().conn(), 9_999).unwrap().is_empty());
}
