//! `colophon user …`: account management for the operator, who holds the database.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};

use crate::cli::{KeyCommand, UserCommand};
use crate::database::open_for_cli;

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

pub fn run_key(command: KeyCommand) -> anyhow::Result<()> {
    match command {
        KeyCommand::Create { name, owner, role, read_only, expires, data } => {
            let colophon = open_for_cli(&data)?;
            let input = colophon_service::ApiKeyInput { name, owner: None, role, read_only, expires_in_days: expires };
            let issued = colophon.create_api_key_by_operator(&owner, input)?;
            let key = &issued.key;
            eprintln!(
                "created key {} (id {}) for {owner} as {}{}{}; it is shown this once:",
                key.name,
                key.id,
                key.role.as_str(),
                if key.read_only { ", read-only" } else { "" },
                key.expires_at.map(|at| format!(", expires {}", at.and_utc().to_rfc3339())).unwrap_or_default(),
            );
            println!("{}", issued.secret);
        }
    }
    Ok(())
}
