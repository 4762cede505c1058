ALTER TABLE pages DROP COLUMN public_custom_fields;
ALTER TABLE pages DROP COLUMN custom_fields;
ALTER TABLE posts DROP COLUMN public_custom_fields;
ALTER TABLE posts DROP COLUMN custom_fields;
DROP TABLE field_definitions;
