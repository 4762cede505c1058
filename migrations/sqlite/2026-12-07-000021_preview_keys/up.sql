-- A preview link made with an API key ends with the key: revoking or rotating the key revokes
-- the links it made, and a link whose key has expired stops working.
ALTER TABLE preview_links ADD COLUMN api_key_id INTEGER REFERENCES api_keys (id) ON DELETE CASCADE;
CREATE INDEX preview_links_api_key ON preview_links (api_key_id) WHERE api_key_id IS NOT NULL;
