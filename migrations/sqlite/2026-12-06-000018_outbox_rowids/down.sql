-- Nothing to undo that matters: AUTOINCREMENT only kept ids from being reused, which events'
-- never are. The tables keep their plain rowids.
SELECT 1;
