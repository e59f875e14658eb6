#!/usr/bin/env python3
"""How long this machine's disk takes to make an append durable: appends of 64 KiB, each
followed by fdatasync(2), for SECONDS (default 15) in DIR (default: the current directory),
then the latency distribution. The floor under every group commit of the SQLite ledger.

    bench/fsync-probe.py [SECONDS] [DIR]
"""
import os
import sys
import time

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 15.0
directory = sys.argv[2] if len(sys.argv) > 2 else "."
path = os.path.join(directory, "podgate-fsync-probe.%d" % os.getpid())
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
block = b"x" * (64 * 1024)
latencies = []
try:
    end = time.time() + seconds
    while time.time() < end:
        os.write(fd, block)
        started = time.perf_counter()
        os.fdatasync(fd)
        latencies.append((time.perf_counter() - started) * 1000)
finally:
    os.close(fd)
    os.unlink(path)
latencies.sort()
n = len(latencies)
print("fdatasync after 64 KiB appends: n=%d p50=%.2f ms p90=%.2f p99=%.2f p99.9=%.2f max=%.2f ms"
      % (n, latencies[n // 2], latencies[int(n * 0.9)], latencies[int(n * 0.99)],
         latencies[int(n * 0.999)], latencies[-1]))
