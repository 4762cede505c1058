-- The same columns and table as SQLite's, where the deliverer makes an event's deliveries after
-- the write. PostgreSQL writes them with the event, in one statement, and leaves these unused:
-- its ids do not rise in commit order, so a cursor over them could skip an event.
ALTER TABLE events ADD COLUMN webhook_ids TEXT;
ALTER TABLE events ADD COLUMN due_at TIMESTAMP;

CREATE TABLE outbox_cursor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id BIGINT NOT NULL
);
