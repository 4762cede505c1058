DROP FUNCTION colophon_date_time(timestamp);
CREATE OR REPLACE FUNCTION colophon_time(t timestamp) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN date_trunc('second', t) = t THEN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    WHEN date_trunc('milliseconds', t) = t THEN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    ELSE to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  END
$$;
