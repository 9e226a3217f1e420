"""Liquid Time-Constant (LTC) cell with ncps semantics.

Hasani et al., "Liquid Time-constant Networks", arXiv 2006.04439, as implemented in mlech26l/ncps
`ncps/torch/ltc_cell.py` with a fully connected wiring: affine input mapping, `ode_unfolds` (6) fused
semi-implicit Euler steps per time step, and the positivity constraints of w, sensory_w, cm and gleak
applied implicitly with softplus (ncps `implicit_param_constraints=True`).

Per unfold, with v the membrane potentials and g_ij = w_ij * sigmoid(sigma_ij * (v_i - mu_ij)):
    v' = (cm/dt * v + gleak * vleak + sum_i g_ij * erev_ij + sensory terms)
         / (cm/dt + gleak + sum_i g_ij + sensory terms),   dt = ts / ode_unfolds
The elapsed time `ts` is shaped [B,1]. The output mapping is left to the encoder (it reads all units).
"""
from typing import Tuple

import torch
import torch.utils.checkpoint
from torch import nn
from torch.nn import functional as F


class LTCCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, ode_unfolds: int = 6, epsilon: float = 1e-8, seed_erev: int = 0):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.ode_unfolds = ode_unfolds
        self.epsilon = epsilon
        H, I = hidden_size, input_size
        u = lambda lo, hi, *shape: nn.Parameter(torch.rand(*shape) * (hi - lo) + lo)  # noqa: E731
        # ncps _init_ranges
        self.gleak = u(0.001, 1.0, H)
        self.vleak = u(-0.2, 0.2, H)
        self.cm = u(0.4, 0.6, H)
        self.sigma = u(3.0, 8.0, H, H)
        self.mu = u(0.3, 0.8, H, H)
        self.w = u(0.001, 1.0, H, H)
        self.sensory_sigma = u(3.0, 8.0, I, H)
        self.sensory_mu = u(0.3, 0.8, I, H)
        self.sensory_w = u(0.001, 1.0, I, H)
        # reversal potentials: +1 excitatory / -1 inhibitory, polarity drawn from [-1, 1, 1] as in ncps FullyConnected
        g = torch.Generator().manual_seed(seed_erev)
        pol = lambda *shape: torch.where(torch.rand(*shape, generator=g) < 1.0 / 3.0, -1.0, 1.0)  # noqa: E731
        self.erev = nn.Parameter(pol(H, H))
        self.sensory_erev = nn.Parameter(pol(I, H))
        self.input_w = nn.Parameter(torch.ones(I))
        self.input_b = nn.Parameter(torch.zeros(I))

    def forward(self, input: torch.Tensor, hx: torch.Tensor, ts: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """One step. input [B,in], hx [B,H], ts [B,1] -> (output, new hidden)."""
        num_s, den_s = self._sensory(input)
        h = self._unfold(hx, num_s, den_s, ts)
        return h, h

    def _sensory(self, input: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        # sum_i g_ij * erev_ij and sum_i g_ij for g_ij = softplus(sensory_w_ij) * sigmoid(sigma_ij (x_i - mu_ij));
        # written as contractions of the sigmoid with (w * erev) and w, so autograd keeps one [B,I,H] tensor
        x = input * self.input_w + self.input_b
        a = torch.sigmoid(self.sensory_sigma * (x.unsqueeze(-1) - self.sensory_mu))  # [B,I,H]
        w = F.softplus(self.sensory_w)
        return torch.einsum("bij,ij->bj", a, w * self.sensory_erev), torch.einsum("bij,ij->bj", a, w)

    def _unfold(self, v: torch.Tensor, num_s: torch.Tensor, den_s: torch.Tensor, ts: torch.Tensor) -> torch.Tensor:
        cm_t = F.softplus(self.cm) / (ts / self.ode_unfolds)  # [B,H]
        w = F.softplus(self.w)
        gleak = F.softplus(self.gleak)
        w_erev = w * self.erev
        for _ in range(self.ode_unfolds):
            a = torch.sigmoid(self.sigma * (v.unsqueeze(-1) - self.mu))  # [B,H,H]
            num = cm_t * v + gleak * self.vleak + torch.einsum("bij,ij->bj", a, w_erev) + num_s
            den = cm_t + gleak + torch.einsum("bij,ij->bj", a, w) + den_s
            v = num / (den + self.epsilon)
        return v

    def scan(self, inputs: torch.Tensor, ts: torch.Tensor, h0: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Whole sequence. inputs [B,T,in], ts [B,T], h0 [B,H] -> (hs [B,T,H], h_T [B,H])."""
        h = h0
        outs = []
        for i in range(inputs.size(1)):
            if self.training and torch.is_grad_enabled() and not torch.jit.is_scripting():
                # recompute each step in backward: autograd would otherwise keep 6 x [B,H,H] tensors per step
                # (tens of GB for a training batch)
                h = torch.utils.checkpoint.checkpoint(self._step, inputs[:, i], h, ts[:, i : i + 1], use_reentrant=False)
            else:
                h = self._step(inputs[:, i], h, ts[:, i : i + 1])
            outs.append(h)
        return torch.stack(outs, 1), h

    def _step(self, x: torch.Tensor, h: torch.Tensor, ts: torch.Tensor) -> torch.Tensor:
        num_s, den_s = self._sensory(x)
        return self._unfold(h, num_s, den_s, ts)
