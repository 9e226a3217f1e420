"""Closed-form Continuous-time (CfC) cell, default mode, with ncps semantics.

Hasani et al., "Closed-form continuous-time neural networks", arXiv 2106.13898 (eq. 10), as implemented in
mlech26l/ncps `ncps/torch/cfc_cell.py` (mode="default", one backbone layer, lecun_tanh), with one fix: the
elapsed time `ts` is shaped [B,1] so it broadcasts per sample (ncps squeezes it to [B], which mis-broadcasts
for batches above 1).

    x   = [input, h]
    z   = lecun_tanh(W x + b)                    backbone
    ff1 = tanh(W1 z + b1)
    ff2 = tanh(W2 z + b2)
    t   = sigmoid((Wa z + ba) * ts + (Wb z + bb))
    h'  = ff1 * (1 - t) + t * ff2

Parameters keep the ncps layout (backbone, ff1, ff2, time_a, time_b) so weights map 1:1 to the equations.
`scan()` runs the cell over a whole sequence; it is the same computation, rearranged for speed: the input half
of the backbone matmul is done once for all time steps, and the four heads are one fused matmul.
"""
from typing import Tuple

import torch
from torch import nn


def lecun_tanh(x: torch.Tensor) -> torch.Tensor:
    return 1.7159 * torch.tanh(0.666 * x)


class CfCCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, backbone_units: int = 256):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.backbone_units = backbone_units
        self.backbone = nn.Linear(input_size + hidden_size, backbone_units)
        self.ff1 = nn.Linear(backbone_units, hidden_size)
        self.ff2 = nn.Linear(backbone_units, hidden_size)
        self.time_a = nn.Linear(backbone_units, hidden_size)
        self.time_b = nn.Linear(backbone_units, hidden_size)
        # ncps init_weights(): xavier_uniform_ on every matrix, PyTorch default on biases
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.xavier_uniform_(p)

    def forward(self, input: torch.Tensor, hx: torch.Tensor, ts: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """One step. input [B,in], hx [B,H], ts [B,1] -> (output, new hidden), both [B,H]."""
        x = torch.cat([input, hx], 1)
        z = lecun_tanh(self.backbone(x))
        ff1 = torch.tanh(self.ff1(z))
        ff2 = torch.tanh(self.ff2(z))
        t_interp = torch.sigmoid(self.time_a(z) * ts + self.time_b(z))
        h = ff1 * (1.0 - t_interp) + t_interp * ff2
        return h, h

    def scan(self, inputs: torch.Tensor, ts: torch.Tensor, h0: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Whole sequence. inputs [B,T,in], ts [B,T], h0 [B,H] -> (hs [B,T,H], h_T [B,H])."""
        H = self.hidden_size
        w = self.backbone.weight
        w_in = w[:, : self.input_size]
        w_h = w[:, self.input_size :]
        xp = torch.matmul(inputs, w_in.t()) + self.backbone.bias  # [B,T,U]
        w_heads = torch.cat([self.ff1.weight, self.ff2.weight, self.time_a.weight, self.time_b.weight], 0)
        b_heads = torch.cat([self.ff1.bias, self.ff2.bias, self.time_a.bias, self.time_b.bias], 0)
        w_h_t = w_h.t()
        w_heads_t = w_heads.t()
        h = h0
        outs = []
        for i in range(inputs.size(1)):
            z = lecun_tanh(xp[:, i] + torch.matmul(h, w_h_t))
            heads = torch.matmul(z, w_heads_t) + b_heads  # [B,4H]
            ff1 = torch.tanh(heads[:, :H])
            ff2 = torch.tanh(heads[:, H : 2 * H])
            t_interp = torch.sigmoid(heads[:, 2 * H : 3 * H] * ts[:, i : i + 1] + heads[:, 3 * H :])
            h = ff1 * (1.0 - t_interp) + t_interp * ff2
            outs.append(h)
        return torch.stack(outs, 1), h
