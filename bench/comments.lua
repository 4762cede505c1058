-- wrk: comment submissions, each with new text from its own (forwarded) client address.
-- Every wrk thread needs its own id and random sequence, or threads send identical comments
-- (which Colophon rightly refuses as duplicates: 409).
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
init = function(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
end
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"author_name":"Bench %d","body":"Load test comment %d from thread %d, %d."}',
    counter, counter, tid, math.random(1, 1000000000))
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 250), math.random(0, 250), math.random(1, 250)),
  }
  return wrk.format("POST", "/api/v1/posts/" .. os.getenv("SLUG") .. "/comments", headers, body)
end
