#!/usr/bin/env python3
"""Clustering quality against a scikit-learn baseline, on the 4,326 real citizen messages.

Two sets of labels, both from the data itself:
  - topics: each message gets the second-level class (二级分类) of the contest's taxonomy whose
    third-level terms (三级分类, split into words of two or more characters) occur most often
    in its subject and text; messages that match no term are left out. Coarse and noisy (57
    classes over a handful of words), so both methods score low on it.
  - issues: messages whose subject (留言主题) is shared with other messages are labelled by
    that subject: several people raising the same issue. The clusterings see only the message
    bodies (not the subject, which would give the answer away), of all 4,326 messages; the
    score is taken over the labelled ones. This is the workbench's own job: opinions about
    the same point end up together. People restate one issue under other subjects, which
    exact subjects count as different issues; `issues_fused` joins subjects whose character
    bigrams overlap by a Jaccard of 0.5 or more.
Both clusterings see the same texts:
  - ours: `yijian cluster` (the cores of the opinions, greetings and sign-offs left out; TF-IDF
    over jieba words; average linkage over a graph of near neighbours). Opinions it puts in no
    group (`others`, 其他意见) count as groups of one;
  - baseline: scikit-learn TF-IDF over character bigrams (no Chinese word segmenter needed),
    reduced to 200 dimensions, agglomerative clustering (average linkage, cosine) with as
    many clusters as ours found.
Prints the adjusted Rand index (ARI) and the normalised mutual information (NMI) of each
against the labels, and how many groups the labelled messages fall into under each method
against how many labels there are, as JSON lines like the benchmarks.

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


def ours(binary, ids, texts, args):
    """Cluster ids of `yijian cluster` for each text, and the number of clusters."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, t in zip(ids, texts):
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
        path = f.name
    try:
        run = subprocess.run([binary, "cluster", path, *args], check=True, capture_output=True, text=True)
    finally:
        os.unlink(path)
    out = json.loads(run.stdout)
    of = {}
    for k, c in enumerate(out["clusters"]):
        for i in c["ids"]:
            of[i] = k
    # Opinions in no group (其他意见) are each on their own.
    for i in out.get("others", []):
        of[i] = len(of) + len(out["clusters"])
    k = len(set(of.values()))
    return [of[i] for i in ids], k


def baseline(texts, k):
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), min_df=2, sublinear_tf=True).fit_transform(texts)
    x = normalize(TruncatedSVD(n_components=200, random_state=0).fit_transform(x))
    return AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(x)


def score(prefix, labels, mine, base, k):
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    emit(f"{prefix}_clusters", k, "clusters")
    # How many groups the labelled messages fall into, against how many there are.
    emit(f"{prefix}_true_groups", len(set(labels)), "groups")
    emit(f"{prefix}_ours_groups", len(set(mine)), "groups")
    emit(f"{prefix}_sklearn_groups", len(set(base)), "groups")
    emit(f"{prefix}_ours_ari", adjusted_rand_score(labels, mine), "ratio")
    emit(f"{prefix}_sklearn_ari", adjusted_rand_score(labels, base), "ratio")
    emit(f"{prefix}_ours_nmi", normalized_mutual_info_score(labels, mine), "ratio")
    emit(f"{prefix}_sklearn_nmi", normalized_mutual_info_score(labels, base), "ratio")


def bigrams(text):
    return {text[i:i + 2] for i in range(len(text) - 1)}


def fused_subjects(subjects, threshold=0.5):
    """Subjects joined (union-find) when their character bigrams overlap by Jaccard >= threshold:
    people restating one issue in other words ("…夜宵摊严重污染附近的空气" and the same
    "，急需处理！")."""
    distinct = sorted(set(subjects))
    grams = [bigrams(s) for s in distinct]
    parent = list(range(len(distinct)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_gram = {}
    for i, g in enumerate(grams):
        for b in g:
            by_gram.setdefault(b, []).append(i)
    for i, g in enumerate(grams):
        shared = Counter(j for b in g for j in by_gram[b] if j > i)
        for j, n in shared.items():
            if n / len(g | grams[j]) >= threshold:
                parent[find(i)] = find(j)
    return {s: distinct[find(i)] for i, s in enumerate(distinct)}


def issues(binary, messages):
    """Labels: shared subjects; texts: the bodies of all messages; scored on the labelled."""
    ids = [m["message_id"] for m in messages]
    texts = [m["detail"].strip() or m["subject"] for m in messages]
    subjects = [m["subject"].strip() for m in messages]
    mine, k = ours(binary, ids, texts, [])
    base = baseline(texts, k)
    fused = fused_subjects(subjects)
    # Exact subjects, then subjects restating one issue joined.
    for prefix, label_of in [("issues", lambda s: s), ("issues_fused", lambda s: fused[s])]:
        labels_all = [label_of(s) for s in subjects]
        shared = Counter(labels_all)
        labelled = [n for n, label in enumerate(labels_all) if shared[label] > 1]
        labels = [labels_all[n] for n in labelled]
        emit(f"{prefix}_labelled_messages", len(labelled), "docs")
        emit(f"{prefix}_label_classes", len(set(labels)), "classes")
        score(prefix, labels, [mine[n] for n in labelled], [base[n] for n in labelled], k)


def topics(binary, messages):
    """Labels: taxonomy classes by term votes; texts: subject and body of the labelled."""
    taxonomy = os.path.join(CORPUS, "tipdm2020-c-category-taxonomy-attachment1.tsv")
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
    for m in messages:
        text = m["subject"] + "。" + m["detail"].strip()
        votes = Counter()
        for word, classes in terms.items():
            n = text.count(word)
            if n:
                for c in sorted(classes):
                    votes[c] += n
        if votes:
            ids.append(m["message_id"])
            texts.append(text)
            labels.append(votes.most_common(1)[0][0])
    emit("labelled_messages", len(texts), "docs")
    emit("label_classes", len(set(labels)), "classes")
    # The workbench's defaults (fine clusters of one article's opinions), then coarser settings
    # closer to the number of topic classes.
    for name, args in [("default", []), ("coarse", ["--merge", "0.1", "--merge-floor", "0.03"])]:
        mine, k = ours(binary, ids, texts, args)
        score(name, labels, mine, baseline(texts, k), k)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("YIJIAN_BIN", "yijian")
    try:
        import sklearn  # noqa: F401
    except ImportError:
        sys.exit("scikit-learn is missing: pip install scikit-learn")
    path = os.path.join(CORPUS, "tipdm2020-c-citizen-messages-attachment3.jsonl.gz")
    if not os.path.exists(path):
        sys.exit(f"the corpus is missing: {path}")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        messages = [json.loads(line) for line in f]
    topics(binary, messages)
    issues(binary, messages)


if __name__ == "__main__":
    main()
