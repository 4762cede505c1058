-- SQLite has no NOTIFY. Writes made through Colophon append the cache keys they change to
-- cache_invalidations, in their own transaction; every server process reads the new rows when
-- PRAGMA data_version moves. Writes made behind Colophon's back (the sqlite3 shell, another tool)
-- bump cache_watch.external through these triggers, which means "anything may have changed";
-- Colophon's own writes put the counter back before they commit.
CREATE TABLE cache_invalidations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    keys TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cache_invalidations_by_time ON cache_invalidations (created_at);
CREATE TABLE cache_watch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    external BIGINT NOT NULL
);
INSERT INTO cache_watch (id, external) VALUES (1, 0);
CREATE TRIGGER authors_insert_watched AFTER INSERT ON authors BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER authors_update_watched AFTER UPDATE ON authors BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER authors_delete_watched AFTER DELETE ON authors BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER posts_insert_watched AFTER INSERT ON posts BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER posts_update_watched AFTER UPDATE ON posts BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER posts_delete_watched AFTER DELETE ON posts BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER tags_insert_watched AFTER INSERT ON tags BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER tags_update_watched AFTER UPDATE ON tags BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER tags_delete_watched AFTER DELETE ON tags BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER post_tags_insert_watched AFTER INSERT ON post_tags BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER post_tags_update_watched AFTER UPDATE ON post_tags BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER post_tags_delete_watched AFTER DELETE ON post_tags BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER comments_insert_watched AFTER INSERT ON comments BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER comments_update_watched AFTER UPDATE ON comments BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER comments_delete_watched AFTER DELETE ON comments BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER products_insert_watched AFTER INSERT ON products BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER products_update_watched AFTER UPDATE ON products BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER products_delete_watched AFTER DELETE ON products BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER sidebars_insert_watched AFTER INSERT ON sidebars BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER sidebars_update_watched AFTER UPDATE ON sidebars BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER sidebars_delete_watched AFTER DELETE ON sidebars BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER sidebar_widgets_insert_watched AFTER INSERT ON sidebar_widgets BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER sidebar_widgets_update_watched AFTER UPDATE ON sidebar_widgets BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER sidebar_widgets_delete_watched AFTER DELETE ON sidebar_widgets BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER slug_redirects_insert_watched AFTER INSERT ON slug_redirects BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER slug_redirects_update_watched AFTER UPDATE ON slug_redirects BEGIN UPDATE cache_watch SET external = external + 1; END;
CREATE TRIGGER slug_redirects_delete_watched AFTER DELETE ON slug_redirects BEGIN UPDATE cache_watch SET external = external + 1; END;
