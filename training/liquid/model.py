"""LiquidEncoder: token embeddings -> stacked liquid cells (CfC or LTC) -> per-token features.

Streaming contract (see /work/notes/model-contract.md):
    forward(tokens int64 [B,T], ts float32 [B,T], state float32 [B,L,H]) -> (features [B,T,D], new_state [B,L,H])
Zero state is the start of a document; carrying new_state into the next call gives the same features as one call
over the whole sequence, because every layer is a causal recurrence and the feature head is per token.

features = W_o [g(token) * e ; h_1 ; ... ; h_L] + b_o: a per-token linear read-out of the embedding (a skip
path with a learned per-token gain g, so lexical identity survives) and of every layer's hidden state (context).
With use_ts=False (the ablation) the cells always see ts = 1: document structure is not given as time.
"""
from typing import List, Tuple

import torch
from torch import nn

from .cells.cfc_cell import CfCCell
from .cells.ltc_cell import LTCCell


class LiquidEncoder(nn.Module):
    def __init__(
        self,
        cell: str = "cfc",
        vocab: int = 8192,
        embed_dim: int = 256,
        hidden: int = 256,
        layers: int = 2,
        feature_dim: int = 256,
        backbone_units: int = 256,
        use_ts: bool = True,
    ):
        super().__init__()
        self.cell_type = cell
        self.vocab = vocab
        self.embed_dim = embed_dim
        self.hidden = hidden
        self.num_layers = layers
        self.feature_dim = feature_dim
        self.use_ts = use_ts
        self.embed = nn.Embedding(vocab, embed_dim)
        nn.init.normal_(self.embed.weight, std=0.1)
        cells: List[nn.Module] = []
        for i in range(layers):
            inp = embed_dim if i == 0 else hidden
            if cell == "cfc":
                cells.append(CfCCell(inp, hidden, backbone_units))
            elif cell == "ltc":
                cells.append(LTCCell(inp, hidden, seed_erev=i))
            else:
                raise ValueError(f"unknown cell {cell}")
        self.cells = nn.ModuleList(cells)
        # per-token gain on the embedding skip path (initialised to SIF weights by training): lets frequent,
        # uninformative tokens contribute little to a mean-pooled span vector, as IDF does for BM25
        self.skip_gain = nn.Embedding(vocab, 1)
        nn.init.ones_(self.skip_gain.weight)
        self.out = nn.Linear(embed_dim + layers * hidden, feature_dim)

    def config(self) -> dict:
        return {
            "cell": self.cell_type, "vocab": self.vocab, "embed_dim": self.embed_dim, "hidden": self.hidden,
            "layers": self.num_layers, "feature_dim": self.feature_dim, "use_ts": self.use_ts,
        }

    def forward(self, tokens: torch.Tensor, ts: torch.Tensor, state: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        if not self.use_ts:
            ts = torch.ones_like(ts)
        e = self.embed(tokens)  # [B,T,E]
        x = e
        parts = [e * self.skip_gain(tokens)]
        finals = []
        i = 0
        for cell in self.cells:
            hs, hT = cell.scan(x, ts, state[:, i])
            parts.append(hs)
            finals.append(hT)
            x = hs
            i += 1
        features = self.out(torch.cat(parts, 2))
        return features, torch.stack(finals, 1)


def build(config: dict) -> LiquidEncoder:
    return LiquidEncoder(
        cell=config["cell"], vocab=config["vocab"], embed_dim=config["embed_dim"], hidden=config["hidden"],
        layers=config["layers"], feature_dim=config["feature_dim"], use_ts=config.get("use_ts", True),
    )
