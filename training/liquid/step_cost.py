"""CPU seconds of one contrastive training step for the CfC and the LTC on the same batch of real pairs.

The equal-budget comparison: the CfC ablation's CPU time divided by the LTC's cost per step says how many LTC
steps that budget buys. usage: step_cost.py --train T.npz --ext E.npz --ppmi P.npz [--batch 8] --json OUT
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from liquid.model import LiquidEncoder  # noqa: E402
from liquid.train import Corpus, PairSampler, collate, info_nce, init_from_ppmi, pooled  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--ext", required=True)
    ap.add_argument("--ppmi", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1234)
    s = PairSampler({"train": Corpus(a.train), "ext": Corpus(a.ext)},
                    {"gloss": 0.15, "heading": 0.2, "ict": 0.25, "ext": 0.2, "ext_ict": 0.2}, 1234, 48, 24, 96)
    qt, qts, qm, pt, pts, pm, same = collate(s.batch(a.batch))
    tokens = qt.numel() + pt.numel()
    res = {"batch": a.batch, "tokens": tokens}
    for cell in ("cfc", "ltc"):
        m = LiquidEncoder(cell, 8192, 256, 256, 2, 256)
        init_from_ppmi(m, a.ppmi)
        m.train()
        c0 = time.process_time()
        loss, _ = info_nce(pooled(m, qt, qts, qm), pooled(m, pt, pts, pm), same, torch.tensor(20.0))
        loss.backward()
        cpu = time.process_time() - c0
        res[cell] = {"cpuSecondsPerStep": round(cpu, 2), "tokensPerCpuSecond": round(tokens / cpu, 1)}
        print(json.dumps(res), flush=True)
    res["cfcOverLtcTrainSpeed"] = round(res["ltc"]["cpuSecondsPerStep"] / res["cfc"]["cpuSecondsPerStep"], 1)
    print(json.dumps(res))
    if a.json:
        json.dump(res, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
