ALTER TABLE tags DROP COLUMN description;
