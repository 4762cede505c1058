//! `colophon user …`: account management for the operator, who holds the database.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};

use crate::cli::UserCommand;
use crate::serve::open_for_cli;

/// Reads a password from standard input: the first line with `--password-stdin`, else after a
/// prompt (the terminal echoes it; pipe it in to keep it off the screen).
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !from_stdin {
        if !stdin.is_terminal() {
            bail!("no terminal to prompt on: pass --password-stdin and pipe the password in");
        }
        eprint!("Password (at least 8 characters): ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("reading the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("the password is empty");
    }
    Ok(password)
}

pub fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create { email, name, role, password_stdin, data } => {
            let password = read_password(password_stdin)?;
            let colophon = open_for_cli(&data)?;
            let author = colophon.create_author_unchecked(&email, &name, role, &password)?;
            println!(
                "created {} <{}> as {} (id {}, slug {})",
                author.name,
                email,
                author.role.as_str(),
                author.id,
                author.slug
            );
        }
        UserCommand::SetPassword { email, password_stdin, data } => {
            let password = read_password(password_stdin)?;
            let colophon = open_for_cli(&data)?;
            colophon.set_password_by_email(&email, &password)?;
            println!("password set for {email}; its sessions have ended");
        }
    }
    Ok(())
}
