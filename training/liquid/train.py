"""Contrastive training of the liquid encoder on weak pairs, streamed the way the serving side streams.

Each training example is a (query, passage) pair:
    query    streamed alone from zero state (ts.sentence on its first token), mean-pooled
    passage  streamed from zero state starting up to --ctx tokens BEFORE the passage inside its document
             (first token ts.page), features mean-pooled over the passage tokens only, so the vector is a
             span pooled in document context, as libs/model pools passages while streaming a document.
Pair kinds (mixed by --mix):
    gloss    dictionary term -> its gloss (dict-wn, dict-gcide, dict-foldoc, dict-jargon)
    heading  section heading -> the section's first paragraph(s), in context; with p=0.3 the query is the
             document title and the passage any paragraph of the document (document-context objective:
             the state has to carry what the document is about)
    ict      inverse cloze: a sentence -> its paragraph, the sentence removed from the paragraph 90% of the time
    ext      real pairs: SQuAD dev-part-a question -> paragraph (in its article), SciTLDR train TLDR -> abstract,
             Cranfield title -> abstract body
    ext_ict  inverse cloze over the paragraphs of those external sets (SQuAD articles, SciTLDR abstracts,
             Cranfield abstracts: unsupervised text only, never Cranfield queries or judgements)
Pairs come two per document (different targets) so in-batch negatives include same-document hard negatives.
With --hard-negatives P, an ext pair also brings (probability P) one BM25-mined negative paragraph of its own
collection (mine_hard_negatives), an extra column every query of the batch must rank below its positive.
Loss: symmetric InfoNCE with in-batch negatives and a learned temperature; same-passage duplicates are masked.
Token embeddings start from PPMI-SVD vectors; the feature head starts as identity on the embedding skip path
and the skip gain as SIF weights, so step 0 is the SIF-averaged co-occurrence baseline.
Everything is seeded and the data order is a function of the seed only (deterministic rebuilds).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from liquid.model import LiquidEncoder  # noqa: E402

TS_OF_KIND = np.array([1.0, 2.0, 4.0, 8.0], dtype=np.float32)  # 0: inside a sentence, 1 sentence, 2 paragraph, 3 page


class Corpus:
    def __init__(self, path: str):
        z = np.load(path)
        self.tokens = z["tokens"].astype(np.int64)
        self.seg_start = z["seg_start"]
        self.kind = z["kind"]
        self.role = z["role"]
        self.para = z["para"]
        self.doc_seg = z["doc_seg"]
        self.src_names = [str(s) for s in z["src_names"]]
        self.doc_src = z["doc_src"]
        nseg = len(self.kind)
        self.seg_doc = np.repeat(np.arange(len(self.doc_seg) - 1), np.diff(self.doc_seg))
        # per-token ts code: segment kind on a segment's first token, 0 elsewhere
        self.tok_kind = np.zeros(len(self.tokens), dtype=np.int8)
        starts = self.seg_start[:-1]
        nonempty = self.seg_start[1:] > starts
        self.tok_kind[starts[nonempty]] = self.kind[nonempty]
        seg_len = np.diff(self.seg_start)
        is_dict = np.array([n.startswith("dict-") for n in self.src_names])[self.doc_src]
        seg_is_dict = is_dict[self.seg_doc]
        body = self.role == 2
        # paragraph runs: maximal runs of body segments with the same (doc, para)
        key_change = np.ones(nseg, dtype=bool)
        key_change[1:] = (self.para[1:] != self.para[:-1]) | (self.seg_doc[1:] != self.seg_doc[:-1]) | (body[1:] != body[:-1])
        run_id = np.cumsum(key_change) - 1
        run_start = np.flatnonzero(key_change)
        run_end = np.append(run_start[1:], nseg)
        self.seg_run = run_id
        self.run_start, self.run_end = run_start, run_end
        run_body = body[run_start]
        run_len = run_end - run_start
        run_doc = self.seg_doc[run_start]
        self.run_doc = run_doc
        # gloss: dictionary docs (title segment then body)
        self.gloss_docs = np.flatnonzero(is_dict & (np.diff(self.doc_seg) >= 2))
        # heading -> section: title/heading segment followed by a body segment of the same doc, non-dictionary
        nxt_body = np.zeros(nseg, dtype=bool)
        nxt_body[:-1] = body[1:] & (self.seg_doc[1:] == self.seg_doc[:-1])
        self.heads = np.flatnonzero(((self.role == 0) | (self.role == 1)) & nxt_body & ~seg_is_dict & (seg_len > 0))
        # ict: paragraphs of >= 3 sentences (any source)
        self.ict_runs = np.flatnonzero(run_body & (run_len >= 3))
        # doc-level: docs with a title segment and >= 2 paragraphs (for title -> deep paragraph)
        doc_title = np.full(len(self.doc_seg) - 1, -1)
        first = self.doc_seg[:-1]
        has_title = self.role[first] == 0
        doc_title[has_title] = first[has_title]
        self.doc_title = doc_title
        self.doc_runs = {}
        body_runs = np.flatnonzero(run_body)
        for r in body_runs:
            self.doc_runs.setdefault(int(run_doc[r]), []).append(int(r))
        # queries (external sets)
        self.queries = np.flatnonzero(self.role == 5)
        self.heads_by_doc = {}
        for s in self.heads:
            self.heads_by_doc.setdefault(int(self.seg_doc[s]), []).append(int(s))
        self.queries_by_doc = {}
        for s in self.queries:
            self.queries_by_doc.setdefault(int(self.seg_doc[s]), []).append(int(s))
        self.ict_by_doc = {}
        for r in self.ict_runs:
            self.ict_by_doc.setdefault(int(run_doc[r]), []).append(int(r))
        self.head_docs = np.array(sorted(self.heads_by_doc))
        self.query_docs = np.array(sorted(self.queries_by_doc))
        self.ict_docs = np.array(sorted(self.ict_by_doc))

    def seg_tokens(self, s: int) -> np.ndarray:
        return self.tokens[self.seg_start[s] : self.seg_start[s + 1]]

    def para_run_of(self, doc: int, para: int):
        for r in self.doc_runs.get(doc, []):
            if self.para[self.run_start[r]] == para:
                return r
        return None


def query_item(tok: np.ndarray, max_q: int):
    t = tok[:max_q]
    ts = np.ones(len(t), dtype=np.float32)
    ts[0] = 2.0
    return t, ts


def passage_item(c: Corpus, seg_lo: int, seg_hi: int, ctx: int, max_p: int, skip_seg: int = -1):
    """Passage = segments [seg_lo, seg_hi) (minus skip_seg), preceded by up to ctx tokens of its document."""
    doc = c.seg_doc[seg_lo]
    d0 = c.doc_seg[doc]
    pieces = []
    for s in range(seg_lo, seg_hi):
        if s != skip_seg:
            pieces.append(np.arange(c.seg_start[s], c.seg_start[s + 1]))
    p_idx = np.concatenate(pieces)[:max_p] if pieces else np.zeros(0, dtype=np.int64)
    if len(p_idx) == 0:
        return None
    # context: whole segments before seg_lo, as many as fit in ctx tokens (queries/skipped never included)
    cs = seg_lo
    while cs > d0 and c.role[cs - 1] != 5 and c.seg_start[seg_lo] - c.seg_start[cs - 1] <= ctx:
        cs -= 1
    c_idx = np.arange(c.seg_start[cs], c.seg_start[seg_lo])
    idx = np.concatenate([c_idx, p_idx])
    tok = c.tokens[idx]
    ts = TS_OF_KIND[c.tok_kind[idx]]
    ts[0] = 8.0  # zero state = start of a stream
    return tok, ts, len(c_idx)


def mine_hard_negatives(c: Corpus, skip: int = 1, k: int = 8, k1: float = 1.2, b: float = 0.75) -> dict:
    """BM25-mined hard negatives for the real queries of a corpus (DPR, Karpukhin et al. 2020): for every
    query segment, the body paragraphs ranked skip+1..k by BM25 other than its own, scored over token ids
    (the BPE vocabulary is the term space, so no second tokenizer is involved). The very top is skipped
    because a title query's best other match is often relevant too (Cranfield-style collections judge
    many documents relevant per query): a false negative teaches the wrong thing (RocketQA, Qu et al.
    2021, denoise the same way). Deterministic: no randomness."""
    body_runs = np.array([r for r in range(len(c.run_start)) if c.role[c.run_start[r]] == 2], dtype=np.int64)
    V = int(c.tokens.max()) + 1
    tf = np.zeros((V, len(body_runs)), dtype=np.float32)
    lens = np.zeros(len(body_runs), dtype=np.float32)
    for j, r in enumerate(body_runs):
        t = c.tokens[c.seg_start[c.run_start[r]] : c.seg_start[c.run_end[r]]]
        np.add.at(tf[:, j], t, 1.0)
        lens[j] = len(t)
    df = (tf > 0).sum(1).astype(np.float32)
    n = len(body_runs)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = k1 * (1 - b + b * lens / max(1e-9, lens.mean()))
    W = idf[:, None] * tf * (k1 + 1) / (tf + norm[None, :])
    col_of = {int(r): j for j, r in enumerate(body_runs)}
    hard = {}
    for s in c.queries:
        d = int(c.seg_doc[s])
        gold = c.para_run_of(d, int(c.para[s]))
        q = np.unique(c.seg_tokens(int(s)))
        if gold is None or len(q) == 0:
            continue
        sc = W[q].sum(0)
        sc[col_of[int(gold)]] = -np.inf
        top = np.argsort(-sc, kind="stable")[skip:k]
        hard[int(s)] = [int(body_runs[j]) for j in top if np.isfinite(sc[j]) and sc[j] > 0]
    return hard


class PairSampler:
    def __init__(self, corpora: dict, mix: dict, seed: int, ctx: int, max_q: int, max_p: int, hard: dict = None, hard_p: float = 0.0):
        self.c = corpora
        self.mix = mix
        self.rng = np.random.default_rng(seed)
        self.ctx, self.max_q, self.max_p = ctx, max_q, max_p
        self.hard, self.hard_p = hard, hard_p  # ext query segment -> BM25-mined negative paragraph runs

    def _gloss(self, c: Corpus):
        d = int(self.rng.choice(c.gloss_docs))
        s0, s1 = c.doc_seg[d], c.doc_seg[d + 1]
        q = c.seg_tokens(s0)
        p = passage_item(c, s0 + 1, s1, 0, self.max_p)  # the headword is not part of the gloss stream
        return q, p, ("g", d)

    def _heading_pair(self, c: Corpus, d: int):
        hs = c.heads_by_doc[d]
        if self.rng.random() < 0.3 and c.doc_title[d] >= 0 and len(c.doc_runs.get(d, [])) >= 2:
            runs = c.doc_runs[d]
            r = int(runs[self.rng.integers(len(runs))])
            q = c.seg_tokens(int(c.doc_title[d]))
            p = passage_item(c, c.run_start[r], c.run_end[r], self.ctx, self.max_p)
            return q, p, ("r", r)
        s = int(hs[self.rng.integers(len(hs))])
        r = c.seg_run[s + 1]
        q = c.seg_tokens(s)
        p = passage_item(c, s + 1, c.run_end[r], self.ctx, self.max_p)
        return q, p, ("r", int(r))

    def _ict_pair(self, c: Corpus, d: int):
        rs = c.ict_by_doc[d]
        r = int(rs[self.rng.integers(len(rs))])
        lo, hi = c.run_start[r], c.run_end[r]
        s = int(self.rng.integers(lo, hi))
        q = c.seg_tokens(s)
        skip = s if self.rng.random() < 0.9 else -1
        p = passage_item(c, lo, hi, self.ctx // 2, self.max_p, skip)
        return q, p, ("r", r)

    def _ext_pair(self, c: Corpus, d: int):
        qs = c.queries_by_doc[d]
        s = int(qs[self.rng.integers(len(qs))])
        r = c.para_run_of(d, int(c.para[s]))
        if r is None:
            return None
        q = c.seg_tokens(s)
        p = passage_item(c, c.run_start[r], c.run_end[r], self.ctx, self.max_p)
        hn = None
        if self.hard is not None and self.hard.get(s) and self.rng.random() < self.hard_p:
            cands = self.hard[s]
            hr = int(cands[self.rng.integers(len(cands))])
            hp = passage_item(c, c.run_start[hr], c.run_end[hr], self.ctx, self.max_p)
            if hp is not None:
                hn = (hp, ("r", hr))
        return q, p, ("r", int(r)), hn

    def batch(self, n: int):
        kinds = list(self.mix)
        probs = np.array([self.mix[k] for k in kinds], dtype=np.float64)
        probs /= probs.sum()
        out = []
        while len(out) < n:
            k = kinds[self.rng.choice(len(kinds), p=probs)]
            c = self.c["ext"] if k in ("ext", "ext_ict") else self.c["train"]
            if k == "gloss":
                items = [self._gloss(c)]
            else:
                pool = {"heading": c.head_docs, "ict": c.ict_docs, "ext": c.query_docs, "ext_ict": c.ict_docs}[k]
                d = int(pool[self.rng.integers(len(pool))])
                fn = {"heading": self._heading_pair, "ict": self._ict_pair, "ext": self._ext_pair, "ext_ict": self._ict_pair}[k]
                items = [fn(c, d) for _ in range(2)]  # two pairs from one document: same-document negatives
                if all(it is not None and it[1] is not None for it in items) and items[0][2] == items[1][2]:
                    items = items[:1]  # the same target twice would only be masked out
            for it in items:
                if it is None or it[1] is None or len(it[0]) == 0:
                    continue
                q, p, pid = it[:3]
                hn = it[3] if len(it) > 3 and it[3] is not None else None
                out.append((query_item(q, self.max_q), p, (k,) + pid, None if hn is None else (hn[0], (k,) + hn[1])))
        return out[:n]


def collate(items):
    """Queries [n], passages [n + h]: the n positives, then the h hard negatives some items carry.
    same[i, j] masks passage j for query i when it is the same paragraph as query i's positive (another
    pair's positive, or a mined negative that happens to be a positive elsewhere in the batch)."""
    n = len(items)
    hard = [it[3] for it in items if len(it) > 3 and it[3] is not None]
    passages = [it[1] for it in items] + [h[0] for h in hard]
    ppids = [it[2] for it in items] + [h[1] for h in hard]
    m = len(passages)
    Tq = max(len(it[0][0]) for it in items)
    Tp = max(len(p[0]) for p in passages)
    qt = torch.zeros(n, Tq, dtype=torch.long)
    qts = torch.ones(n, Tq)
    qm = torch.zeros(n, Tq)
    pt = torch.zeros(m, Tp, dtype=torch.long)
    pts = torch.ones(m, Tp)
    pm = torch.zeros(m, Tp)
    pids = []
    for i, it in enumerate(items):
        qtok, qtsv = it[0]
        qt[i, : len(qtok)] = torch.from_numpy(qtok)
        qts[i, : len(qtok)] = torch.from_numpy(qtsv)
        qm[i, : len(qtok)] = 1
        pids.append(it[2])
    for j, (ptok, ptsv, c0) in enumerate(passages):
        pt[j, : len(ptok)] = torch.from_numpy(ptok)
        pts[j, : len(ptok)] = torch.from_numpy(ptsv)
        pm[j, c0 : len(ptok)] = 1
    same = torch.tensor([[(pids[i] == ppids[j] and i != j) if j < n else pids[i][1:] == ppids[j][1:] for j in range(m)]
                         for i in range(n)])
    return qt, qts, qm, pt, pts, pm, same


def pooled(model, tok, ts, mask):
    L, H = model.num_layers, model.hidden
    f, _ = model(tok, ts, torch.zeros(tok.size(0), L, H))
    v = (f * mask.unsqueeze(2)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
    return F.normalize(v, dim=1)


def info_nce(q, p, same, scale):
    """Symmetric InfoNCE. p may hold extra rows after the n positives (hard negatives): they are negatives
    for every query (q -> p), and the passage -> query direction runs over the positives only."""
    n = q.size(0)
    logits = scale * q @ p.t()
    logits = logits.masked_fill(same, -1e4)
    y = torch.arange(n)
    loss = 0.5 * (F.cross_entropy(logits, y) + F.cross_entropy(logits[:, :n].t(), y))
    acc = (logits.argmax(1) == y).float().mean()
    return loss, acc


def init_from_ppmi(model: LiquidEncoder, ppmi: str):
    z = np.load(ppmi)
    E = torch.from_numpy(z["emb"]).float()
    E = E / E.norm(dim=1, keepdim=True).mean() * 1.6  # mean row norm 1.6 (about 0.1 per dim)
    with torch.no_grad():
        model.embed.weight[: E.size(0), : E.size(1)].copy_(E[:, : model.embed_dim])
        W = model.out.weight  # [D, E + L*H]
        W.mul_(0.1)
        k = min(model.embed_dim, model.feature_dim)
        W[:k, :k] += torch.eye(k)
        model.out.bias.zero_()
        # SIF weights a / (a + p(token)), scaled to mean 1 over the corpus tokens
        p = z["counts"].astype(np.float64) / max(1, z["counts"].sum())
        g = 1e-3 / (1e-3 + p)
        g = g / (g * p).sum()
        model.skip_gain.weight[: len(g), 0].copy_(torch.from_numpy(g).float())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--ext", required=True)
    ap.add_argument("--valid", required=True)
    ap.add_argument("--ppmi")
    ap.add_argument("--init", help="start from this checkpoint's weights instead of the PPMI initialisation")
    ap.add_argument("--out", required=True)
    ap.add_argument("--cell", default="cfc")
    ap.add_argument("--no-ts", action="store_true")
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--embed-dim", type=int, default=256)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--feature-dim", type=int, default=256)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--ctx", type=int, default=48)
    ap.add_argument("--max-q", type=int, default=24)
    ap.add_argument("--max-p", type=int, default=96)
    ap.add_argument("--mix", default="gloss=0.15,heading=0.2,ict=0.25,ext=0.2,ext_ict=0.2")
    ap.add_argument("--hard-negatives", type=float, default=0.0,
                    help="probability that a real (ext) pair brings one BM25-mined hard negative paragraph (0 = off)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--valid-batches", type=int, default=4)
    ap.add_argument("--max-minutes", type=float, default=0, help="safety stop (0 = none); steps are the budget")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="stop after this many steps while keeping the --steps schedule (reproduces a run cut short)")
    ap.add_argument("--max-cpu-minutes", type=float, default=0,
                    help="stop after this much process CPU time (the equal-budget LTC run; robust to a shared machine)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    mix = {k: float(v) for k, v in (kv.split("=") for kv in a.mix.split(","))}
    corpora = {"train": Corpus(a.train), "ext": Corpus(a.ext)}
    valid = Corpus(a.valid)
    hard = None
    if a.hard_negatives > 0:
        t_mine = time.time()
        hard = mine_hard_negatives(corpora["ext"])
        print(json.dumps({"hard_negatives": {"queries": len(hard), "seconds": round(time.time() - t_mine, 1)}}), flush=True)
    sampler = PairSampler(corpora, mix, a.seed, a.ctx, a.max_q, a.max_p, hard, a.hard_negatives)
    vs = PairSampler({"train": valid, "ext": valid}, {"gloss": 0.3, "heading": 0.3, "ict": 0.4}, 999, a.ctx, a.max_q, a.max_p)
    vbatches = [collate(vs.batch(a.batch)) for _ in range(a.valid_batches)]
    model = LiquidEncoder(a.cell, a.vocab, a.embed_dim, a.hidden, a.layers, a.feature_dim, use_ts=not a.no_ts)
    if a.init:  # continue from a checkpoint (a second stage with its own schedule)
        model.load_state_dict(torch.load(a.init, map_location="cpu")["model"])
    elif a.ppmi:
        init_from_ppmi(model, a.ppmi)
    log_scale = torch.nn.Parameter(torch.tensor(math.log(20.0)))
    emb_params = [model.embed.weight]
    other = [p for n, p in model.named_parameters() if n != "embed.weight"]
    opt = torch.optim.AdamW(
        [{"params": emb_params, "weight_decay": 0.0}, {"params": other, "weight_decay": 0.01},
         {"params": [log_scale], "weight_decay": 0.0}], lr=a.lr)
    warm = max(1, a.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, a.steps))))))
    cfg = model.config()
    print(json.dumps({"args": vars(a), "params": sum(p.numel() for p in model.parameters()), "config": cfg}), flush=True)

    def validate():
        model.eval()
        with torch.no_grad():
            ls, acs = [], []
            for qt, qts, qm, pt, pts, pm, same in vbatches:
                l, ac = info_nce(pooled(model, qt, qts, qm), pooled(model, pt, pts, pm), same, log_scale.exp())
                ls.append(float(l))
                acs.append(float(ac))
        if not ls:
            model.train()
            return float("nan"), float("nan")
        model.train()
        return float(np.mean(ls)), float(np.mean(acs))

    t0 = time.time()
    c0 = time.process_time()
    tokens = 0
    hist = []
    vl, va = validate()
    print(json.dumps({"step": 0, "valid_loss": round(vl, 4), "valid_acc": round(va, 4)}), flush=True)
    step = 0
    if a.steps == 0:  # the initialisation itself (PPMI embeddings, SIF skip path), e.g. the LTC at its budget
        save(a.out, model, a, 0, 0, time.time() - t0, vl, va, time.process_time() - c0)
    for step in range(1, a.steps + 1):
        qt, qts, qm, pt, pts, pm, same = collate(sampler.batch(a.batch))
        tokens += qt.numel() + pt.numel()
        q = pooled(model, qt, qts, qm)
        p = pooled(model, pt, pts, pm)
        loss, acc = info_nce(q, p, same, log_scale.exp().clamp(max=100.0))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        hist.append((float(loss), float(acc)))
        if step % 20 == 0:
            l, ac = np.mean(hist[-20:], 0)
            el = time.time() - t0
            print(json.dumps({"step": step, "loss": round(float(l), 4), "acc": round(float(ac), 4), "scale": round(float(log_scale.exp()), 2),
                              "tokens": tokens, "sec": round(el, 1), "cpu": round(time.process_time() - c0, 1),
                              "tok_s": round(tokens / el)}), flush=True)
        if step % a.eval_every == 0 or step == a.steps:
            vl, va = validate()
            print(json.dumps({"step": step, "valid_loss": round(vl, 4), "valid_acc": round(va, 4)}), flush=True)
            save(a.out, model, a, step, tokens, time.time() - t0, vl, va, time.process_time() - c0)
        over_wall = a.max_minutes and time.time() - t0 > a.max_minutes * 60
        over_cpu = a.max_cpu_minutes and time.process_time() - c0 > a.max_cpu_minutes * 60
        at_stop = a.stop_at and step >= a.stop_at
        if (over_wall or over_cpu or at_stop) and step < a.steps:
            why = "stop-at" if at_stop else ("max-minutes" if over_wall else "max-cpu-minutes")
            print(json.dumps({"stopped": why, "step": step}), flush=True)
            vl, va = validate()
            save(a.out, model, a, step, tokens, time.time() - t0, vl, va, time.process_time() - c0)
            break


def save(path, model, a, step, tokens, seconds, vl, va, cpu=0.0):
    torch.save({"config": model.config(), "model": model.state_dict(),
                "training": {"tokens": int(tokens), "seconds": round(seconds), "cpuSeconds": round(cpu), "steps": step, "seed": a.seed, "batch": a.batch,
                             "mix": a.mix, "lr": a.lr, "ctx": a.ctx, "valid_loss": round(vl, 4), "valid_acc": round(va, 4)}},
               path + ".tmp")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
