# The Python side of `parlab bench --against-lecture` and `parlab bench --students`.
#
# Imports the lecture's code unchanged (lecture.py beside this file) and times
# its calls with time.perf_counter, one call per request. Requests arrive on
# stdin and results leave on stdout, one JSON object per line:
#
#   parlab -> python  {"call": "serial", "samples": 10000}
#   parlab -> python  {"call": "multiprocess", "processes": 2, "samples": 10000}
#   python -> parlab  {"call": "serial", "samples": 10000, "seconds": 1.53, "last": 0.7853}
#
# The first line out describes this Python; "last" is the estimate for the
# largest n, a check that the call did the work.

import json
import multiprocessing as mp
import os
import platform
import sys
import time

import numpy as np

import lecture


def main():
    print(json.dumps({
        "python": platform.python_version(),
        "numpy": np.__version__,
        "start_method": mp.get_start_method(),
        "cpu_count": mp.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        call, samples = request["call"], request["samples"]
        if call == "serial":
            start = time.perf_counter()
            result = lecture.serial(samples, lecture.f, 0, 1)
            seconds = time.perf_counter() - start
            last = float(result[-1][1]) if result else None
        elif call == "multiprocess":
            processes = request["processes"]
            start = time.perf_counter()
            result = lecture.multiprocess(processes, samples, lecture.f, 0, 1)
            seconds = time.perf_counter() - start
            last = float(result[-1]) if result else None
        else:
            raise ValueError(f"unknown call {call!r}")
        print(json.dumps({"call": call, "samples": samples, "seconds": seconds, "last": last}), flush=True)


if __name__ == "__main__":
    main()
