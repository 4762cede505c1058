DROP INDEX posts_by_status_title;
DROP INDEX posts_by_status_comment_count;
