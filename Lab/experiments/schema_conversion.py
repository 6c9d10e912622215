#!/usr/bin/env python3
"""Lab experiment family k: how long citus_schema_undistribute and citus_schema_distribute take.

With `citus.enable_schema_based_sharding` on, a schema `lab_conv` with one table
`orders (id bigint primary key, v int, pad text)` is filled to about each --mib size (the
table's shard size, index included, is read from `citus_shards`). Then, --repeats times:
`citus_schema_undistribute('lab_conv')` (the rows are copied from the schema's worker into a new
local table on the coordinator and the shard dropped), then `citus_schema_distribute('lab_conv')`
(the rows are copied back into a new single-shard table on the node Citus picks), each timed with
psql; psql's own start-up (`SELECT 1`, timed the same way, the median of 10) is recorded apart.
Nothing else runs meanwhile.

Usage: Lab/experiments/schema_conversion.py [--host H] [--port P] [--out FILE] [--mib 64,256] [--repeats 2]
Never point it at production: it drops and creates the schema `lab_conv`.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labsql import Cluster, machine, write_json  # noqa: E402

SETTINGS = ["citus.node_conninfo", "citus.max_adaptive_executor_pool_size", "shared_buffers", "max_wal_size", "wal_level"]
ROW_BYTES = 140  # heap tuple with a 100-byte pad, plus its index entry, roughly


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9700)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "measured", "schema_conversion.json"))
    ap.add_argument("--mib", default="64,256")
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    c = Cluster(f"host={a.host} port={a.port} user=postgres dbname=postgres")
    psql = statistics.median(c.timed("SELECT 1") for _ in range(10))
    doc = {"experiment": "schema_distribute_and_undistribute", "families": ["k"], "versions": c.versions(), "settings": c.settings(SETTINGS),
           "machine": machine(), "method": __doc__.strip(), "psql_overhead_s": round(psql, 4), "runs": []}
    for mib in [int(x) for x in a.mib.split(",")]:
        c.execute("DROP SCHEMA IF EXISTS lab_conv CASCADE")
        rows = mib * 1_048_576 // ROW_BYTES
        c.execute("SET citus.enable_schema_based_sharding TO on; CREATE SCHEMA lab_conv; "
                  "CREATE TABLE lab_conv.orders (id bigint PRIMARY KEY, v int, pad text); "
                  f"INSERT INTO lab_conv.orders SELECT g, g % 97, repeat('x', 100) FROM generate_series(1, {rows}) g")
        c.execute("VACUUM ANALYZE lab_conv.orders")
        for repeat in range(1, a.repeats + 1):
            size, node = c.rows("SELECT shard_size, nodename || ':' || nodeport FROM citus_shards WHERE table_name = 'lab_conv.orders'::regclass")[0]
            print(f"schema_conversion: {mib} MiB, repeat {repeat}: undistribute", file=sys.stderr)
            undistribute = c.timed("SELECT citus_schema_undistribute('lab_conv')")
            local = c.value("SELECT pg_total_relation_size('lab_conv.orders')")
            print(f"schema_conversion: {mib} MiB, repeat {repeat}: distribute", file=sys.stderr)
            distribute = c.timed("SELECT citus_schema_distribute('lab_conv')")
            target = c.value("SELECT nodename || ':' || nodeport FROM citus_shards WHERE table_name = 'lab_conv.orders'::regclass")
            # The local rows distributing left on the coordinator, as Citus's NOTICE advises.
            c.execute("SELECT truncate_local_data_after_distributing_table('lab_conv.orders')")
            doc["runs"].append({"target_mib": mib, "repeat": repeat, "rows": rows, "shard_bytes": int(size), "local_bytes": int(local),
                                "worker_before": node, "worker_after": target,
                                "undistribute_wall_s": round(undistribute, 4), "distribute_wall_s": round(distribute, 4)})
            write_json(a.out, doc)
    c.execute("DROP SCHEMA IF EXISTS lab_conv CASCADE")
    print(f"schema_conversion: wrote {a.out} ({len(doc['runs'])} runs)", file=sys.stderr)


if __name__ == "__main__":
    main()
