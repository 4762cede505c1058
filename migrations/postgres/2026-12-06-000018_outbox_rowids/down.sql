-- SQLite only (events without AUTOINCREMENT); PostgreSQL's sequences need no change.
SELECT 1;
