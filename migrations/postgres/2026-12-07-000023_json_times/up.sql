-- A time as Colophon's answers write it (RFC 3339, UTC, "Z"; a fraction of a second only when
-- there is one, in 3 or 6 digits, as chrono writes it), for answers whose JSON PostgreSQL builds
-- (issue 25). One SQL expression and not STRICT, so the planner inlines it: declared STRICT, or
-- with a to_char per part, it cost a quarter of a list's statement.
CREATE FUNCTION colophon_time(t timestamp) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN date_trunc('second', t) = t THEN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    WHEN date_trunc('milliseconds', t) = t THEN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    ELSE to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  END
$$;
