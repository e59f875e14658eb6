-- wrk script for bench/serve.sh: posts one pre-generated artifact per request, each line of
-- the NDJSON file exactly once across all threads (thread t takes lines t, t+T, t+2T, ...),
-- and stops a thread when its lines run out. Counts answers that are not 201, and the threads
-- that ran out of lines ("exhausted": wrk still times such a run by its -d duration, so its
-- rate would be the input's, not the server's; the bench scripts refuse it).
--   wrk ... -s bench/serve.lua URL -- FILE THREADS TOKEN PATH DELAY_MS
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[3]}
  target = args[4]
  pause = tonumber(args[5] or "0")
  lines = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid then lines[#lines + 1] = line end
    i = i + 1
  end
  idx = 0
  bad = 0
  sent = 0
  exhausted = 0
end

function request()
  idx = idx + 1
  if idx > #lines then
    exhausted = 1
    wrk.thread:stop()
    idx = #lines
  end
  sent = sent + 1
  return wrk.format("POST", target, headers, lines[idx])
end

function response(status, hdrs, body)
  if status ~= 201 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("serve.lua: status " .. status .. ": " .. body .. "\n") end
  end
end

if tonumber(os.getenv("SERVE_DELAY_MS") or "0") > 0 then
  function delay()
    return pause
  end
end

function done(summary, latency, requests)
  local not_created, exhausted_threads = 0, 0
  for _, t in ipairs(threads) do
    not_created = not_created + t:get("bad")
    exhausted_threads = exhausted_threads + t:get("exhausted")
  end
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f not_created=%d p50_ms=%.3f p99_ms=%.3f exhausted=%d\n",
    summary.requests, summary.duration / 1e6, not_created,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, exhausted_threads))
end
