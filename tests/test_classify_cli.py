"""``netra classify``: the interfaces.md contract, malformed lines, odd input, bad profiles and model dirs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from tests.classifier_fixtures import DEV_PROFILE, train_tiny_model

runner = CliRunner()
OUTPUT_KEYS = {"id", "flagged", "score", "stance", "hate", "candidate", "party", "cues"}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_tiny_model(tmp_path_factory.mktemp("tinycli"), "tiny-cli")[1]


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(DEV_PROFILE)
    return path


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def run_classify(profile: Path, items: Path, out: Path, model: Path, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["classify", "--profile", str(profile), "--input", str(items), "--output", str(out),
                               "--model", str(model), *extra])


def test_classify_writes_one_result_per_line_in_order(tiny_model: Path, profile_file: Path, tmp_path: Path) -> None:
    rows = [
        {"id": "p1", "kind": "post", "text": "Ayo coblos Bung Yo nomor 1!", "context": None, "platform": "x"},
        {"id": "l1", "kind": "like", "text": "", "context": "Dukung Mama Eti, #EtiPasti"},
        {"id": 7, "kind": "comment", "text": "Semoga lancar", "context": "Rapat RT malam ini"},
        {"id": "s1", "kind": "share", "text": "", "context": "Jangan golput ya", "platform": "facebook"},
        {"id": "f1", "kind": "photo", "text": "Liburan ✌️\nAlt: keluarga di pantai", "context": None},
    ]
    items = write_lines(tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False) for r in rows])
    out = tmp_path / "out.jsonl"
    result = run_classify(profile_file, items, out, tiny_model)
    assert result.exit_code == 0, result.output
    preds = [json.loads(line) for line in out.read_text().splitlines()]
    assert [p["id"] for p in preds] == ["p1", "l1", "7", "s1", "f1"]
    for p in preds:
        assert OUTPUT_KEYS <= set(p)
        assert isinstance(p["flagged"], bool) and isinstance(p["hate"], bool)
        assert 0.0 <= p["score"] <= 1.0
        assert p["stance"] in ("support", "oppose", "none")
        assert p["candidate"] in (None, "d1", "d2")
        # The default path (NETRA_CLASSIFY_PRECISION=int8) names itself in the version (docs/scale.md).
        assert p["model_version"] == "tiny-cli+int8-no-ffn-down" and p["profile_id"] == "tiny-dev"
    assert "Bung Yo" in preds[0]["cues"]
    assert "#EtiPasti" in preds[1]["cues"]


def test_malformed_lines_are_named_and_the_rest_classified(
    tiny_model: Path, profile_file: Path, tmp_path: Path
) -> None:
    lines = [
        json.dumps({"id": "ok1", "kind": "post", "text": "Bung Yo nomor 1", "context": None}),
        '{"id": "broken", "kind": "post", "text": "unterminated',
        json.dumps({"id": "nokind", "text": "x", "context": None}),
        json.dumps({"id": "badkind", "kind": "retweet", "text": "x", "context": None}),
        json.dumps({"id": "badtext", "kind": "post", "text": 42, "context": None}),
        "",
        json.dumps({"id": "ok2", "kind": "like", "text": "", "context": "Mama Eti nomor 2"}),
    ]
    items = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    result = run_classify(profile_file, items, out, tiny_model)
    assert result.exit_code != 0
    assert f"{items}:2: invalid JSON" in result.output
    assert f"{items}:3: missing key 'kind'" in result.output
    assert f"{items}:4: 'kind' is 'retweet'" in result.output
    assert f"{items}:5: 'text' must be a string" in result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok1", "ok2"]


def test_odd_texts_get_defined_results(tiny_model: Path, profile_file: Path, tmp_path: Path) -> None:
    long_text = "Bung Yo nomor 1 " + "kata " * 20000
    rows = [
        {"id": "empty", "kind": "post", "text": "", "context": None},
        {"id": "blank-like", "kind": "like", "text": "", "context": "   "},
        {"id": "long", "kind": "post", "text": long_text, "context": None},
        {"id": "mojibake", "kind": "post", "text": "Ayo coblos Bung Yo nomor 1 ðŸ‘\u008d Ã¢â‚¬Å“", "context": None},
        {"id": "english", "kind": "post", "text": "The weather in London is lovely today", "context": None},
        {"id": "chinese", "kind": "post", "text": "今天天气很好", "context": None},
    ]
    items = write_lines(tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False) for r in rows])
    out = tmp_path / "out.jsonl"
    result = run_classify(profile_file, items, out, tiny_model, "--quantize")
    assert result.exit_code == 0, result.output
    preds = {p["id"]: p for p in map(json.loads, out.read_text().splitlines())}
    assert len(preds) == 6
    for key in ("empty", "blank-like"):
        assert preds[key]["score"] == 0.0 and not preds[key]["flagged"] and preds[key]["stance"] == "none"
    assert "Bung Yo" in preds["long"]["cues"]
    assert "Bung Yo" in preds["mojibake"]["cues"]
    assert preds["english"]["cues"] == [] and preds["chinese"]["cues"] == []
    assert preds["long"]["model_version"].endswith("+int8")


def test_profile_with_duplicates_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    items = write_lines(tmp_path / "in.jsonl", [json.dumps({"id": "a", "kind": "post", "text": "x", "context": None})])
    dup_ids = tmp_path / "dup-ids.yaml"
    dup_ids.write_text("id: p\nname: P\ncandidates:\n  - {id: a, number: 1, names: [A]}\n"
                       "  - {id: a, number: 2, names: [B]}\n")
    dup_numbers = tmp_path / "dup-numbers.yaml"
    dup_numbers.write_text("id: p\nname: P\ncandidates:\n  - {id: a, number: 1, names: [A]}\n"
                           "  - {id: b, number: 1, names: [B]}\n")
    for path, message in ((dup_ids, "duplicate candidate id 'a'"), (dup_numbers, "duplicate ballot number 1")):
        result = run_classify(path, items, tmp_path / "out.jsonl", tiny_model)
        assert result.exit_code != 0
        assert message in result.output


def test_model_dir_missing_files_is_a_clear_error(tiny_model: Path, profile_file: Path, tmp_path: Path) -> None:
    items = write_lines(tmp_path / "in.jsonl", [json.dumps({"id": "a", "kind": "post", "text": "x", "context": None})])
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken)
    (broken / "heads.safetensors").unlink()
    result = run_classify(profile_file, items, tmp_path / "out.jsonl", broken)
    assert result.exit_code != 0 and "heads.safetensors missing" in result.output
    shutil.rmtree(broken / "adapter")
    (broken / "heads.safetensors").write_bytes(b"")
    result = run_classify(profile_file, items, tmp_path / "out.jsonl", broken)
    assert result.exit_code != 0 and "adapter/adapter_config.json missing" in result.output
    result = run_classify(profile_file, items, tmp_path / "out.jsonl", tmp_path / "nowhere")
    assert result.exit_code != 0 and "model directory not found" in result.output
    (broken / "netra_model.json").unlink()
    result = run_classify(profile_file, items, tmp_path / "out.jsonl", broken)
    assert result.exit_code != 0 and "netra_model.json missing" in result.output


def test_unpaired_surrogates_and_nuls_cost_no_line_its_result(
    tiny_model: Path, profile_file: Path, tmp_path: Path
) -> None:
    rows = [
        {"id": "before", "kind": "post", "text": "Rapat dinas pagi ini", "context": None},
        {"id": "half-emoji", "kind": "post", "text": "Ayo coblos Bung Yo nomor 1! \ud83d", "context": None},
        {"id": "in-context", "kind": "like", "text": "", "context": "Dukung Mama Eti \udc4d #EtiPasti\u0000"},
        {"id": "after", "kind": "post", "text": "Selamat pagi", "context": None},
        {"id": "id-\ud83d", "kind": "post", "text": "Selamat malam", "context": None},
    ]
    # ensure_ascii: the file holds the JSON escape "\ud83d", as a client that cut an emoji in half writes it.
    items = write_lines(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])
    assert "\\ud83d" in items.read_text()
    out = tmp_path / "out.jsonl"
    result = run_classify(profile_file, items, out, tiny_model, "--chunk", "512")
    assert result.exit_code == 0, result.output
    preds = {p["id"]: p for p in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert list(preds) == ["before", "half-emoji", "in-context", "after", "id-\ud83d"]  # the id as sent
    assert "Bung Yo" in preds["half-emoji"]["cues"]
    assert "#EtiPasti" in preds["in-context"]["cues"]


def test_a_line_the_model_fails_on_costs_only_itself(
    tiny_model: Path, profile_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import monitor.classify
    from models.infer import load_classifier

    real = load_classifier(tiny_model)

    class Brittle:
        """The real model, except that it fails on any round holding the act with id ``boom``."""

        model_version = real.model_version
        threshold = real.threshold

        def classify(self, inputs, profile):  # type: ignore[no-untyped-def]
            if any(item.id == "boom" for item in inputs):
                raise RuntimeError("tokenizer exploded")
            return real.classify(inputs, profile)

    monkeypatch.setattr(monitor.classify, "load_configured_classifier", lambda *a, **k: Brittle())
    ids = ["a", "b", "boom", "c", "d"]
    items = write_lines(tmp_path / "in.jsonl", [
        json.dumps({"id": i, "kind": "post", "text": f"Bung Yo nomor 1 {i}", "context": None}) for i in ids])
    out = tmp_path / "out.jsonl"
    result = run_classify(profile_file, items, out, tiny_model)
    assert result.exit_code == 1
    assert f"{items}:3: cannot classify (RuntimeError: tokenizer exploded)" in result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "b", "c", "d"]


def test_a_comment_without_words_of_its_own_is_not_judged_by_its_post(
    tiny_model: Path, profile_file: Path, tmp_path: Path
) -> None:
    partisan = "Ayo coblos Bung Yo nomor 1! #EtiPasti Mama Eti"
    rows = [
        {"id": "nul-zwsp", "kind": "comment", "text": "\u0000\u200b", "context": partisan},
        {"id": "blank", "kind": "comment", "text": " \u200d\ufeff ", "context": partisan},
        {"id": "like", "kind": "like", "text": "", "context": partisan},
        {"id": "share", "kind": "share", "text": "", "context": partisan},
        {"id": "worded", "kind": "comment", "text": "Setuju!", "context": partisan},
    ]
    items = write_lines(tmp_path / "in.jsonl", [json.dumps(r) for r in rows])
    out = tmp_path / "out.jsonl"
    result = run_classify(profile_file, items, out, tiny_model)
    assert result.exit_code == 0, result.output
    preds = {p["id"]: p for p in map(json.loads, out.read_text().splitlines())}
    for key in ("nul-zwsp", "blank"):
        assert (preds[key]["flagged"], preds[key]["score"], preds[key]["stance"], preds[key]["cues"]) == (
            False, 0.0, "none", []), key
    # A like or share is its context by nature: still read by the model, its cues found in the post.
    for key in ("like", "share", "worded"):
        assert preds[key]["score"] > 0.0 and "Bung Yo" in preds[key]["cues"], key
