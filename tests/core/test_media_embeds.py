"""Video links: YouTube, Vimeo and PeerTube recognised, anything else refused."""

import pytest

from territoires.core.media import MediaError, parse_video_url

BAD_VIDEO = "Lien vidéo non reconnu : YouTube, Vimeo ou PeerTube."

YT = "dQw4w9WgXcQ"
NOCOOKIE = f"https://www.youtube-nocookie.com/embed/{YT}"
WATCH = f"https://www.youtube.com/watch?v={YT}"
UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"
SHORT = "kkGMgK9ZtnKfYAgnEtQxbv"


@pytest.mark.parametrize(
    ("url", "provider", "video_id", "embed_url", "watch_url", "host"),
    [
        (WATCH, "youtube", YT, NOCOOKIE, WATCH, "youtube.com"),
        (f"https://youtube.com/watch?v={YT}&feature=share", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://m.youtube.com/watch?app=desktop&v={YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"http://www.youtube.com/watch?v={YT}&t=1m30s", "youtube", YT,
         f"{NOCOOKIE}?start=90", f"{WATCH}&t=90s", None),
        (f"https://youtu.be/{YT}?t=42", "youtube", YT, f"{NOCOOKIE}?start=42", f"{WATCH}&t=42s",
         None),
        (f"https://youtu.be/{YT}?si=AbCdEf", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"youtu.be/{YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"  https://www.youtube.com/shorts/{YT}  ", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://www.youtube.com/embed/{YT}?start=10", "youtube", YT, f"{NOCOOKIE}?start=10",
         f"{WATCH}&t=10s", None),
        (f"https://www.youtube-nocookie.com/embed/{YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://www.youtube.com/live/{YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://www.youtube.com/watch?v={YT}#t=1h2m3s", "youtube", YT,
         f"{NOCOOKIE}?start=3723", f"{WATCH}&t=3723s", None),
        ("https://vimeo.com/76979871", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?dnt=1", "https://vimeo.com/76979871",
         "vimeo.com"),
        ("https://vimeo.com/76979871/8272103f6e", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?h=8272103f6e&dnt=1",
         "https://vimeo.com/76979871/8272103f6e", None),
        ("https://player.vimeo.com/video/76979871?h=8272103f6e&autoplay=1", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?h=8272103f6e&dnt=1",
         "https://vimeo.com/76979871/8272103f6e", None),
        ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?dnt=1", "https://vimeo.com/76979871", None),
        (f"https://peertube.example.org/w/{UUID}", "peertube", UUID,
         f"https://peertube.example.org/videos/embed/{UUID}?p2p=0",
         f"https://peertube.example.org/videos/watch/{UUID}", "peertube.example.org"),
        (f"https://framatube.org/w/{SHORT}", "peertube", SHORT,
         f"https://framatube.org/videos/embed/{SHORT}?p2p=0",
         f"https://framatube.org/videos/watch/{SHORT}", "framatube.org"),
        (f"http://Tube.Example.FR/videos/watch/{UUID.upper()}", "peertube", UUID,
         f"https://tube.example.fr/videos/embed/{UUID}?p2p=0",
         f"https://tube.example.fr/videos/watch/{UUID}", "tube.example.fr"),
        (f"https://tube.example.fr/videos/embed/{SHORT}?start=1m", "peertube", SHORT,
         f"https://tube.example.fr/videos/embed/{SHORT}?p2p=0&start=60",
         f"https://tube.example.fr/videos/watch/{SHORT}?start=60", None),
    ],
)  # fmt: skip
def test_video_links_are_recognised(url, provider, video_id, embed_url, watch_url, host):
    video = parse_video_url(url)
    assert video.provider == provider
    assert video.video_id == video_id
    assert video.embed_url == embed_url
    assert video.watch_url == watch_url
    if host:
        assert video.host == host
    assert video.embed_url.startswith("https://") and video.watch_url.startswith("https://")
    assert "youtube.com/embed" not in video.embed_url  # Only the no-cookie player.


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=x",
        f"https://evil.example/watch?v={YT}",
        f"https://youtube.com.evil.example/watch?v={YT}",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)//youtube.com/watch?v=dQw4w9WgXcQ",
        "data:text/html,<script>alert(1)</script>",
        f"ftp://youtube.com/watch?v={YT}",
        f"//www.youtube.com/watch?v={YT}",
        "https://www.youtube.com/watch?v=x",
        f'https://www.youtube.com/watch?v={YT}"onload="alert(1)',
        f"https://www.youtube.com/watch?v={YT}\n<script>",
        "https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw",
        "https://www.youtube.com/",
        f"https://user:secret@www.youtube.com/watch?v={YT}",
        "https://vimeo.com/about",
        "https://vimeo.com/76979871/not-a-hash!",
        f"https://192.168.0.1/w/{SHORT}",
        f"https://localhost/w/{SHORT}",
        f"https://tube.example.fr:8443/w/{SHORT}",
        f"https://tube.example.fr/w/p/{SHORT}",  # A playlist.
        "https://tube.example.fr/w/not-an-id",
        "https://tube.example.fr/videos/watch/../../admin",
        "",
        "   ",
        "une vidéo sur youtube",
        "https://" + "a" * 3000 + ".example/w/" + SHORT,
    ],
)
def test_other_links_are_refused(url):
    with pytest.raises(MediaError) as error:
        parse_video_url(url)
    assert str(error.value) == BAD_VIDEO


def test_a_video_names_its_provider():
    assert parse_video_url(f"https://youtu.be/{YT}").provider_label == "YouTube"
    assert parse_video_url(f"https://framatube.org/w/{SHORT}").provider_label == "PeerTube"
