-- wrk: readers spread over every published post of the synthetic set: nine in ten read a post's
-- page (the post with its first 50 comments, one request), one in ten the front page. Counts the
-- answers the response cache gave (x-colophon-cache: hit) and prints the hit ratio at the end.
local posts = tonumber(os.getenv("POSTS") or "2000")
local threads = {}
local count = 0

setup = function(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(threads, thread)
end

init = function(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
  hits = 0
  misses = 0
end

request = function()
  if math.random(10) == 1 then
    return wrk.format("GET", "/api/v1/posts?limit=20")
  end
  local n
  repeat n = math.random(posts) until n % 25 ~= 0 -- every 25th synthetic post is a draft
  return wrk.format("GET", "/api/v1/posts/synthetic-post-" .. n .. "?include=comments&comments_limit=50")
end

response = function(status, headers, body)
  if headers["x-colophon-cache"] == "hit" then hits = hits + 1 else misses = misses + 1 end
end

done = function(summary, latency, requests)
  local h, m = 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
  end
  io.write(string.format("cache: %d hits %d misses\n", h, m))
end
