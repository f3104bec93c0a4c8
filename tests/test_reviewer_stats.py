"""The arithmetic of the reviewer statistics (monitor.review.stats), on histories built by hand."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from monitor.review.stats import (
    NO_PAIRS,
    ONE_CATEGORY,
    ClaimEvent,
    DecisionFact,
    ItemFacts,
    Window,
    claim_start,
    cohen_kappa,
    median,
    reviewer_stats,
)

WIB = ZoneInfo("Asia/Jakarta")
WINDOW = Window(date(2029, 10, 1), date(2029, 10, 28), WIB)  # Monday 1 Oct to Sunday 28 Oct: four whole weeks
T0 = datetime(2029, 10, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB on 1 October
RINA, SARI, TONO, SUPER = 1, 2, 3, 9
ROLES = {RINA: "reviewer", SARI: "reviewer", TONO: "reviewer", SUPER: "supervisor"}
_ids = count(1)


def _ratings(table: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, n in table.items() for _ in range(n)]


def _d(reviewer: int, verdict: str, minutes: float, four_eyes: str | None = None,
       code: str | None = None) -> DecisionFact:
    if verdict == "pelanggaran" and code is None:
        code = "social_campaign"
    return DecisionFact(next(_ids), reviewer, verdict, code, four_eyes, T0 + timedelta(minutes=minutes))


def _item(item_id: int, *decisions: DecisionFact, queued_minutes: float = 0) -> ItemFacts:
    return ItemFacts(item_id, T0 + timedelta(minutes=queued_minutes), decisions)


# --- Cohen's kappa ---------------------------------------------------------------------------------------------

def test_kappa_of_the_textbook_example() -> None:
    # Wikipedia, "Cohen's kappa", worked example: 50 proposals, A and B each say yes or no.
    # 20 both yes, 15 both no, A yes/B no 5, A no/B yes 10 → p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
    kappa = cohen_kappa(_ratings({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}))
    assert kappa.pairs == 50
    assert kappa.observed == pytest.approx(0.7) and kappa.expected == pytest.approx(0.5)
    assert kappa.value == pytest.approx(0.4) and kappa.reason is None


@pytest.mark.parametrize(("table", "expected"), [
    # Wikipedia's pair with the same 60 % agreement and different kappas (the marginals differ).
    ({("yes", "yes"): 45, ("yes", "no"): 15, ("no", "yes"): 25, ("no", "no"): 15}, 0.06 / 0.46),  # 0.1304
    ({("yes", "yes"): 25, ("yes", "no"): 35, ("no", "yes"): 5, ("no", "no"): 35}, 0.14 / 0.54),  # 0.2593
    # Three categories: p_o = 37/50, rows 15/15/20, columns 15/15/20 → p_e = 850/2500 = 0.34.
    ({("x", "x"): 10, ("x", "y"): 2, ("x", "z"): 3, ("y", "x"): 1, ("y", "y"): 12, ("y", "z"): 2,
      ("z", "x"): 4, ("z", "y"): 1, ("z", "z"): 15}, (0.74 - 0.34) / 0.66),
    ({("a", "a"): 3, ("b", "b"): 2}, 1.0),  # always agreeing
    ({("a", "b"): 2, ("b", "a"): 2}, -1.0),  # never agreeing, balanced: as far below chance as it goes
    # The first rater used one category only and the second did not: p_o = p_e, κ = 0 (defined).
    ({("pelanggaran", "pelanggaran"): 3, ("pelanggaran", "bukan_pelanggaran"): 1}, 0.0),
])
def test_kappa_against_hand_computed_values(table: dict[tuple[str, str], int], expected: float) -> None:
    assert cohen_kappa(_ratings(table)).value == pytest.approx(expected)


def test_kappa_is_not_computable_without_pairs_or_with_one_category() -> None:
    none = cohen_kappa([])
    assert none.value is None and none.reason == NO_PAIRS and none.pairs == 0
    one = cohen_kappa([("pelanggaran", "pelanggaran")] * 4)  # p_e = 1: kappa would be 0/0
    assert one.value is None and one.reason == ONE_CATEGORY and one.observed == 1.0
    for kappa in (none, one):
        assert kappa.value is None or not math.isnan(kappa.value)


# --- medians and windows ---------------------------------------------------------------------------------------

def test_median() -> None:
    assert median([]) is None
    assert median([5.0]) == 5.0
    assert median([9, 1, 5]) == 5.0
    assert median([4, 1, 3, 2]) == 2.5


def test_window_defaults_to_the_last_four_weeks_in_local_days() -> None:
    today = date(2029, 10, 28)
    window = Window.parse(None, "", today, WIB)
    assert (window.date_from, window.date_to, window.days) == (date(2029, 10, 1), today, 28)
    assert window.start == datetime(2029, 9, 30, 17, 0, tzinfo=UTC)  # 00:00 WIB
    assert window.end == datetime(2029, 10, 28, 17, 0, tzinfo=UTC)
    assert window.holds(datetime(2029, 10, 28, 16, 59, tzinfo=UTC))  # 23:59 WIB on the last day
    assert not window.holds(datetime(2029, 10, 28, 17, 0, tzinfo=UTC))
    assert [w.label for w in window.weeks()] == ["2029-W40", "2029-W41", "2029-W42", "2029-W43"]
    partial = Window.parse("2029-10-03", "2029-10-09", today, WIB).weeks()
    assert [(w.label, w.days) for w in partial] == [("2029-W40", 5), ("2029-W41", 2)]
    for bad in (("2029-10-09", "2029-10-03"), ("2029-13-01", None), ("2028-01-01", "2029-10-01"),
                ("kemarin", None)):
        with pytest.raises(ValueError):
            Window.parse(*bad, today, WIB)


# --- claims ----------------------------------------------------------------------------------------------------

def _ev(minutes: float, kind: str = "take") -> ClaimEvent:
    return ClaimEvent(RINA, 1, T0 + timedelta(minutes=minutes), kind)


def test_claim_starts_at_the_first_take_and_a_release_starts_it_again() -> None:
    decided = T0 + timedelta(minutes=100)
    assert claim_start([], None, decided) is None
    # Taking one's own item again (a renewal) does not restart the claim.
    assert claim_start([_ev(10), _ev(50)], None, decided) == T0 + timedelta(minutes=10)
    # Released, then taken again: the claim behind the decision is the second one.
    assert claim_start([_ev(10), _ev(20, "release"), _ev(60)], None, decided) == T0 + timedelta(minutes=60)
    assert claim_start([_ev(10), _ev(20, "release")], None, decided) is None
    # A take before the previous decision on the item belongs to that one; a take after the decision to none.
    assert claim_start([_ev(10), _ev(70)], T0 + timedelta(minutes=30), decided) == T0 + timedelta(minutes=70)
    assert claim_start([_ev(120)], None, decided) is None


# --- the whole computation -------------------------------------------------------------------------------------

def test_four_eyes_pairs_agreement_kappa_and_reversals() -> None:
    items = [
        # Rina: breach; Sari disputes; the supervisor sides with Sari → Rina's verdict reversed by a supervisor.
        _item(1, _d(RINA, "pelanggaran", 60, "awaiting"), _d(SARI, "bukan_pelanggaran", 120, "disputed"),
              _d(SUPER, "bukan_pelanggaran", 180, "resolved")),
        # Rina: breach; Sari confirms (same code).
        _item(2, _d(RINA, "pelanggaran", 60, "awaiting"), _d(SARI, "pelanggaran", 90, "confirmed")),
        # Sari: escalation; Rina confirms.
        _item(3, _d(SARI, "eskalasi", 60, "awaiting"), _d(RINA, "eskalasi", 75, "confirmed")),
        # Sari: breach; Rina names another code: disputed; the supervisor keeps Sari's → Rina's reversed.
        _item(4, _d(SARI, "pelanggaran", 60, "awaiting"),
              _d(RINA, "pelanggaran", 70, "disputed", code="partisan_appeal"),
              _d(SUPER, "pelanggaran", 80, "resolved")),
        # No four eyes: Tono says no breach, Rina later says breach → Tono's reversed by a reviewer.
        _item(5, _d(TONO, "bukan_pelanggaran", 60), _d(RINA, "pelanggaran", 2000)),
        # Tono changes his own mind: a second thought, no reversal, nothing answered.
        _item(6, _d(TONO, "bukan_pelanggaran", 60), _d(TONO, "pelanggaran", 65)),
        # Clarification is not a verdict on the item: the later word is the next decisive one.
        _item(7, _d(TONO, "bukan_pelanggaran", 60), _d(SUPER, "perlu_klarifikasi", 70),
              _d(SUPER, "bukan_pelanggaran", 90)),
    ]
    stats = reviewer_stats(items, [], ROLES, WINDOW)
    by = {line.reviewer_id: line for line in stats.lines}

    rina, sari, tono, total = by[RINA], by[SARI], by[TONO], stats.total
    # Pairs: Rina in items 1-4 (first in 1, 2; second in 3, 4); Sari likewise; the total counts each pair once.
    assert (rina.pairs, rina.pairs_agreed, sari.pairs, sari.pairs_agreed) == (4, 2, 4, 2)
    assert (total.pairs, total.pairs_agreed, total.agreement_rate) == (4, 2, 0.5)
    # Total kappa over (first, second) verdicts: (pel,bukan) (pel,pel) (esk,esk) (pel,pel) → p_o = 3/4,
    # first: pel 3, esk 1; second: bukan 1, pel 2, esk 1 → p_e = 3/4·2/4 + 1/4·1/4 = 7/16; κ = (12/16 − 7/16)/(9/16).
    assert total.kappa.value == pytest.approx(5 / 9)
    # Rina's own verdict against her partner's: (pel,bukan) (pel,pel) (esk,esk) (pel,pel).
    assert rina.kappa.value == pytest.approx(5 / 9)
    # Reversals: Rina's breach in 1 (by the supervisor), Rina's other code in 4 (by the supervisor), Tono's in 5.
    assert (rina.answered, rina.reversed, rina.reversed_by_supervisor) == (3, 2, 2)  # items 1, 2 (confirmed), 4
    assert (sari.answered, sari.reversed) == (2, 0)  # items 1 and 4, both upheld; her confirmation in 2 has no answer
    assert (tono.answered, tono.reversed, tono.reversed_by_reviewer) == (2, 1, 1)  # items 5 and 7
    assert (total.reversed, total.reversed_by_reviewer, total.reversed_by_supervisor) == (3, 1, 2)
    assert SUPER in by and by[SUPER].pairs == 0 and by[SUPER].kappa.reason == NO_PAIRS


def test_throughput_medians_and_the_window() -> None:
    items = [
        _item(1, _d(RINA, "bukan_pelanggaran", 30), queued_minutes=0),  # 30 min after queueing, week 40
        _item(2, _d(RINA, "bukan_pelanggaran", 60 * 24 * 8), queued_minutes=60 * 24 * 8 - 90),  # 90 min, week 41
        _item(3, _d(RINA, "eskalasi", 60 * 24 * 9), queued_minutes=60 * 24 * 9 - 60),  # 60 min, week 41
        # Decided before the window (30 Sept): not counted; its item may still show in a later figure.
        _item(4, _d(RINA, "bukan_pelanggaran", -60 * 24), queued_minutes=-60 * 24 * 2),
    ]
    claims = [ClaimEvent(RINA, 2, items[1].decisions[0].decided_at - timedelta(minutes=20), "take"),
              ClaimEvent(SARI, 3, items[2].decisions[0].decided_at - timedelta(minutes=5), "take")]
    stats = reviewer_stats(items, claims, ROLES, WINDOW)
    rina = stats.lines[0]
    assert rina.reviewer_id == RINA and rina.decisions == 3
    assert rina.per_week == {"2029-W40": 1, "2029-W41": 2, "2029-W42": 0, "2029-W43": 0}
    assert rina.per_week_average == pytest.approx(3 * 7 / 28)
    assert rina.median_queue_seconds == 60 * 60  # 30, 60, 90 minutes
    # Only item 2 was taken by Rina (Sari's take of item 3 is not Rina's claim).
    assert (rina.with_claim, rina.median_claim_seconds) == (1, 20 * 60)
    assert rina.answered == 0 and rina.reversal_rate is None and rina.agreement_rate is None
    assert rina.kappa.value is None and rina.kappa.reason == NO_PAIRS


def test_a_pair_counts_in_the_window_of_its_second_decision() -> None:
    before = -60 * 24 * 2  # 29 September
    items = [_item(1, _d(RINA, "pelanggaran", before, "awaiting"), _d(SARI, "pelanggaran", 60, "confirmed"),
                   queued_minutes=before - 10)]
    stats = reviewer_stats(items, [], ROLES, WINDOW)
    by = {line.reviewer_id: line for line in stats.lines}
    assert by[RINA].decisions == 0 and by[RINA].pairs == 1 and by[SARI].pairs == 1
    # Both said the same single category: kappa is not computable (no NaN, no crash).
    assert stats.total.kappa.value is None and stats.total.kappa.reason == ONE_CATEGORY
