-- Webhooks from a transactional outbox. An event is written in the same transaction as the
-- change it describes, with one delivery per subscription that wants it; any server process
-- claims due deliveries and sends them (at least once), in order per subscription and object.

CREATE TABLE webhooks (
    id              BIGSERIAL PRIMARY KEY,
    url             TEXT NOT NULL,
    -- Event names separated by spaces, or '*' for every event.
    events          TEXT NOT NULL,
    -- `whsec_<base64>` (Standard Webhooks); kept to sign, shown once.
    secret          TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    -- What the event is about (`post:42`): deliveries of one object go out in order.
    object_key  TEXT NOT NULL,
    -- The JSON body sent, as written.
    payload     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    object_key      TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
-- The claim's "no older pending delivery of this object" probe reads pending rows only.
CREATE INDEX webhook_deliveries_pending_by_object ON webhook_deliveries (webhook_id, object_key, id)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
    id           BIGSERIAL PRIMARY KEY,
    delivery_id  BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    -- The HTTP status; NULL when no answer came (refused, timed out, not allowed).
    status       INTEGER,
    latency_ms   BIGINT NOT NULL,
    -- The first bytes of the answer, or why there was none.
    response     TEXT NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id);
