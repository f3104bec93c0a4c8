"""Parse the hand-written blocks of writer 9 into the README's JSONL formats.

claims.txt   -> build/claims.jsonl
pairs-*.txt  -> build/pairs-9.jsonl
Only parses; it writes no text of its own. Lines starting with %% are notes.
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = "ht9"
N = 9
SPLIT = "test6"


def blocks(path: Path):
    """Yield (header fields, body lines) for every block that starts with '@ '."""
    head, body = None, []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line.startswith("%%"):
            continue
        if line.startswith("@ "):
            if head is not None:
                yield head, body
            head, body = [f.strip() for f in line[2:].split("|")], []
        elif head is not None and line:
            body.append(line)
    if head is not None:
        yield head, body


def claims():
    out = []
    for head, body in blocks(HERE / "claims.txt"):
        num, rating, date, source, url = head
        assert re.fullmatch(r"\d{3}", num), head
        out.append({"id": f"{PREFIX}-{num}", "claim": " ".join(body), "rating": rating,
                    "url": url, "date": date, "source": source})
    return out


def pairs():
    out = []
    for path in sorted(HERE.glob("pairs-*.txt")):
        for head, body in blocks(path):
            pid, claim, kind, platform, label, category, register = head
            assert re.fullmatch(r"x\d{4}", pid), head
            context = [l[2:] for l in body if l.startswith("> ")]
            text = [l for l in body if not l.startswith("> ")]
            out.append({
                "id": f"{PREFIX}-{pid}",
                "claim_id": None if claim == "-" else f"{PREFIX}-{claim}",
                "kind": kind,
                "text": "\n".join(text),
                "context": "\n".join(context) if context else None,
                "platform": platform,
                "label": label,
                "category": category,
                "register": None if register == "-" else register,
                "split": SPLIT,
            })
    out.sort(key=lambda p: p["id"])
    return out


def main():
    build = HERE / "build"
    build.mkdir(exist_ok=True)
    with open(build / "claims.jsonl", "w", encoding="utf-8") as f:
        for c in claims():
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(build / f"pairs-{N}.jsonl", "w", encoding="utf-8") as f:
        for p in pairs():
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
