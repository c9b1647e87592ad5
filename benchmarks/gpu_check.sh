#!/usr/bin/env bash
# One prepared GPU check for MammoGAN training (< 8 minutes on one H100). Run from anywhere:
#   bash benchmarks/gpu_check.sh            (results: JSON lines in $OUT or .bench/, and stdout)
# 1. the trainer vs the plain fp32 eager batch-64 loop: dcgan at batch 64, 128, 512 (+ bf16 vs
#    fp32 sanity); alyafi2020 at batch 64; dcgan at 128 with torch.compile (fallback logged)
# 2. the GPU-relevant tests (CUDA training smoke, compile fallback, models, resume)
set -u
cd "$(dirname "$0")/.." || exit 1
PY=${PYTHON:-python}
OUT=${OUT:-.bench}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available())"

run() {  # name, timeout seconds, command...
  local name=$1 limit=$2; shift 2
  echo "== $name"
  timeout "$limit" "$@" 2>&1 | tee "$OUT/$name.jsonl"
  echo "== $name exit ${PIPESTATUS[0]}"
}
run bench_dcgan 150 $PY benchmarks/bench_training.py --preset dcgan --batch 64 --sizes 128,512 \
  --seconds 10 --sanity-steps 300
run bench_alyafi2020 70 $PY benchmarks/bench_training.py --preset alyafi2020 --batch 64 --sizes "" \
  --seconds 10
run bench_dcgan_compile 150 $PY benchmarks/bench_training.py --preset dcgan --batch 128 --sizes "" \
  --seconds 10 --compile default
run tests 90 $PY -m pytest -q -p no:cacheprovider tests/core/test_models.py tests/core/test_train.py
