"""How a follow is judged: by rules over the followed account's name and bio, with the model's reading.

The model was trained on posts, comments, shares and likes, never on follows, and a bio is not an
act of the follower. The SKB lists following a candidate's campaign account as a breach
("bergabung/follow grup/akun pemenangan"), so a follow of an account the profile's cues name
(a candidate's names, aliases, slogans, hashtags, ballot number, a coalition party) is read as
support for that candidate, unless

- the account's own words say it is not theirs to endorse: parody, news, election bodies,
  monitors, critics (the model decides, as for any text);
- the model reads the bio as *against* that candidate (a "tolak …" campaign): the follow is
  partisan the other way, and the model's stance stands;
- the profile says the candidate is the incumbent and the account is the government office he
  or she holds, with no campaign cue in it: following one's own regional government is not
  partisanship (domain.md §3 hard negative "official duty").

An account no cue points to is left to the model.
"""

from __future__ import annotations

import re

import torch

from models.features import ActView
from models.profile import ElectionProfile

# Words of a bio that say the account is not the candidate's or the campaign's own.
NOT_ENDORSING = re.compile(
    r"\b(parodi|parody|satir\w*|fanbase|berita|news|media online|redaksi|pemantau\w*|pantau\w*|watch|"
    r"kpu|bawaslu|cek fakta|fact ?check\w*|bukan akun resmi|tidak resmi|unofficial|kritik\w*|mengkritisi)\b",
    re.IGNORECASE,
)
# A government office, which an incumbent candidate also holds.
OFFICE = re.compile(
    r"\b(pemkab|pemkot|pemprov|pemerintah (kabupaten|kota|provinsi|daerah)|bupati|wali ?kota|gubernur|"
    r"presiden|kementerian|sekretariat daerah|humas|akun resmi pemerintah)\b",
    re.IGNORECASE,
)
# Campaign words: with any of them the office account is campaigning too.
CAMPAIGN = re.compile(
    r"(#\w+|\b(kampanye|pemenangan|relawan|tim sukses|timses|coblos|paslon|calon|cabup|cawabup|cagub|"
    r"cawagub|capres|cawapres|nomor urut|no\.? urut|dukung)\b)",
    re.IGNORECASE,
)


def judge_follow(context: str | None, view: ActView, stance: torch.Tensor, best: int, model_stance: str,
                 p_partisan: float, profile: ElectionProfile, threshold: float) -> tuple[int, str, float]:
    """(target index, stance, partisanship score) of a follow; the model's own when no rule applies."""
    bio = context or ""
    targets = [i for i, m in enumerate(view.inputs) if m.target is not None]
    if not targets or NOT_ENDORSING.search(bio):
        return best, model_stance, p_partisan
    if model_stance == "oppose":
        return best, model_stance, p_partisan  # the bio campaigns against its target: partisan, the other way
    index = targets[0]  # the most cued target (the matcher orders them)
    target = view.inputs[index].target
    assert target is not None
    candidate = profile.candidate(target.id) if target.kind == "candidate" else None
    if candidate is not None and candidate.incumbent and OFFICE.search(bio) and not _campaigning(bio, view):
        return index, "none", min(p_partisan, threshold * 0.5)
    if float(stance[index, 2]) > float(stance[index, 1]) and 1.0 - float(stance[index, 0]) >= threshold:
        return index, "oppose", 1.0 - float(stance[index, 0])
    return index, "support", max(1.0 - float(stance[index, 0]), threshold)


def _campaigning(bio: str, view: ActView) -> bool:
    """Campaign words, or cues beyond the candidate's name (a slogan, a hashtag, a ballot number)."""
    if CAMPAIGN.search(bio):
        return True
    return any(cue.kind != "name" for cue in view.cues)
