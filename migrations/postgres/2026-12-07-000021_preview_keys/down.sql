DROP INDEX preview_links_api_key;
ALTER TABLE preview_links DROP COLUMN api_key_id;
