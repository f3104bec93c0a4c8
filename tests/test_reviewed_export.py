"""Reviewed items flow back as labelled data (LABEL_GUIDE.md), and the user/data CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from models.dataset import read_jsonl
from models.profile import load_profile
from monitor.access.users import get_user
from monitor.cli import app
from monitor.db.session import session_factory
from monitor.exports.reviewed import export_reviewed
from monitor.review.decisions import DecisionInput, decide
from tests.seed import PROFILE_PATH, item, seed, user


def test_export_reviewed_writes_valid_labelled_examples(sqlite_db: str, tmp_path: Path) -> None:
    with session_factory(sqlite_db)() as s:
        data = seed(s)
        rev = user(s, "reviewer")
        decide(s, item(s, data.items["budi_post"]), rev, DecisionInput(
            verdict="pelanggaran", violation_code="social_campaign", candidate="k1", note="ajakan coblos"))
        decide(s, item(s, data.items["budi_like"]), rev, DecisionInput(
            verdict="bukan_pelanggaran", reason="neutral_information", note="info jadwal"))
        decide(s, item(s, data.items["sari_comment"]), rev, DecisionInput(
            verdict="pelanggaran", violation_code="campaign_account_interaction", party="PAR", candidate="k2",
            note="komentar dukungan"))
        decide(s, item(s, data.items["sari_hostile"]), rev, DecisionInput(verdict="eskalasi", note="camat"))
        admin = user(s, "admin")
        decide(s, item(s, data.items["joko_photo"]), admin, DecisionInput(
            verdict="pelanggaran", violation_code="partisan_photo", party="Partai Entah", note="foto"))
        s.commit()
        out = tmp_path / "reviewed.jsonl"
        result = export_reviewed(s, out)

    assert result.written == 3
    why = "party 'Partai Entah' is not in profile pilkada-2029-sukamaju"
    assert result.skipped == [(data.items["joko_photo"], why)]
    profile = load_profile(PROFILE_PATH)
    examples = {e.id: e for e in read_jsonl(out, {profile.id: profile})}  # the guide's own validator
    post_ex = examples[f"rev-{data.items['budi_post']}"]
    assert (post_ex.stance, post_ex.candidate, post_ex.violation, post_ex.hate) == ("support", "k1",
                                                                                   "social_campaign", False)
    like_ex = examples[f"rev-{data.items['budi_like']}"]
    assert like_ex.text == "" and like_ex.context and like_ex.stance == "none" and like_ex.hard_negative
    comment_ex = examples[f"rev-{data.items['sari_comment']}"]
    assert comment_ex.party == "Partai Amanat Rakyat" and comment_ex.candidate == "k2"
    assert f"rev-{data.items['sari_hostile']}" not in examples  # escalated: not final


def test_user_and_data_cli(sqlite_db: str, tmp_path: Path) -> None:
    with session_factory(sqlite_db)() as s:
        seed(s)
        s.commit()
    runner = CliRunner()
    ok = runner.invoke(app, ["user", "add", "rina", "--role", "reviewer", "--scope", "KAB-A", "--scope", "KAB-B",
                             "--name", "Rina", "--password-stdin"], input="kata-sandi-rina-1\n")
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["user", "add", "x", "--role", "agency_auditor", "--password-stdin"],
                        input="kata-sandi-xxxx-1\n")
    assert bad.exit_code == 1 and "agency" in bad.output
    short = runner.invoke(app, ["user", "add", "y", "--role", "admin", "--password-stdin"], input="pendek\n")
    assert short.exit_code == 1 and "password" in short.output
    dup = runner.invoke(app, ["user", "add", "rina", "--role", "admin", "--password-stdin"],
                        input="kata-sandi-rina-1\n")
    assert dup.exit_code == 1 and "already exists" in dup.output
    assert runner.invoke(app, ["user", "passwd", "rina", "--password-stdin"], input="kata-sandi-baru-2\n"
                         ).exit_code == 0
    assert runner.invoke(app, ["user", "disable", "rina"]).exit_code == 0
    listing = runner.invoke(app, ["user", "list"])
    assert "rina" in listing.output and "disabled" in listing.output and "KAB-A, KAB-B" in listing.output
    with session_factory(sqlite_db)() as s:
        rina = get_user(s, "rina")
        assert rina is not None and rina.disabled and rina.role == "reviewer"
        assert rina.password_hash.startswith("$argon2")
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["data", "export-reviewed", "--output", str(out)])
    assert result.exit_code == 0 and "wrote 0 labelled examples" in result.output
    assert out.read_text() == ""
    missing = runner.invoke(app, ["data", "export-reviewed", "--output", str(out), "--agency", "NOPE"])
    assert missing.exit_code == 1


def test_netra_web_serves(sqlite_db: str, tmp_path: Path) -> None:
    """``netra web`` starts uvicorn and answers the sign-in page."""
    import socket
    import time
    import urllib.request

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    netra = Path(sys.executable).parent / "netra"
    proc = subprocess.Popen([str(netra), "web", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("netra web did not answer")
        assert "Masuk" in body and 'name="csrf_token"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)


