"""ONNX export: the time loop becomes an ONNX Loop (torch.jit.script), not an unrolled graph.

inputs  tokens int64 [B,T], ts float32 [B,T], state float32 [B,L,H]
outputs features float32 [B,T,D], new_state float32 [B,L,H]      (B and T dynamic)
"""
import copy

import torch


def export_onnx(model: torch.nn.Module, path: str, opset: int = 14) -> None:
    m = copy.deepcopy(model).eval().float()
    scripted = torch.jit.script(m)
    L, H = m.num_layers, m.hidden
    tokens = torch.zeros(2, 5, dtype=torch.long)
    ts = torch.ones(2, 5)
    state = torch.zeros(2, L, H)
    with torch.no_grad():
        torch.onnx.export(
            scripted,
            (tokens, ts, state),
            path,
            input_names=["tokens", "ts", "state"],
            output_names=["features", "new_state"],
            dynamic_axes={"tokens": {0: "B", 1: "T"}, "ts": {0: "B", 1: "T"}, "state": {0: "B"},
                          "features": {0: "B", 1: "T"}, "new_state": {0: "B"}},
            opset_version=opset,
        )
