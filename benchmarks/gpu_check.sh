#!/usr/bin/env bash
# One prepared GPU check for MammoGAN training: about 5 minutes on one H100/H200, 8 at most
# (the timeouts below add up to 470 s), and SMALL_DATA=1 adds the small-data benchmark at the
# paper's size (about 6 minutes more, 600 s at most). Needs only what the GPU image has (python3 with torch,
# numpy, pillow, pytest); installs nothing. Run from anywhere:
#   bash benchmarks/gpu_check.sh        (JSON lines in $OUT, else .bench/, and on stdout)
# 1. our trainer vs the plain fp32 eager batch-64 loop of the same model, in one process:
#    dcgan at batch 64 (the user's), 128 and 512, the whole train() at batch 64 (grids and
#    metrics share, target < 0.1), bf16 vs fp32 losses over 300 steps; alyafi2020 at 64;
#    dcgan with torch.compile default (b128) and reduce-overhead = CUDA graphs (b64; the lever
#    at batch 64, which is launch-bound); compile failures fall back to eager and say so
# 2. the CUDA tests: bf16 training, compile fallback, models, resume (tests/core)
# 3. (SMALL_DATA=1) bench_small_data.py: the seed's recipe, DiffAugment, DiffAugment + ADA at
#    50, 200 and 1,000 film-phantom masses, the seed's widths at batch 64, 3,000 steps each
#    (rendering the masses needs pydicom; a film_masses_seed0_n1300.npy from an earlier run
#    of the benchmark, copied into $OUT, skips it)
set -u
cd "$(dirname "$0")/.." || exit 1
PY=${PYTHON:-python3}
OUT=${OUT:-.bench}
mkdir -p "$OUT"
# The benchmark imports mammogan_core from this checkout (it need not be installed).
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available())"

run() {  # name, timeout seconds, command...
  local name=$1 limit=$2; shift 2
  echo "== $name"
  timeout "$limit" "$@" 2>&1 | tee "$OUT/$name.jsonl"
  echo "== $name exit ${PIPESTATUS[0]}"
}
BENCH="$PY benchmarks/bench_training.py --device cuda --seconds 8"
run bench_dcgan 120 $BENCH --preset dcgan --batch 64 --sizes 128,512 --end-to-end \
  --sanity-steps 300
run bench_alyafi2020 50 $BENCH --preset alyafi2020 --batch 64 --sizes ""
run bench_dcgan_compile 120 $BENCH --preset dcgan --batch 128 --sizes "" --compile default
run bench_dcgan_cudagraphs 120 $BENCH --preset dcgan --batch 64 --sizes "" \
  --compile reduce-overhead
run tests 60 $PY -m pytest -q -p no:cacheprovider tests/core/test_models.py \
  tests/core/test_train.py
if [ "${SMALL_DATA:-0}" = 1 ]; then
  run bench_small_data 600 $PY benchmarks/bench_small_data.py --device cuda --paper-size \
    --batch 64 --steps 3000 --samples 1000 --reference 300 --cache "$OUT"
fi
