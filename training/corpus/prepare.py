"""Turn documents into sentence segments, tokenize them with the JS tokenizer, and pack flat arrays.

    prepare.py segments --docs D.jsonl --out PREFIX        -> PREFIX.seg.jsonl ({"s": [...]}) + PREFIX.meta.pkl
    node tokenizer/tokenize.mjs tokenizer.json PREFIX.seg.jsonl PREFIX.tok.jsonl
    prepare.py pack --prefix PREFIX                        -> PREFIX.npz

Every segment is one sentence (or a title, heading, or query) and carries:
    kind  ts code of its first token: 1 sentence, 2 paragraph, 3 page (the document start)
    role  0 title, 1 heading, 2 body sentence, 5 query (queries never enter a document stream)
    sec   section index in the document, para: paragraph index in the document (-1 for titles/headings)
External sets (SQuAD, SciTLDR, Cranfield) are documents in the same format plus "queries":
[{"q": text, "para": k}], the query written for paragraph k of that document.
"""
import argparse
import json
import pickle
import re
import sys

import numpy as np

ABBR = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|al|fig|eq|no|mr|mrs|ms|dr|prof|st|sec|ch|vol|approx|resp)\.$", re.I)

K_SENT, K_PARA, K_PAGE = 1, 2, 3
R_TITLE, R_HEAD, R_BODY, R_QUERY = 0, 1, 2, 5


def sentences(p: str, max_chars: int = 600):
    out = []
    start = 0
    for m in re.finditer(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])", p):
        cand = p[start : m.start() + 1].strip()
        if ABBR.search(cand) or len(cand) < 12:
            continue
        out.append(p[start : m.end()].strip())
        start = m.end()
    if start < len(p):
        out.append(p[start:].strip())
    res = []
    for s in out:  # very long "sentences" (lists, code-ish text) are cut on word boundaries
        while len(s) > max_chars:
            cut = s.rfind(" ", 0, max_chars)
            cut = cut if cut > 100 else max_chars
            res.append(s[:cut].strip())
            s = s[cut:].strip()
        if s:
            res.append(s)
    return res


def doc_segments(d: dict):
    segs = []  # (text, kind, role, sec, para)
    title = d.get("title") or ""
    first_h = d["secs"][0]["h"] if d["secs"] else ""
    if title and title != first_h:
        segs.append((title, K_PAGE, R_TITLE, -1, -1))
    para = 0
    for si, s in enumerate(d["secs"]):
        if s["h"]:
            segs.append((s["h"], K_PARA, R_TITLE if (s["h"] == title and si == 0) else R_HEAD, si, -1))
        for p in s["p"]:
            for j, sent in enumerate(sentences(p)):
                segs.append((sent, K_PARA if j == 0 else K_SENT, R_BODY, si, para))
            para += 1
    if segs:
        t, _, r, s_, p_ = segs[0]
        segs[0] = (t, K_PAGE, r, s_, p_)
    for q in d.get("queries", []):
        segs.append((q["q"], K_SENT, R_QUERY, -1, q["para"]))
    return segs


def cmd_segments(a):
    meta = {"doc_seg": [0], "kind": [], "role": [], "sec": [], "para": [], "src": [], "id": []}
    with open(a.out + ".seg.jsonl", "w") as f:
        for line in open(a.docs, encoding="utf-8"):
            d = json.loads(line)
            segs = doc_segments(d)
            if not segs:
                continue
            f.write(json.dumps({"s": [s[0] for s in segs]}, ensure_ascii=False) + "\n")
            for _, k, r, s, p in segs:
                meta["kind"].append(k)
                meta["role"].append(r)
                meta["sec"].append(s)
                meta["para"].append(p)
            meta["doc_seg"].append(len(meta["kind"]))
            meta["src"].append(d["src"])
            meta["id"].append(d["id"])
    pickle.dump(meta, open(a.out + ".meta.pkl", "wb"))
    print(f"segments: {len(meta['src'])} docs, {len(meta['kind'])} segments", file=sys.stderr)


def cmd_pack(a):
    meta = pickle.load(open(a.prefix + ".meta.pkl", "rb"))
    toks = []
    seg_len = []
    for line in open(a.prefix + ".tok.jsonl"):
        for ids in json.loads(line)["t"]:
            toks.extend(ids)
            seg_len.append(len(ids))
    assert len(seg_len) == len(meta["kind"]), (len(seg_len), len(meta["kind"]))
    seg_start = np.zeros(len(seg_len) + 1, dtype=np.int64)
    np.cumsum(seg_len, out=seg_start[1:])
    srcs = sorted(set(meta["src"]))
    np.savez(
        a.prefix + ".npz",
        tokens=np.asarray(toks, dtype=np.uint16),
        seg_start=seg_start,
        kind=np.asarray(meta["kind"], dtype=np.int8),
        role=np.asarray(meta["role"], dtype=np.int8),
        sec=np.asarray(meta["sec"], dtype=np.int32),
        para=np.asarray(meta["para"], dtype=np.int32),
        doc_seg=np.asarray(meta["doc_seg"], dtype=np.int64),
        doc_src=np.asarray([srcs.index(s) for s in meta["src"]], dtype=np.int16),
        src_names=np.asarray(srcs),
        doc_id=np.asarray(meta["id"]),
    )
    print(f"pack: {len(toks)} tokens, {len(seg_len)} segments, {len(meta['src'])} docs", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("segments")
    s.add_argument("--docs", required=True)
    s.add_argument("--out", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--prefix", required=True)
    a = ap.parse_args()
    {"segments": cmd_segments, "pack": cmd_pack}[a.cmd](a)


if __name__ == "__main__":
    main()
