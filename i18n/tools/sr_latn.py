#!/usr/bin/env python3
"""Makes locales/sr-Latn.ftl (Serbian in Latin script) from locales/sr.ftl (Cyrillic), letter by
letter: Serbian's two scripts map one to one. Run after changing sr.ftl:

    python3 i18n/tools/sr_latn.py

The i18n crate's tests check that sr-Latn.ftl is what this makes."""
import pathlib

LETTERS = dict(zip(
    "абвгдђежзијклљмнњопрстћуфхцчџш",
    ["a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj", "o",
     "p", "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š"],
))


def latin(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in LETTERS:
            lat = LETTERS[low]
            out.append(lat if ch == low else lat[0].upper() + lat[1:])
        else:
            out.append(ch)
    return "".join(out)


here = pathlib.Path(__file__).resolve().parent.parent / "locales"
lines = (here / "sr.ftl").read_text(encoding="utf-8").splitlines()
made = []
for line in lines:
    if line.startswith("# Српски (ћирилица)."):
        made.append("# Srpski (latinica): made from sr.ftl by tools/sr_latn.py; change sr.ftl, not this file.")
    elif line.startswith("language-name = "):
        made.append("language-name = Srpski (latinica)")
    else:
        made.append(latin(line))
(here / "sr-Latn.ftl").write_text("\n".join(made) + "\n", encoding="utf-8")
