//! `colophon`: the command line of the Colophon headless CMS.

mod cli;
mod config;
mod database;
mod import;
mod secret;
mod seed;
mod serve;
mod user;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match config::init_tracing().and_then(|()| run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // One clear line, the causes after colons (never a backtrace, whatever RUST_BACKTRACE says).
            eprintln!("colophon: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(args) => serve::serve(args),
        Command::Migrate(args) => database::migrate(args),
        Command::Openapi => {
            print!("{}", colophon_api::openapi_json());
            Ok(())
        }
        Command::Sdl => {
            print!("{}", colophon_api::graphql::sdl());
            Ok(())
        }
        Command::Seed(args) => seed::run(args),
        Command::User(command) => user::run(command),
        Command::Key(command) => user::run_key(command),
        Command::Import(command) => import::run(command),
        Command::Export { output, include_secrets, no_media_files, data } => {
            let options = colophon_service::ArchiveOptions { include_secrets, media_files: !no_media_files };
            import::export(output, options, &data)
        }
    }
}
