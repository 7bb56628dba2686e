# Sourced by mmdet_transfer.sh and dist_mmdet_transfer.sh (which define
# usage() and DIR first): their shared argument parsing, paths and backbone
# export.

# parse_transfer_args GPUS_LABEL "$@": --help, then CHECKPOINT CONFIG [GPUS]
# [options]; sets CHECKPOINT, CONFIG, GPUS (argument 3 or $GPUS, a positive
# integer; GPUS_LABEL names it in the error) and OPTIONS (the rest).
parse_transfer_args() {
  local label=$1
  shift
  case "${1:-}" in
    -h|--help) usage; exit 0 ;;
  esac
  if [ $# -lt 2 ]; then
    echo "usage: bash $0 CHECKPOINT CONFIG [GPUS] [mmdet_train.py options] (--help for more)" >&2
    exit 2
  fi
  CHECKPOINT=$1
  CONFIG=$2
  if [ $# -ge 3 ] && [[ "$3" != -* ]]; then
    GPUS=$3
    shift 3
  else
    GPUS=${GPUS:-}
    shift 2
  fi
  if ! [[ "$GPUS" =~ ^[1-9][0-9]*$ ]]; then
    echo "$0: $label must be a positive integer (argument 3 or \$GPUS), got '$GPUS'" >&2
    exit 2
  fi
  OPTIONS=("$@")
}

# transfer_paths: PYTHON, WORK_DIR (default work_dirs/transfer/<config
# name>) and PYTHONPATH (the checkout first).
transfer_paths() {
  PYTHON=${PYTHON:-python}
  WORK_DIR=${WORK_DIR:-work_dirs/transfer/$(basename "$CONFIG" .py)}
  export PYTHONPATH="$DIR/../..:${PYTHONPATH:-}"
}

# export_backbone: WORK_DIR/backbone.pth from CHECKPOINT (ENCODER, PREFIX).
export_backbone() {
  mkdir -p "$WORK_DIR"
  "$PYTHON" "$DIR/../model_converters/extract_backbone.py" "$CHECKPOINT" \
      "$WORK_DIR/backbone.pth" --encoder "${ENCODER:-online}" \
      ${PREFIX:+--prefix "$PREFIX"}
}
