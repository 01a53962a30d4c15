-- Shared by the wrk scripts of bench/: print the totals of all threads as one JSON line.
function report_done(threads, summary, latency)
  local s, o, b = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  io.write(string.format(
    'RESULT {"sent": %d, "ok": %d, "bad": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d}\n',
    s, o, b, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
