"""``/media/<sha>/boxes.png``: the photo with its hands boxed, only for users who may see an item using it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from models.photos.gestures import GestureDetector
from monitor.db.session import session_scope
from monitor.web.app import create_app
from spiders.media import MediaStore
from tests.seed import item
from tests.web_support import WebEnv, login, make_env

PHOTO = Path(__file__).resolve().parent.parent / "models" / "photos" / "data" / "fingerpose" / "fingers-lq-frame27.png"


@pytest.fixture
def env(sqlite_db: str) -> WebEnv:
    return make_env(sqlite_db)


@pytest.fixture
def sha(env: WebEnv) -> str:
    with session_scope(env.url) as s:
        post_id = item(s, env.data.items["joko_photo"]).activity.post_id  # an item of agency KAB-B
    store = MediaStore(env.url)
    stored = store.store_bytes(PHOTO.read_bytes(), source="https://cdn.example/v.png", post_id=post_id)
    with GestureDetector() as det:
        store.save_hands(stored.sha256, det.detect_file(stored.path).to_json(), "test")
    return stored.sha256


def client(env: WebEnv, username: str | None) -> TestClient:
    c = TestClient(create_app(env.settings), follow_redirects=False)
    if username:
        login(c, username)
    return c


def test_user_in_scope_gets_the_boxed_png(env: WebEnv, sha: str) -> None:
    for username in ("reviewer_b", "admin"):
        response = client(env, username).get(f"/media/{sha}/boxes.png")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as im:
            assert im.size == (320, 240)
            colours = {colour for _count, colour in im.convert("RGB").getcolors(maxcolors=1 << 20)}
            assert (220, 30, 30) in colours  # the red box of a listed gesture


def test_others_get_nothing(env: WebEnv, sha: str) -> None:
    assert client(env, "reviewer").get(f"/media/{sha}/boxes.png").status_code == 404  # agency KAB-A only
    assert client(env, "auditor_a").get(f"/media/{sha}/boxes.png").status_code == 404
    anonymous = client(env, None).get(f"/media/{sha}/boxes.png")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    admin = client(env, "admin")
    assert admin.get(f"/media/{'0' * 64}/boxes.png").status_code == 404
    assert admin.get("/media/not-a-hash/boxes.png").status_code == 404


def test_item_page_names_the_gestures_in_indonesian(env: WebEnv, sha: str) -> None:
    page = client(env, "reviewer_b").get(f"/items/{env.data.items['joko_photo']}").text
    assert f'src="/media/{sha}/boxes.png"' in page
    assert 'title="two">dua jari (V) · nomor 2 · ' in page


@pytest.mark.parametrize(
    ("cue", "label"),
    [
        ("gesture:two@0.89", "gestur dua jari (V) 0.89"),
        ("gesture:ok_three@0.71", "gestur OK tiga jari 0.71"),
        ("gesture_number:2->k2", "nomor gestur 2 = k2"),
        ("gesture_number:7", "nomor gestur 7, bukan nomor calon mana pun"),
        ("gesture_mismatch:k1", "nomor gestur menunjuk calon lain (k1)"),
        ("context:watched_account", "konteks: akun calon/tim pemenangan yang dipantau"),
        ("context:hashtag:#SukamajuBerubah", "konteks: tagar kampanye #SukamajuBerubah"),
        ("period:campaign", "periode: masa kampanye"),
        ("period:other", "periode: di luar tahapan pemilihan"),
        ("Hendra Kusuma", "Hendra Kusuma"),  # a word the text classifier found stays as it is
        ("nomor 2", "nomor 2"),
    ],
)
def test_cues_read_in_indonesian(cue: str, label: str) -> None:
    from monitor.web.rendering import cue_label

    assert cue_label(cue) == label


def test_item_page_shows_coded_cues_translated(env: WebEnv, sha: str) -> None:
    from monitor.db.schema import Classification

    with session_scope(env.url) as s:
        classification = s.get(Classification, item(s, env.data.items["joko_photo"]).classification_id)
        classification.cues = [*classification.cues, "gesture:two@0.95", "period:campaign"]
    page = client(env, "reviewer_b").get(f"/items/{env.data.items['joko_photo']}").text
    # The cue's code stays a machine attribute; the reviewer reads (and hovers over) words only.
    assert '<span class="chip" data-cue="gesture:two@0.95">gestur dua jari (V) 0.95</span>' in page
    assert '<span class="chip" data-cue="period:campaign">periode: masa kampanye</span>' in page


def test_a_commented_posts_photo_is_context_not_the_commenters_own(env: WebEnv) -> None:
    from monitor.db.schema import Post

    with session_scope(env.url) as s:
        activity = item(s, env.data.items["sari_comment"]).activity
        candidate_post = Post(platform="mastodon", external_id="cand-photo", author_handle="hendra@warga.example",
                              text="Deklarasi Hendra Kusuma bakal calon bupati")
        s.add(candidate_post)
        s.flush()
        activity.target_post_id = candidate_post.id
        target_id = candidate_post.id
    sha = MediaStore(env.url).store_bytes(PHOTO.read_bytes(), source="https://cdn.example/c.png",
                                          post_id=target_id).sha256
    page = client(env, "reviewer").get(f"/items/{env.data.items['sari_comment']}").text
    img = f'src="/media/{sha}/boxes.png"'
    captured = page[page.index("Konten yang ditangkap"):page.index("Konteks: konten yang dikomentari")]
    assert img not in captured
    assert page.index('id="context-photos"') < page.index(img)
    assert "bukan foto akun ini" in page
