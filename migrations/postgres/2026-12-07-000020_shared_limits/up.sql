-- Rate limits shared by every server process (login, comments, API keys): one row per key and
-- window, counted by an atomic upsert, so that five comments a minute means five across all
-- nodes. Unlogged: a crash forgets the counts (a window at most), and counting writes no WAL.
CREATE UNLOGGED TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    count        INTEGER NOT NULL
);

-- Work that must happen once per site whatever the number of nodes (pruning the audit log and
-- old rate-limit windows): a node runs it only after moving its next time on, one UPDATE that
-- only one node can win.
CREATE TABLE site_work (
    name        TEXT PRIMARY KEY,
    next_run_at TIMESTAMP NOT NULL
);
