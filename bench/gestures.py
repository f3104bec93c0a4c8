"""Photo hand detection: what searching big photos in tiles costs, and what it finds.

Stand-in for a group or rally photo: a real V-sign photo (the fingerpose webcam
frame of models/photos/data) scaled to a fraction of a real 1920×1280 photo
without hands (scikit-learn's temple) and pasted at a grid of places. For each
fraction, how many placements yield a V sign, whole-photo pass only (the
baseline) vs with tiles; then the time per photo at common sizes, as a ratio to
the whole-photo pass measured in the same process. Then the same search in a small photo (640×427; tiles start
at 600 px since issue 20, 960 before), and the time per photo of a real 100×100 sign-language-digits photo (one
hand, found). "Whole photo" includes the edge-padded pass.

    .venv/bin/python bench/gestures.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.photos.gestures import GestureDetector, open_photo, tile_views  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "models" / "photos" / "data"
FRACTIONS = (0.35, 0.25, 0.18, 0.12, 0.08)
# Sizes photos arrive in: an Instagram square, Mastodon's default, Bluesky's fullsize, a phone's camera.
SIZES = ((1080, 1080), (1280, 960), (2000, 1500), (4032, 3024))


def composite(fraction: float, at: tuple[float, float], size: tuple[int, int] = (1920, 1280)) -> Image.Image:
    background = open_photo(DATA / "no-hands" / "china.jpg").resize(size)
    frame = open_photo(DATA / "fingerpose" / "fingers-lq-frame27.png")
    width = round(size[0] * fraction)
    height = round(width * frame.height / frame.width)
    x, y = round(at[0] * (size[0] - width)), round(at[1] * (size[1] - height))
    background.paste(frame.resize((width, height)), (x, y))
    return background


def finds_v(detector: GestureDetector, image: Image.Image) -> bool:
    return any(h.gesture == "two" for h in detector.detect(image).hands)


def median_ms(detector: GestureDetector, image: Image.Image, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        detector.detect(image)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    places = [(x, y) for y in (0.1, 0.5, 0.9) for x in (0.1, 0.5, 0.9)]
    with GestureDetector(tiles=False) as whole, GestureDetector(tiles=True) as tiled:
        print(f"V sign found, of {len(places)} placements in a 1920x1280 photo (frame width as share of photo width;"
              " the hand is about a quarter of the frame):")
        print(f"{'frame':>6} {'whole photo':>12} {'with tiles':>11}")
        for fraction in FRACTIONS:
            images = [composite(fraction, at) for at in places]
            base = sum(finds_v(whole, im) for im in images)
            more = sum(finds_v(tiled, im) for im in images)
            print(f"{fraction:>6.2f} {base:>12} {more:>11}")
        print("\ntime per photo (median of", args.repeat, "runs):")
        print(f"{'size':>10} {'passes':>6} {'whole ms':>9} {'tiles ms':>9} {'ratio':>6}")
        base_image = composite(0.25, (0.5, 0.5))
        for width, height in SIZES:
            image = base_image.resize((width, height))
            base_ms = median_ms(whole, image, args.repeat)
            tiled_ms = median_ms(tiled, image, args.repeat)
            passes = len(tile_views(width, height)) + 1  # and the edge-padded pass
            print(f"{width:>5}x{height:<4} {passes:>6} {base_ms:>9.0f} {tiled_ms:>9.0f} {tiled_ms / base_ms:>5.1f}x")
        digits = open_photo(sorted((DATA / "sign-language-digits" / "images").glob("2-*.jpg"))[0])
        print(f"  100x100    {2:>6} {median_ms(whole, digits, args.repeat):>9.1f}   (a sign-language-digits photo)")

        print("\nV sign found in a 640x427 photo, of", len(places), "placements:")
        print(f"{'frame':>6} {'whole photo':>12} {'with tiles':>11}")
        for fraction in (0.35, 0.25, 0.18):
            images = [composite(fraction, at, (640, 427)) for at in places]
            base = sum(finds_v(whole, im) for im in images)
            more = sum(finds_v(tiled, im) for im in images)
            print(f"{fraction:>6.2f} {base:>12} {more:>11}")
        image = composite(0.25, (0.5, 0.5), (640, 427))
        print(f"   640x427 {len(tile_views(640, 427)) + 1:>6} {median_ms(whole, image, args.repeat):>9.0f} "
              f"{median_ms(tiled, image, args.repeat):>9.0f}")


if __name__ == "__main__":
    main()
