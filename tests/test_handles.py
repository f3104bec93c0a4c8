"""Handle normalisation per platform."""

from __future__ import annotations

import pytest

from spiders.platforms import InvalidHandle, normalise_handle, normalise_platform


@pytest.mark.parametrize(
    ("platform", "raw", "expected"),
    [
        ("x", "@BudiS", "budis"),
        ("x", "https://twitter.com/BudiS?lang=id", "budis"),
        ("x", "x.com/BudiS", "budis"),
        ("instagram", "https://www.instagram.com/Rina.P/", "rina.p"),
        ("tiktok", "https://www.tiktok.com/@Budi.S", "budi.s"),
        ("facebook", "https://www.facebook.com/profile.php?id=100012345678901", "100012345678901"),
        ("facebook", "https://facebook.com/Yohana.Simanjuntak", "yohana.simanjuntak"),
        ("bluesky", "@RinaPratiwi.bsky.social", "rinapratiwi.bsky.social"),
        ("bluesky", "https://bsky.app/profile/rinapratiwi.bsky.social", "rinapratiwi.bsky.social"),
        ("bluesky", "did:plc:47tqcxw6yjrtrrxqzjwjnbgh", "did:plc:47tqcxw6yjrtrrxqzjwjnbgh"),
        ("mastodon", "@Bambang_H@Mastodon.Example", "bambang_h@mastodon.example"),
        ("mastodon", "https://mastodon.example/@bambang_h", "bambang_h@mastodon.example"),
        ("youtube", "https://www.youtube.com/channel/UCXtHcBMExToIxVrKaLOcAzQ", "UCXtHcBMExToIxVrKaLOcAzQ"),
        ("youtube", "https://www.youtube.com/@DinkesSukamaju", "@dinkessukamaju"),
        ("rss", "https://dinkes.sukamaju.go.id/feed.xml", "https://dinkes.sukamaju.go.id/feed.xml"),
    ],
)
def test_normalise(platform: str, raw: str, expected: str) -> None:
    assert normalise_handle(platform, raw) == expected


@pytest.mark.parametrize(
    ("platform", "raw"),
    [("x", ""), ("x", "budi santoso"), ("mastodon", "bambang_h"), ("bluesky", "rina"), ("rss", "not a url")],
)
def test_invalid_handles(platform: str, raw: str) -> None:
    with pytest.raises(InvalidHandle):
        normalise_handle(platform, raw)


def test_platform_aliases() -> None:
    assert normalise_platform(" Twitter ") == "x"
    assert normalise_platform("IG") == "instagram"
    with pytest.raises(InvalidHandle, match="unknown platform"):
        normalise_platform("friendster")
