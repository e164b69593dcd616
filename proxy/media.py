"""Recognising uploads of photos, film and sound (rule 7), without keeping them.

An upload is media when its Content-Type says so, when a multipart part's headers
say so (Content-Type or a media file name), or when its first bytes are a media
file's signature (a pupil can label a photo application/octet-stream). Bodies are
inspected as they stream past; only a few kilobytes around a part boundary are ever
held, and nothing is written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import Message
from typing import Final

MEDIA_PREFIXES: Final = ("image/", "video/", "audio/")
SNIFF_BYTES: Final = 16
MAX_PART_HEADER: Final = 16 * 1024
MEDIA_EXTENSIONS: Final = frozenset(
    {
        *("jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "avif"),
        *("mp4", "m4v", "mov", "avi", "mkv", "webm", "3gp", "mpeg", "mpg"),
        *("mp3", "m4a", "aac", "wav", "ogg", "oga", "opus", "flac", "amr"),
    }
)
_SIGNATURES: Final = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x1aE\xdf\xa3", "video/webm"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"fLaC", "audio/flac"),
    (b"#!AMR", "audio/amr"),
)
_FILENAME = re.compile(r'filename\*?=(?:"([^"]*)"|([^;\s]+))', re.IGNORECASE)


def media_type(content_type: str | None) -> str | None:
    """The media type named by a Content-Type header, or None."""
    value = (content_type or "").split(";", 1)[0].strip().lower()
    return value if value.startswith(MEDIA_PREFIXES) else None


def sniff(start: bytes) -> str | None:
    """The media type whose file signature `start` begins with, or None."""
    for signature, kind in _SIGNATURES:
        if start.startswith(signature):
            return kind
    if start[4:8] == b"ftyp":  # ISO base media: mp4, mov, heic, m4a, 3gp
        return "video/mp4"
    if start[:4] == b"RIFF" and start[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}[start[8:12]]
    return None


def multipart_boundary(content_type: str | None) -> str | None:
    message = Message()
    message["Content-Type"] = content_type or ""
    if message.get_content_type() not in ("multipart/form-data", "multipart/mixed", "multipart/related"):
        return None
    boundary = message.get_param("boundary")
    return boundary if isinstance(boundary, str) and 0 < len(boundary) <= 200 else None


def part_is_media(headers: bytes, start: bytes) -> str | None:
    text = headers.decode("latin-1")
    for line in text.split("\r\n"):
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-type" and (kind := media_type(value)):
            return kind
        if name == "content-disposition" and (match := _FILENAME.search(value)):
            filename = (match.group(1) or match.group(2) or "").lower()
            if filename.rsplit(".", 1)[-1] in MEDIA_EXTENSIONS and "." in filename:
                return "application/x-media-file"
    return sniff(start)


class BodyScanner:
    """A mitmproxy stream callable: passes the body on, holding back only what is
    needed to judge the next part; on the first media part it stops forwarding and
    calls `on_media` (which closes the connection, so the upload never completes)."""

    def __init__(self, boundary: str | None, on_media: Callable[[str], None]) -> None:
        self._delimiter = b"--" + boundary.encode("latin-1") if boundary else None
        self._on_media = on_media
        self._pending = b""
        self._seen_start = False
        self.found: str | None = None

    def __call__(self, chunk: bytes) -> bytes:
        if self.found:
            return b""
        final = chunk == b""
        data = self._pending + chunk
        hold = self._raw(data, final) if self._delimiter is None else self._multipart(data, final)
        if self.found:
            self._pending = b""
            self._on_media(self.found)
            return b""
        self._pending = data[hold:]
        return data[:hold]

    def _raw(self, data: bytes, final: bool) -> int:
        if self._seen_start or not data:
            return len(data)  # (an empty chunk says nothing about the body's start)
        if len(data) < SNIFF_BYTES and not final:
            return 0
        self._seen_start = True
        self.found = sniff(data[:SNIFF_BYTES])
        return len(data)

    def _multipart(self, data: bytes, final: bool) -> int:
        assert self._delimiter is not None
        delimiter, pos = self._delimiter, 0
        while True:
            start = data.find(delimiter, pos)
            if start < 0:
                return len(data) if final else max(pos, len(data) - len(delimiter) + 1)
            end = data.find(b"\r\n\r\n", start)
            if end < 0:
                if final or len(data) - start > MAX_PART_HEADER:
                    pos = start + len(delimiter)
                    continue
                return start
            body = end + 4
            if not final and len(data) - body < SNIFF_BYTES and data.find(delimiter, body) < 0:
                return start
            self.found = part_is_media(data[start:end], data[body : body + SNIFF_BYTES])
            if self.found:
                return 0
            pos = body
