-- What an import brought in, by where it came from: a second run of the same export finds its
-- items here and changes nothing; a later export of the same site adds only what is new.
-- `source` names the exporting site (`wxr:` and its base URL), `kind` the item's kind (author,
-- post, page, comment, attachment), `external_id` its id there (a WordPress id, an author's
-- login), `local_id` the row it became.
CREATE TABLE import_records (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    external_id TEXT NOT NULL,
    local_id    BIGINT NOT NULL,
    PRIMARY KEY (source, kind, external_id)
);
