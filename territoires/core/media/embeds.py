"""Video links: YouTube, Vimeo and PeerTube pages turned into privacy-friendly embeds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from .errors import MediaError

VIDEO_URL_MAX_LENGTH = 2048

MSG_VIDEO_URL = "Lien vidéo non reconnu : YouTube, Vimeo ou PeerTube."

PROVIDER_LABELS = {"youtube": "YouTube", "vimeo": "Vimeo", "peertube": "PeerTube"}

_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# PeerTube short UUIDs: a UUID in base 58 (Flickr alphabet), 22 characters, sometimes fewer.
_SHORT_UUID = re.compile(r"[1-9A-HJ-NP-Za-km-z]{18,22}")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?")


@dataclass(frozen=True)
class VideoEmbed:
    provider: str  # "youtube", "vimeo" or "peertube"
    video_id: str
    embed_url: str  # privacy-friendly player, to load only after the visitor's click
    watch_url: str  # the video's page on its site
    host: str  # the site the video comes from, for "chargée depuis …" and "Voir sur …"

    @property
    def provider_label(self) -> str:
        return PROVIDER_LABELS[self.provider]


def parse_video_url(url: str) -> VideoEmbed:
    """Recognise a YouTube, Vimeo or PeerTube link and give its privacy-friendly embed."""
    url = (url or "").strip()
    if not url or len(url) > VIDEO_URL_MAX_LENGTH or re.search(r"[\s\x00-\x1f\x7f\\]", url):
        raise MediaError(MSG_VIDEO_URL)
    if "://" not in url and re.match(r"(?:www\.|m\.)?(?:youtube\.com|youtu\.be|vimeo\.com)/", url):
        url = "https://" + url  # Pasted without its scheme.
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise MediaError(MSG_VIDEO_URL) from exc
    host = (parts.hostname or "").rstrip(".")
    if (
        parts.scheme.lower() not in ("http", "https")  # http is upgraded; javascript:, ftp: no
        or parts.username is not None
        or parts.password is not None
        or port not in (None, 80, 443)
        or not _valid_host(host)
    ):
        raise MediaError(MSG_VIDEO_URL)

    query = parse_qs(parts.query)
    fragment = parse_qs(parts.fragment)
    segments = [s for s in parts.path.split("/") if s]

    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        return _youtube(host, segments, query, fragment)
    if host in _VIMEO_HOSTS:
        return _vimeo(host, segments, query)
    return _peertube(host, segments, query)


def _valid_host(host: str) -> bool:
    labels = host.split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(_HOST_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()  # No IP addresses.
    )


def _first(query: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        if query.get(name):
            return query[name][0]
    return None


def _seconds(value: str | None) -> int:
    """'90', '90s', '1m30s', '1h2m3s' → seconds; anything else → 0."""
    if not value:
        return 0
    match = _TIME.fullmatch(value.strip().lower())
    if not match or not any(match.groups()):
        return 0
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s


def _youtube(host, segments, query, fragment) -> VideoEmbed:
    video_id = None
    if host == "youtu.be":
        video_id = segments[0] if len(segments) == 1 else None
    elif segments == ["watch"]:
        video_id = _first(query, "v")
    elif len(segments) == 2 and segments[0] in ("shorts", "embed", "live", "v"):
        video_id = segments[1]
    if not video_id or not _YOUTUBE_ID.fullmatch(video_id):
        raise MediaError(MSG_VIDEO_URL)
    start = _seconds(_first(query, "t", "start") or _first(fragment, "t"))
    embed = f"https://www.youtube-nocookie.com/embed/{video_id}"
    watch = f"https://www.youtube.com/watch?v={video_id}"
    if start:
        embed += f"?start={start}"
        watch += f"&t={start}s"
    return VideoEmbed("youtube", video_id, embed, watch, "youtube.com")


def _vimeo(host, segments, query) -> VideoEmbed:
    video_id = unlisted_hash = None
    if host == "player.vimeo.com":
        if len(segments) == 2 and segments[0] == "video":
            video_id = segments[1]
            unlisted_hash = _first(query, "h")
    elif len(segments) in (1, 2) and _VIMEO_ID.fullmatch(segments[0]):
        video_id = segments[0]
        unlisted_hash = segments[1] if len(segments) == 2 else None
    elif len(segments) == 3 and segments[0] == "channels":
        video_id = segments[2]
    elif len(segments) == 4 and segments[0] == "groups" and segments[2] == "videos":
        video_id = segments[3]
    if not video_id or not _VIMEO_ID.fullmatch(video_id):
        raise MediaError(MSG_VIDEO_URL)
    if unlisted_hash is not None and not _VIMEO_HASH.fullmatch(unlisted_hash):
        raise MediaError(MSG_VIDEO_URL)
    embed = f"https://player.vimeo.com/video/{video_id}?"
    watch = f"https://vimeo.com/{video_id}"
    if unlisted_hash:
        embed += f"h={unlisted_hash}&"
        watch += f"/{unlisted_hash}"
    return VideoEmbed("vimeo", video_id, embed + "dnt=1", watch, "vimeo.com")


def _peertube(host, segments, query) -> VideoEmbed:
    video_id = None
    if len(segments) == 2 and segments[0] == "w":
        video_id = segments[1]
    elif len(segments) == 3 and segments[0] == "videos" and segments[1] in ("watch", "embed"):
        video_id = segments[2]
    if not video_id or not (_UUID.fullmatch(video_id) or _SHORT_UUID.fullmatch(video_id)):
        raise MediaError(MSG_VIDEO_URL)
    video_id = video_id.lower() if _UUID.fullmatch(video_id) else video_id
    start = _seconds(_first(query, "start", "t"))
    # p2p=0: the player would otherwise share the visitor's IP address with other viewers.
    embed = f"https://{host}/videos/embed/{quote(video_id)}?p2p=0"
    watch = f"https://{host}/videos/watch/{quote(video_id)}"
    if start:
        embed += f"&start={start}"
        watch += f"?start={start}"
    return VideoEmbed("peertube", video_id, embed, watch, host)
