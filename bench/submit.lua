-- wrk script of the case-submission benchmark: POST one JSON body with a bearer token taken
-- round-robin from a pool, count the expected status, and print the totals as one JSON line.
-- args: path, body file, tokens file, expected status
local threads = {}
local path, body, expected
local tokens = {}
local counter = 0
sent, ok, bad = 0, 0, 0
first_bad = ""  -- the first unexpected answer's status and the start of its body

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  local f = assert(io.open(args[2], "rb"))
  body = f:read("*a")
  f:close()
  for line in io.lines(args[3]) do
    if #line > 0 then table.insert(tokens, line) end
  end
  expected = tonumber(args[4])
end

function request()
  counter = counter + 1
  sent = sent + 1
  local token = tokens[(counter % #tokens) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function response(status, headers, resp)
  if status == expected then
    ok = ok + 1
  else
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(resp or "", 1, 300):gsub("%s+", " ")
    end
  end
end

dofile("bench/wrk_done.lua")  -- wrk runs from the project root

function done(summary, latency, requests)
  report_done(threads, summary, latency)
  for _, t in ipairs(threads) do
    local first = t:get("first_bad")
    if first ~= nil and first ~= "" then
      io.write("FIRST_BAD " .. first .. "\n")
      break
    end
  end
end
