//! A throwaway PostgreSQL cluster of the test's own (initdb + pg_ctl from the installed
//! PostgreSQL, a random port, a temp dir), so a test can stop and start it without touching the
//! machine's server. Run as root, the PostgreSQL tools run as the `postgres` user.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    pub port: u16,
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Cluster {
    /// A cluster of the test's own. The tests that need one are ignored unless asked for; asked
    /// for where PostgreSQL's server binaries are missing, they fail rather than pass unrun.
    pub fn start() -> Option<Self> {
        let bin = PathBuf::from(
            output("pg_config", &["--bindir"]).expect("pg_config (PostgreSQL's server binaries) must be installed"),
        );
        assert!(bin.join("initdb").exists(), "no initdb in {}: install PostgreSQL's server package", bin.display());
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let dir = std::env::temp_dir().join(format!("colophon-pg-{port}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let cluster = Self { dir, bin, port };
        if is_root() {
            let uid: u32 = output("id", &["-u", "postgres"])?.parse().ok()?;
            let gid: u32 = output("id", &["-g", "postgres"])?.parse().ok()?;
            std::os::unix::fs::chown(&cluster.dir, Some(uid), Some(gid)).ok()?;
        }
        let data = cluster.data();
        cluster.run("initdb", &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        cluster.resume();
        Some(cluster)
    }

    /// A streaming replica of `primary` (`pg_basebackup -R`: it follows the primary's WAL as a
    /// hot standby), on a port of its own.
    pub fn replica_of(primary: &Cluster) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let dir = std::env::temp_dir().join(format!("colophon-pg-{port}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let replica = Self { dir, bin: primary.bin.clone(), port };
        if is_root() {
            let uid: u32 = output("id", &["-u", "postgres"])?.parse().ok()?;
            let gid: u32 = output("id", &["-g", "postgres"])?.parse().ok()?;
            std::os::unix::fs::chown(&replica.dir, Some(uid), Some(gid)).ok()?;
        }
        let data = replica.data();
        let port = primary.port.to_string();
        replica.run(
            "pg_basebackup",
            &["-D", &data, "-R", "-X", "stream", "-h", "127.0.0.1", "-p", &port, "-U", "postgres"],
        );
        replica.resume();
        Some(replica)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let status = if is_root() {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&program).args(args).output()
        } else {
            Command::new(&program).args(args).output()
        }
        .expect("run a PostgreSQL tool");
        assert!(
            status.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&status.stdout),
            String::from_utf8_lossy(&status.stderr)
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once (fast shutdown: open connections are cut).
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=50",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-l", &log, "-w", "-o", &options, "start"]);
    }
}

fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|uid| uid == "0")
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(if is_root() { "runuser" } else { "true" })
            .args(if is_root() { vec!["-u", "postgres", "--"] } else { vec![] })
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
