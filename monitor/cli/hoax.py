"""``netra hoax``: the claims fact-checkers reviewed (import, list), how well acts are matched against them
(evaluate), and ``netra crawl factcheck``, the fact-check feed spider (docs/hoax.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from sqlalchemy import func, or_, select

from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.cli.output import FORMAT_OPTION, Column, Format, show_records

app = typer.Typer(help="Hoax claims: what fact-checkers rated false, matched against acts.", no_args_is_help=True)

CLAIM_COLUMNS = (
    Column("id", ident=True, justify="right"),
    Column("verdict"),
    Column("rating"),
    Column("claim"),
    Column("url", ident=True),
    Column("reviewed_on", "reviewed"),
    Column("publisher"),
    Column("source", in_table=False),
    Column("created_at", in_table=False),
    Column("updated_at", in_table=False),
    Column("embedded", in_table=False),
)


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="ClaimReview JSON-LD (an object, a list, or JSON lines) or CSV "
                                          "with the columns klaim, rating, url, tanggal, sumber."),
) -> None:
    """Store the claims of a file; importing it again changes nothing. Unreadable lines are named, the rest stored."""
    from spiders.factcheck.claimreview import read_claims_file
    from spiders.factcheck.store import ClaimStore

    require_current_schema()
    if not path.is_file():
        fail(f"{path}: file not found")
    parsed = read_claims_file(path)
    for message in parsed.errors:
        err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    counts = ClaimStore().store([record for _, record in parsed.records], source=f"import:{path.name}")
    ignored = sum(not record.matched for _, record in parsed.records)
    console.print(
        f"{counts.stored} claims read from {path}: {counts.added} new, {counts.updated} updated, "
        f"{counts.unchanged} unchanged"
        + (f"; {ignored} not rated false or misleading (kept, never flagged)" if ignored else "")
        + (f"; {len(parsed.errors)} line(s) with errors" if parsed.errors else ""),
        highlight=False, soft_wrap=True,
    )
    if parsed.errors:
        raise typer.Exit(1)


def _record(row: Any) -> dict[str, Any]:
    return {"id": row.id, "verdict": row.verdict, "rating": row.rating, "claim": row.claim, "url": row.url,
            "reviewed_on": row.reviewed_on, "publisher": row.publisher, "source": row.source,
            "created_at": row.created_at, "updated_at": row.updated_at, "embedded": row.embedding_model}


@app.command("list")
def list_(
    search: str | None = typer.Option(None, "--search", help="Only claims whose text, rating, URL or publisher "
                                                             "holds this text (any case)."),
    verdict: str | None = typer.Option(None, "--verdict", help="Only this verdict (false, misleading, mixed, "
                                                               "true, unrated)."),
    limit: int = typer.Option(100, "--limit", min=1, help="Newest claims shown."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The stored claims, newest review first."""
    from monitor.db.schema import CLAIM_VERDICTS, ClaimReview
    from monitor.db.session import session_scope

    require_current_schema()
    if verdict is not None and verdict not in CLAIM_VERDICTS:
        fail(f"--verdict must be one of {', '.join(CLAIM_VERDICTS)}, not {verdict!r}")
    query = select(ClaimReview)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(*(func.lower(column).like(pattern) for column in (
            ClaimReview.claim, ClaimReview.rating, ClaimReview.url, ClaimReview.publisher))))
    if verdict:
        query = query.where(ClaimReview.verdict == verdict)
    with session_scope() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(ClaimReview.reviewed_on.desc().nulls_last(), ClaimReview.id.desc())
                               .limit(limit)).all()
        records = [_record(r) for r in rows]
    show_records(records, CLAIM_COLUMNS, fmt, title="hoax claims",
                 summary=f"{len(records)} of {total} claims" + (f" matching {search!r}" if search else ""))


@app.command("rematch")
def rematch(
    days: int | None = typer.Option(None, "--days", min=1, help="Acts of the last this many days (default: "
                                                         "NETRA_HOAX_REMATCH_DAYS)."),
) -> None:
    """Match recent acts again against claims stored or revised after they were classified, as the scheduler's
    daily hoax_rematch job does: each act once per change of the claims; a hoax found now is flagged, cited and
    queued for review."""
    from contextlib import ExitStack

    from monitor.classify import load_configured_classifier
    from monitor.classify.worker import WorkerRefused
    from monitor.cli.output import progress
    from monitor.config import get_settings
    from monitor.db.session import session_factory, session_scope
    from monitor.hoax.rematch import rematch_recent
    from monitor.ops.jobs import classifier_lock
    from monitor.registry.profiles import active_profile

    require_current_schema()
    window = days if days is not None else get_settings().hoax_rematch_days
    if window <= 0:
        fail("NETRA_HOAX_REMATCH_DAYS is 0 (re-matching is off): give --days")
    with session_scope() as session:
        profile = active_profile(session)
    if profile is None:
        fail("no active election profile: load one with `netra profile load`")
    held = ExitStack()
    try:
        # On SQLite one writer of classifications at a time, as the scheduler's job and the workers keep it.
        held.enter_context(classifier_lock(get_settings().resolved_database_url))
    except WorkerRefused as exc:
        fail(f"cannot match again now: {exc}")
    with held:
        try:
            classifier = load_configured_classifier()
        except Exception as exc:  # a missing or broken model: say which and stop
            fail(f"cannot load the classifier: {exc}")
        with progress("matching recent acts again", unit="acts") as bar:
            result = rematch_recent(session_factory(), classifier, profile, days=window, progress=bar.advance)
    if result.claims_as_of is None:
        console.print("no claims stored: nothing to match against")
        return
    console.print(f"{result.read} acts of the last {window} days matched again against the claims as of "
                  f"{result.claims_as_of:%Y-%m-%d %H:%M} UTC: {result.found} hoaxes found, {result.queued} queued "
                  f"for review", highlight=False)


@app.command("evaluate")
def evaluate(
    data: Path | None = typer.Option(None, "--data", help="Labelled set (default: the shipped one holding --split)."),
    split: str = typer.Option("test", "--split", help="validation, test, dev (the development pairs), train (the "
                                                      "scorer's training pairs), test2 … test9 (the "
                                                      "later independent test sets, claims of their own)."),
    tune: bool = typer.Option(False, "--tune", help="Choose the score rules on the validation split and the "
                                                    "development pairs and write them to models/hoax/rules.json "
                                                    "(only with --split validation; turns the trained scorer off "
                                                    "until `netra hoax train` is run again)."),
    output: Path | None = typer.Option(None, "--output", help="Where to save the JSON report."),
) -> None:
    """Precision/recall of the hoax flag on the labelled pairs, overall and per category."""
    import json
    from datetime import UTC, datetime

    from models.hoax.evaluate import (
        DEV,
        FOLDERS,
        SPLITS,
        HoaxDataError,
        figures,
        format_figures,
        load_split,
        meets,
        score_pairs,
        wrong_decisions,
    )
    from models.hoax.evaluate import tune as choose_rules
    from models.hoax.matcher import RULES_FILE, HoaxRules
    from monitor.hoax.service import is_false, shared_encoder

    names = (*SPLITS, DEV, *FOLDERS)
    if split not in names:
        fail(f"--split must be one of {', '.join(names)}, not {split!r}")
    if tune and split != "validation":
        fail("--tune chooses the rules on the validation split only: add --split validation")
    try:
        labelled = load_split(split, is_false, data)
    except HoaxDataError as exc:
        fail(str(exc))
    pairs = labelled.split(split) + (labelled.split(DEV) if tune else [])
    if not pairs:
        fail(f"{data or 'the shipped hoax set'}: no pairs in the {split} split")
    scored = score_pairs(shared_encoder(), labelled, pairs)
    if tune:
        rules, result = choose_rules(scored, labelled.claims)
        rules.save(RULES_FILE)
        console.print(f"rules chosen on validation and the development pairs: score ≥ {rules.similarity:.4f}, "
                      f"margin over true claims "
                      f"{rules.true_margin:+.3f} → {RULES_FILE} (the trained scorer is off: `netra hoax train` "
                      f"fits it again on these rules' cues)", highlight=False, soft_wrap=True)
    else:
        rules = HoaxRules.load(RULES_FILE)
        decided = scored.results(rules)
        result = figures(pairs, decided, labelled.claims)
        result["wrong"] = wrong_decisions(pairs, decided, labelled.claims)
    for name, part in result.get("splits", {split: result}).items():
        console.print(format_figures(name, part), highlight=False, soft_wrap=True)
    console.print(f"targets (recall ≥ 0.85 at precision ≥ 0.85, debunk shares ≥ 0.95 unflagged): "
                  f"{'met' if meets(result) else 'NOT met'}", highlight=False)
    report = {"split": split, "rules": rules.chosen_on, "scorer": rules.scorer, "similarity": rules.similarity,
              "true_margin": rules.true_margin, "encoder": shared_encoder().version, **result}
    if output is None:
        from monitor.config import get_settings

        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}"
        output = get_settings().home / "evaluations" / f"{stamp}-hoax-{split}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"report saved to {output}")


@app.command("train")
def train() -> None:
    """Fit the match scorer on the training and development pairs and the second to eighth test sets (read for
    v6-v11, training pairs since), choose it on the validation split and on each writer's pairs left out in turn, and
    make the shipped rules use it (models/hoax/scorer.json, rules.json). The scorer is neither fitted nor chosen on the
    first set's test split (the action reader, which learns from it, only says what each pair does); the ninth test
    set is not read."""
    from dataclasses import replace

    from models.hoax.evaluate import (
        DEV,
        DEV_DIR,
        FOLDERS,
        TRAIN,
        HoaxDataError,
        LabelledSet,
        format_figures,
        load_split,
        score_pairs,
    )
    from models.hoax.matcher import MATCHER_VERSION, RULES_FILE, HoaxRules
    from models.hoax.scorer import SCORER_FILE
    from models.hoax.train import (
        CANDIDATE_GRID,
        TRAFFIC_DIR,
        V6_CUES,
        Readings,
        choose,
        subset,
        traffic_pairs,
        trained_on,
    )
    from models.hoax.train_action import READER_SPLITS
    from monitor.hoax.service import is_false, shared_encoder

    # The test sets read for earlier versions: the same the action reader learns from (its out-of-writer actions are
    # what the scorer is chosen with).
    later_splits = [name for name in READER_SPLITS if name not in ("validation", TRAIN)]
    try:
        training = load_split(TRAIN, is_false)
        shipped = load_split("validation", is_false)
        later = [load_split(name, is_false) for name in later_splits]
    except HoaxDataError as exc:
        fail(str(exc))
    encoder = shared_encoder()
    width = max(CANDIDATE_GRID)
    prefixes = sorted({p.id.split("-")[0] for p in training.pairs})
    traffic = traffic_pairs(prefixes)
    training = LabelledSet(training.claims, training.pairs + traffic)
    with console.status(f"encoding the training pairs, {len(traffic)} everyday acts and their claims…"):
        train_scored = score_pairs(encoder, training, training.pairs)
    with console.status("encoding the development and validation pairs…"):
        shipped_scored = score_pairs(encoder, shipped, shipped.split(DEV) + shipped.split("validation"))
    with console.status("reading each pair's candidate claims…"):
        writers = Readings.read(train_scored, training.claims, width).by_writer()
        for labelled in later:
            writers += Readings.read(score_pairs(encoder, labelled, labelled.pairs), labelled.claims,
                                     width).by_writer()
        development = Readings.read(subset(shipped_scored, DEV), shipped.claims, width)
        validation = Readings.read(subset(shipped_scored, "validation"), shipped.claims, width)
    loaded = HoaxRules.load(RULES_FILE)
    # The scorer is chosen under the cue rules alone: the action reader (`netra hoax train-action`) is fitted after.
    rules = replace(loaded, scorer=None, action_reader=None, **V6_CUES)
    actions = None
    if loaded.action_reader:
        # The scorer is chosen with what the act does as the action reader decides it without the act's writer, so
        # that the debunk shares the choice protects are those the shipped matcher would still flag.
        from models.hoax.action import ActionReader
        from models.hoax.train_action import action_rows, out_of_writer, out_of_writer_actions, reader_sets

        try:
            reader = ActionReader.load(RULES_FILE.parent / loaded.action_reader)
            sets = reader_sets(is_false)
        except (ValueError, HoaxDataError) as exc:
            fail(str(exc))
        with console.status("deciding each pair's action with readers fitted without its writer…"):
            rows = action_rows(sets, rules, encoder)
            actions = out_of_writer_actions(rows, out_of_writer(rows), reader.threshold)
    with console.status(f"fitting and choosing on validation and {len(writers)} writers' pairs out of fold…"):
        scorer, result = choose(writers, [development], validation, rules, actions=actions)
    scorer.chosen_on = "validation+out_of_writer"
    scorer.trained_on = trained_on([*writers, development],
                                   [FOLDERS[name] for name in (TRAIN, *later_splits)] + [DEV_DIR, TRAFFIC_DIR])
    scorer.figures = result
    scorer.save(SCORER_FILE)
    replace(rules, scorer=SCORER_FILE.name, action_reader=loaded.action_reader,
            version=MATCHER_VERSION).save(RULES_FILE)
    for name in ("validation", "out_of_writer"):
        console.print(format_figures(name, result[name]), highlight=False, soft_wrap=True)
    form = f"one tanh layer of {len(scorer.hidden_bias)} units" if scorer.hidden_bias else "logistic regression"
    console.print(f"scorer: {form}, L2 {scorer.l2:g}, {scorer.candidates} candidate claim(s) an act, margin over "
                  f"true claims "
                  f"{scorer.true_margin}, threshold {scorer.threshold:.2f}; trained on "
                  f"{scorer.trained_on['pairs'] - len(traffic)} labelled pairs ({len(writers)} writers and the "
                  f"development pairs) and {len(traffic)} everyday acts → "
                  f"{SCORER_FILE}; {RULES_FILE.name} now uses it", highlight=False, soft_wrap=True)



@app.command("train-action")
def train_action() -> None:
    """Fit the action reader (does an act about a claim spread it?) on every labelled pair the matcher may learn
    from, choose its threshold on each writer's pairs decided by a fit without that writer, and make the shipped
    rules use it (models/hoax/action.json, action.safetensors, rules.json). The ninth test set is not read."""
    from dataclasses import replace

    from models.hoax.action import ACTION_FILE
    from models.hoax.evaluate import HoaxDataError
    from models.hoax.matcher import MATCHER_VERSION, RULES_FILE, HoaxRules
    from models.hoax.train_action import (
        CHOICE_DEBUNK_SHARE,
        action_rows,
        choose_threshold,
        fit_reader,
        out_of_writer,
        reader_sets,
        rules_alone,
        trained_on,
    )
    from monitor.hoax.service import is_false, shared_encoder

    try:
        sets = reader_sets(is_false)
    except HoaxDataError as exc:
        fail(str(exc))
    rules = HoaxRules.load(RULES_FILE)
    with console.status("reading and encoding the pairs about their claims…"):
        rows = action_rows(sets, rules, shared_encoder())
    writers = sorted(set(rows.writers))
    with console.status(f"fitting {len(writers)} readers, each without one writer…"):
        p = out_of_writer(rows)
    threshold, result = choose_threshold(rows, p)
    baseline = rules_alone(rows)
    with console.status("fitting the reader on every writer…"):
        reader = fit_reader(rows)
    reader.threshold = threshold
    reader.chosen_on = "out_of_writer"
    reader.trained_on = trained_on(rows)
    reader.figures = {"out_of_writer": result, "cue_rules": baseline, "choice_debunk_share": CHOICE_DEBUNK_SHARE}
    reader.save(ACTION_FILE)
    replace(rules, action_reader=ACTION_FILE.name, version=MATCHER_VERSION).save(RULES_FILE)
    for name, part in (("cue rules alone", baseline), (f"reader ≥ {threshold:.2f}, out of writer", result)):
        console.print(f"{name}: {part['wrong']} of {part['rows']} wrong (debunks read as spreading "
                      f"{part['debunks_read_as_spreading']}, asks {part['asks_read_as_spreading']}, spreads missed "
                      f"{part['spreads_missed']}); debunk shares unflagged {part['debunk_shares_unflagged']:.3f}",
                      highlight=False, soft_wrap=True)
    console.print(f"{len(rows.pairs)} pairs of {len(writers)} writers → {ACTION_FILE}; {RULES_FILE.name} now uses "
                  f"it", highlight=False, soft_wrap=True)

def crawl_factcheck(
    base_url: str | None = typer.Option(None, "--base-url", help="Fetch every feed and article from this server "
                                        "instead of their own hosts (a mirror or a local replay server)."),
    feed: list[str] = typer.Option(None, "--feed", help="Feed URL to read (repeatable; default: "
                                                        "NETRA_FACTCHECK_FEEDS)."),
    refetch: bool = typer.Option(False, "--refetch", help="Fetch articles whose claims are stored already too."),
) -> None:
    """Read fact-checkers' RSS/Atom feeds and store the ClaimReview of each article."""
    from monitor.config import get_settings
    from spiders.factcheck.runner import FactCheckError
    from spiders.factcheck.runner import crawl_factcheck as run_crawl
    from spiders.store import IngestStore

    require_current_schema()
    feeds = list(feed or get_settings().factcheck_feeds)
    if not feeds:
        fail("no fact-check feeds: set NETRA_FACTCHECK_FEEDS or pass --feed URL")
    try:
        run_id = run_crawl(feeds, base_url=base_url, refetch=refetch)
    except FactCheckError as exc:
        fail(str(exc))
    run = IngestStore().run(run_id)
    console.print(f"crawl run {run.id}: {run.status}; {run.items_seen} claims read, {run.items_stored} new, "
                  f"{run.errors} error(s)", highlight=False)
    for entry in (run.error_log or [])[:20]:
        console.print(f"[yellow]{entry.get('account') or '-'}[/] {entry.get('url') or ''}: {entry.get('error')}",
                      highlight=False)
    if run.status != "succeeded":
        console.print(f"not everything was read: `netra runs show {run.id}` lists what and why")
        raise typer.Exit(1)
