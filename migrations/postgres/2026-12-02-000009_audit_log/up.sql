-- Who changed what: one row per write by staff, an API key or the operator's command line,
-- written in the write's own transaction. No foreign keys: the record outlives what it names.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    author_id   BIGINT,
    api_key_id  BIGINT,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    request_id  TEXT,
    -- The names of the fields changed, separated by spaces (never their values).
    fields      TEXT NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_author ON audit_log (author_id, id);
CREATE INDEX audit_log_by_target ON audit_log (target, id);
