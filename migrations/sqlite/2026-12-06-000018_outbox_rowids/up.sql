-- Events take plain rowids instead of AUTOINCREMENT: AUTOINCREMENT keeps its counter in
-- sqlite_sequence, one more b-tree page written by every write that emits an event (about half
-- of what the outbox cost the cheapest write). Without it a new id is the largest + 1; events are
-- never deleted (deliveries and attempts are, by cascade from webhooks), so ids still rise in
-- commit order and are never reused, which the deliverer's cursor relies on.
--
-- SQLite cannot alter a primary key: the three tables are rebuilt, children first, so that no
-- DROP cascades into a table still holding rows; a rename rewrites the references to it.
CREATE TABLE events_new (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    object_key  TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    webhook_ids TEXT,
    due_at      TEXT
);
INSERT INTO events_new (id, kind, object_key, payload, created_at, webhook_ids, due_at)
    SELECT id, kind, object_key, payload, created_at, webhook_ids, due_at FROM events;

CREATE TABLE webhook_deliveries_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        BIGINT NOT NULL REFERENCES events_new (id) ON DELETE CASCADE,
    object_key      TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    created_at      TEXT NOT NULL,
    finished_at     TEXT
);
INSERT INTO webhook_deliveries_new
    SELECT id, webhook_id, event_id, object_key, state, attempts, next_attempt_at, claimed_until, created_at, finished_at
    FROM webhook_deliveries;

CREATE TABLE webhook_attempts_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id  BIGINT NOT NULL REFERENCES webhook_deliveries_new (id) ON DELETE CASCADE,
    attempted_at TEXT NOT NULL,
    status       INTEGER,
    latency_ms   BIGINT NOT NULL,
    response     TEXT NOT NULL
);
INSERT INTO webhook_attempts_new SELECT id, delivery_id, attempted_at, status, latency_ms, response FROM webhook_attempts;

DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
ALTER TABLE webhook_attempts_new RENAME TO webhook_attempts;

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_pending_by_object ON webhook_deliveries (webhook_id, object_key, id)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id);
