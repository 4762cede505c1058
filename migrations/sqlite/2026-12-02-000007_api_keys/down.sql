DROP INDEX api_keys_by_author;
DROP TABLE api_keys;
