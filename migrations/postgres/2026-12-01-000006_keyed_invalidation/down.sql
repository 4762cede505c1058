CREATE OR REPLACE FUNCTION colophon_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('colophon_changes', TG_TABLE_SCHEMA);
    RETURN NULL;
END;
$$;
