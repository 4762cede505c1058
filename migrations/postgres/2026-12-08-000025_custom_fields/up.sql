-- A site's own fields (issue 26). A definition is one row per kind of content and name; what it
-- accepts is its `spec` (JSON text, as every JSON column here: one diesel schema serves both
-- backends), `public` repeated as a column because the read compiler filters on it.
CREATE TABLE field_definitions (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (entity, name)
);
-- Each item's values: a JSON object keyed by field name (those of deleted fields kept, hidden);
-- and the ones the public sees, kept in step by every write and every definition change, so a
-- public answer passes them through rather than filter them per row.
ALTER TABLE posts ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE posts ADD COLUMN public_custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE pages ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE pages ADD COLUMN public_custom_fields TEXT NOT NULL DEFAULT '{}';
