-- citus-sim scale-out schedule for sizing-scale-out-schedule (3 x general-4, 32 shards, pool 16, shared pool default, max_connections 1000)
-- start at 9h, 2 executors per node, colocated shards in parallel, auto
-- Expected duration 110 s (110–111 s); objectives during it: tenant_lookup p99 29.2 ms (target 60.0 ms), tenant_update p99 12.8 ms (target 60.0 ms), timeout or error rate 0.0% (target 0.1%)
-- Instants are on the workload's clock (the scenario's rate curve; 0 = its start). A block's `at` is also a timeline `at`.
-- Before: max_worker_processes >= 12 on the coordinator (a restart setting).

-- at 9h (09:00 on the workload's clock; rate 1906/s)
SELECT citus_add_node('worker-4', 5432);
SELECT citus_add_node('worker-5', 5432);
ALTER SYSTEM SET citus.max_background_task_executors = 10;
ALTER SYSTEM SET citus.max_background_task_executors_per_node = 2;
SELECT pg_reload_conf();
SELECT citus_rebalance_start(parallel_transfer_colocated_shards := true);

-- then wait for the job: SELECT citus_rebalance_wait();  or watch SELECT * FROM citus_rebalance_status();
