-- SQLite has no NOTIFY (see 000004): this migration exists so that both sets keep the same names.
SELECT 1;
