DROP TABLE import_records;
