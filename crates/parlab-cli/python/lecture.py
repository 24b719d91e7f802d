# The lecture's code (Week 14 - Multiprocessing), as written on its slides.
#
# Only what it takes to run is changed, each marked "changed:":
# - the function is named `multiprocess` everywhere (the slides also call it
#   `multiprocessing`, which shadows the module and breaks the timing code);
# - the pool is closed, with a context manager (the slides never close it);
# - the timing code sits under a `__main__` guard, which multiprocessing needs.
# Everything else, the bugs the lab teaches included, is left as it is.

import numpy as np
import multiprocessing as mp # This module is part of the
                             # python standard library

# define any function here!
def f(x):
    # return the value of the function given x
    return 1/(1 + x**2)

def integral(nSample, f, xmin, xmax):
    # determine points of estimation
    sample = np.sort(np.random.uniform(xmin, xmax, nSample))
    # Calculate height at each point
    value = f(sample)
    # Calculate areas, sum
    area = np.sum(np.diff(sample) * value[1:])
    # Return integral
    return (nSample, area)

def serial(samples, f, lb, ub):
    return [integral(s, f, lb, ub) for s in range(samples)]

def multiprocess(processes, samples, f, lb, ub):  # changed: one name, not `multiprocessing`
    with mp.Pool(processes=processes) as pool:    # changed: the pool is closed
        results = [pool.apply_async(integral,
            args=(s, f, lb, ub)) for s in range(samples)]
        results = [p.get() for p in results]
    results.sort() # to sort the results
    return [x[1] for x in results]

if __name__ == "__main__":  # changed: the guard multiprocessing needs
    import timeit # library for timing execution of code

    benchmarks = [] # list to store our execution times

    benchmarks.append(timeit.Timer('serial(10000, f, 0, 1)',
        'from __main__ import serial, f').timeit(number=1))

    benchmarks.append(timeit.Timer(
        'multiprocess(2, 10000, f, 0, 1)',
        'from __main__ import multiprocess, f').timeit(
            number=1))

    print(benchmarks)
    print(mp.cpu_count()) # Tells us the number of available CPUs
