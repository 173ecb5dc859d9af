//! The command line: run the service (default), create an admin for scripted
//! installs, load demo data.
use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::AppConfig;
use crate::domain::signup::{NewAccount, SignupInput};
use crate::domain::Role;
use crate::i18n::Lang;
use crate::services::{accounts, demo};

#[derive(Parser)]
#[command(name = "kouza", about = "講座 — course and training registration")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (the default).
    Serve,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Load demo data (a site, three courses, one account per role) and print the logins.
    Demo,
    /// Copy the SQLite database to PATH while the service runs (a consistent
    /// snapshot, checked after writing). PostgreSQL: use pg_dump, see docs/RELIABILITY.md.
    Backup {
        /// Where the copy goes; must not exist yet.
        path: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Create an administrator. The password is read from standard input
    /// (or KOUZA_ADMIN_PASSWORD), never from the command line.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        family_name: String,
        #[arg(long)]
        given_name: String,
        #[arg(long)]
        family_name_kana: String,
        #[arg(long)]
        given_name_kana: String,
    },
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KOUZA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

pub async fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::rocket()
            .launch()
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Command::Admin {
            action:
                AdminAction::Create {
                    email,
                    family_name,
                    given_name,
                    family_name_kana,
                    given_name_kana,
                },
        } => {
            let input = [
                email,
                family_name,
                given_name,
                family_name_kana,
                given_name_kana,
            ];
            create_admin(&input).await
        }
        Command::Demo => load_demo().await,
        Command::Backup { path } => backup(&path).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kouza: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn open_db() -> Result<sea_orm::DatabaseConnection, String> {
    let config = AppConfig::from_figment(&AppConfig::figment()).map_err(|e| e.to_string())?;
    let db = crate::db::connect(&config)
        .await
        .map_err(|e| e.to_string())?;
    crate::db::migrate_and_load_reference(&db)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    Ok(db)
}

fn read_password() -> Result<String, String> {
    if let Ok(password) = std::env::var("KOUZA_ADMIN_PASSWORD") {
        return Ok(password);
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

async fn create_admin(fields: &[String; 5]) -> Result<(), String> {
    let password = read_password()?;
    let input = SignupInput {
        email: &fields[0],
        password: &password,
        family_name: &fields[1],
        given_name: &fields[2],
        family_name_kana: &fields[3],
        given_name_kana: &fields[4],
    };
    let account = NewAccount::parse(&input).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.field, crate::i18n::t(Lang::Ja, e.key)))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let db = open_db().await?;
    let now = chrono::Utc::now();
    let admin = accounts::create(&db, &account, Role::Admin, Lang::Ja, now)
        .await
        .map_err(|e| match e {
            crate::error::Error::Validation(errors) => errors
                .iter()
                .map(|e| crate::i18n::t(Lang::Ja, e.key))
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        })?;
    crate::services::audit::record(
        &db,
        Some(admin.id),
        "admin_created",
        ("user", Some(admin.id)),
        serde_json::json!({"via": "cli"}),
        now,
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("administrator {} created (id {})", admin.email, admin.id);
    Ok(())
}

async fn load_demo() -> Result<(), String> {
    let db = open_db().await?;
    let created = demo::seed(&db, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    if created.is_empty() {
        println!("demo data is already loaded");
    }
    for account in created {
        println!(
            "{:<10} {:<28} {}",
            account.role.as_str(),
            account.email,
            account.password
        );
    }
    Ok(())
}

async fn backup(path: &std::path::Path) -> Result<(), String> {
    let config = AppConfig::from_figment(&AppConfig::figment()).map_err(|e| e.to_string())?;
    if config.is_postgres() {
        return Err("the database is PostgreSQL: back it up with \
             `pg_dump --format=custom --file=kouza.dump \"$DATABASE_URL\"` \
             (restore with pg_restore; see docs/RELIABILITY.md)"
            .into());
    }
    let file = config.data_dir.join("kouza.sqlite3");
    if config.database_url.is_empty() && !file.exists() {
        return Err(format!("no database at {}", file.display()));
    }
    // Opened as it is: a backup never migrates the database it copies.
    let db = crate::db::connect(&config)
        .await
        .map_err(|e| e.to_string())?;
    let written = crate::services::backup::sqlite_online(&db, path)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "backup written to {} ({} bytes, integrity_check ok)",
        written.path.display(),
        written.bytes
    );
    Ok(())
}
