"""The amounts a text states, however written: "Rp2,5 juta", "2.500.000", "dua setengah juta", "15rb", "40%".

A partial repetition often carries one number of its claim and nothing else of its wording: "tanggal 16 la lima belas
ribu" of "harga BBM naik menjadi Rp15.000 per liter", "sudah transfer dua setengah juta" of "biaya administrasi Rp2,5
juta". Read as digit runs, "Rp15.000" is "15" and "000" and the words are nothing; read as amounts, both are 15000.
"""

from __future__ import annotations

import re
from functools import lru_cache

_UNITS = {"nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
          "sembilan": 9}
# "se-" is "one": sepuluh, sebelas, seratus, seribu, sejuta
_SE = {"sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000, "sejuta": 1_000_000, "semiliar": 1_000_000_000}
_SCALES = {"ribu": 1000, "rb": 1000, "rbu": 1000, "k": 1000, "juta": 1_000_000, "jt": 1_000_000, "jta": 1_000_000,
           "miliar": 1_000_000_000, "milyar": 1_000_000_000, "m": 1_000_000_000, "triliun": 10**12}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
# A number glued to its scale or currency: "15rb", "2,5jt", "Rp15.000", "50k"
_GLUED = re.compile(r"(?i)(?<![^\W\d_])(rp\.?)?(\d+(?:[.,]\d+)*)(rb|rbu|k|jt|jta|juta|ribu|m)?(?![^\W\d_])")


def _digits(token: str) -> float:
    """A written number: dots or commas between groups of three are thousands ("15.000", "1,250,000"); one comma or dot
    before one or two digits is a decimal point ("2,5", "61,4")."""
    groups = re.split(r"[.,]", token)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    if len(groups) == 2:
        return float(f"{groups[0]}.{groups[1]}")
    return float("".join(groups))


def _spaced(text: str) -> list[str]:
    """The text's tokens, a number glued to its scale split from it ("15rb" → "15", "rb"; "Rp15.000" → "15.000")."""
    out: list[str] = []
    for word in text.lower().split():
        glued = _GLUED.fullmatch(word.strip(".,;:!?()\"'“”"))
        if glued:
            out.append(glued.group(2))
            if glued.group(3):
                out.append(glued.group(3))
            continue
        out.extend(_TOKEN.findall(word))
    return out


@lru_cache(maxsize=32768)
def amounts(text: str) -> frozenset[float]:
    """Every amount the text states, in digits or in Indonesian words, with its scale applied (ribu, juta, miliar;
    "setengah" after a number adds a half: "dua setengah juta" is 2,500,000). A number is also kept without its scale,
    so that "15" of "15 ribu" still meets the "15" of a date."""
    found: set[float] = set()
    tokens = _spaced(text)
    # total: what the scales (ribu, juta) have taken; group: the hundreds and tens since; unit: a unit word not yet
    # taken by puluh, belas or ratus ("dua" of "dua puluh")
    total, group, unit, pending, started = 0.0, 0.0, 0.0, False, False

    def close() -> None:
        nonlocal total, group, unit, pending, started
        if started:
            found.add(total + group + unit)
        total, group, unit, pending, started = 0.0, 0.0, 0.0, False, False

    def take(multiplier: float) -> None:
        nonlocal group, unit, pending
        group += unit * multiplier
        unit, pending = 0.0, False

    def scale(multiplier: float) -> None:
        nonlocal total, group
        take(1)
        # "ribu" scales what came since the last "juta" ("satu juta dua ratus ribu"); "juta" and up scale it all
        total = total + group * multiplier if multiplier == 1000 else (total + group) * multiplier
        group = 0.0

    for i, token in enumerate(tokens):
        if token[0].isdigit():
            close()
            value = _digits(token)
            found.add(value)
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if following == "setengah":
                value += 0.5
                following = tokens[i + 2] if i + 2 < len(tokens) else ""
            if following in _SCALES and following != "m":
                found.add(value * _SCALES[following])
            continue
        if token in _UNITS:
            if token == "satu" and i and tokens[i - 1] == "salah":  # "salah satu": "one of", not a count
                close()
                continue
            if pending:  # "tiga empat": two numbers, not one
                close()
            unit, pending, started = float(_UNITS[token]), True, True
        elif token in _SE:
            take(1)
            started = True
            value = _SE[token]
            if value >= 1000:  # seribu, sejuta: "one thousand", "one million"
                unit = 1.0
                scale(value)
            else:
                group += value
        elif token == "belas" and pending:
            take(1)
            group += 10
        elif token == "puluh" and pending:
            take(10)
        elif token == "ratus" and pending:
            take(100)
        elif token == "setengah":
            unit += 0.5
            pending = started = True
        elif token in ("ribu", "juta", "miliar", "milyar", "triliun") and started:
            scale(_SCALES[token])
        else:
            close()
    close()
    return frozenset(found)
