#!/usr/bin/env python3
"""Lab experiment family g: a backend's memory against the number of shards it has touched.

For each shard count N (32 ... 8192): an empty table `lab_mem (id bigint, v int)` distributed by
`id` with N shards on the workers. Then:
- coordinator: a fresh session sums `pg_backend_memory_contexts.total_bytes` (and
  `CacheMemoryContext`'s subtree) before and after `SELECT count(*) FROM lab_mem`, which plans
  and runs one task per shard (Citus's metadata cache holds every shard interval);
- worker: a fresh session on worker 1 reads every `lab_mem` shard that worker holds (one
  `SELECT count(*)` per shard relation in a DO block, as a Citus connection touching them
  would), with the same before and after sums.
The process's resident set (`VmRSS`, `RssAnon` from /proc, when the experiment runs on the
node's machine) is recorded beside the context sums, and so is the time `DROP TABLE lab_mem` takes
(or its error: on the 2-core, 24 GiB lab a worker backend removing 8192 shards' metadata grew past
12 GiB and was killed by the kernel's OOM killer; the series stops there, and the lab must then be
recreated with `Lab/down --purge && Lab/up`).

Usage: Lab/experiments/memory.py [--shards 32,128,512,2048,8192] [--out FILE]
Never point it at production: it drops and creates `lab_mem`.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labsql import Cluster, machine, write_json  # noqa: E402
from session import Session  # noqa: E402

SETTINGS = ["shared_buffers", "work_mem", "citus.max_adaptive_executor_pool_size", "max_connections"]
TOTAL = "SELECT sum(total_bytes) FROM pg_backend_memory_contexts"
CACHE = ("SELECT coalesce(sum(total_bytes), 0) FROM pg_backend_memory_contexts "
         "WHERE name = 'CacheMemoryContext' OR parent = 'CacheMemoryContext'")


def rss(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k = line.split(":")[0]
                if k in ("VmRSS", "RssAnon", "RssShmem"):
                    out[k + "_kib"] = int(line.split()[1])
    except OSError:
        pass
    return out


def measure(session, touch):
    pid = session.value("SELECT pg_backend_pid()")
    before = {"contexts_bytes": int(session.value(TOTAL)), "cache_bytes": int(session.value(CACHE)), **rss(pid)}
    session.rows(touch)
    after = {"contexts_bytes": int(session.value(TOTAL)), "cache_bytes": int(session.value(CACHE)), **rss(pid)}
    return {"before": before, "after": after}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "memory_per_shard.json"))
    ap.add_argument("--shards", default="32,128,512,2048,8192")
    a = ap.parse_args()
    coord = "host=127.0.0.1 port=9700 user=postgres dbname=postgres"
    worker = "host=127.0.0.1 port=9701 user=postgres dbname=postgres"
    c = Cluster(coord)
    doc = {"experiment": "backend_memory_against_shards_touched", "families": ["g"], "versions": c.versions(), "settings": c.settings(SETTINGS),
           "machine": machine(), "method": __doc__.strip(), "runs": []}
    for n in [int(x) for x in a.shards.split(",")]:
        c.execute("DROP TABLE IF EXISTS lab_mem")
        c.execute("CREATE TABLE lab_mem (id bigint, v int)")
        c.execute(f"SELECT create_distributed_table('lab_mem', 'id', shard_count := {n}, colocate_with := 'none')")
        on_worker = int(c.value("SELECT count(*) FROM citus_shards WHERE table_name = 'lab_mem'::regclass AND nodeport = 9701"))
        s = Session(coord)
        coordinator = measure(s, "SELECT count(*) FROM lab_mem")
        s.close()
        w = Session(worker)
        w.rows("SET citus.override_table_visibility = off")
        touch = ("DO $$ DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c "
                 "WHERE c.relname ~ '^lab_mem_[0-9]+$' AND c.relkind = 'r' LOOP EXECUTE 'SELECT count(*) FROM ' || r.rel; END LOOP; END $$")
        worker_m = measure(w, touch)
        w.close()
        print(f"memory: {n} shards: coordinator +{(coordinator['after']['contexts_bytes'] - coordinator['before']['contexts_bytes']) / 1024:.0f} KiB, "
              f"worker ({on_worker} shards) +{(worker_m['after']['contexts_bytes'] - worker_m['before']['contexts_bytes']) / 1024:.0f} KiB", file=sys.stderr)
        run = {"shard_count": n, "coordinator": {"shards_touched": n, **coordinator}, "worker": {"shards_touched": on_worker, **worker_m}}
        doc["runs"].append(run)
        write_json(a.out, doc)
        # Dropping the table is timed too: with thousands of shards it is where memory runs out.
        try:
            run["drop_table_s"] = round(c.timed("DROP TABLE lab_mem"), 3)
        except RuntimeError as e:
            run["drop_table_error"] = str(e).split(": ", 2)[-1][:300]
            print(f"memory: DROP TABLE lab_mem with {n} shards failed: {run['drop_table_error']}", file=sys.stderr)
            print("memory: the lab may hold a half-dropped table now: recreate it with Lab/down --purge && Lab/up", file=sys.stderr)
            write_json(a.out, doc)
            break
        write_json(a.out, doc)
    print(f"memory: wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
