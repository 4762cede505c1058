-- Notifications name the schema that changed, so that servers whose databases live in separate
-- schemas of one PostgreSQL database (NOTIFY channels are database-wide) ignore each other's writes.
CREATE OR REPLACE FUNCTION colophon_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('colophon_changes', TG_TABLE_SCHEMA);
    RETURN NULL;
END;
$$;
