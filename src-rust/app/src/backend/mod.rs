//! The bot inside the desktop app: the same webhook edge, processor and sender as the headless
//! server, on Tauri's tokio runtime. It runs whenever the records are open, signed in or not,
//! so patients are answered while the window is locked. A settings change restarts it.
mod forward;
mod status;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use intake_core::bot::Bot;
use intake_core::events::DeskEvent;
use intake_core::form::Form;
use intake_core::sender::{GraphConfig, SendPolicy, Template};
use intake_core::tunnel::TunnelManager;
use intake_core::webhook::{router, serve, WebhookSecrets};
use intake_core::Desk;
use tauri::{AppHandle, Runtime};
use tokio::sync::Notify;

pub use status::{BotStatus, WebhookState};

use crate::Shell;

/// Where Meta's requests arrive on this PC (the tunnel forwards here).
const DEFAULT_PORT: u16 = 8787;
const GRAPH_URL: &str = "https://graph.facebook.com";
const GRAPH_VERSION: &str = "v23.0";

pub struct Backend {
    status: Mutex<BotStatus>,
    /// Rings when the records open (after set-up or recovery) or the connection settings change.
    kick: Notify,
    /// The public address Meta calls: an ngrok tunnel to the webhook server, or the clinic's own.
    pub tunnel: TunnelManager,
}

impl Default for Backend {
    fn default() -> Self {
        Self {
            tunnel: TunnelManager::with_ngrok(Arc::new(intake_core::SystemClock)),
            status: Mutex::new(BotStatus {
                webhook: WebhookState::Waiting,
                local_url: None,
                problem: None,
                replies_enabled: false,
                outbox_waiting: 0,
                last_webhook_at: None,
            }),
            kick: Notify::new(),
        }
    }
}

impl Backend {
    /// The bot's state with fresh counters from the database.
    pub fn status(&self, desk: Option<&Desk>) -> BotStatus {
        let mut status = self.lock().clone();
        if let Some(desk) = desk {
            match intake_core::health::bot_counters(desk) {
                Ok(c) => {
                    status.outbox_waiting = c.outbox_waiting;
                    status.last_webhook_at = c.last_webhook_at;
                }
                Err(e) => tracing::warn!(detail = %e, "could not count the outbox"),
            }
        }
        status
    }

    /// Something changed that the bot should see: the records opened, or its settings changed.
    pub fn kick(&self) {
        self.kick.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BotStatus> {
        self.status.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, f: impl FnOnce(&mut BotStatus)) {
        f(&mut self.lock());
    }
}

/// Runs for the life of the app: waits for the records to open, then keeps the webhook server
/// and the bot running, restarting them when their settings change.
pub async fn supervise<R: Runtime>(app: AppHandle<R>, shell: Arc<Shell>, form: Arc<Form>) {
    let desk = loop {
        if let Ok(desk) = shell.launcher.desk() {
            break desk;
        }
        shell.backend.kick.notified().await;
    };
    if let Some(secs) = test_idle_lock_secs() {
        desk.override_idle_lock_secs(secs);
    }
    tauri::async_runtime::spawn(forward::events(app.clone(), desk.clone()));
    tauri::async_runtime::spawn(forward::tunnel(
        app.clone(),
        shell.backend.tunnel.subscribe(),
    ));
    loop {
        // Subscribed before starting, so a change made while starting is not missed.
        let mut events = desk.events().subscribe();
        let stop = Arc::new(Notify::new());
        let running = start(&shell.backend, &desk, &form, stop.clone()).await;
        forward::status_changed(&app);
        // Credentials or settings changed (the desk says so), or someone asked: restart.
        loop {
            tokio::select! {
                _ = shell.backend.kick.notified() => break,
                ev = events.recv() => match ev {
                    Ok(DeskEvent::BotStatusChanged) => break,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
        stop.notify_waiters();
        for task in running {
            let _ = task.await;
        }
        // Nothing to forward to until the server is back; it starts again with the new settings.
        shell.backend.tunnel.stop().await;
        // Let the port be released before binding it again.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

type Task = tauri::async_runtime::JoinHandle<()>;

async fn start(
    backend: &Backend,
    desk: &Arc<Desk>,
    form: &Arc<Form>,
    stop: Arc<Notify>,
) -> Vec<Task> {
    let creds = match desk.whatsapp_credentials() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(detail = %e, "could not read the WhatsApp settings");
            backend.set(|s| {
                s.webhook = WebhookState::Failed;
                s.problem = Some("Intake Desk could not read the WhatsApp settings from the key store. Restart Intake Desk; if it keeps happening, save the WhatsApp connection again in Settings.".into());
            });
            return Vec::new();
        }
    };
    let Some(app_secret) = creds.app_secret.clone() else {
        backend.set(|s| {
            s.webhook = WebhookState::NotConfigured;
            s.local_url = None;
            s.replies_enabled = false;
            s.problem = Some("WhatsApp is not connected yet: an admin enters the app secret and access token under Settings → WhatsApp connection.".into());
        });
        return Vec::new();
    };
    backend.set(|s| s.webhook = WebhookState::Starting);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, webhook_port()));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(detail = %e, port = addr.port(), "webhook port unavailable");
            backend.set(|s| {
                s.webhook = WebhookState::Failed;
                s.local_url = None;
                s.problem = Some(format!("Port {} on this PC is in use by another program, so WhatsApp messages cannot arrive. Close the other program (or another copy of Intake Desk) and restart.", addr.port()));
            });
            return Vec::new();
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    let wake = Arc::new(Notify::new());
    let secrets = WebhookSecrets {
        app_secret: Arc::from(app_secret.into_bytes()),
        verify_token: Arc::from(creds.verify_token.as_str()),
    };
    let app = match router(desk.clone(), secrets, wake.clone()) {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(detail = %e, "webhook writer did not start");
            backend.set(|s| {
                s.webhook = WebhookState::Failed;
                s.problem = Some("The webhook server could not start. Restart Intake Desk.".into());
            });
            return Vec::new();
        }
    };
    let mut tasks = Vec::new();
    let server_stop = stop.clone();
    tasks.push(tauri::async_runtime::spawn(async move {
        let shutdown = async move { server_stop.notified().await };
        if let Err(e) = serve(listener, app, shutdown).await {
            tracing::error!(detail = %e, "webhook server stopped");
        }
    }));
    let replies = bot(desk, form, &creds);
    let replies_enabled = replies.is_some();
    if let Some(bot) = replies {
        let bot_stop = stop.clone();
        tasks.push(tauri::async_runtime::spawn(bot.run(wake, bot_stop)));
    }
    tracing::info!(%local, replies_enabled, "webhook server listening");
    start_tunnel(backend, desk, local).await;
    backend.set(|s| {
        s.webhook = WebhookState::Listening;
        s.local_url = Some(format!("http://{local}/webhook"));
        s.replies_enabled = replies_enabled;
        s.problem = (!replies_enabled).then(|| {
            "Messages are being received and kept, but the bot cannot answer until the access token and phone number ID are saved in Settings → WhatsApp connection.".into()
        });
    });
    tasks
}

/// Opens the public address to the webhook server, as the clinic configured it. Its state
/// (connecting, online, reconnecting, failed with the reason) is the health panel's to show.
async fn start_tunnel(backend: &Backend, desk: &Desk, local: SocketAddr) {
    match desk.tunnel_for_backend() {
        Ok((config, authtoken)) => {
            if let Err(e) = backend.tunnel.start(&config, authtoken, local).await {
                tracing::warn!(code = e.code(), "tunnel settings not usable");
            }
        }
        Err(e) => tracing::error!(detail = %e, "could not read the tunnel settings"),
    }
}

/// The bot needs the access token and phone number id; without them messages are still
/// stored and wait (they are answered, folded as a backlog, once the bot can reply).
fn bot(
    desk: &Arc<Desk>,
    form: &Arc<Form>,
    creds: &intake_core::desk::WhatsAppCredentials,
) -> Option<Bot> {
    let token = creds.access_token.clone()?;
    if creds.phone_number_id.is_empty() {
        return None;
    }
    let settings = desk.engine_settings().ok()?;
    let clinic = desk.settings_for_backend().ok()?;
    let graph = graph_config(creds, &token);
    let policy = SendPolicy {
        reopen_template: (!clinic.reopen_template.is_empty()).then(|| Template {
            name: clinic.reopen_template.clone(),
            language: clinic.reopen_template_language.clone(),
        }),
        ..SendPolicy::default()
    };
    match Bot::with_policy(desk.clone(), form.clone(), settings, graph, policy) {
        Ok(bot) => Some(bot),
        Err(e) => {
            tracing::error!(detail = %e, "the bot could not start");
            None
        }
    }
}

/// Where and how to reach the Graph API with the saved credentials.
pub fn graph_config(creds: &intake_core::desk::WhatsAppCredentials, token: &str) -> GraphConfig {
    GraphConfig {
        base_url: graph_url(),
        version: GRAPH_VERSION.into(),
        phone_number_id: creds.phone_number_id.clone(),
        token: Arc::from(token),
    }
}

/// `INTAKE_DESK_WEBHOOK_PORT` moves the webhook server (0: any free port, shown on the
/// dashboard); the tunnel forwards to whatever it is.
fn webhook_port() -> u16 {
    std::env::var("INTAKE_DESK_WEBHOOK_PORT")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_PORT)
}

/// Debug builds only: the end-to-end suite points the sender at a local fake Graph API. A
/// release build always talks to Meta, so no setting can send the token elsewhere.
fn graph_url() -> String {
    if cfg!(debug_assertions) {
        if let Ok(url) = std::env::var("INTAKE_DESK_TEST_GRAPH_URL") {
            if !url.trim().is_empty() {
                return url.trim().trim_end_matches('/').to_owned();
            }
        }
    }
    GRAPH_URL.into()
}

/// Debug builds only: a lock after a few idle seconds (`--test-idle-lock-secs N` or
/// `INTAKE_DESK_TEST_IDLE_LOCK_SECS`), so the end-to-end suite can watch it engage.
fn test_idle_lock_secs() -> Option<u32> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--test-idle-lock-secs" {
            return args.next().and_then(|v| v.trim().parse().ok());
        }
    }
    std::env::var("INTAKE_DESK_TEST_IDLE_LOCK_SECS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
}
