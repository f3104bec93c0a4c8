"""How people name Indonesia's national parties without their names: nicknames, symbols, colours.

A profile lists the parties of its election; writers and voters say "partai banteng", "si
beringin", "yang kuning", "Ka'bah". The matcher adds these forms to every profile party whose
name or alias matches an entry here, so a profile need not repeat them. Colours are shared by
several parties: one counts only when exactly one party of the profile has it, and only in an
election context (a weak cue). Maintained by hand: a party that changes its symbol or a new
nickname goes in here (sources: the parties' own logos and common usage in 2019–2024 coverage).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartyForms:
    names: tuple[str, ...]  # how profiles write the party (compared case- and punctuation-insensitively)
    nicknames: tuple[str, ...]  # symbols and nicknames that point to it alone
    colours: tuple[str, ...] = ()
    # The party's symbol as an emoji (🐂 the banteng, 🌳 the beringin): a corroborating sign next to a
    # ballot number, never a cue by itself.
    emoji: tuple[str, ...] = ()


# Colour signs written as emoji. ❤️ is left out on purpose: it is everyone's heart, not PDI-P's red.
COLOUR_EMOJI = {
    "merah": ("🔴",), "kuning": ("💛", "🟡"), "hijau": ("💚", "🟢"), "biru": ("💙", "🔵"),
    "oranye": ("🧡", "🟠"), "jingga": ("🧡", "🟠"),
}


LEXICON: tuple[PartyForms, ...] = (
    PartyForms(("PDI Perjuangan", "PDIP", "PDI-P"), ("partai banteng", "banteng moncong putih", "moncong putih",
                                                      "kandang banteng", "partai wong cilik"), ("merah",),
               ("🐂", "🐃")),
    PartyForms(("Golkar", "Partai Golkar"), ("partai beringin", "pohon beringin", "si beringin", "beringin"),
               ("kuning",), ("🌳",)),
    PartyForms(("Gerindra", "Partai Gerindra"), ("partai kepala garuda", "kepala garuda"), (), ("🦅",)),
    PartyForms(("PKB", "Partai Kebangkitan Bangsa"), ("bintang sembilan", "partai bintang sembilan"), ("hijau",)),
    PartyForms(("PPP", "Partai Persatuan Pembangunan"), ("ka'bah", "kabah", "partai ka'bah", "partai kabah"),
               ("hijau",), ("🕋",)),
    PartyForms(("Demokrat", "Partai Demokrat"), ("bintang mercy", "partai mercy", "mercy"), ("biru",)),
    PartyForms(("PAN", "Partai Amanat Nasional"), ("partai matahari", "matahari terbit"), ("biru",)),
    PartyForms(("NasDem", "Partai NasDem"), ("partai restorasi", "restorasi"), ("biru",)),
    PartyForms(("PKS", "Partai Keadilan Sejahtera"), ("partai dakwah", "bulan sabit kembar"), ("oranye", "jingga")),
    PartyForms(("PSI", "Partai Solidaritas Indonesia"), ("partai mawar", "partai anak muda"), ()),
    PartyForms(("Perindo", "Partai Perindo"), ("partai rajawali",), ()),
    PartyForms(("Hanura", "Partai Hanura"), ("partai hati nurani", "hati nurani rakyat"), ()),
)


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def forms_for(name: str, aliases: tuple[str, ...] = ()) -> PartyForms | None:
    """The lexicon entry of a profile party, by its name or any alias."""
    keys = {_key(n) for n in (name, *aliases)}
    for entry in LEXICON:
        if keys & {_key(n) for n in entry.names}:
            return entry
    return None
