-- Scale out: worker-3 was added; rebalance by shard count, then isolate the biggest tenant.
SET citus.shard_count TO 8;
SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count');
SELECT citus_rebalance_wait();
SELECT isolate_tenant_to_new_shard('events', 42, 'CASCADE', shard_transfer_mode => 'block_writes');
