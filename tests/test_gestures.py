"""The hand-gesture detector on real photos (real MediaPipe), and its handling of bad input.

Expected figures are those measured on models/photos/data (see its DATA_CARD.md). The
finger rules were tuned on the photos of its "tuning" split, so those figures guard
against regressions; the "held-out" split was not looked at while tuning.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.photos.evaluate import MISSED, UNLABELLED, EvalReport, LabelsError, evaluate, read_labels
from models.photos.gestures import GestureDetector, GestureImageError, classify_landmarks, open_photo, tile_views
from models.photos.hand_boxes import draw_hand_boxes
from tests.test_media_store import animated_gif, png_header_claiming

DATA = Path(__file__).resolve().parent.parent / "models" / "photos" / "data"
FOUR = DATA / "mediapipe-hagrid" / "four" / "06aa70cc-a12a-4b1e-85cf-e54d44c19a3a.jpg"
V_SIGN = DATA / "fingerpose" / "fingers-lq-frame27.png"
THUMB_UP = DATA / "fingerpose" / "fingers-lq-frame18.png"


@pytest.fixture(scope="module")
def detector() -> GestureDetector:
    with GestureDetector() as det:
        yield det


@pytest.fixture(scope="module")
def report(detector: GestureDetector) -> EvalReport:
    return evaluate(DATA, detector)


# (gesture, minimum precision, minimum recall) as measured with mediapipe 0.10.14 on the tuning split.
# Re-measured for issue 20 (rules tuned on the sign-language-digits tuning photos, the landmark classifier,
# the edge-padded pass, tiles from 600 px): "none" precision 1.0 → 0.9, one call photo whose little finger
# MediaPipe bends now reads as none (it read as a thumbs-up before); "metal" precision 1.0 → 0.9, a dim call
# photo the tiles now find (it was missed) reads as metal.
MEASURED = [
    ("thumb_up", 0.85, 1.0),
    ("one", 1.0, 1.0),
    ("two", 1.0, 0.87),
    ("four", 1.0, 0.8),
    ("call", 1.0, 0.7),
    ("metal", 0.9, 1.0),
    ("none", 0.9, 0.8),
]


@pytest.mark.parametrize(("gesture", "precision", "recall"), MEASURED)
def test_per_gesture_figures_on_the_labelled_photos(report: EvalReport, gesture: str, precision: float,
                                                    recall: float) -> None:
    got_p, got_r, _tp, _pred, labelled = report.splits["tuning"].precision_recall(gesture)
    assert labelled > 0
    assert got_p is not None and got_p >= precision, (gesture, got_p)
    assert got_r is not None and got_r >= recall, (gesture, got_r)


def test_held_out_photos_are_reported_apart(report: EvalReport) -> None:
    held_out = report.splits["held-out"]
    tuning = report.splits["tuning"]
    assert (held_out.images, held_out.hands) == (8, 8)
    assert (tuning.images, tuning.hands) == (57, 64)
    assert held_out.images + tuning.images == report.images
    # Measured on the GCompris photos: the four fists read as an allowed pose — all fist until issue 20, three
    # of them none since (the thumb rules moved with the sign-language-digits tuning photos; both poses are
    # allowed, so no cue changes) — and two of the four open hands as five (the two seen from the back read
    # as an allowed pose too; no number is claimed for them, which is the safe side).
    fists = [p for (t, p), n in held_out.confusion.items() if t == "fist" for _ in range(n)]
    assert len(fists) == 4 and set(fists) <= {"fist", "none"}
    assert not [p for (t, p) in held_out.confusion if t == "five" and p != "five" and p not in ("fist", "none")]
    precision, recall, *_ = held_out.precision_recall("five")
    assert precision == 1.0 and recall is not None and recall >= 0.5


def test_hands_missed_and_phantoms_counted(report: EvalReport) -> None:
    # 72 hands: two second hands hanging at the side (in a call and a four photo) are found since issue 20
    # and labelled.
    assert report.images == 65 and report.hands == 72
    assert sum(n for (_t, p), n in report.confusion.items() if p == MISSED) <= 4
    # The two photos without any hand stay without one.
    assert sum(n for (t, _p), n in report.confusion.items() if t == UNLABELLED) == 0
    assert report.unreadable == []


def test_transparent_cut_out_is_laid_over_white(tmp_path: Path) -> None:
    # A transparent PNG whose hidden pixels hold black: what most cut-outs and stickers store.
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    image.paste((200, 150, 120, 255), (20, 0, 40, 20))
    path = tmp_path / "cut-out.png"
    image.save(path)
    flat = open_photo(path)
    assert flat.mode == "RGB"
    assert flat.getpixel((5, 5)) == (255, 255, 255) and flat.getpixel((30, 5)) == (200, 150, 120)
    palette = image.convert("P")
    palette.info["transparency"] = palette.getpixel((5, 5))
    palette.save(tmp_path / "palette.png", transparency=palette.getpixel((5, 5)))
    assert open_photo(tmp_path / "palette.png").getpixel((5, 5)) == (255, 255, 255)


def _v_sign_in_a_big_photo(fraction: float, at: tuple[int, int]) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The V-sign frame scaled to ``fraction`` of a 1920×1280 temple photo's width and pasted at ``at``.

    A composite of two real photos, standing in for a group or rally photo in which one
    person's hand is small; returns the image and where the frame went.
    """
    background = open_photo(DATA / "no-hands" / "china.jpg").resize((1920, 1280))
    frame = open_photo(V_SIGN)
    width = round(1920 * fraction)
    height = round(width * frame.height / frame.width)
    background.paste(frame.resize((width, height)), at)
    return background, (at[0], at[1], at[0] + width, at[1] + height)


def test_tiles_cover_a_big_photo_with_overlap() -> None:
    assert tile_views(590, 400) == [(0, 0, 590, 400)]  # small photo: one pass
    assert len(tile_views(640, 427)) == 5  # from 600 px (since issue 20): the whole photo and four halves
    views = tile_views(1920, 1280)
    assert views[0] == (0, 0, 1920, 1280) and len(views) == len(set(views)) == 11
    for x0, y0, x1, y1 in views[1:]:
        assert 0 <= x0 < x1 <= 1920 and 0 <= y0 < y1 <= 1280
    # Every point of the photo lies in some half-size tile at least 150 px from any edge that cuts the photo,
    # so a hand up to that size is seen whole by one tile.
    halves = [v for v in views[1:] if v[2] - v[0] == 1200]
    for x in range(0, 1920, 40):
        for y in range(0, 1280, 40):
            assert any((x0 == 0 or x - x0 >= 150) and (x1 == 1920 or x1 - x >= 150)
                       and (y0 == 0 or y - y0 >= 150) and (y1 == 1280 or y1 - y >= 150)
                       for x0, y0, x1, y1 in halves), (x, y)


@pytest.mark.parametrize(("fraction", "at"), [(0.25, (900, 500)), (0.18, (100, 100)), (0.18, (1500, 900)),
                                               (0.12, (1500, 900))])
def test_small_hand_in_a_big_photo_is_found_by_the_tiles(detector: GestureDetector, fraction: float,
                                                         at: tuple[int, int]) -> None:
    image, (fx0, fy0, fx1, fy1) = _v_sign_in_a_big_photo(fraction, at)
    with GestureDetector(tiles=False) as whole_only:
        assert whole_only.detect(image).hands == ()  # the palm detector alone misses a hand this small
    found = detector.detect(image)
    hands = [h for h in found.hands if h.gesture == "two"]
    assert hands, found.hands
    x0, y0, x1, y1 = max(hands, key=lambda h: h.confidence).box_px
    assert fx0 <= x0 < x1 <= fx1 and fy0 <= y0 < y1 <= fy1  # boxed where it was pasted, in whole-photo pixels


def test_a_hand_seen_by_several_passes_is_reported_once(detector: GestureDetector) -> None:
    # Big enough for the whole-photo pass, and inside several tiles of both sizes.
    image, (fx0, fy0, fx1, fy1) = _v_sign_in_a_big_photo(0.35, (700, 400))
    centre = ((fx0 + fx1) / 2, (fy0 + fy1) / 2)
    assert sum(1 for v in tile_views(1920, 1280) if v[0] <= centre[0] <= v[2] and v[1] <= centre[1] <= v[3]) >= 3
    hands = [h for h in detector.detect(image).hands if fx0 <= h.box_px[0] and h.box_px[2] <= fx1]
    real = [h for h in hands if h.box_px[1] > fy0 + 0.2 * (fy1 - fy0)]  # the emoji overlay sits at the top
    assert len(real) == 1 and real[0].gesture == "two"


def test_big_photos_without_hands_stay_without(detector: GestureDetector) -> None:
    for name in ("china.jpg", "flower.jpg"):
        assert detector.detect(open_photo(DATA / "no-hands" / name).resize((2560, 1707))).hands == ()


def test_photo_with_no_hand(detector: GestureDetector) -> None:
    found = detector.detect_file(DATA / "no-hands" / "china.jpg")
    assert found.hands == () and found.cues() == []


def test_v_sign_with_its_box(detector: GestureDetector) -> None:
    found = detector.detect_file(V_SIGN)
    assert (found.width, found.height) == (320, 240)
    hand = max(found.hands, key=lambda h: h.confidence)
    assert hand.gesture == "two" and hand.number == 2 and hand.confidence > 0.9
    x0, y0, x1, y1 = hand.box
    assert 0.5 < x0 < x1 < 0.85 and 0.3 < y0 < y1 <= 1.0
    assert hand.box_px == (round(x0 * 320), round(y0 * 240), round(x1 * 320), round(y1 * 240))
    assert hand.cue() == f"gesture:two@{hand.confidence:.2f}"


def test_exif_rotated_copy_reads_like_the_upright_photo(detector: GestureDetector, tmp_path: Path) -> None:
    upright = detector.detect_file(FOUR)
    with Image.open(FOUR) as im:
        # Pixels stored turned 90° clockwise, with EXIF Orientation 8 saying "turn back": what phones write.
        turned = im.transpose(Image.Transpose.ROTATE_270)
        exif = Image.Exif()
        exif[0x0112] = 8
        rotated = tmp_path / "rotated.jpg"
        turned.save(rotated, format="JPEG", quality=95, exif=exif.tobytes())
    found = detector.detect_file(rotated)
    assert (found.width, found.height) == (upright.width, upright.height)
    assert [h.gesture for h in found.hands] == [h.gesture for h in upright.hands] == ["four"]
    assert np.allclose(found.hands[0].box, upright.hands[0].box, atol=0.03)


def test_left_right_and_palm_either_way_give_the_same_gesture(detector: GestureDetector) -> None:
    import mediapipe as mp  # noqa: F401 — the detector below already loaded it

    image = open_photo(THUMB_UP)
    result = detector._hands.process(np.asarray(image))  # the raw landmarks, to mirror them
    world = np.array([[lm.x, lm.y, lm.z] for lm in result.multi_hand_world_landmarks[0].landmark])
    xy = np.array([[lm.x * image.width, lm.y * image.height] for lm in result.multi_hand_landmarks[0].landmark])
    label, _conf, _ = classify_landmarks(world, xy)
    assert label == "thumb_up"
    mirrored = world * [-1, 1, 1]  # the other hand
    mirrored_xy = np.column_stack([image.width - xy[:, 0], xy[:, 1]])
    assert classify_landmarks(mirrored, mirrored_xy)[0] == "thumb_up"
    turned = world * [-1, 1, -1]  # palm turned to face the other way
    assert classify_landmarks(turned, mirrored_xy)[0] == "thumb_up"
    # Pointing down, the same fist-with-thumb is not a thumbs-up.
    upside_down_xy = np.column_stack([xy[:, 0], image.height - xy[:, 1]])
    assert classify_landmarks(world, upside_down_xy)[0] != "thumb_up"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("truncated.jpg", FOUR.read_bytes()[:3000], "not a readable image"),
        ("bomb.png", png_header_claiming(100_000, 100_000), "pixels is more than|decompression bomb"),
        ("animated.gif", animated_gif(), "an animation"),
        ("video.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64, "not a readable image"),
    ],
)
def test_bad_files_give_a_clear_error(detector: GestureDetector, tmp_path: Path, name: str, data: bytes,
                                      reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(GestureImageError, match=reason) as caught:
        detector.detect_file(path)
    assert name in str(caught.value)


def test_hand_boxes_png(detector: GestureDetector) -> None:
    found = detector.detect_file(FOUR)
    png = draw_hand_boxes(FOUR, [h.to_json() for h in found.hands])
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG" and im.size == (found.width, found.height)
        x0, y0, x1, y1 = found.hands[0].box_px
        # The box's left edge is drawn in red (a listed gesture), where the original has skin or wall.
        rgb = im.convert("RGB")
        assert (220, 30, 30) in [rgb.getpixel((x, (y0 + y1) // 2)) for x in (x0 - 1, x0, x0 + 1)]
        assert rgb.getpixel((x0 + 10, (y0 + y1) // 2)) != (220, 30, 30)


def test_labels_file_errors_name_the_line(tmp_path: Path) -> None:
    shutil.copy(FOUR, tmp_path / "a.jpg")
    (tmp_path / "labels.csv").write_text("image,gesture,box,note\na.jpg,four,,\na.jpg,wave,,\n", encoding="utf-8")
    with pytest.raises(LabelsError, match=r"labels.csv:3: field 'gesture': 'wave'"):
        read_labels(tmp_path)
    (tmp_path / "labels.csv").write_text("image,gesture,box,note\na.jpg,four,0.5 0.1 0.2,\n", encoding="utf-8")
    with pytest.raises(LabelsError, match=r"labels.csv:2: field 'box'"):
        read_labels(tmp_path)
    (tmp_path / "labels.csv").write_text("image,gesture,box,split\na.jpg,four,,test\n", encoding="utf-8")
    with pytest.raises(LabelsError, match=r"labels.csv:2: field 'split': 'test' is not one of tuning, held-out"):
        read_labels(tmp_path)
    (tmp_path / "labels.csv").write_text("image,gesture,box,split\na.jpg,four,,tuning\na.jpg,none,,held-out\n",
                                         encoding="utf-8")
    with pytest.raises(LabelsError, match=r"labels.csv:3: field 'split': a.jpg is already 'tuning'"):
        read_labels(tmp_path)
    (tmp_path / "labels.csv").write_text("image,gesture,box,split\na.jpg,four,,held-out\na.jpg,none,,held-out\n",
                                         encoding="utf-8")
    labels = read_labels(tmp_path)
    assert labels["a.jpg"].split == "held-out" and [h.gesture for h in labels["a.jpg"].hands] == ["four", "none"]


def test_evaluate_gestures_command(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from monitor.cli import app

    shutil.copy(V_SIGN, tmp_path / "v.png")
    shutil.copy(DATA / "no-hands" / "flower.jpg", tmp_path / "flower.jpg")
    (tmp_path / "labels.csv").write_text("image,gesture,box,note\nv.png,two,,\nflower.jpg,,,no hand\n",
                                         encoding="utf-8")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["evaluate-gestures", "--data", str(tmp_path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "two" in result.output and "not measured" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["per_gesture"]["two"] == {"precision": 1.0, "recall": 1.0, "correct": 1, "predicted": 1,
                                            "labelled": 1}
    assert report["images"] == 2 and report["unlabelled_detections"] == 0
    assert report["splits"] == {}  # no split column: one table
    (tmp_path / "labels.csv").write_text(
        "image,gesture,box,split,note\nv.png,two,,tuning,\nflower.jpg,,,held-out,no hand\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate-gestures", "--data", str(tmp_path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "held-out photos" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["splits"]["tuning"]["per_gesture"]["two"]["correct"] == 1
    assert report["splits"]["held-out"]["images"] == 1 and report["splits"]["held-out"]["hands"] == 0
    (tmp_path / "labels.csv").write_text("image,gesture\nv.png,two\n", encoding="utf-8")
    bad = CliRunner().invoke(app, ["evaluate-gestures", "--data", str(tmp_path)])
    assert bad.exit_code == 1 and "header lacks box" in bad.output


def test_the_detector_version_fits_the_column_it_is_stored_in(detector: GestureDetector) -> None:
    from monitor.db.schema import Media

    assert detector.tiles  # the longest form
    assert len(detector.version) <= Media.__table__.c.hands_model.type.length
