-- Writes made through Colophon announce exactly which cache keys they change, in a notification
-- of their own (`schema`, newline, origin, newline, keys). They set colophon.keyed_write for their
-- transaction, and the triggers stay silent for them. Writes made behind Colophon's back (psql,
-- another tool) still notify with the schema alone, which means "anything may have changed".
CREATE OR REPLACE FUNCTION colophon_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('colophon.keyed_write', true) IS DISTINCT FROM 'on' THEN
        PERFORM pg_notify('colophon_changes', TG_TABLE_SCHEMA);
    END IF;
    RETURN NULL;
END;
$$;
