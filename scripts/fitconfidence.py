#!/usr/bin/env python3
"""fitconfidence.py: fit the answer's confidence (search/confidence.go) on the dev halves.

  SITREP_CONFIDENCE_DUMP=/tmp/conf.jsonl go test ./search -run TestDumpConfidence -count=1
  scripts/fitconfidence.py /tmp/conf.jsonl

TestDumpConfidence writes one line per dev question (BBC and seeds): the
confidence's features and whether the first three quotes Ask returned hold
the answer. Two logistic regressions are fitted, classes weighed equally,
L2 on every weight but the bias, by Adam:

- "answered": do the first three quotes hold the answer? Positives: the
  answerable questions whose top three hold it; negatives: everything else
  (misses, unanswerable and off-topic questions).
- "nothing near": is the question's subject absent from the library?
  Positives: the off-topic questions; negatives: the answerable questions
  whose top three hold the answer (hiding one of those costs a user most).

For each it prints five-fold (answered) or ten-fold (nothing near)
cross-validated counts per threshold, then the weights fitted on all the
dev questions as Go literals. "Answered" counts only the questions that
pass its preconditions (the hand rule and the kind asked for in the best
quote: features rule and span).

It never reads the test halves unless the dump was written with
SITREP_CONFIDENCE_SPLIT=test, to report a curve chosen on dev.
"""
import json
import math
import sys

ANSWERED = ["bias", "known", "top1", "top3", "story1", "story3", "rule", "article", "margin"]
NOTHING = ["bias", "known", "knowncontext", "knownarticle", "articlemissing", "missing",
           "termshare", "top1", "top3", "context"]
L2 = 0.01


def sigmoid(x):
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, x))))


def fit(xs, ys, l2=L2, steps=3000, lr=0.1):
    """Weights maximising the class-balanced log likelihood less l2 |w|^2 (bias free)."""
    n = len(xs[0])
    w, m, v = [0.0] * n, [0.0] * n, [0.0] * n
    npos = sum(ys)
    cw = {1: 0.5 / max(npos, 1), 0: 0.5 / max(len(ys) - npos, 1)}
    for t in range(1, steps + 1):
        g = [0.0] * n
        for x, y in zip(xs, ys):
            c = cw[y] * (y - sigmoid(sum(a * b for a, b in zip(w, x))))
            for k in range(n):
                g[k] += c * x[k]
        for k in range(1, n):
            g[k] -= 2 * l2 * w[k]
        for k in range(n):
            m[k] = 0.9 * m[k] + 0.1 * g[k]
            v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k]
            w[k] += lr * (m[k] / (1 - 0.9 ** t)) / (math.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
    return w


def crossval(xs, ys, folds):
    probs = [0.0] * len(xs)
    for f in range(folds):
        train = [i for i in range(len(xs)) if i % folds != f]
        w = fit([xs[i] for i in train], [ys[i] for i in train], steps=800)
        for i in range(len(xs)):
            if i % folds == f:
                probs[i] = sigmoid(sum(a * b for a, b in zip(w, xs[i])))
    return probs


GONAMES = {"bestof3": "BestOf3", "story1": "Story1", "story3": "Story3", "nearof3": "NearOf3", "termshare": "TermShare", "kindnear": "KindNear",
           "kindany": "KindAny", "articlemissing": "ArticleMissing", "knowncontext": "KnownContext",
           "knownarticle": "KnownArticle"}


def golit(name, use, w):
    """The weights as search/confidence.go spells them."""
    return "%s = [numConfidence]float64{%s}" % (
        name, ", ".join("cf%s: %.3f" % (GONAMES.get(n, n.capitalize()), x) for n, x in zip(use, w)))


def main():
    rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
    names = next(r["Names"] for r in rows if r["Names"])
    for r in rows:
        if r["Features"] is None:  # a question of stop words alone
            r["Features"] = [1.0] + [0.0] * (len(names) - 1)

    def vec(r, use):
        return [r["Features"][names.index(n)] for n in use]

    # Answered.
    xs = [vec(r, ANSWERED) for r in rows]
    ys = [1 if r["Holds3"] else 0 for r in rows]
    probs = crossval(xs, ys, 5)
    gated = [1.0 if r["Features"][names.index("rule")] == 1 and r["Features"][names.index("span")] == 1 else 0.0
             for r in rows]
    probs = [p * g for p, g in zip(probs, gated)]
    print("answered, five-fold cross-validated on the dev halves: precision (top 3 holds the answer) and answers confirmed")
    for th in [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]:
        cells = []
        for s in ("bbc", "seeds"):
            idx = [i for i, r in enumerate(rows) if r["Set"] == s]
            shown = [i for i in idx if probs[i] >= th]
            ok = sum(1 for i in shown if rows[i]["Holds3"])
            cells.append("%s %d/%d (%.0f%%), %d of %d" % (s, ok, len(shown), 100.0 * ok / max(1, len(shown)), ok,
                                                          sum(1 for i in idx if rows[i]["Holds3"])))
        print("  at %.2f: %s" % (th, " | ".join(cells)))
    print("  " + golit("answeredWeights", ANSWERED, fit(xs, ys)))

    # Nothing near.
    sel = [r for r in rows if r["Offtopic"] or r["Holds3"]]
    xs = [vec(r, NOTHING) for r in sel]
    ys = [1 if r["Offtopic"] else 0 for r in sel]
    probs = crossval(xs, ys, 10)
    print("nothing near, ten-fold cross-validated: off-topic questions given none, answers hidden")
    for th in [0.5, 0.6, 0.7, 0.8, 0.9]:
        cells = []
        for s in ("bbc", "seeds"):
            idx = [i for i, r in enumerate(sel) if r["Set"] == s]
            off = sum(1 for i in idx if ys[i] and probs[i] >= th)
            hidden = sum(1 for i in idx if not ys[i] and probs[i] >= th)
            cells.append("%s off-topic none %d/%d, answers hidden %d/%d" % (
                s, off, sum(ys[i] for i in idx), hidden, sum(1 - ys[i] for i in idx)))
        print("  at %.2f: %s" % (th, " | ".join(cells)))
    print("  " + golit("nothingWeights", NOTHING, fit(xs, ys)))


if __name__ == "__main__":
    main()
