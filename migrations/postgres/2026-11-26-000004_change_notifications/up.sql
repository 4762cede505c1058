-- Every committed change to what readers see notifies 'colophon_changes', so that every server
-- process (and any write made outside Colophon, by psql say) invalidates its response cache.
-- NOTIFY is transactional: listeners hear of a change only once it is committed.
CREATE FUNCTION colophon_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('colophon_changes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER authors_changed AFTER INSERT OR UPDATE OR DELETE ON authors FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER posts_changed AFTER INSERT OR UPDATE OR DELETE ON posts FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER tags_changed AFTER INSERT OR UPDATE OR DELETE ON tags FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER post_tags_changed AFTER INSERT OR UPDATE OR DELETE ON post_tags FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER comments_changed AFTER INSERT OR UPDATE OR DELETE ON comments FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE ON products FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER sidebars_changed AFTER INSERT OR UPDATE OR DELETE ON sidebars FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER sidebar_widgets_changed AFTER INSERT OR UPDATE OR DELETE ON sidebar_widgets FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
CREATE TRIGGER slug_redirects_changed AFTER INSERT OR UPDATE OR DELETE ON slug_redirects FOR EACH STATEMENT EXECUTE FUNCTION colophon_notify_change();
