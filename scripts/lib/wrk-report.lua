-- wrk script of scripts/bench-web: prints one line `RESULT requests/s p50_ms p99_ms errors requests`.
-- With an argument (`wrk … -- 25`), each connection waits that many milliseconds before each request,
-- which paces the load (connections × 1000 / (pause + latency) requests/s) instead of saturating it.
local pause = 0

function init(args)
    pause = tonumber(args[1] or "0")
end

function delay()
    return pause
end

function done(summary, latency, _)
    local errors = summary.errors
    local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
    io.write(string.format(
        "RESULT %.0f %.2f %.2f %d %d\n",
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000,
        latency:percentile(99) / 1000,
        failed,
        summary.requests
    ))
end
