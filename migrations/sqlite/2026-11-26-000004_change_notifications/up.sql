-- SQLite has no NOTIFY: the server watches PRAGMA data_version instead (see the store's
-- change watcher). This migration exists so that both sets keep the same names.
SELECT 1;
