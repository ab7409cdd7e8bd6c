#!/usr/bin/env python3
"""Clustering quality against a scikit-learn baseline, on the 4,326 real citizen messages.

Labels come from the data's own topic categories: each message gets the second-level class
(二级分类) of the contest's taxonomy whose third-level terms (三级分类, split into words of
two or more characters) occur most often in its subject and text; messages that match no
term are left out. Both clusterings see the same texts:
  - ours: `yijian cluster` (TF-IDF over jieba words, leader pass + agglomerative merging);
  - baseline: scikit-learn TF-IDF over character bigrams (no Chinese word segmenter needed),
    reduced to 200 dimensions, agglomerative clustering (average linkage, cosine) with as
    many clusters as ours found.
Prints the adjusted Rand index (ARI) and the normalised mutual information (NMI) of each
against the labels, as JSON lines like the benchmarks.

    python3 server/scripts/cluster_quality.py [path/to/yijian]

Needs numpy and scikit-learn (`pip install scikit-learn`) and ../shared/corpus/comments/.
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "../../../shared/corpus/comments")


def emit(metric, value, unit):
    print(json.dumps({"bench": "cluster_quality", "metric": metric, "value": round(value, 4), "unit": unit}))


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("YIJIAN_BIN", "yijian")
    try:
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
        from sklearn.preprocessing import normalize
    except ImportError:
        sys.exit("scikit-learn is missing: pip install scikit-learn")
    messages = os.path.join(CORPUS, "tipdm2020-c-citizen-messages-attachment3.jsonl.gz")
    taxonomy = os.path.join(CORPUS, "tipdm2020-c-category-taxonomy-attachment1.tsv")
    if not os.path.exists(messages):
        sys.exit(f"the corpus is missing: {messages}")
    terms = {}
    with open(taxonomy, encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            for word in re.split(r"[、，,（）()和与及/]", parts[2]):
                if len(word) >= 2:
                    terms.setdefault(word, set()).add(parts[1])
    ids, texts, labels = [], [], []
    with gzip.open(messages, "rt", encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            text = (m["subject"] + "。" + m["detail"].strip())
            votes = Counter()
            for word, classes in terms.items():
                n = text.count(word)
                if n:
                    for c in classes:
                        votes[c] += n
            if votes:
                ids.append(m["message_id"])
                texts.append(text)
                labels.append(votes.most_common(1)[0][0])
    emit("labelled_messages", len(texts), "docs")
    emit("label_classes", len(set(labels)), "classes")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, t in zip(ids, texts):
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
        path = f.name
    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), min_df=2, sublinear_tf=True).fit_transform(texts)
    x = normalize(TruncatedSVD(n_components=200, random_state=0).fit_transform(x))
    # The workbench's defaults (fine clusters of one article's opinions), then coarser settings
    # closer to the number of topic classes.
    for name, args in [("default", []), ("coarse", ["--join", "0.08", "--merge", "0.15"])]:
        run = subprocess.run([binary, "cluster", path, *args], check=True, capture_output=True, text=True)
        out = json.loads(run.stdout)
        ours = {}
        for k, c in enumerate(out["clusters"]):
            for i in c["ids"]:
                ours[i] = k
        ours_labels = [ours[i] for i in ids]
        k = len(out["clusters"])
        base = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(x)
        emit(f"{name}_clusters", k, "clusters")
        emit(f"{name}_ours_ari", adjusted_rand_score(labels, ours_labels), "ratio")
        emit(f"{name}_sklearn_ari", adjusted_rand_score(labels, base), "ratio")
        emit(f"{name}_ours_nmi", normalized_mutual_info_score(labels, ours_labels), "ratio")
        emit(f"{name}_sklearn_nmi", normalized_mutual_info_score(labels, base), "ratio")
    os.unlink(path)


if __name__ == "__main__":
    main()
