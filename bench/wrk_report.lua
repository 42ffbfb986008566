-- make bench with wrk: counts answers other than 200 and prints one line of results that
-- bench/run.py reads (latencies in microseconds).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_status = 0
  for _, thread in ipairs(threads) do
    bad_status = bad_status + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"bad_status": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), bad_status, e.connect + e.read + e.write + e.timeout))
end
