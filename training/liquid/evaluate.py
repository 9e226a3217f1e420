"""Retrieval quality of the encoder: nDCG@10 / recall@100 / MRR@10 on a BEIR folder (Cranfield), dense-only,
next to BM25 (k1=1.2, b=0.75, Porter stemming) and a PPMI-SVD SIF average; plus a dev metric on SciTLDR dev
(TLDR -> its abstract among all dev abstracts), which training never sees.

Encoding follows the serving side (libs/model): each document is split into sentences, every sentence is
tokenized alone by the JS tokenizer, the first token of the document gets ts.page, the first token of every
other sentence ts.sentence; the document vector is the L2-normalised mean of its per-token features, streamed
from zero state. A query is streamed alone from zero state, ts.sentence on its first token.

usage: evaluate.py --ckpt CKPT --beir DIR [--ppmi PPMI.npz] [--scitldr-dev FILE] [--json OUT]
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from corpus.prepare import sentences  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TS_VAL = {1: 1.0, 2: 2.0, 3: 8.0}


def js_tokenize(tokenizer: str, docs: list) -> list:
    """docs: list of list of strings -> list of list of id lists (through tokenize.mjs)."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.jsonl"), os.path.join(d, "out.jsonl")
        with open(src, "w") as f:
            for s in docs:
                f.write(json.dumps({"s": s}) + "\n")
        subprocess.run(["node", os.path.join(HERE, "..", "tokenizer", "tokenize.mjs"), tokenizer, src, dst],
                       check=True, stderr=subprocess.DEVNULL)
        return [json.loads(l)["t"] for l in open(dst)]


def stream_inputs(sent_ids: list, first_ts: float):
    toks, ts = [], []
    for j, ids in enumerate(sent_ids):
        for k, t in enumerate(ids):
            toks.append(t)
            ts.append((first_ts if j == 0 else 2.0) if k == 0 else 1.0)
    if not toks:
        toks, ts = [1], [first_ts]
    return toks, ts


@torch.no_grad()
def encode(model, items: list, batch: int = 64, max_len: int = 512) -> np.ndarray:
    """items: list of (tokens, ts) -> [N, D] L2-normalised mean-pooled features."""
    model.eval()
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    out = np.zeros((len(items), model.feature_dim), dtype=np.float32)
    L, H = model.num_layers, model.hidden
    for b0 in range(0, len(order), batch):
        idx = order[b0 : b0 + batch]
        T = min(max_len, max(len(items[i][0]) for i in idx))
        tok = torch.zeros(len(idx), T, dtype=torch.long)
        ts = torch.ones(len(idx), T)
        mask = torch.zeros(len(idx), T)
        for r, i in enumerate(idx):
            t, s = items[i]
            n = min(T, len(t))
            tok[r, :n] = torch.tensor(t[:n])
            ts[r, :n] = torch.tensor(s[:n])
            mask[r, :n] = 1
        f, _ = model(tok, ts, torch.zeros(len(idx), L, H))
        v = (f * mask.unsqueeze(2)).sum(1) / mask.sum(1, keepdim=True)
        v = torch.nn.functional.normalize(v, dim=1)
        out[idx] = v.numpy()
    return out


def ndcg_at(ranked: list, rel: dict, k: int = 10) -> float:
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def metrics(run: dict, qrels: dict) -> dict:
    nd, rc, mrr = [], [], []
    for q, rel in qrels.items():
        ranked = run.get(q, [])
        nd.append(ndcg_at(ranked, rel))
        pos = {d for d, g in rel.items() if g > 0}
        rc.append(len(pos & set(ranked[:100])) / max(1, len(pos)))
        rr = 0.0
        for i, d in enumerate(ranked[:10]):
            if d in pos:
                rr = 1.0 / (i + 1)
                break
        mrr.append(rr)
    return {"ndcg10": round(float(np.mean(nd)), 4), "recall100": round(float(np.mean(rc)), 4), "mrr10": round(float(np.mean(mrr)), 4)}


def load_beir(d: str):
    corpus = [json.loads(l) for l in open(os.path.join(d, "corpus.jsonl"))]
    queries = [json.loads(l) for l in open(os.path.join(d, "queries.jsonl"))]
    qrels = defaultdict(dict)
    for i, l in enumerate(open(os.path.join(d, "qrels", "test.tsv"))):
        if i == 0:
            continue
        q, doc, s = l.rstrip("\n").split("\t")
        if int(s) > 0:
            qrels[q][doc] = int(s)
    queries = [q for q in queries if q["_id"] in qrels]
    return corpus, queries, dict(qrels)


def doc_text(d: dict) -> str:
    t, x = d.get("title", "").strip(), d.get("text", "").strip()
    return x if (not t or x.startswith(t)) else t + ". " + x


# ------------------------------------------------------------------ BM25 (k1=1.2, b=0.75, Porter)
def bm25_scores(corpus, queries, k1=1.2, b=0.75) -> np.ndarray:
    import snowballstemmer

    st = snowballstemmer.stemmer("porter")
    tok = lambda s: st.stemWords(re.findall(r"[a-z0-9]+", s.lower()))  # noqa: E731
    docs = [Counter(tok(d.get("title", "") + " " + d.get("text", ""))) for d in corpus]  # BEIR: title + text
    lens = np.array([sum(c.values()) for c in docs], dtype=np.float64)
    avg = lens.mean()
    df = Counter(w for c in docs for w in c)
    N = len(docs)
    idf = {w: math.log(1 + (N - n + 0.5) / (n + 0.5)) for w, n in df.items()}
    post = defaultdict(list)
    for i, c in enumerate(docs):
        for w, tf in c.items():
            post[w].append((i, tf))
    S = np.zeros((len(queries), N))
    for qi, q in enumerate(queries):
        for w in tok(q["text"]):
            for i, tf in post.get(w, []):
                S[qi, i] += idf[w] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lens[i] / avg))
    return S


def run_of(S: np.ndarray, corpus, queries, top=100):
    run = {}
    for qi, q in enumerate(queries):
        order = np.argsort(-S[qi], kind="stable")[:top]
        run[q["_id"]] = [corpus[i]["_id"] for i in order]
    return run


def bm25_run(corpus, queries, top=100):
    return run_of(bm25_scores(corpus, queries), corpus, queries, top)


def minmax(S: np.ndarray) -> np.ndarray:
    lo, hi = S.min(1, keepdims=True), S.max(1, keepdims=True)
    return (S - lo) / np.maximum(hi - lo, 1e-9)


def dense_run(D: np.ndarray, Q: np.ndarray, corpus, queries, top=100):
    S = Q @ D.T
    run = {}
    for qi, q in enumerate(queries):
        order = np.argsort(-S[qi], kind="stable")[:top]
        run[q["_id"]] = [corpus[i]["_id"] for i in order]
    return run


def sif_vectors(tok_docs: list, emb: np.ndarray, counts: np.ndarray, a: float = 1e-3) -> np.ndarray:
    p = counts / counts.sum()
    w = a / (a + p)
    out = np.zeros((len(tok_docs), emb.shape[1]), dtype=np.float32)
    for i, sents in enumerate(tok_docs):
        ids = [t for s in sents for t in s]
        if ids:
            out[i] = (emb[ids] * w[ids, None]).sum(0) / len(ids)
    return out


def cranfield_eval(model, tokenizer: str, beir: str, ppmi: str = None, with_bm25: bool = True, max_len: int = 512) -> dict:
    corpus, queries, qrels = load_beir(beir)
    dt = js_tokenize(tokenizer, [sentences(doc_text(d)) or [doc_text(d)] for d in corpus])
    qt = js_tokenize(tokenizer, [[q["text"]] for q in queries])
    res = {"dataset": os.path.basename(os.path.normpath(beir)), "queries": len(queries)}
    if model is not None:
        D = encode(model, [stream_inputs(s, 8.0) for s in dt], max_len=max_len)
        Q = encode(model, [stream_inputs(s, 2.0) for s in qt], max_len=max_len)
        res["maxDocTokens"] = max_len
        res["dense"] = metrics(dense_run(D, Q, corpus, queries), qrels)
    if with_bm25:
        B = bm25_scores(corpus, queries)
        res["bm25"] = metrics(run_of(B, corpus, queries), qrels)
        if model is not None:  # fixed a-priori weights (not tuned here): trust the weaker dense ranking less
            res["hybrid03"] = metrics(run_of(0.7 * minmax(B) + 0.3 * minmax(Q @ D.T), corpus, queries), qrels)
    if ppmi:
        z = np.load(ppmi)
        Ds, Qs = sif_vectors(dt, z["emb"], z["counts"]), sif_vectors(qt, z["emb"], z["counts"])
        u = np.linalg.svd(Ds - 0, full_matrices=False)[2][0]  # SIF: remove the common component
        Ds -= np.outer(Ds @ u, u)
        Qs -= np.outer(Qs @ u, u)
        nrm = lambda x: x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)  # noqa: E731
        res["ppmiSif"] = metrics(dense_run(nrm(Ds), nrm(Qs), corpus, queries), qrels)
    return res


def scitldr_dev(model, tokenizer: str, path: str) -> dict:
    recs = [json.loads(l) for l in open(path)]
    docs = [r["source"] for r in recs]
    qs, gold = [], []
    for i, r in enumerate(recs):
        tg = r["target"] if isinstance(r["target"], list) else [r["target"]]
        for t in tg[:1]:
            qs.append([t])
            gold.append(i)
    dt = js_tokenize(tokenizer, docs)
    qt = js_tokenize(tokenizer, qs)
    D = encode(model, [stream_inputs(s, 8.0) for s in dt])
    Q = encode(model, [stream_inputs(s, 2.0) for s in qt])
    S = Q @ D.T
    ranks = (S > S[np.arange(len(gold)), gold][:, None]).sum(1)
    return {"queries": len(gold), "mrr10": round(float(np.mean(np.where(ranks < 10, 1.0 / (ranks + 1), 0))), 4),
            "recall1": round(float(np.mean(ranks == 0)), 4)}


def load_ckpt(path: str):
    from liquid.model import build

    ck = torch.load(path, map_location="cpu")
    m = build(ck["config"])
    m.load_state_dict(ck["model"])
    return m.eval(), ck


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt")
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--beir", required=True)
    ap.add_argument("--ppmi")
    ap.add_argument("--scitldr-dev")
    ap.add_argument("--no-bm25", action="store_true")
    ap.add_argument("--max-len", type=int, default=512, help="documents are cut after this many tokens")
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("EVAL_THREADS", "1")))
    model = load_ckpt(a.ckpt)[0] if a.ckpt else None
    res = cranfield_eval(model, a.tokenizer, a.beir, a.ppmi, not a.no_bm25, a.max_len)
    if a.scitldr_dev and model is not None:
        res["scitldrDev"] = scitldr_dev(model, a.tokenizer, a.scitldr_dev)
    print(json.dumps(res))
    if a.json:
        json.dump(res, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
