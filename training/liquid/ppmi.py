"""Cheap token vectors from corpus co-occurrence: PPMI + truncated SVD (Levy & Goldberg style).

Window +-4 (weighted 1/distance), context distribution smoothing 0.75, randomized SVD, vectors U*sqrt(S).
Used to initialise the encoder's token embeddings and as the dense baseline (SIF-weighted averages) that
the CfC has to beat. Also writes unigram counts (for SIF weights).
"""
import argparse
import time

import numpy as np


def cooc(tokens: np.ndarray, V: int, window: int) -> np.ndarray:
    M = np.zeros(V * V, dtype=np.float32)
    t = tokens.astype(np.int64)
    for d in range(1, window + 1):
        idx = t[:-d] * V + t[d:]
        M += np.bincount(idx, minlength=V * V).astype(np.float32) / d
    M = M.reshape(V, V)
    return M + M.T


def ppmi_svd(M: np.ndarray, dim: int, seed: int, alpha: float = 0.75) -> np.ndarray:
    total = M.sum()
    row = M.sum(1, keepdims=True)
    ctx = M.sum(0, keepdims=True) ** alpha
    ctx = ctx / ctx.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        P = np.log(M / (row / total * ctx * total) + 1e-30).astype(np.float32)
    P[~np.isfinite(P)] = 0
    np.maximum(P, 0, out=P)
    rng = np.random.default_rng(seed)
    k = dim + 24
    Q = P @ rng.standard_normal((P.shape[1], k)).astype(np.float32)
    for _ in range(3):
        Q, _ = np.linalg.qr(Q)
        Q = P @ (P.T @ Q)
    Q, _ = np.linalg.qr(Q)
    Bm = Q.T @ P
    Ub, S, _ = np.linalg.svd(Bm.astype(np.float64), full_matrices=False)
    U = (Q @ Ub[:, :dim].astype(np.float32))
    return (U * np.sqrt(S[:dim]).astype(np.float32)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", nargs="+", required=True, help="packed corpora (prepare.py pack)")
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    t0 = time.time()
    toks = np.concatenate([np.load(p)["tokens"] for p in a.npz])
    M = cooc(toks, a.vocab, a.window)
    print(f"cooc {time.time()-t0:.0f}s", flush=True)
    E = ppmi_svd(M, a.dim, a.seed)
    counts = np.bincount(toks.astype(np.int64), minlength=a.vocab)
    np.savez(a.out, emb=E, counts=counts)
    print(f"ppmi-svd {E.shape} in {time.time()-t0:.0f}s -> {a.out}", flush=True)


if __name__ == "__main__":
    main()
