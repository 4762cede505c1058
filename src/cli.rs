use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Colophon: a fast, trustworthy headless CMS. Without a command, `serve` (with its options:
/// `colophon --bind 0.0.0.0:8080` is `colophon serve --bind 0.0.0.0:8080`).
#[derive(Debug, Parser)]
#[command(name = "colophon", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve REST, GraphQL and the docs (the default command).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DataArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Print the GraphQL schema (SDL).
    Sdl,
    /// Fill the database with generated data (benchmarks, scale tests).
    Seed(SeedArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API keys for integrations.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Bring content in from another system, or restore a Colophon archive.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write the whole site as a Colophon archive (JSON lines; schema/archive.schema.json), with
    /// the media library's files.
    Export {
        /// Where to write it (standard output when absent).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Keep the authors' password hashes (API keys and webhooks are never exported).
        #[arg(long)]
        include_secrets: bool,
        /// Leave the media files out (copy the media directory or bucket yourself).
        #[arg(long)]
        no_media_files: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A WordPress or Squarespace export (WXR): authors, posts, pages, tags, featured images and
    /// comments with their threads. Running it again changes nothing; a later export of the same
    /// site adds what is new.
    Wxr {
        /// The export file.
        file: PathBuf,
        /// Read and check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Define a text custom field for each public post meta key that has none (otherwise
        /// such meta is reported and left out).
        #[arg(long)]
        create_fields: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// A Colophon archive (`colophon export`), into an empty database: all or nothing.
    Colophon {
        /// The archive.
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// A Ghost export (JSON, Ghost 1 to 5): authors, posts, pages, tags, featured images and SEO
    /// fields; HTML, or the Lexical or Mobiledoc document rendered where HTML is absent.
    Ghost {
        /// The export file.
        file: PathBuf,
        /// Read and check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The old site's address, for the `__GHOST_URL__` placeholders of Ghost 4 and later.
        #[arg(long)]
        site_url: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a key for an author and print it (the only time it is shown).
    Create {
        /// What it is for ("Site build").
        #[arg(long)]
        name: String,
        /// The e-mail of the author it acts for.
        #[arg(long)]
        owner: String,
        /// The role it acts with, at most the owner's (the owner's when absent).
        #[arg(long, value_parser = |role: &str| colophon_domain::Role::parse(role))]
        role: Option<colophon_domain::Role>,
        /// Reads drafts and scheduled posts; writes nothing.
        #[arg(long)]
        read_only: bool,
        /// Lifetime in days, such as `90d` or `90` (never expires when absent).
        #[arg(long, value_parser = parse_days)]
        expires: Option<u32>,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `90d` or `90`: whole days.
fn parse_days(text: &str) -> Result<u32, String> {
    text.strip_suffix('d').unwrap_or(text).parse().map_err(|_| format!("{text:?} is not a number of days such as 90d"))
}

#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// Deterministic synthetic data of the benchmark's shape (the only kind for now).
    #[arg(long)]
    pub synthetic: bool,
    /// How many posts (with their comments).
    #[arg(long, default_value_t = 2_000)]
    pub posts: u64,
    /// The random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from a prompt, or from standard input with
    /// `--password-stdin` (never from a flag, which would land in the shell history).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// contributor, author, editor or admin.
        #[arg(long, default_value = "contributor", value_parser = |role: &str| colophon_domain::Role::parse(role))]
        role: colophon_domain::Role,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set an account's password (ends its sessions).
    SetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl Default for Command {
    fn default() -> Self {
        Command::Serve(ServeArgs::default())
    }
}

/// Where the data lives. `DATABASE_URL=postgres://…` selects PostgreSQL; without it the
/// embedded SQLite file `colophon.db` lives in the data directory.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Directory of the SQLite database and the generated secret.
    #[arg(long, env = "COLOPHON_DATA_DIR", default_value = ".")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (`postgres://user:pass@host/db`); unset for embedded SQLite.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl Default for DataArgs {
    fn default() -> Self {
        Self {
            data_dir: std::env::var_os("COLOPHON_DATA_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from),
            database_url: std::env::var("DATABASE_URL").ok(),
        }
    }
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT (0.0.0.0:8080 for every interface); COLOPHON_BIND, else
    /// 127.0.0.1:8080.
    #[arg(long, value_parser = bind_address)]
    pub bind: Option<SocketAddr>,
    /// Load the demo content (and a demo admin) into an empty database, on PostgreSQL too. The
    /// embedded SQLite quickstart does this by default; a PostgreSQL deployment never unless asked.
    #[arg(long, conflicts_with = "no_demo")]
    pub demo: bool,
    /// Never load the demo content, not even into an empty SQLite database.
    #[arg(long)]
    pub no_demo: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

impl ServeArgs {
    /// The address to listen on: `--bind`, else `COLOPHON_BIND` (read only when serving, so
    /// that a value meant for the server never stops another command), else 127.0.0.1:8080.
    pub fn address(&self) -> anyhow::Result<SocketAddr> {
        if let Some(bind) = self.bind {
            return Ok(bind);
        }
        match std::env::var("COLOPHON_BIND") {
            Ok(value) => {
                bind_address(&value).map_err(|why| anyhow::anyhow!("COLOPHON_BIND={value:?} is not valid: {why}"))
            }
            Err(_) => Ok(SocketAddr::from(([127, 0, 0, 1], 8080))),
        }
    }
}

/// `--bind`: HOST:PORT, with a hint for what people type instead (a port alone, a name).
pub fn bind_address(value: &str) -> Result<SocketAddr, String> {
    let value = value.trim();
    if let Ok(address) = value.parse() {
        return Ok(address);
    }
    if let Ok(port) = value.parse::<u16>() {
        return Err(format!(
            "expected HOST:PORT; for port {port} on this machine only, use 127.0.0.1:{port} (0.0.0.0:{port} for every interface)"
        ));
    }
    if let Some(port) = value.strip_prefix("localhost:").and_then(|p| p.parse::<u16>().ok()) {
        return Err(format!("expected an IP address and a port: use 127.0.0.1:{port}"));
    }
    Err("expected HOST:PORT with an IP address, such as 127.0.0.1:8080 (0.0.0.0:8080 for every interface)".into())
}
