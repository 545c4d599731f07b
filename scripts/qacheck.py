#!/usr/bin/env python3
"""qacheck.py: check a question set, and the questions appended to it, against its library.

  scripts/qacheck.py search/testdata/qa/bbc.json --docs ../shared/eval/bbc/docs.jsonl --since 140
  scripts/qacheck.py search/testdata/qa/seeds.json --docs seeds --since 50 --same-articles

Runs qasplit.py's check over the whole set (each "sentence" byte for byte in its
"doc", the first "any" inside it, every other "any" in the library, no question
asked twice, every question split), checks each "kind" and "topic", and prints
the counts per split, kind and topic.

With --since N, the questions from position N on (the ones just appended) must
also: ask about a sentence no earlier question names, in an article no earlier
question names (nor a copy of one, the same story under another id; not with
--same-articles, for the four seeds), ask about a sentence other than the article's first
(split as qaeval.py splits), give "any" strings of 5 to 12 words, and alternate
dev, test, dev, ... in file order, answerable and unanswerable questions
counted separately. It prints how many of them answer from the third sentence
on. Exit 1 on any fault.
"""
import argparse
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qasplit import check, load_library  # noqa: E402

# As qaeval.py splits a text into sentences.
SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)]))\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n+")
KINDS = {"who", "when", "where", "howmany", "howmuch", "howlong", "why", "which", "what", "said"}


def sentences(text):
    return [s for s in SPLIT.split(text.strip()) if s.strip()]


def story(text):
    """A key that two copies of one story share although their ids differ."""
    return re.sub(r"\W+", " ", text.casefold())[:200]


def check_new(items, since, lib, same_articles=False):
    """Faults of the questions from position since on, and how many answer from the third sentence on."""
    faults = []
    old_docs = {x["doc"] for x in items[:since] if x.get("doc")}
    old_stories = {story(lib[d]) for d in old_docs if d in lib}
    old_sentences = {x["sentence"] for x in items[:since] if x.get("sentence")}
    turn = {False: 0, True: 0}
    late = 0
    for x in items[since:]:
        q = x.get("q", "")
        unans = bool(x.get("unanswerable"))
        want = "dev" if turn[unans] % 2 == 0 else "test"
        turn[unans] += 1
        if x.get("split") != want:
            faults.append("split should be %s: %r" % (want, q))
        if unans:
            continue
        text = lib.get(x.get("doc"), "")
        if x.get("sentence") in old_sentences:
            faults.append("sentence already asked about: %r" % q)
        if not same_articles and (x.get("doc") in old_docs or story(text) in old_stories):
            faults.append("article already asked about: %s %r" % (x.get("doc"), q))
        ss = sentences(text)
        if x.get("sentence") not in ss:
            faults.append("not one of the article's sentences: %r" % q)
        else:
            i = ss.index(x["sentence"])
            if i == 0:
                faults.append("answers from the first sentence: %r" % q)
            late += i >= 2
        for a in x.get("any") or []:
            if not 5 <= len(a.split()) <= 12:
                faults.append("any of %d words: %r" % (len(a.split()), a))
    return faults, late


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--docs", required=True, help="docs.jsonl, or the folder of seed files")
    ap.add_argument("--since", type=int, help="position of the first appended question")
    ap.add_argument("--same-articles", action="store_true", help="with --since: appended questions may ask about articles already asked about (not about their sentences)")
    a = ap.parse_args()
    with open(a.file, encoding="utf-8") as f:
        items = json.load(f)
    lib = load_library(a.docs)
    faults = check(items, lib)
    for x in items:
        if x.get("unanswerable"):
            continue
        if x.get("kind") not in KINDS:
            faults.append("unknown kind %r: %r" % (x.get("kind"), x["q"]))
        topic = x.get("topic")
        if topic != "seeds" and not str(x.get("doc", "")).startswith("bbc-%s-" % topic):
            faults.append("topic %r does not match %s: %r" % (topic, x.get("doc"), x["q"]))
    if a.since is not None:
        new_faults, late = check_new(items, a.since, lib, a.same_articles)
        faults += new_faults
    for line in faults:
        print(line)
    counts = collections.Counter()
    for x in items[a.since or 0:]:
        kind = "unanswerable" if x.get("unanswerable") else x.get("kind")
        counts[(x.get("split"), x.get("topic"), kind)] += 1
    print("%s, questions %d on:" % (a.file, a.since or 0))
    for split in ("dev", "test"):
        by_kind = collections.Counter()
        by_topic = collections.Counter()
        for (s, t, k), n in counts.items():
            if s == split:
                by_kind[k] += n
                by_topic[t] += n
        print("  %s: %d  kinds %s  topics %s" % (split, sum(by_kind.values()), dict(sorted(by_kind.items())), dict(sorted(by_topic.items()))))
    if a.since is not None:
        n = sum(1 for x in items[a.since:] if not x.get("unanswerable"))
        print("  appended: %d answerable (%d from the third sentence on), %d unanswerable" % (n, late, len(items) - a.since - n))
    print("%d faults" % len(faults))
    sys.exit(1 if faults else 0)


if __name__ == "__main__":
    main()
