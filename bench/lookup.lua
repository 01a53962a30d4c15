-- wrk script of the gateway benchmark: POST one lookup per request, the key taken round-robin
-- from a file of keys, with the bearer token and the X-Jingchu identification headers; count
-- 200s and print the totals as one JSON line.
-- args: token, client code, civil servant's username, keys file
local threads = {}
local token, client, user
local keys = {}
local counter = 0
sent, ok, bad = 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  token, client, user = args[1], args[2], args[3]
  for line in io.lines(args[4]) do
    if #line > 0 then table.insert(keys, line) end
  end
end

function request()
  counter = counter + 1
  sent = sent + 1
  local key = keys[(counter % #keys) + 1]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["X-Jingchu-Client"] = client,
    ["X-Jingchu-Request-Id"] = string.format("bench-%d-%d", counter, math.random(1e9)),
    ["X-Jingchu-User"] = user,
    ["X-Jingchu-Purpose"] = "benchmark",
  }, '{"key": "' .. key .. '", "fields": ["name", "gender", "birth_date", "address", "phone"]}')
end

function response(status, headers, resp)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

dofile("bench/wrk_done.lua")  -- wrk runs from the project root

function done(summary, latency, requests)
  report_done(threads, summary, latency)
end
