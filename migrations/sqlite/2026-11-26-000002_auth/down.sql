DROP INDEX posts_by_status_updated;
DROP TABLE slug_redirects;
DROP TABLE refresh_tokens;
