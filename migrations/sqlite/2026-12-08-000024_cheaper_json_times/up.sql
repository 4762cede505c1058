-- PostgreSQL's time formatting changes here; SQLite has nothing to change. The migration keeps
-- both histories the same length.
SELECT 1;
