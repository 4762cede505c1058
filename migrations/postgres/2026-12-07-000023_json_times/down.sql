DROP FUNCTION colophon_time(timestamp);
