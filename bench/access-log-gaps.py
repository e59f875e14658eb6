#!/usr/bin/env python3
"""Stalls in a `podgate serve` access log: every pause of more than MIN_MS (default 30)
between consecutive 201 answers, with the server-side duration of the answers right after it.
A group commit that stalls shows as a pause after which a whole batch of answers carries the
same long duration; a pause followed by short durations is the client's (a run's end, say).

    bench/access-log-gaps.py ACCESS_LOG [MIN_MS]
"""
import datetime
import json
import sys


def seconds(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


path = sys.argv[1]
min_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
answers = []
with open(path) as log:
    for line in log:
        record = json.loads(line)
        if record.get("status") == 201:
            answers.append((seconds(record["ts"]), record["duration_us"]))
if not answers:
    sys.exit("no 201 answers in " + path)
start = answers[0][0]
for i in range(1, len(answers)):
    gap_ms = (answers[i][0] - answers[i - 1][0]) * 1000
    if gap_ms > min_ms:
        after = [d // 1000 for _, d in answers[i:i + 7]]
        print("pause %.1f ms at +%.3f s; durations after it (ms): %s"
              % (gap_ms, answers[i - 1][0] - start, after))
