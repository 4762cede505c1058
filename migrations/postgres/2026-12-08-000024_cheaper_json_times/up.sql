-- colophon_time() again, 3.6 times cheaper (0.75 µs a call against 2.7; a post page formats a
-- time per comment). The first version was declared IMMUTABLE around to_char(), which is only
-- STABLE, so the planner never inlined it, and each call compared date_trunc() twice. This one
-- pads the fraction of the timestamp's own JSON form (ISO 8601 whatever DateStyle says, trailing
-- zeros cut) to 3 or 6 digits, as chrono writes it; STABLE, so it is inlined.
-- colophon_date_time() is the same with GraphQL DateTime's "+00:00" for "Z".
CREATE OR REPLACE FUNCTION colophon_time(t timestamp) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (to_json(t) #>> '{}')
    || CASE length(to_json(t) #>> '{}') WHEN 21 THEN '00' WHEN 22 THEN '0' WHEN 24 THEN '00' WHEN 25 THEN '0' ELSE '' END
    || 'Z'
$$;

CREATE FUNCTION colophon_date_time(t timestamp) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (to_json(t) #>> '{}')
    || CASE length(to_json(t) #>> '{}') WHEN 21 THEN '00' WHEN 22 THEN '0' WHEN 24 THEN '00' WHEN 25 THEN '0' ELSE '' END
    || '+00:00'
$$;
