DROP INDEX comments_by_email_status;
DROP INDEX comments_by_post_ip;
DROP TABLE blocklist;
DROP TABLE settings;
