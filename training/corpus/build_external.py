"""Real question/summary -> passage pairs from the shared evaluation data, as documents with "queries".

Read from --data (e.g. /work/shared/data); nothing is copied into the repository.
    squad     qa/squad2/dev-part-a.json: every question (answerable or not, both are written against the
              paragraph) -> its paragraph, streamed inside its article
    scitldr   summarization/scitldr-a.train.jsonl: every TLDR -> its abstract (train split only)
    cranfield retrieval/cranfield/corpus.jsonl: title -> abstract body (unsupervised text of the evaluation
              collection; its queries and relevance judgements are never read)
"""
import argparse
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-cranfield", action="store_true")
    a = ap.parse_args()
    n = {"squad": 0, "scitldr": 0, "cranfield": 0}
    with open(a.out, "w") as f:
        sq = json.load(open(os.path.join(a.data, "qa/squad2/dev-part-a.json")))
        for art in sq["data"]:
            paras, queries = [], []
            for k, p in enumerate(art["paragraphs"]):
                paras.append(p["context"])
                for qa in p["qas"]:
                    queries.append({"q": qa["question"], "para": k})
            title = art.get("title", "").replace("_", " ")
            f.write(json.dumps({"src": "squad", "id": "squad:" + title, "title": title,
                                "secs": [{"h": "", "p": paras}], "queries": queries}) + "\n")
            n["squad"] += len(queries)
        for i, line in enumerate(open(os.path.join(a.data, "summarization/scitldr-a.train.jsonl"))):
            r = json.loads(line)
            tg = r["target"] if isinstance(r["target"], list) else [r["target"]]
            queries = [{"q": t, "para": 0} for t in tg if t.strip()]
            f.write(json.dumps({"src": "scitldr", "id": f"scitldr:{i}", "title": "",
                                "secs": [{"h": "", "p": [" ".join(r["source"])]}], "queries": queries}) + "\n")
            n["scitldr"] += len(queries)
        if not a.no_cranfield:
            for line in open(os.path.join(a.data, "retrieval/cranfield/corpus.jsonl")):
                r = json.loads(line)
                title, text = r["title"].strip(), r["text"].strip()
                body = text[len(title):].strip() if text.startswith(title) else text
                if not title or len(body.split()) < 5:
                    continue
                f.write(json.dumps({"src": "cranfield", "id": "cranfield:" + r["_id"], "title": "",
                                    "secs": [{"h": "", "p": [body]}], "queries": [{"q": title, "para": 0}]}) + "\n")
                n["cranfield"] += 1
    print("external pairs", n)


if __name__ == "__main__":
    main()
