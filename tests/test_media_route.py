"""``/media/<sha>/boxes.png``: the photo with its hands boxed, only for users who may see an item using it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from models.gestures import GestureDetector
from monitor.db.session import session_scope
from monitor.web.app import create_app
from monitor.web.routes import media as media_routes
from spiders.media import MediaStore
from tests.seed import item
from tests.web_support import WebEnv, login, make_env

PHOTO = Path(__file__).resolve().parent.parent / "models" / "gesture_data" / "fingerpose" / "fingers-lq-frame27.png"


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
    app = create_app(env.settings)
    app.include_router(media_routes.router)  # what app.py's router loop will do once the route is wired
    c = TestClient(app, follow_redirects=False)
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
