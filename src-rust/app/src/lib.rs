//! The desktop shell: wires Tauri to intake-core. Commands stay thin (session → core call →
//! `{code, message}`); every rule lives in core.
mod commands;
mod error;
mod state;

use std::sync::Arc;

use tauri::Manager;

pub use error::IpcError;
pub use state::Shell;

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INTAKE_DESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // stderr, so stdout stays free and WebDriver/terminal runs keep the log.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
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
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let dir = state::data_dir(app.handle())?;
            tracing::info!(data_dir = %dir.display(), "starting");
            app.manage(Arc::new(Shell::start(dir)));
            Ok(())
        })
        .invoke_handler(commands::handler());
    if let Err(e) = builder.run(tauri::generate_context!()) {
        tracing::error!(error = %e, "Intake Desk could not start");
        eprintln!("Intake Desk could not start: {e}");
        std::process::exit(1);
    }
}
