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
    return {k: t[k] for k in ("steps", "tokens", "seconds", "cpuSeconds", "valid_loss", "valid_acc") if k in t}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    m = load("eval_main.json") or {}
    res = {"cranfield": {k: m[k] for k in ("queries", "dense", "bm25", "ppmiSif") if k in m}}
    if "dense" in m and "bm25" in m:
        res["cranfield"]["denseOverBm25"] = round(m["dense"]["ndcg10"] / m["bm25"]["ndcg10"], 3)
    if "scitldrDev" in m:
        res["scitldrDev"] = m["scitldrDev"]
    abl = {}
    for name, ck in (("cfc", "abl_cfc"), ("cfcNoTs", "abl_cfc_nots"), ("ltc", "abl_ltc")):
        row = {"training": training_of(ck + ".pt")}
        full, short = load(f"eval_{ck}.json"), load(f"eval64_{ck}.json")
        if full:
            row["cranfieldNdcg10"] = full["dense"]["ndcg10"]
        if short:
            row["cranfieldNdcg10First64"] = short["dense"]["ndcg10"]
        abl[name] = row
    res["ablations"] = abl
    json.dump(res, open(a.out, "w"), indent=1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
