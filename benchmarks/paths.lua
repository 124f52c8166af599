-- wrk script: cycle through a file of request paths, count non-2xx answers, print one JSON line.
--
--   wrk -t T -c C -d 15s --timeout 10s -s benchmarks/paths.lua http://127.0.0.1:PORT -- PATHS_FILE T [count]
--
-- Thread k (1..T) sends paths k, k+T, k+2T, ... (all the connections of a thread share its
-- counter), so together the threads walk the file in order and a query comes back only after
-- the whole file has been sent. With a 4th argument "count", every response's status is checked
-- (non-2xx counted); without it, wrk's own count of statuses >= 400 is all there is, and the
-- response body never reaches Lua (cheaper for the load generator).
-- done() prints a line "WRK_JSON {...}" with requests, duration, errors and latency percentiles
-- in microseconds.

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
   table.insert(threads, thread)
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if #line > 0 then paths[#paths + 1] = line end
   end
   if #paths == 0 then error("no paths in " .. args[1]) end
   step = tonumber(args[2]) or 1
   pos = (tid or 1) - 1
   non2xx = 0
   if args[3] ~= "count" then
      response = nil
   end
end

function request()
   local p = paths[(pos % #paths) + 1]
   pos = pos + step
   return wrk.format("GET", p)
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local non = 0
   for _, t in ipairs(threads) do
      non = non + (t:get("non2xx") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
      '"write_errors":%d,"status_errors":%d,"timeouts":%d,"non2xx":%d,"p50_us":%d,"p75_us":%d,' ..
      '"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,"threads":%d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
      e.timeout, non, latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean, counter))
end
