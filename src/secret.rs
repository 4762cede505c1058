//! The server secret: signs access tokens and page cursors.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use colophon_store::DatabaseTarget;

pub const MIN_SECRET_BYTES: usize = 32;
const SECRET_FILE: &str = "jwt-secret";

/// `COLOPHON_JWT_SECRET` when set (at least 32 bytes). Otherwise, on the embedded SQLite
/// quickstart only, a random secret generated once and kept in the data directory (mode 0600);
/// a PostgreSQL deployment must set it, so that every server process shares it.
pub fn load(target: &DatabaseTarget, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(secret) = std::env::var("COLOPHON_JWT_SECRET") {
        if secret.len() < MIN_SECRET_BYTES {
            bail!("COLOPHON_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long, got {}", secret.len());
        }
        return Ok(secret.into_bytes());
    }
    if target.is_postgres() {
        bail!(
            "COLOPHON_JWT_SECRET is required with PostgreSQL (at least {MIN_SECRET_BYTES} bytes, shared by every server)"
        );
    }
    let path = data_dir.join(SECRET_FILE);
    if path.exists() {
        let secret = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if secret.len() < MIN_SECRET_BYTES {
            bail!("{} holds fewer than {MIN_SECRET_BYTES} bytes; delete it to generate a new secret", path.display());
        }
        return Ok(secret);
    }
    let secret = generate();
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated the server secret");
    Ok(secret)
}

/// 48 random bytes, hex-encoded (96 characters).
fn generate() -> Vec<u8> {
    let bytes: [u8; 48] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect::<String>().into_bytes()
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}
