"""Train a BPE vocabulary and write it as a Hugging Face tokenizer.json.

Pipeline (the same components @huggingface/tokenizers runs in TypeScript):
    normalizer     Sequence[NFKD, StripAccents, Lowercase]  (ligatures split, accents dropped)
    pre_tokenizer  Whitespace  (JS: text.match(/\\w+|[^\\w\\s]+/g), ASCII \\w)
    model          BPE, end_of_word_suffix "</w>", unk_token "[UNK]"
    post_processor none (libs/model tokenizes each sentence alone, without special tokens)

The trainer is classic Sennrich BPE over word counts with an incremental pair index and a lazy max-heap.
Characters seen fewer than --min-char times map to [UNK]. Ties break on the pair's string, so it is deterministic.
The training corpus itself is then tokenized by the JS implementation (training/tokenizer/tokenize.mjs), so
training and serving share one tokenizer.
"""
import argparse
import collections
import heapq
import json
import re
import sys
import unicodedata

PRE = re.compile(r"[A-Za-z0-9_]+|[^A-Za-z0-9_\s]+")
EOW = "</w>"
SPECIALS = ["[PAD]", "[UNK]"]


ACCENTS = re.compile("[\u0300-\u036f]")


def normalize(s: str) -> str:
    return ACCENTS.sub("", unicodedata.normalize("NFKD", s)).lower()


def texts(path: str, max_words: int):
    n = 0
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        parts = [d.get("title", "")]
        for s in d["secs"]:
            parts.append(s["h"])
            parts.extend(s["p"])
        for p in parts:
            if p:
                yield p
                n += len(p.split())
        if n >= max_words:
            return


def train(word_counts: dict, vocab_size: int, min_char: int):
    chars = collections.Counter()
    for w, c in word_counts.items():
        for ch in w:
            chars[ch] += c
    alphabet = sorted(ch for ch, c in chars.items() if c >= min_char)
    aset = set(alphabet)
    vocab = list(SPECIALS)
    for ch in alphabet:
        vocab.append(ch)
    for ch in alphabet:
        vocab.append(ch + EOW)
    words = []  # list of [symbols], counts
    counts = []
    for w, c in sorted(word_counts.items()):
        if any(ch not in aset for ch in w):
            continue  # words with rare characters do not shape the merges
        sym = list(w)
        sym[-1] += EOW
        words.append(sym)
        counts.append(c)
    pair_counts = collections.defaultdict(int)
    where = collections.defaultdict(set)
    for i, sym in enumerate(words):
        for a, b in zip(sym, sym[1:]):
            pair_counts[(a, b)] += counts[i]
            where[(a, b)].add(i)
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    merges = []
    vset = set(vocab)
    while len(vocab) < vocab_size and heap:
        negc, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negc or -negc <= 0:
            if pair_counts.get(pair, 0) > 0 and pair_counts[pair] != -negc:
                heapq.heappush(heap, (-pair_counts[pair], pair))
            continue
        a, b = pair
        new = a + b
        merges.append([a, b])
        if new not in vset:
            vset.add(new)
            vocab.append(new)
        touched = collections.defaultdict(int)
        for i in list(where[pair]):
            sym = words[i]
            c = counts[i]
            j = 0
            out = []
            changed = False
            while j < len(sym):
                if j < len(sym) - 1 and sym[j] == a and sym[j + 1] == b:
                    out.append(new)
                    j += 2
                    changed = True
                else:
                    out.append(sym[j])
                    j += 1
            if not changed:
                continue
            for x, y in zip(sym, sym[1:]):
                pair_counts[(x, y)] -= c
                touched[(x, y)] += 0
            for x, y in zip(out, out[1:]):
                pair_counts[(x, y)] += c
                where[(x, y)].add(i)
                touched[(x, y)] += 0
            words[i] = out
        pair_counts.pop(pair, None)
        where.pop(pair, None)
        for p in touched:
            c = pair_counts.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
        if len(merges) % 1000 == 0:
            print(f"merges {len(merges)} vocab {len(vocab)}", file=sys.stderr)
    return vocab, merges


def to_json(vocab, merges) -> dict:
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for i, t in enumerate(SPECIALS)
        ],
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": {"type": "BPEDecoder", "suffix": EOW},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": "[UNK]", "continuing_subword_prefix": None,
            "end_of_word_suffix": EOW, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": {t: i for i, t in enumerate(vocab)},
            "merges": merges,
        },
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--max-words", type=int, default=10**9)
    ap.add_argument("--min-char", type=int, default=20)
    ap.add_argument("--min-word", type=int, default=2)
    a = ap.parse_args()
    wc = collections.Counter()
    for t in texts(a.docs, a.max_words):
        wc.update(PRE.findall(normalize(t)))
    wc = {w: c for w, c in wc.items() if c >= a.min_word}
    print(f"word types {len(wc)}", file=sys.stderr)
    vocab, merges = train(wc, a.vocab_size, a.min_char)
    json.dump(to_json(vocab, merges), open(a.out, "w"), ensure_ascii=False)
    print(f"vocab {len(vocab)} merges {len(merges)} -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
