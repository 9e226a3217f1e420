"""Write a trained encoder to models/liquid/ as the contract describes (/work/notes/model-contract.md).

    manifest.json   name, version, sizes, ts values, pooling, training facts, metrics
    cfc.onnx        fp32, ONNX Loop over time, inputs tokens/ts/state, outputs features/new_state
    tokenizer.json  copied as is
    reference.json  parity vectors from PyTorch for the shipped model (zero and non-zero state, and a
                    chunked stream), plus a tiny CfC encoder (vocab 16, 1 layer, 3 units) with all its raw
                    weights, the matching tiny.onnx, and its outputs, for a plain-TypeScript CfC check.
"""
import datetime
import hashlib
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from liquid.export import export_onnx  # noqa: E402
from liquid.model import LiquidEncoder  # noqa: E402

TS = {"token": 1.0, "sentence": 2.0, "paragraph": 4.0, "page": 8.0}


def r(t: torch.Tensor, nd: int = 7):
    return [round(float(x), nd) for x in t.detach().flatten().tolist()]


def case(model: LiquidEncoder, name: str, tokens: torch.Tensor, ts: torch.Tensor, state: torch.Tensor) -> dict:
    with torch.no_grad():
        f, ns = model(tokens, ts, state)
    return {
        "name": name, "shape": {"B": tokens.size(0), "T": tokens.size(1), "L": state.size(1), "H": state.size(2), "D": f.size(2)},
        "tokens": tokens.flatten().tolist(), "ts": r(ts), "state": r(state), "features": r(f), "new_state": r(ns),
    }


def tiny_reference(out_dir: str) -> dict:
    """A 1-layer CfC encoder small enough to print every weight. Its outputs come from the per-step
    CfCCell.forward (the ncps-shaped equations), so they also check that the exported scan() is the same math."""
    g = torch.Generator().manual_seed(7)
    tiny = LiquidEncoder("cfc", vocab=16, embed_dim=4, hidden=3, layers=1, feature_dim=5, backbone_units=5).eval()
    with torch.no_grad():
        for p in tiny.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    export_onnx(tiny, os.path.join(out_dir, "tiny.onnx"))
    tokens = torch.tensor([[1, 5, 9, 2, 15, 0, 7], [3, 3, 4, 11, 12, 6, 8]])
    ts = torch.tensor([[8.0, 1, 1, 2, 1, 4, 1], [2.0, 1, 1, 1, 1, 1, 1]])
    state = torch.zeros(2, 1, 3)
    cell = tiny.cells[0]
    with torch.no_grad():
        e = tiny.embed(tokens)
        h = state[:, 0]
        hs = []
        for i in range(tokens.size(1)):
            _, h = cell(e[:, i], h, ts[:, i : i + 1])
            hs.append(h)
        hs = torch.stack(hs, 1)
        feats = tiny.out(torch.cat([e * tiny.skip_gain(tokens), hs], 2))
        f2, _ = tiny(tokens, ts, state)
        assert torch.allclose(feats, f2, atol=1e-6), "scan() differs from the per-step cell"
    sd = {k: {"shape": list(v.shape), "data": r(v)} for k, v in tiny.state_dict().items()}
    return {
        "onnx": "tiny.onnx",
        "config": {"vocab": 16, "embedDim": 4, "hidden": 3, "layers": 1, "featureDim": 5, "backboneUnits": 5},
        "equations": "e = embed[tokens]; x=[e_t, h]; z = 1.7159*tanh(0.666*(backbone.weight x + backbone.bias)); "
        "ff1 = tanh(ff1.weight z + b); ff2 = tanh(ff2.weight z + b); t = sigmoid((time_a.weight z + b)*ts + (time_b.weight z + b)); "
        "h' = ff1*(1-t) + t*ff2; features = out.weight [e * skip_gain[token]; h] + out.bias. Linear weights are [out, in] "
        "(PyTorch layout); 'hidden' holds h for every step, [B,T,H].",
        "weights": {k.replace("cells.0.", "cell."): v for k, v in sd.items()},
        "tokens": tokens.flatten().tolist(), "ts": r(ts), "state": r(state),
        "shape": {"B": 2, "T": 7, "L": 1, "H": 3, "D": 5},
        "hidden": r(hs), "features": r(feats),
    }


def ship(model: LiquidEncoder, tokenizer_path: str, out_dir: str, training: dict, metrics: dict, extra: dict = None) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    onnx_path = os.path.join(out_dir, "cfc.onnx")
    export_onnx(model, onnx_path)
    shutil.copyfile(tokenizer_path, os.path.join(out_dir, "tokenizer.json"))
    L, H = model.num_layers, model.hidden
    g = torch.Generator().manual_seed(1234)
    V = model.vocab
    tok = torch.randint(2, V, (2, 12), generator=g)
    ts = torch.ones(2, 12)
    ts[:, 0] = TS["page"]
    ts[0, 5] = TS["sentence"]
    ts[1, 8] = TS["paragraph"]
    st = torch.randn(2, L, H, generator=g) * 0.3
    cases = [case(model, "zero-state", tok, ts, torch.zeros(2, L, H)), case(model, "carried-state", tok, ts, st)]
    # chunked streaming: the same 12 tokens in chunks of 5 + 7 must equal one call
    with torch.no_grad():
        f_all, s_all = model(tok[:1], ts[:1], torch.zeros(1, L, H))
        f1, s1 = model(tok[:1, :5], ts[:1, :5], torch.zeros(1, L, H))
        f2, s2 = model(tok[:1, 5:], ts[:1, 5:], s1)
        assert torch.allclose(torch.cat([f1, f2], 1), f_all, atol=1e-5)
        assert torch.allclose(s2, s_all, atol=1e-5)
    ref = {
        "note": "PyTorch outputs of cfc.onnx for fixed inputs; arrays are row-major flattened. 'chunks' says how "
        "the first row of zero-state streams in two calls with the same result.",
        "cases": cases,
        "chunks": [5, 7],
        "tiny": tiny_reference(out_dir),
    }
    json.dump(ref, open(os.path.join(out_dir, "reference.json"), "w"))
    digest = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()[:8]
    day = datetime.datetime.utcnow().strftime("%Y%m%d")
    manifest = {
        "name": "elegans-cfc",
        "version": f"cfc-{day}-{digest}",
        "cell": model.cell_type,
        "vocabSize": model.vocab,
        "embedDim": model.embed_dim,
        "layers": L,
        "hidden": H,
        "featureDim": model.feature_dim,
        "files": {"onnx": "cfc.onnx", "tokenizer": "tokenizer.json", "reference": "reference.json", "tinyOnnx": "tiny.onnx"},
        "ts": TS,
        "pooling": "mean",
        "queryPrefix": None,
        "specialTokens": {"pad": 0, "unk": 1},
        "parameters": sum(p.numel() for p in model.parameters()),
        "training": training,
        "metrics": metrics,
    }
    if extra:
        manifest.update(extra)
    json.dump(manifest, open(os.path.join(out_dir, "manifest.json"), "w"), indent=2, allow_nan=False)  # JSON.parse-safe
    return manifest


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", help="checkpoint from train.py; omit to ship random init")
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--metrics", help="json file with metrics to embed")
    ap.add_argument("--training", help="json file whose 'training' object replaces the checkpoint's (multi-stage totals)")
    a = ap.parse_args()
    torch.manual_seed(1234)
    if a.ckpt:
        ck = torch.load(a.ckpt, map_location="cpu")
        from liquid.model import build

        m = build(ck["config"])
        m.load_state_dict(ck["model"])
        training = ck.get("training", {})
    else:
        vocab = len(json.load(open(a.tokenizer))["model"]["vocab"])
        m = LiquidEncoder("cfc", vocab=vocab, embed_dim=256, hidden=256, layers=2, feature_dim=256)
        training = {"tokens": 0, "seconds": 0, "seed": 1234, "note": "random init: placeholder drop for integration"}
    metrics = json.load(open(a.metrics)) if a.metrics else {}
    if a.training:
        training = json.load(open(a.training))["training"]
    metrics.pop("training", None)
    print(json.dumps(ship(m, a.tokenizer, a.out, training, metrics), indent=1))
