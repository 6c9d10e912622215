#!/usr/bin/env python3
"""The kernel benchmark's M/M/c model in SimPy, for a side-by-side comparison.

M/M/4 at rho = 0.8 (lambda = 320/s, mean service 10 ms), a simpy.Resource with 4
servers, one process per customer. Events are counted as citus-sim counts them: two per
customer (arrival and departure), whatever SimPy schedules internally.

    pip install simpy
    python3 Benchmarks/simpy_mmc.py [--customers N]
"""
import argparse
import random
import time

import simpy


def customer(env, server, service_mean, rng, stats):
    arrived = env.now
    with server.request() as request:
        yield request
        yield env.timeout(rng.expovariate(1.0 / service_mean))
    stats["response_sum"] += env.now - arrived
    stats["done"] += 1


def source(env, server, customers, rate, service_mean, rng, stats):
    for _ in range(customers):
        yield env.timeout(rng.expovariate(rate))
        env.process(customer(env, server, service_mean, rng, stats))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=4)
    stats = {"response_sum": 0.0, "done": 0}
    env.process(source(env, server, args.customers, 320.0, 0.01, rng, stats))
    start = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - start
    print(f"events_per_second: {int(2 * args.customers / elapsed)}")
    print(f"mmc_mean_response_ms: {1e3 * stats['response_sum'] / stats['done']:.3f}")


if __name__ == "__main__":
    main()
