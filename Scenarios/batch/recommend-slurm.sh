#!/usr/bin/env bash
# A citus-sim sizing search as a Slurm job array: task N evaluates slice N of 8 of the candidates,
# then a dependent job merges the partial results into the advice (byte-identical to an
# unpartitioned run). Submit from the repository root with citus-sim on the PATH:
#
#   bash Scenarios/batch/recommend-slurm.sh Scenarios/sizing-saas.yaml 8 results
set -euo pipefail
scenario=${1:?scenario file}
parts=${2:-8}
results=${3:-results}
mkdir -p "$results"
array=$(sbatch --parsable --job-name=citus-sim-recommend --array="1-$parts" --cpus-per-task=2 --mem=2G \
  --output="$results/part-%a.log" \
  --wrap="citus-sim recommend '$scenario' --partition \${SLURM_ARRAY_TASK_ID}/$parts --out '$results'/part-\${SLURM_ARRAY_TASK_ID} --threads \${SLURM_CPUS_PER_TASK}")
sbatch --job-name=citus-sim-merge --dependency="afterok:$array" --cpus-per-task=2 --mem=2G --output="$results/merge.log" \
  --wrap="citus-sim merge '$results'/part-* --out '$results'/advice --threads 2"
echo "submitted array job $array ($parts partitions) and its merge; the advice lands in $results/advice/"
