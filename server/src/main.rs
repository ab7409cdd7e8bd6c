//! `yijian`: parses the command line and hands over to [`server::run`].

use clap::Parser;
use server::cli::{BenchCommand, Cli, Command, DraftCommand, StationCommand, UserCommand};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

// Many small allocations per request (form parsing, JSON, the reactive owner): mimalloc
// handles them with less contention than the system allocator on a small server.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => server::run::serve(*args).await,
        Command::User {
            command: UserCommand::Add(args),
        } => server::run::user_add(args).await,
        Command::User {
            command: UserCommand::Unlock(args),
        } => server::run::user_unlock(args).await,
        Command::Draft {
            command: DraftCommand::Parse(args),
        } => server::run::draft_parse(args),
        Command::Bench {
            command: BenchCommand::Parse { file, iterations },
        } => server::bench::parse(file, iterations),
        Command::Bench {
            command: BenchCommand::Ingest(args),
        } => server::bench::ingest(args).await,
        Command::Bench {
            command: BenchCommand::Cluster(args),
        } => server::bench::cluster::run(args),
        Command::Bench {
            command: BenchCommand::Export(args),
        } => server::bench::export::run(args).await,
        Command::Cluster(args) => server::cluster::run(&args),
        Command::Bench {
            command: BenchCommand::Search(args),
        } => server::bench::search::run(args).await,
        Command::Bench {
            command: BenchCommand::Read(args),
        } => server::bench::read::run(args).await,
        Command::Reindex(args) => server::run::reindex(args).await,
        Command::Backup(args) => server::backup::backup(args).await,
        Command::Restore(args) => server::backup::restore(args).await,
        Command::Station {
            command:
                StationCommand::Import {
                    file,
                    dry_run,
                    data,
                },
        } => server::run::station_import(&file, dry_run, &data).await,
        Command::Station {
            command:
                StationCommand::Export {
                    format,
                    output,
                    data,
                },
        } => server::run::station_export(&format, output.as_deref(), &data).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line an operator can act on, e.g. "error: cannot connect to the postgres …".
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
