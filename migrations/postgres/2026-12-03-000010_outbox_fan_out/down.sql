DROP TABLE outbox_cursor;
ALTER TABLE events DROP COLUMN due_at;
ALTER TABLE events DROP COLUMN webhook_ids;
