//! The staff inbox over the real pipeline: signed webhooks in, the processor, the sender to a
//! fake Graph API, status webhooks back. A patient asks for staff, the front desk takes over
//! (the bot goes quiet), replies inside the 24-hour window (and is refused outside it), and
//! gives the conversation back (the bot asks again). The transcript shows both sides in order
//! with WhatsApp's ticks.
mod handover;
mod replies;
mod transcript;

use std::sync::Arc;

use chrono::Duration;
use intake_core::auth::Role;
use intake_core::engine::Settings;
use intake_core::events::DeskEvent;
use intake_core::form::Form;
use intake_core::inbox::StaffReply;
use intake_core::processor::Processor;
use intake_core::sender::{GraphConfig, Sender};
use intake_core::Desk;
use serde_json::{json, Value};
use tokio::sync::broadcast::Receiver;

use crate::sender::{fake_graph, Fake};
use crate::wa::{webhook_from, PHONE_NUMBER_ID};
use crate::webhook::{start, Server};

pub const PATIENT: &str = "34600222333";
/// The fake Graph answers 131047 (window closed) for this number.
pub const CLOSED: &str = "34999000047";

pub struct Clinic {
    s: Server,
    desk: Arc<Desk>,
    fake: Arc<Fake>,
    form: Form,
    processor: Processor,
    sender: Sender,
    desk_session: String,
    n: usize,
}

impl Clinic {
    async fn new() -> Clinic {
        let s = start().await;
        let desk = s.f.desk();
        let (fake, url) = fake_graph(0).await;
        let sender = Sender::new(
            desk.clone(),
            GraphConfig {
                base_url: url,
                version: "v23.0".into(),
                phone_number_id: PHONE_NUMBER_ID.into(),
                token: Arc::from("test-token"),
            },
        )
        .unwrap();
        let form = Form::default_form().unwrap();
        let processor = Processor::new(desk.clone(), Arc::new(form.clone()), Settings::default());
        let desk_session = s.f.user("desk", Role::FrontDesk);
        Clinic {
            s,
            desk,
            fake,
            form,
            processor,
            sender,
            desk_session,
            n: 0,
        }
    }

    /// `from` sends `message` a few seconds before the desk sees it; one processor round and
    /// one drain. Returns the message's wamid.
    async fn say_from(&mut self, from: &str, message: Value) -> String {
        self.n += 1;
        let wamid = format!("wamid.inbox.{}", self.n);
        let now = self.desk.clock_now() + Duration::seconds(20);
        self.s.f.clock.set(now);
        let (status, body) = self
            .s
            .signed(webhook_from(from, &wamid, now.timestamp() - 3, message))
            .await;
        assert_eq!(status, 200, "{body}");
        self.processor.run_once().unwrap();
        self.sender.drain_until_idle().await.unwrap();
        wamid
    }

    async fn say(&mut self, message: Value) -> String {
        self.say_from(PATIENT, message).await
    }

    /// Meta's status webhook for one of our messages.
    async fn status(&self, wamid: &str, status: &str, error: Option<i64>) {
        let mut s = json!({"id": wamid, "status": status,
            "timestamp": self.desk.clock_now().timestamp().to_string(), "recipient_id": PATIENT});
        if let Some(code) = error {
            s["errors"] = json!([{"code": code, "title": "Message undeliverable"}]);
        }
        let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
            "statuses": [s]}}]}]});
        let (code, text) = self.s.signed(body.to_string().into_bytes()).await;
        assert_eq!(code, 200, "{text}");
    }

    fn conversation_id(&self, wa_id: &str) -> i64 {
        crate::common::conversation_id(&self.desk, wa_id)
    }

    fn count(&self, sql: &str) -> i64 {
        crate::common::count(&self.desk, sql)
    }

    /// Messages (not read receipts) the fake Graph accepted for `to`.
    fn sent_to(&self, to: &str) -> Vec<Value> {
        self.fake.sent_to(to)
    }

    fn wamid_of_outbox(&self, key: &str) -> String {
        let id: i64 = key.strip_prefix("out:").unwrap().parse().unwrap();
        self.desk
            .db()
            .conn()
            .query_row("SELECT wamid FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }

    fn reply(
        &self,
        id: i64,
        text: &str,
    ) -> intake_core::Result<intake_core::inbox::ConversationView> {
        self.desk.staff_reply(
            &self.desk_session,
            &StaffReply {
                conversation_id: id,
                text: text.into(),
            },
        )
    }
}

pub fn drain(rx: &mut Receiver<DeskEvent>) -> Vec<DeskEvent> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}
