//! The test harness: databases, the in-process server, and an HTTP client.

pub mod cluster;
mod db;
pub mod fixtures;
pub mod http;
pub mod receiver;
pub mod server;

pub use db::{Backend, TestDb};
pub use server::{ServerConfig, TestApp};

/// Generates one `#[test]` per backend for each listed `fn name(backend: Backend)`. The PostgreSQL
/// half is `#[ignore]`d: a plain `cargo test` reports it as ignored, never as passed without
/// running; `cargo test -- --include-ignored` runs it, and then fails loudly when
/// `COLOPHON_TEST_POSTGRES_URL` names no database.
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name($crate::support::Backend::Sqlite) })*
        }
        mod postgres {
            $(
                #[test]
                #[ignore = "PostgreSQL: set COLOPHON_TEST_POSTGRES_URL and run with --include-ignored"]
                fn $name() { super::$name($crate::support::Backend::Postgres) }
            )*
        }
    };
}

/// The slug of the seed page's post, present in every app started with demo content.
pub const DEMO_POST: &str = "the-case-for-converging-your-personal-professional-networks";
