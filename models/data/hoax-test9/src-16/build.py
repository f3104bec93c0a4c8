"""Parse claims.txt and pairs-a..d.txt (hand-written) into build/claims.jsonl and build/pairs-16.jsonl.
Only parses; writes no text of its own."""
import json
import sys
from pathlib import Path

PREFIX = "ht16"
HERE = Path(__file__).parent
OUT = HERE / "build"


def blocks(path, mark):
    """Yield (header, body_lines) for blocks starting with a line beginning with `mark`."""
    head, body = None, []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("%%"):
            continue
        if raw.startswith(mark + " "):
            if head is not None:
                yield head, body
            head, body = raw[len(mark) + 1:], []
        elif head is not None:
            body.append(raw)
    if head is not None:
        yield head, body


def trim(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def cid(x):
    x = x.strip()
    return None if x == "null" else f"{PREFIX}-{int(x):03d}"


def main():
    OUT.mkdir(exist_ok=True)
    claims = []
    for head, body in blocks(HERE / "claims.txt", "#"):
        f = [x.strip() for x in head.split("|")]
        if f[0] == "id":
            continue
        claims.append({"id": cid(f[0]), "claim": trim(body), "rating": f[1], "url": f[4],
                       "date": f[2], "source": f[3]})
    (OUT / "claims.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims),
                                      encoding="utf-8")
    pairs = []
    for name in "abcd":
        path = HERE / f"pairs-{name}.txt"
        if not path.exists():
            continue
        for head, body in blocks(path, "@"):
            f = [x.strip() for x in head.split("|")]
            if len(f) != 6:
                sys.exit(f"{path.name}: bad header {head!r}")
            claim_id, kind, platform, label, category, register = f
            if "--" in body:
                i = body.index("--")
                text, context = trim(body[:i]), trim(body[i + 1:])
            else:
                text, context = trim(body), None
            if kind == "like":
                text = ""
            pairs.append({"id": f"{PREFIX}-x{len(pairs) + 1:04d}", "claim_id": cid(claim_id), "kind": kind,
                          "text": text, "context": context or None, "platform": platform, "label": label,
                          "category": category, "register": None if register == "null" else register,
                          "split": "test9"})
    (OUT / "pairs-16.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs),
                                        encoding="utf-8")
    print(f"{len(claims)} claims, {len(pairs)} pairs written")


if __name__ == "__main__":
    main()
