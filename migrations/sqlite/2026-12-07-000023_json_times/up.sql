-- PostgreSQL gains colophon_time() here; SQLite keeps times as text already written the way
-- answers show them ("2010-04-20 15:00:00.250"), so its statements turn the space into "T" and
-- add "Z". The migration keeps both histories the same length.
SELECT 1;
