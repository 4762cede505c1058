-- Sorts of the public list by title and by comment count (issue 25) walk an index in either
-- direction from a cursor's position; the id breaks ties in the same direction.
CREATE INDEX posts_by_status_title ON posts (status, title, id);
CREATE INDEX posts_by_status_comment_count ON posts (status, comment_count, id);
-- Most comments first, then by title (the README's example): within one count, tens of
-- thousands of posts would otherwise be sorted by title for every page.
CREATE INDEX posts_by_status_comment_count_title ON posts (status, comment_count DESC, title, id);
