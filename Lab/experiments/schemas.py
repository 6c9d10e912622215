#!/usr/bin/env python3
"""Lab experiment family j: a read across tenant schemas against the number of schemas it reads.

With `citus.enable_schema_based_sharding` on, N schemas `lab_s1` ... `lab_sN` are created, each
with `orders (id bigint primary key, v int)` holding 1,000 rows: each schema is its own
single-shard colocation group, the groups spread over the workers by Citus's rule. pgbench (one
client, so no query waits for another) then runs, each for a fixed time:
- `router`: `SELECT v FROM lab_s1.orders WHERE id = :id` (one schema: one task on its node);
- `across_K` for each K: the same lookup in schemas 1..K joined by a top-level UNION ALL. Citus's
  router planner refuses it (the tables are not colocated), so each leaf becomes a subplan
  (`ShouldRecursivelyPlanSetOperation`) and `ExecuteSubPlans` runs them; the outer query then
  reads their intermediate results on the coordinator.
Each query runs --repeats times, the repeats interleaved (every query once, then again), since
one client's latency on this shared 2-core machine drifts by tens of percent between runs.
pgbench's per-transaction log gives every latency (raw samples kept), plus tps. `EXPLAIN` of
`across_4` is kept as Citus printed it (it lists the subplans), and the node of each schema.

Usage: Lab/experiments/schemas.py [--host H] [--port P] [--out FILE] [--seconds S] [--repeats 3] [--schemas 32] [--ks 1,2,4,8,16,32]
Never point it at production: it drops and creates the schemas `lab_s*`.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fanout import pgbench, summary  # noqa: E402
from labsql import Cluster, machine, write_json  # noqa: E402

SETTINGS = ["citus.enable_non_colocated_router_query_pushdown", "citus.enable_repartition_joins", "citus.max_adaptive_executor_pool_size",
            "citus.max_cached_conns_per_worker", "citus.node_conninfo", "max_connections", "shared_buffers"]


def union(k):
    """The lookup in schemas 1..k as one top-level UNION ALL (pgbench's :id in every leaf)."""
    return " UNION ALL ".join(f"SELECT v FROM lab_s{i}.orders WHERE id = :id" for i in range(1, k + 1)) + ";"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9700)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "schemas_across.json"))
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--schemas", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ks", default="1,2,4,8,16,32")
    a = ap.parse_args()
    ks = [int(x) for x in a.ks.split(",")]
    if max(ks) > a.schemas:
        sys.exit(f"schemas: --ks asks for {max(ks)} schemas; --schemas is {a.schemas}")
    c = Cluster(f"host={a.host} port={a.port} user=postgres dbname=postgres")
    doc = {"experiment": "read_across_schemas_against_schema_count", "families": ["j"], "versions": c.versions(), "settings": c.settings(SETTINGS),
           "machine": machine(), "method": __doc__.strip(), "rows_per_schema": 1000, "seconds_per_run": a.seconds, "runs": []}
    for i in range(1, a.schemas + 1):
        c.execute(f"DROP SCHEMA IF EXISTS lab_s{i} CASCADE")
    for i in range(1, a.schemas + 1):
        c.execute(f"SET citus.enable_schema_based_sharding TO on; CREATE SCHEMA lab_s{i}; "
                  f"CREATE TABLE lab_s{i}.orders (id bigint PRIMARY KEY, v int); "
                  f"INSERT INTO lab_s{i}.orders SELECT g, g % 97 FROM generate_series(1, 1000) g")
    doc["schema_nodes"] = {r[0]: r[1] for r in c.rows(
        "SELECT s.schema_name, sh.nodename || ':' || sh.nodeport FROM citus_schemas s JOIN citus_shards sh ON sh.colocation_id = s.colocation_id "
        "WHERE s.schema_name::text LIKE 'lab_s%' ORDER BY s.colocation_id")}
    doc["explain_across_4"] = "\n".join(r[0] for r in c.rows("EXPLAIN (COSTS OFF) " + union(4).replace(":id", "7").rstrip(";")))
    scripts = [("router", 1, "\\set id random(1, 1000)\nSELECT v FROM lab_s1.orders WHERE id = :id;")]
    scripts += [(f"across_{k}", k, "\\set id random(1, 1000)\n" + union(k)) for k in ks if k > 1]
    for repeat in range(1, a.repeats + 1):
        for name, k, script in scripts:
            print(f"schemas: {name}, repeat {repeat}", file=sys.stderr)
            tps, lat = pgbench(a.host, a.port, script, 1, a.seconds)
            doc["runs"].append({"query": name, "schemas_read": k, "repeat": repeat, "clients": 1, "tps": tps, "summary": summary(lat), "latencies_ms": lat})
            write_json(a.out, doc)
    for i in range(1, a.schemas + 1):
        c.execute(f"DROP SCHEMA IF EXISTS lab_s{i} CASCADE")
    print(f"schemas: wrote {a.out} ({len(doc['runs'])} runs)", file=sys.stderr)


if __name__ == "__main__":
    main()
