-- wrk: what a frontend sends for a post page without an include: the post, then its comments.
local slug = os.getenv("SLUG")
local paths = { "/api/v1/posts/" .. slug, "/api/v1/posts/" .. slug .. "/comments?limit=50" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % 2) + 1])
end
