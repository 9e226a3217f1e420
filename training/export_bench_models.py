#!/usr/bin/env python3
"""Exports RANDOM-weight ONNX models used only by `elegans bench model` for speed/memory comparison.

Nothing here is trained and nothing here ships: the outputs go to a git-ignored cache
(default .cache/bench-models/). Needs Debian's python3-torch (torch 1.13); `npm test` never runs it.

  (a) decoder-kv.onnx   a decoder-only transformer with (about) the same parameter count as the shipped
                        CfC, the same width, depth and vocabulary (its FFN width takes the remaining budget),
                        and an explicit KV cache for incremental decoding:
                          inputs  input_ids int64 [B,T], past_key/past_value float32 [layers,B,heads,T_past,dh]
                          outputs hidden float32 [B,T,d], present_key/present_value [layers,B,heads,T_past+T,dh]
  (b) minilm-shaped.onnx a BERT encoder shaped like all-MiniLM-L6-v2 (6 layers, 384 wide, 12 heads,
                        1536 FFN, 30522 vocab, 512 positions: ~22.7M parameters):
                          inputs input_ids, attention_mask int64 [B,T]; output last_hidden_state [B,T,384]
  (c) ltc.onnx          an LTC encoder (ncps semantics, 6 semi-implicit Euler unfolds per step) at the same
                        size as the CfC, with the CfC's ONNX signature (tokens, ts, state -> features, new_state).
                        Uses training/liquid (LiquidEncoder(cell='ltc')) when it is importable, otherwise the
                        standalone LTC below.

Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 training/export_bench_models.py [--manifest models/liquid/manifest.json]
       [--out .cache/bench-models]
"""
import argparse
import json
import math
import os
import sys
import time
from typing import List

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- (a) decoder-only transformer with KV cache
class DecoderLayer(nn.Module):
    def __init__(self, d: int, heads: int, ffn: int):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)

    def forward(self, x, past_k, past_v, mask):
        b, t, d = x.size(0), x.size(1), x.size(2)
        qkv = self.qkv(self.ln1(x)).reshape(b, t, 3, self.heads, self.dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        k = torch.cat([past_k, k], 2)
        v = torch.cat([past_v, v], 2)
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.dh) + mask, -1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        x = x + self.fc2(torch.nn.functional.gelu(self.fc1(self.ln2(x))))
        return x, k, v


class KVDecoder(nn.Module):
    def __init__(self, vocab: int, d: int, heads: int, layers: int, ffn: int):
        super().__init__()
        self.d = d
        self.embed = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList([DecoderLayer(d, heads, ffn) for _ in range(layers)])
        self.lnf = nn.LayerNorm(d)

    def forward(self, input_ids, past_key, past_value):
        # Sizes as tensors so the traced graph stays dynamic in both the new length and the cache length.
        new_pos = torch.cumsum(torch.ones_like(input_ids[0], dtype=torch.float32), 0) - 1.0  # [T]
        past_cols = torch.zeros_like(past_key[0, 0, 0, :, 0])  # [T_past]
        t_past = torch.sum(torch.ones_like(past_cols))
        # Sinusoidal positions from the cache length: no position table, so any context length works.
        pos = new_pos + t_past
        freq = torch.exp(torch.arange(0, self.d, 2, dtype=torch.float32) * (-math.log(10000.0) / self.d))
        ang = pos[:, None] * freq[None, :]
        pe = torch.stack([torch.sin(ang), torch.cos(ang)], 2).reshape(-1, self.d)
        x = self.embed(input_ids) + pe[None]
        # Causal mask over [past | new]: new token i sees every past token and new tokens j <= i.
        future = (new_pos[None, :] > new_pos[:, None]).float() * -1e4
        mask = torch.cat([past_cols[None, :] + new_pos[:, None] * 0.0, future], 1)
        keys: List[torch.Tensor] = []
        values: List[torch.Tensor] = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, past_key[i], past_value[i], mask)
            keys.append(k)
            values.append(v)
        return self.lnf(x), torch.stack(keys, 0), torch.stack(values, 0)


def decoder_params(vocab: int, d: int, layers: int, ffn: int) -> int:
    per_layer = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * ffn + ffn) + (ffn * d + d)
    return vocab * d + layers * per_layer + 2 * d


def size_decoder(target: int, vocab: int, d: int, layers: int):
    """Same width (d), depth (layers) and embedding table as the CfC; the FFN width absorbs the rest of the
    parameter budget so the counts match. KV cache: layers * 2 * d * 4 bytes per token."""
    base = decoder_params(vocab, d, layers, 0)
    ffn = max(64, round((target - base) / (layers * (2 * d + 1))))
    return layers, ffn


# ---------------------------------------------------------------- (b) MiniLM-shaped BERT encoder
class BertLayer(nn.Module):
    def __init__(self, d: int, heads: int, ffn: int):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln1 = nn.LayerNorm(d, eps=1e-12)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, bias):
        b, t, d = x.size(0), x.size(1), x.size(2)
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, self.dh).permute(2, 0, 3, 1, 4)
        att = torch.softmax(torch.matmul(qkv[0], qkv[1].transpose(2, 3)) / math.sqrt(self.dh) + bias, -1)
        y = torch.matmul(att, qkv[2]).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(x + self.out(y))
        return self.ln2(x + self.fc2(torch.nn.functional.gelu(self.fc1(x))))


class MiniLMShaped(nn.Module):
    def __init__(self, vocab=30522, d=384, heads=12, layers=6, ffn=1536, max_pos=512):
        super().__init__()
        self.word = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(max_pos, d)
        self.token_type = nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.layers = nn.ModuleList([BertLayer(d, heads, ffn) for _ in range(layers)])
        self.pooler = nn.Linear(d, d)  # counted like the real model's pooler; unused by mean pooling

    def forward(self, input_ids, attention_mask):
        t = input_ids.size(1)
        pos = torch.arange(t)[None, :]
        x = self.ln(self.word(input_ids) + self.pos(pos) + self.token_type(torch.zeros_like(input_ids)))
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        return x


# ---------------------------------------------------------------- (c) LTC fallback (ncps semantics)
class LTCCell(nn.Module):
    """ncps LTCCell, fully connected wiring, 6 fused semi-implicit Euler unfolds per step.
    Constraints as in ncps: softplus on w, sensory_w, cm, gleak (the 'implicit' parametrisation)."""

    def __init__(self, input_size: int, hidden: int, unfolds: int = 6):
        super().__init__()
        self.unfolds = unfolds
        u = lambda *s, lo=0.0, hi=1.0: nn.Parameter(torch.rand(*s) * (hi - lo) + lo)  # noqa: E731
        self.gleak = u(hidden, lo=0.001, hi=1.0)
        self.vleak = u(hidden, lo=-0.2, hi=0.2)
        self.cm = u(hidden, lo=0.4, hi=0.6)
        self.sigma = u(hidden, hidden, lo=3, hi=8)
        self.mu = u(hidden, hidden, lo=0.3, hi=0.8)
        self.w = u(hidden, hidden, lo=0.001, hi=1.0)
        self.erev = nn.Parameter(torch.sign(torch.randn(hidden, hidden)))
        self.sensory_sigma = u(input_size, hidden, lo=3, hi=8)
        self.sensory_mu = u(input_size, hidden, lo=0.3, hi=0.8)
        self.sensory_w = u(input_size, hidden, lo=0.001, hi=1.0)
        self.sensory_erev = nn.Parameter(torch.sign(torch.randn(input_size, hidden)))
        self.input_w = nn.Parameter(torch.ones(input_size))
        self.input_b = nn.Parameter(torch.zeros(input_size))

    def forward(self, x: torch.Tensor, v: torch.Tensor, ts: torch.Tensor) -> torch.Tensor:
        sp = torch.nn.functional.softplus
        x = x * self.input_w + self.input_b
        s_act = sp(self.sensory_w) * torch.sigmoid((x[:, :, None] - self.sensory_mu) * self.sensory_sigma)
        num_s = torch.sum(s_act * self.sensory_erev, 1)
        den_s = torch.sum(s_act, 1)
        cm_t = sp(self.cm) / (ts / float(self.unfolds))
        w = sp(self.w)
        gleak = sp(self.gleak)
        for _ in range(self.unfolds):
            act = w * torch.sigmoid((v[:, :, None] - self.mu) * self.sigma)
            num = cm_t * v + gleak * self.vleak + torch.sum(act * self.erev, 1) + num_s
            den = cm_t + gleak + torch.sum(act, 1) + den_s
            v = num / (den + 1e-8)
        return v


class LTCEncoder(nn.Module):
    def __init__(self, vocab: int, embed: int, hidden: int, layers: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.cells = nn.ModuleList([LTCCell(embed if i == 0 else hidden, hidden) for i in range(layers)])

    def forward(self, tokens: torch.Tensor, ts: torch.Tensor, state: torch.Tensor):
        emb = self.embed(tokens)
        hs: List[torch.Tensor] = [state[:, i] for i in range(state.size(1))]
        outs: List[torch.Tensor] = []
        for t in range(tokens.size(1)):
            x = emb[:, t]
            dt = ts[:, t : t + 1]
            i = 0
            for cell in self.cells:
                x = cell(x, hs[i], dt)
                hs[i] = x
                i += 1
            outs.append(x)
        return torch.stack(outs, 1), torch.stack(hs, 1)


# ---------------------------------------------------------------- helpers
def n_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def init_transformer(m: nn.Module):
    for p in m.parameters():
        if p.dim() > 1:
            nn.init.normal_(p, std=0.02)


def try_training_encoder(cell: str, manifest: dict):
    """LiquidEncoder from training/liquid, sized like the shipped model, or None when unavailable."""
    sys.path.insert(0, ROOT)
    try:
        from training.liquid.model import LiquidEncoder  # type: ignore
    except Exception as e:  # noqa: BLE001 - any import problem means: use the fallback
        print(f"training.liquid not importable ({e}); using the standalone {cell.upper()}", file=sys.stderr)
        return None
    cfg = dict(manifest.get("config") or {})
    kwargs = dict(vocab=cfg.get("vocab", manifest["vocabSize"]), embed_dim=cfg.get("embed_dim", manifest["embedDim"]),
                  hidden=cfg.get("hidden", manifest["hidden"]), layers=cfg.get("layers", manifest["layers"]),
                  feature_dim=cfg.get("feature_dim", manifest.get("featureDim", manifest["hidden"])))
    if "backbone_units" in cfg or "backboneUnits" in manifest:
        kwargs["backbone_units"] = cfg.get("backbone_units", manifest.get("backboneUnits"))
    try:
        return LiquidEncoder(cell=cell, **kwargs)
    except TypeError as e:
        print(f"LiquidEncoder signature mismatch ({e}); using the standalone {cell.upper()}", file=sys.stderr)
        return None


def export_liquid(model: nn.Module, path: str, layers: int, hidden: int):
    sys.path.insert(0, ROOT)
    try:
        from training.liquid.export import export_onnx  # type: ignore

        try:
            export_onnx(model, path)
            return "training.liquid.export.export_onnx"
        except TypeError:
            pass
    except Exception:  # noqa: BLE001
        pass
    scripted = torch.jit.script(model)
    tokens = torch.zeros(1, 3, dtype=torch.long)
    torch.onnx.export(
        scripted, (tokens, torch.ones(1, 3), torch.zeros(1, layers, hidden)), path,
        input_names=["tokens", "ts", "state"], output_names=["features", "new_state"],
        dynamic_axes={"tokens": {0: "B", 1: "T"}, "ts": {0: "B", 1: "T"}, "state": {0: "B"},
                      "features": {0: "B", 1: "T"}, "new_state": {0: "B"}},
        opset_version=14,
    )
    return "torch.jit.script + torch.onnx.export"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", default=os.path.join(ROOT, "models/liquid/manifest.json"))
    ap.add_argument("--out", default=os.path.join(ROOT, ".cache/bench-models"))
    ap.add_argument("--cfc-params", type=int, default=0, help="override the CfC parameter count")
    args = ap.parse_args()
    torch.manual_seed(1234)
    with open(args.manifest) as f:
        manifest = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    info = {"cfcVersion": manifest.get("version"), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    # CfC parameter count: manifest if it says, else the training module, else the ONNX size (fp32 weights).
    cfc_params = args.cfc_params or manifest.get("parameters") or (manifest.get("training") or {}).get("parameters")
    if not cfc_params:
        cfc = try_training_encoder("cfc", manifest)
        if cfc is not None:
            cfc_params = n_params(cfc)
    if not cfc_params:
        onnx_path = os.path.join(os.path.dirname(args.manifest), manifest["files"]["onnx"])
        cfc_params = os.path.getsize(onnx_path) // 4
    info["cfcParams"] = int(cfc_params)

    vocab = manifest["vocabSize"]
    d = manifest["hidden"]
    heads = max(1, d // 64)
    layers, ffn = size_decoder(int(cfc_params), vocab, d, manifest["layers"])
    dec = KVDecoder(vocab, d, heads, layers, ffn).eval()
    init_transformer(dec)
    ids = torch.zeros(1, 2, dtype=torch.long)
    past = torch.zeros(layers, 1, heads, 3, d // heads)
    torch.onnx.export(
        dec, (ids, past, past.clone()), os.path.join(args.out, "decoder-kv.onnx"),
        input_names=["input_ids", "past_key", "past_value"], output_names=["hidden", "present_key", "present_value"],
        dynamic_axes={"input_ids": {0: "B", 1: "T"}, "past_key": {1: "B", 3: "P"}, "past_value": {1: "B", 3: "P"},
                      "hidden": {0: "B", 1: "T"}, "present_key": {1: "B", 3: "PT"}, "present_value": {1: "B", 3: "PT"}},
        opset_version=14,
    )
    info["decoder"] = {"params": n_params(dec), "layers": layers, "d": d, "heads": heads, "dh": d // heads,
                       "ffn": ffn, "vocab": vocab, "kvBytesPerToken": layers * 2 * d * 4}

    mini = MiniLMShaped().eval()
    init_transformer(mini)
    torch.onnx.export(
        mini, (torch.zeros(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long)),
        os.path.join(args.out, "minilm-shaped.onnx"),
        input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
                      "last_hidden_state": {0: "B", 1: "T"}},
        opset_version=14,
    )
    info["minilm"] = {"params": n_params(mini), "layers": 6, "d": 384, "heads": 12, "ffn": 1536, "vocab": 30522}

    L, H = manifest["layers"], manifest["hidden"]
    ltc = try_training_encoder("ltc", manifest)
    source = "training.liquid.model.LiquidEncoder(cell='ltc')"
    if ltc is None:
        ltc = LTCEncoder(vocab, manifest["embedDim"], H, L)
        source = "training/export_bench_models.py LTCEncoder (ncps semantics)"
    ltc.eval()
    how = export_liquid(ltc, os.path.join(args.out, "ltc.onnx"), L, H)
    info["ltc"] = {"params": n_params(ltc), "source": source, "export": how, "layers": L, "hidden": H}

    with open(os.path.join(args.out, "info.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
