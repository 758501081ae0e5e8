//! Going live (issue 6): the tunnel settings, the guided setup's checks against Meta, and the
//! connection health panel.
use intake_core::auth::Permission;
use intake_core::desk::{TunnelSettings, TunnelUpdate};
use intake_core::health::{send_health, SendHealth};
use intake_core::sender::GraphConfig;
use intake_core::setup::{self, ConnectionCheck, SetupProblem, TestMessage, TestStatus};
use intake_core::tunnel::TunnelState;
use intake_core::webhook::EdgeHealth;
use intake_core::ErrorBody;
use serde::Serialize;
use ts_rs::TS;

use super::{blocking, with_desk, Reply, Shared};
use crate::backend::{graph_config, BotStatus};
use crate::IpcError;

/// Everything the health panel shows, in one call. No patient data in it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionHealth {
    pub tunnel: TunnelState,
    pub edge: EdgeHealth,
    pub send: SendHealth,
    pub bot: BotStatus,
}

#[tauri::command]
pub async fn connection_health(shell: Shared<'_>) -> Reply<ConnectionHealth> {
    blocking(&shell, |s| {
        let desk = s.launcher.desk()?;
        desk.authorize(&s.session()?, Permission::ViewQueue)?;
        Ok(ConnectionHealth {
            tunnel: s.backend.tunnel.state(),
            edge: desk.edge_health()?,
            send: send_health(&desk).map_err(intake_core::Error::from)?,
            bot: s.backend.status(Some(&desk)),
        })
    })
    .await
}

#[tauri::command]
pub async fn tunnel_get(shell: Shared<'_>) -> Reply<TunnelSettings> {
    with_desk(&shell, move |desk, session| desk.tunnel_settings(session)).await
}

#[tauri::command]
pub async fn tunnel_update(shell: Shared<'_>, update: TunnelUpdate) -> Reply<TunnelSettings> {
    with_desk(&shell, move |desk, session| {
        desk.update_tunnel(session, &update)
    })
    .await
}

fn problem(p: SetupProblem) -> IpcError {
    tracing::info!(code = %p.code, meta_code = ?p.meta_code, "setup check failed");
    IpcError(p.body())
}

/// The saved connection as the Graph API needs it, for an admin only. `no_token` is the
/// `setup.token_missing` message, worded for the page that asked.
pub(super) async fn admin_graph(
    shell: &Shared<'_>,
    no_token: &str,
) -> Reply<(GraphConfig, String)> {
    let (creds, waba) = with_desk(shell, move |desk, session| {
        let shown = desk.whatsapp_settings(session)?;
        Ok((desk.whatsapp_credentials()?, shown.business_account_id))
    })
    .await?;
    let Some(token) = creds.access_token.clone() else {
        return Err(IpcError(ErrorBody {
            code: "setup.token_missing".into(),
            message: no_token.into(),
        }));
    };
    Ok((graph_config(&creds, &token), waba))
}

/// The Connect page's own words for a missing token.
const NO_TOKEN: &str = "Save the access token first (step 2, Meta app), then check again.";

/// Asks Meta whether the saved ids and token work together.
#[tauri::command]
pub async fn setup_check(shell: Shared<'_>) -> Reply<ConnectionCheck> {
    let (graph, waba) = admin_graph(&shell, NO_TOKEN).await?;
    setup::check_connection(&graph, &waba)
        .await
        .map_err(problem)
}

/// Subscribes the app to the business account's webhooks (Meta sends nothing otherwise).
#[tauri::command]
pub async fn setup_subscribe(shell: Shared<'_>) -> Reply<()> {
    let (graph, waba) = admin_graph(&shell, NO_TOKEN).await?;
    setup::subscribe_webhooks(&graph, &waba)
        .await
        .map_err(problem)
}

/// Sends Meta's sample template to the admin's own phone.
#[tauri::command]
pub async fn setup_test_send(shell: Shared<'_>, to: String) -> Reply<TestMessage> {
    let (graph, _) = admin_graph(&shell, NO_TOKEN).await?;
    setup::send_test_message(&graph, &to).await.map_err(problem)
}

/// How far the test message got, from Meta's status webhooks.
#[tauri::command]
pub async fn setup_test_status(shell: Shared<'_>, wamid: String) -> Reply<TestStatus> {
    with_desk(&shell, move |desk, session| {
        desk.authorize(session, Permission::ManageSettings)?;
        setup::test_message_status(desk, &wamid)
    })
    .await
}
