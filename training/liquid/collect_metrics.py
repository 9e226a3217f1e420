"""Gather evaluation JSONs from training/out into one metrics object (embedded in manifest.json)."""
import argparse
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "out")


def load(name):
    p = os.path.join(OUT, name)
    return json.load(open(p)) if os.path.exists(p) else None


def training_of(ckpt):
    p = os.path.join(OUT, ckpt)
    if not os.path.exists(p):
        return None
    t = torch.load(p, map_location="cpu")["training"]
    return {k: (None if isinstance(t[k], float) and t[k] != t[k] else t[k]) for k in ("steps", "tokens", "seconds", "cpuSeconds", "valid_loss", "valid_acc") if k in t}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--carry", help="a shipped manifest.json: ablation rows this build did not run are copied from its "
                                    "metrics and marked carried (SKIP_ABLATIONS=1 rebuilds of the shipped model)")
    a = ap.parse_args()
    m = load("eval_main.json") or {}
    res = {"cranfield": {k: m[k] for k in ("queries", "dense", "bm25", "hybrid03", "ppmiSif") if k in m}}
    if "dense" in m and "bm25" in m:
        res["cranfield"]["denseOverBm25"] = round(m["dense"]["ndcg10"] / m["bm25"]["ndcg10"], 3)
    if "scitldrDev" in m:
        res["scitldrDev"] = m["scitldrDev"]
    abl = {}
    for name, ck in (("cfc", "abl_cfc"), ("cfcNoTs", "abl_cfc_nots"), ("ltc", "abl_ltc"), ("stage3WithoutHardNegatives", "abl_stage3_nohard")):
        row = {"training": training_of(ck + ".pt")}
        full, short = load(f"eval_{ck}.json"), load(f"eval32_{ck}.json")
        if full:
            row["cranfieldNdcg10"] = full["dense"]["ndcg10"]
            if "scitldrDev" in full:
                row["scitldrDevMrr10"] = full["scitldrDev"]["mrr10"]
        if short:
            row["cranfieldNdcg10First32"] = short["dense"]["ndcg10"]
        abl[name] = row
    sc = load("step_cost.json")
    if sc:
        abl["ltc"]["stepCost"] = sc
    if a.carry and os.path.exists(a.carry):
        old = (json.load(open(a.carry)).get("metrics") or {}).get("ablations") or {}
        for name, row in abl.items():
            if row.get("training") is None and name in old:
                abl[name] = {**old[name], "carried": True}
    res["ablations"] = abl
    stages = [t for t in (training_of(c) for c in ("main_cfc.pt", "stage2.pt", "stage3.pt")) if t]
    res["training"] = {"stages": stages, "steps": sum(t["steps"] for t in stages), "tokens": sum(t["tokens"] for t in stages),
                       "seconds": sum(t["seconds"] for t in stages), "cpuSeconds": sum(t.get("cpuSeconds", 0) for t in stages),
                       "seed": 1234, "batch": 64}
    json.dump(res, open(a.out, "w"), indent=1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
