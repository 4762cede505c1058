-- SQLite writes only the event in the write's transaction, naming the subscriptions that wanted
-- it; the deliverer makes its deliveries later, under the same write lock, in event order (SQLite
-- commits one writer at a time, so ids rise in commit order). A delivery row and its three index
-- entries cost the cheapest write about a quarter of its time; the event alone, a twentieth.
-- PostgreSQL still writes the deliveries with the event (one statement) and leaves these unused.
ALTER TABLE events ADD COLUMN webhook_ids TEXT;
ALTER TABLE events ADD COLUMN due_at TEXT;

-- The last event whose deliveries were made.
CREATE TABLE outbox_cursor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id BIGINT NOT NULL
);
INSERT INTO outbox_cursor (id, last_event_id) SELECT 1, COALESCE(MAX(id), 0) FROM events;
