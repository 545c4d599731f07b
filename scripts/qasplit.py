#!/usr/bin/env python3
"""qasplit.py: one half of a question set in qaeval.py's form.

  scripts/qasplit.py search/testdata/qa/bbc.json dev            # prints the path of a temp file
  scripts/qasplit.py search/testdata/qa/seeds.json test -o /tmp/seeds-test.json
  scripts/qasplit.py search/testdata/qa/bbc.json check --docs ../shared/eval/bbc/docs.jsonl
  scripts/qasplit.py search/testdata/qa/seeds.json check --docs ../shared/seeds

The sets under search/testdata/qa carry their own fields ("doc", "sentence",
"topic", "kind", "split"); qaeval.py reads only "q", "any" and "unanswerable"
and has no notion of a split. This keeps the questions whose "split" is the one
asked for and writes them as {"q", "any"} or {"q", "unanswerable": true}, in
file order. Tuning looks only at "dev"; "test" is for the final figures.

"check" verifies a set against its library instead: each "sentence" stands
byte for byte in the text of its "doc", the first "any" inside that sentence,
every other "any" somewhere in the library; no question is asked twice; every
question has a split. Exit 1 on the first kind of fault, listing them all.
"""
import argparse
import json
import os
import sys
import tempfile


def load_library(path):
    """Source id -> text: a docs.jsonl file, or a folder of seed files named NNN_<id>.txt."""
    if os.path.isdir(path):
        lib = {}
        for name in sorted(os.listdir(path)):
            if name.endswith(".txt"):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    lib[name[:-4].split("_", 1)[-1]] = f.read()
        return lib
    with open(path, encoding="utf-8") as f:
        return {d["id"]: d["text"] for d in (json.loads(l) for l in f if l.strip())}


def check(items, lib):
    """The faults of a question set against its library, as lines of text."""
    faults = []
    seen = set()
    for x in items:
        q = x.get("q", "")
        if q.casefold() in seen:
            faults.append("asked twice: %r" % q)
        seen.add(q.casefold())
        if x.get("split") not in ("dev", "test"):
            faults.append("no dev/test split: %r" % q)
        if x.get("unanswerable"):
            continue
        text = lib.get(x.get("doc"))
        if text is None:
            faults.append("unknown doc %r: %r" % (x.get("doc"), q))
            continue
        s = x.get("sentence", "")
        if not s or s not in text:
            faults.append("sentence not in %s: %r" % (x["doc"], s))
        anys = x.get("any") or []
        if not anys or anys[0] not in s:
            faults.append("first any not in the sentence: %r" % q)
        for a in anys[1:]:
            if not any(a in t for t in lib.values()):
                faults.append("any not in the library: %r" % a)
    return faults


def half(items, split):
    """The questions of one split, in qaeval.py's form."""
    out = []
    for x in items:
        if x.get("split") not in ("dev", "test"):
            raise ValueError("question %r has no dev/test split" % x.get("q"))
        if x["split"] != split:
            continue
        if x.get("unanswerable"):
            out.append({"q": x["q"], "unanswerable": True})
        else:
            out.append({"q": x["q"], "any": list(x["any"])})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", help="a question set, e.g. search/testdata/qa/bbc.json")
    ap.add_argument("split", choices=["dev", "test", "check"])
    ap.add_argument("-o", "--out", help="where to write (default: a new temp file, whose path is printed)")
    ap.add_argument("--docs", help="with check: docs.jsonl, or the folder of seed files")
    a = ap.parse_args()
    with open(a.file, encoding="utf-8") as f:
        items = json.load(f)
    if a.split == "check":
        if not a.docs:
            sys.exit("qasplit: check needs --docs")
        faults = check(items, load_library(a.docs))
        for line in faults:
            print(line)
        n = sum(1 for x in items if not x.get("unanswerable"))
        print("%s: %d answerable, %d unanswerable, %d faults" % (a.file, n, len(items) - n, len(faults)))
        sys.exit(1 if faults else 0)
    try:
        qs = half(items, a.split)
    except ValueError as e:
        sys.exit("qasplit: %s: %s" % (a.file, e))
    if a.out:
        f = open(a.out, "w", encoding="utf-8")
    else:
        f = tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="qa-%s-" % a.split, suffix=".json", delete=False)
    with f:
        json.dump(qs, f, ensure_ascii=False, indent=1)
    print(f.name)


if __name__ == "__main__":
    main()
