//! `intake-server`: Intake Desk's webhook server without the desktop UI, for servers and load
//! tests. Same core, same database format, same rules as the app.
//!
//!   intake-server --config server.toml init --clinic-name N --username U --display-name D
//!   intake-server --config server.toml add-user --username U --display-name D --role doctor
//!   intake-server --config server.toml serve
//!   intake-server --config server.toml seed-demo --intakes 100000
//!   intake-server --config server.toml export --format xlsx --out FILE --username U
//!
//! Passwords are read from standard input, never from arguments (which other users can see).
mod config;
mod export;

/// The same allocator as the desktop app (see src-rust/app/src/main.rs: exports free on one
/// thread what they allocated on another).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use intake_core::auth::Role;
use intake_core::bot::Bot;
use intake_core::desk::NewUser;
use intake_core::engine::Settings;
use intake_core::form::Form;
use intake_core::keys::{FileSecretStore, OsKeyring, SecretStore};
use intake_core::sender::{GraphConfig, SendPolicy, Template};
use intake_core::webhook::{router, serve, WebhookSecrets};
use intake_core::{Config, DataDir, Desk, Launcher, SetupRequest, StartupStatus, SystemClock};
use tokio::sync::Notify;

use crate::config::{Secrets, ServerConfig};

/// Names of the WhatsApp secrets in the secret store (or environment variables instead).
const APP_SECRET: (&str, &str) = ("whatsapp-app-secret", "INTAKE_WA_APP_SECRET");
const VERIFY_TOKEN: (&str, &str) = ("whatsapp-verify-token", "INTAKE_WA_VERIFY_TOKEN");
const ACCESS_TOKEN: (&str, &str) = ("whatsapp-access-token", "INTAKE_WA_ACCESS_TOKEN");

#[derive(Parser)]
#[command(
    name = "intake-server",
    version,
    about = "Intake Desk's WhatsApp webhook server, without the desktop UI"
)]
struct Cli {
    /// TOML configuration file (see README: Headless server).
    #[arg(long, env = "INTAKE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the encrypted database and the first admin (password on standard input).
    /// Prints the recovery key once.
    Init {
        #[arg(long)]
        clinic_name: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
    },
    /// Add a staff account (password on standard input).
    AddUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// front_desk, doctor or admin
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Run the webhook server until interrupted.
    Serve,
    /// Fill a database that has no intakes yet with made-up patients, for demos and
    /// benchmarks. Refuses a database that already holds intakes.
    SeedDemo {
        #[arg(long, default_value_t = 1000)]
        intakes: usize,
        /// The same seed writes the same patients.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Export intakes to XLSX, CSV or a FHIR R4 bundle as a staff account (password in
    /// INTAKE_EXPORT_PASSWORD or on standard input). Same role rules and audit as the app.
    Export(export::ExportArgs),
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "expected front_desk, doctor or admin".into())
}

/// What went wrong, in words for the operator; exit code 1.
#[derive(Debug)]
struct Failure(String);

impl From<intake_core::Error> for Failure {
    fn from(e: intake_core::Error) -> Self {
        tracing::debug!(detail = %e, "core error");
        Self(e.body().message)
    }
}

impl From<config::ConfigError> for Failure {
    fn from(e: config::ConfigError) -> Self {
        Self(e.to_string())
    }
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INTAKE_DESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in journald or a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("intake-server: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let config = ServerConfig::load(cli.config.as_deref(), |k| std::env::var(k).ok())?;
    let secrets: Arc<dyn SecretStore> = match &config.secrets {
        Secrets::OsKeyring => Arc::new(OsKeyring::new()),
        Secrets::Dir(dir) => Arc::new(FileSecretStore::new(dir)),
    };
    let core_config = Config {
        limits: config.limits.policy(),
        ..Config::new(DataDir::new(config.data_dir()?))
    };
    let launcher = Launcher::new(core_config, secrets.clone(), Arc::new(SystemClock));
    match cli.command {
        Command::Init {
            clinic_name,
            username,
            display_name,
        } => init(&launcher, clinic_name, username, display_name),
        Command::AddUser {
            username,
            display_name,
            role,
        } => {
            let password = read_password()?;
            let user = NewUser {
                username,
                display_name,
                role,
                password,
            };
            let created = open(&launcher)?.create_user_as_operator(&user)?;
            println!("Created {} ({}).", created.username, created.role.as_str());
            Ok(())
        }
        Command::Serve => serve_webhooks(&config, &launcher, secrets.as_ref()),
        Command::SeedDemo { intakes, seed } => seed_demo(&launcher, intakes, seed),
        Command::Export(args) => export::run(open(&launcher)?.as_ref(), &args, read_password),
    }
}

fn seed_demo(launcher: &Launcher, intakes: usize, seed: u64) -> Result<(), Failure> {
    let desk = open(launcher)?;
    let form =
        Form::default_form().map_err(|e| Failure(format!("the intake form is not valid: {e}")))?;
    let started = std::time::Instant::now();
    let report = intake_core::queue::seed_demo(&desk, &form, intakes, seed)?;
    println!(
        "Seeded {} demo intakes ({} conversations) in {:.1} s.",
        report.intakes,
        report.conversations,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure(format!("cannot read the password from standard input: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn open(launcher: &Launcher) -> Result<Arc<Desk>, Failure> {
    match launcher.status() {
        StartupStatus::Ready { .. } => Ok(launcher.desk()?),
        StartupStatus::FirstRun => Err(Failure(
            "There is no database in the data folder yet: run `intake-server init` first.".into(),
        )),
        StartupStatus::NeedsRecovery { reason } => Err(Failure(reason.message)),
        StartupStatus::Failed { error } => Err(Failure(error.message)),
    }
}

fn init(
    launcher: &Launcher,
    clinic_name: String,
    username: String,
    display_name: String,
) -> Result<(), Failure> {
    if launcher.status() != StartupStatus::FirstRun {
        return Err(Failure(
            "The data folder already holds an Intake Desk database; nothing was changed.".into(),
        ));
    }
    let recovery = launcher.begin_setup()?;
    let password = read_password()?;
    let last_group = recovery.rsplit('-').next().unwrap_or_default().to_owned();
    launcher.finish_setup(&SetupRequest {
        clinic_name,
        username,
        display_name,
        password,
        // The operator reads the key from this terminal; there is no screen to type it back on.
        recovery_confirmation: last_group,
    })?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Database created.\n\nRecovery key (shown once: write it down and keep it somewhere safe; it is\nthe only way to open the records if the key store is lost):\n\n    {recovery}\n"
    );
    Ok(())
}

fn webhook_secret(store: &dyn SecretStore, (name, env): (&str, &str)) -> Result<String, Failure> {
    if let Ok(v) = std::env::var(env) {
        if !v.trim().is_empty() {
            return Ok(v.trim().to_owned());
        }
    }
    match store.get(name) {
        Ok(Some(v)) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        Ok(_) => Err(Failure(format!(
            "No {name} configured: put it in the secret store under that name, or set {env}."
        ))),
        Err(e) => Err(intake_core::Error::from(e).into()),
    }
}

/// The bot needs the access token and the phone number id; without them the server still
/// stores every webhook (nothing is lost) but sends no replies, and says so.
fn bot(
    config: &ServerConfig,
    desk: &Arc<Desk>,
    store: &dyn SecretStore,
) -> Result<Option<Bot>, Failure> {
    let Ok(token) = webhook_secret(store, ACCESS_TOKEN) else {
        eprintln!(
            "intake-server: no WhatsApp access token ({} in the secret store, or {}): webhooks are stored, but no replies are sent.",
            ACCESS_TOKEN.0, ACCESS_TOKEN.1
        );
        return Ok(None);
    };
    let Some(phone_number_id) = config
        .phone_number_id
        .clone()
        .filter(|p| !p.trim().is_empty())
    else {
        return Err(Failure(
            "An access token is configured but no phone_number_id: add it to the configuration file.".into(),
        ));
    };
    let form =
        Form::default_form().map_err(|e| Failure(format!("the intake form is not valid: {e}")))?;
    let graph = GraphConfig {
        base_url: config.graph_base_url.clone(),
        version: config.graph_version.clone(),
        phone_number_id,
        token: Arc::from(token),
    };
    let policy = SendPolicy {
        reopen_template: config
            .reopen_template
            .clone()
            .filter(|t| !t.trim().is_empty())
            .map(|name| Template {
                name,
                language: config.reopen_template_language.clone(),
            }),
        claim_grace: Duration::from_secs(config.claim_grace_secs),
        ..SendPolicy::default()
    };
    Ok(Some(Bot::with_policy(
        desk.clone(),
        Arc::new(form),
        Settings::default(),
        graph,
        policy,
    )?))
}

fn serve_webhooks(
    config: &ServerConfig,
    launcher: &Launcher,
    store: &dyn SecretStore,
) -> Result<(), Failure> {
    let desk = open(launcher)?;
    let bot = bot(config, &desk, store)?;
    let secrets = WebhookSecrets {
        app_secret: Arc::from(webhook_secret(store, APP_SECRET)?.into_bytes()),
        verify_token: Arc::from(webhook_secret(store, VERIFY_TOKEN)?),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| Failure(format!("cannot listen on {}: {e}", config.bind)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure(format!("cannot read the listening address: {e}")))?;
        let public = config
            .public_url
            .as_deref()
            .map(|u| format!(" (public: {}/webhook)", u.trim_end_matches('/')))
            .unwrap_or_default();
        // One line on stdout when ready: scripts and the load generator wait for it.
        println!("ready: webhook at http://{addr}/webhook{public}");
        let _ = std::io::stdout().flush();
        let wake = Arc::new(Notify::new());
        let stop = Arc::new(Notify::new());
        let bot_task = bot.map(|b| tokio::spawn(b.run(wake.clone(), stop.clone())));
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("stopping: finishing requests in flight");
        };
        let app = router(desk, secrets, wake)
            .map_err(|e| Failure(format!("cannot start the webhook writer: {e}")))?;
        let served = serve(listener, app, shutdown)
            .await
            .map_err(|e| Failure(format!("the server stopped: {e}")));
        stop.notify_one();
        if let Some(task) = bot_task {
            let _ = task.await;
        }
        served
    })
}
