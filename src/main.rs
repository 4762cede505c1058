//! `colophon`: the command line of the Colophon headless CMS.

mod cli;
mod config;
mod secret;
mod seed;
mod serve;
mod user;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    config::init_tracing();
    match cli.command.unwrap_or_default() {
        Command::Serve(args) => serve::serve(args),
        Command::Migrate(args) => serve::migrate(args),
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
    }
}
