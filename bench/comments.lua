-- wrk: comment submissions, each with new text from its own (forwarded) client address.
local counter = 0
local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
request = function()
  counter = counter + 1
  local body = string.format('{"author_name":"Bench %d","body":"Load test comment %d from thread %d, %d."}',
    counter, counter, tid or 0, math.random(1, 1000000000))
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 250), math.random(0, 250), math.random(1, 250)),
  }
  return wrk.format("POST", "/api/v1/posts/" .. os.getenv("SLUG") .. "/comments", headers, body)
end
