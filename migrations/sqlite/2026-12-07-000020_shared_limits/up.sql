-- Rate limits shared by every server process: PostgreSQL only. A SQLite site is one process,
-- which counts in memory; the table exists so that both backends have the same tables.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    count        INTEGER NOT NULL
);

-- Work that must happen once per site whatever the number of processes: a process runs it only
-- after moving its next time on, one UPDATE that only one process can win.
CREATE TABLE site_work (
    name        TEXT PRIMARY KEY,
    next_run_at TEXT NOT NULL
);
