-- Rate limits shared by every server process: PostgreSQL only. A SQLite site is one process,
-- which counts in memory; the table exists so that both backends have the same tables.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    count        INTEGER NOT NULL
);
