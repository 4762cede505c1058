-- A tag's description, for its page (editors write it; plain text).
ALTER TABLE tags ADD COLUMN description TEXT NOT NULL DEFAULT '';
