//! The desktop shell: wires Tauri to intake-core. Commands stay thin (session → core call →
//! `{code, message}`); every rule lives in core. The bot runs in-process (see `backend`).
mod backend;
mod commands;
mod error;
mod state;

use std::sync::Arc;

use tauri::Manager;

pub use backend::{BotStatus, WebhookState};
pub use commands::handler;
pub use error::IpcError;
pub use state::Shell;

/// stderr for terminals and the end-to-end run. Set directly as the global subscriber (no
/// `log` bridge): tauri-plugin-log owns the `log` crate's logger and writes the log file.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INTAKE_DESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}

fn log_plugin<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::LogDir {
            file_name: Some("intake-desk".into()),
        }))
        .level(log::LevelFilter::Info)
        .max_file_size(5_000_000)
        .rotation_strategy(RotationStrategy::KeepOne)
        .build()
}

pub fn run() {
    init_tracing();
    let builder = tauri::Builder::default()
        // First, so a second launch focuses the running window instead of opening the
        // database twice.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(log_plugin())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        // Opens and shows finished exports from Rust; the window is granted none of its commands.
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let dir = state::data_dir(app.handle())?;
            tracing::info!(data_dir = %dir.display(), "starting");
            let shell = Arc::new(Shell::start(dir));
            app.manage(shell.clone());
            let form = shell.form.clone();
            tauri::async_runtime::spawn(backend::supervise(app.handle().clone(), shell, form));
            Ok(())
        })
        .invoke_handler(commands::handler());
    let app = match builder.build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "Intake Desk could not start");
            eprintln!("Intake Desk could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        // Close the ngrok session on the way out, so the address is released at once rather
        // than when ngrok notices the connection is gone.
        if let tauri::RunEvent::Exit = event {
            if let Some(shell) = handle.try_state::<Arc<Shell>>() {
                tauri::async_runtime::block_on(shell.backend.tunnel.stop());
            }
        }
    });
}
