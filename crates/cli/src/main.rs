//! `motcua`: the one-stop-shop server and its operator commands.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod clock;
mod cmd;
mod setup;
mod simulate;

/// Motcua — hệ thống một cửa điện tử cấp xã (electronic one-stop shop for commune service centers).
#[derive(Parser)]
#[command(name = "motcua", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the database is: `sqlite://FILE` (embedded) or `postgres://USER@HOST/DB`.
#[derive(clap::Args, Clone)]
struct DatabaseArg {
    /// Database URL.
    #[arg(long, env = "MOTCUA_DATABASE_URL", default_value = "sqlite://motcua-data/motcua.db")]
    database: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and API.
    Serve {
        #[command(flatten)]
        db: DatabaseArg,
        /// Address to listen on.
        #[arg(long, env = "MOTCUA_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        #[command(flatten)]
        sync: cmd::serve::SyncArgs,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Set up a demo (SQLite in DIR: units, catalog, staff, months of history) and serve it.
    Demo {
        #[arg(long, env = "MOTCUA_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Folder for the demo database.
        #[arg(long, default_value = "motcua-data")]
        data: PathBuf,
        /// Set up, print what was created, and exit without serving.
        #[arg(long)]
        no_serve: bool,
        #[command(flatten)]
        sync: cmd::serve::SyncArgs,
    },
    /// Import units or a province's procedure catalog.
    Import {
        #[command(flatten)]
        db: DatabaseArg,
        #[command(subcommand)]
        what: cmd::import::What,
    },
    /// Lunar dates, holidays and due dates.
    Calendar {
        #[command(subcommand)]
        what: cmd::calendar::What,
    },
    /// Check every dossier's hash chain and projection; exit 1 and name the first broken link.
    Verify {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Back the database up to a new FILE (SQLite: online `VACUUM INTO`; PostgreSQL: `pg_dump`).
    Backup {
        #[command(flatten)]
        db: DatabaseArg,
        file: PathBuf,
    },
    /// Restore a backup FILE into the database, then check every hash chain.
    Restore {
        #[command(flatten)]
        db: DatabaseArg,
        file: PathBuf,
        /// Replace a database that already holds dossiers (stop every server first).
        #[arg(long)]
        force: bool,
    },
    /// Add a staff account.
    AddStaff {
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        staff: cmd::staff::NewStaff,
    },
    /// Measure durable submissions per second and due-date computations per second.
    Bench(cmd::bench::Args),
    /// Generate a realistic dossier history for communes of a province (real lifecycle commands,
    /// fixed seed), then print each commune's 766 figures for the period.
    Simulate(cmd::simulate::Args),
    /// A fake national portal (DVCQG) with fault injection, to test synchronisation against.
    FakePortal(cmd::fake_portal::Args),
    /// A fake VNPay payment gateway (payment page, IPN, querydr) to test payments against.
    FakeVnpay(cmd::fake_vnpay::Args),
    /// A fake brandname SMS gateway (errors, delayed delivery reports) to test notifications against.
    FakeSms(cmd::fake_sms::Args),
    /// A fake Zalo ZNS + OAuth server (token expiry and refresh, errors, delayed delivery events).
    FakeZns(cmd::fake_zns::Args),
    /// A fake national population database answering identity checks, with fault injection.
    FakeDancu(cmd::fake_dancu::Args),
    /// A fake Zalo OA platform (message API, token refresh, signed webhook events) for the assistant.
    FakeZalo(cmd::fake_zalo::Args),
    /// Measure IPN verifications per second over HTTP and bank statement matching throughput.
    BenchPayments(cmd::bench_payments::Args),
    /// Several app server processes on one PostgreSQL under the national request mix: throughput,
    /// p50/p95/p99 per kind, errors, database growth per dossier.
    BenchLoad(cmd::bench_load::Args),
    /// Compare dossiers of a period with the national portal's report; list and re-push differences.
    Reconcile(cmd::reconcile::Args),
}

/// Logs to stderr, filtered by `MOTCUA_LOG`, as one JSON object a line or as text
/// (`MOTCUA_LOG_FORMAT=json|text`; unset: JSON for `serve`, text for the other commands).
fn init_logs(serve: bool) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MOTCUA_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    let json = match std::env::var("MOTCUA_LOG_FORMAT").unwrap_or_default().trim() {
        "" => serve,
        "json" => true,
        "text" => false,
        other => anyhow::bail!("MOTCUA_LOG_FORMAT={other}: expected json or text"),
    };
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        logs.json().with_current_span(true).with_span_list(false).init();
    } else {
        logs.init();
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logs(matches!(cli.command, Command::Serve { .. }))?;
    match cli.command {
        Command::Serve { db, listen, sync } => cmd::serve::run(&db.database, &listen, &sync).await,
        Command::Migrate { db } => {
            setup::open(&db.database).await?;
            println!("Đã cập nhật cơ sở dữ liệu / database migrated.");
            Ok(())
        }
        Command::Demo { listen, data, no_serve, sync } => cmd::demo::run(&listen, &data, no_serve, &sync).await,
        Command::Import { db, what } => cmd::import::run(&db.database, what).await,
        Command::Calendar { what } => cmd::calendar::run(what).await,
        Command::Verify { db } => cmd::verify::run(&db.database).await,
        Command::Backup { db, file } => cmd::backup::backup(&db.database, &file).await,
        Command::Restore { db, file, force } => cmd::backup::restore(&db.database, &file, force).await,
        Command::AddStaff { db, staff } => cmd::staff::run(&db.database, staff).await,
        Command::Bench(args) => cmd::bench::run(args).await,
        Command::Simulate(args) => cmd::simulate::run(args).await,
        Command::FakePortal(args) => cmd::fake_portal::run(args).await,
        Command::FakeVnpay(args) => cmd::fake_vnpay::run(args).await,
        Command::FakeSms(args) => cmd::fake_sms::run(args).await,
        Command::FakeZns(args) => cmd::fake_zns::run(args).await,
        Command::FakeDancu(args) => cmd::fake_dancu::run(args).await,
        Command::FakeZalo(args) => cmd::fake_zalo::run(args).await,
        Command::BenchPayments(args) => cmd::bench_payments::run(args).await,
        Command::BenchLoad(args) => cmd::bench_load::run(args).await,
        Command::Reconcile(args) => cmd::reconcile::run(args).await,
    }
}
