#!/usr/bin/env bash
# Slurm training: bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args]
# Env: NODES (default 1), GPUS_PER_NODE (default 8), CPUS_PER_TASK (default 5),
# PORT (default 29500), SRUN_ARGS (extra srun flags).
# srun starts one torchrun per node; torchrun starts GPUS_PER_NODE processes
# and the first node of the allocation is the rendezvous host.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 PARTITION JOB_NAME CONFIG WORK_DIR [extra tools/train.py arguments]" >&2
  exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
NODES=${NODES:-1}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
PORT=${PORT:-29500}
SRUN_ARGS=${SRUN_ARGS:-""}
DIR="$(cd "$(dirname "$0")" && pwd)"
PYTHON=${PYTHON:-python}
EXTRA=$(printf ' %q' "${@:5}")

PYTHONPATH="$DIR/..:${PYTHONPATH:-}" \
srun -p "$PARTITION" --job-name="$JOB_NAME" --nodes="$NODES" \
    --ntasks-per-node=1 --gres=gpu:"$GPUS_PER_NODE" \
    --cpus-per-task=$((CPUS_PER_TASK * GPUS_PER_NODE)) --kill-on-bad-exit=1 \
    $SRUN_ARGS bash -c "
      MASTER=\$(scontrol show hostnames \"\$SLURM_JOB_NODELIST\" | head -n 1)
      exec \"$PYTHON\" -m torch.distributed.run \
        --nnodes=$NODES --node_rank=\$SLURM_NODEID --master_addr=\$MASTER \
        --master_port=$PORT --nproc_per_node=$GPUS_PER_NODE \
        \"$DIR/train.py\" \"$CONFIG\" --work-dir=\"$WORK_DIR\" \
        --launcher pytorch $EXTRA"
