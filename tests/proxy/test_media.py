"""The streaming media recogniser: found wherever the chunk boundaries fall, and
everything else passes on byte for byte."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from proxy.media import BodyScanner, media_type, multipart_boundary, part_is_media, sniff

BOUNDARY = "----classguardtest7MA4YWxkTrZu0gW"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def form(*parts: tuple[str, bytes]) -> bytes:
    body = b""
    for headers, content in parts:
        body += f"--{BOUNDARY}\r\n{headers}\r\n\r\n".encode() + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


TEXT_FORM = form(('Content-Disposition: form-data; name="title"', b"uitje naar het bos " * 50))
PHOTO_FORM = form(
    ('Content-Disposition: form-data; name="title"', b"uitje"),
    ('Content-Disposition: form-data; name="file"; filename="x.bin"\r\nContent-Type: application/octet-stream', JPEG),
)


def feed(scanner: BodyScanner, body: bytes, cuts: list[int]) -> bytes:
    out = b""
    previous = 0
    for cut in [*sorted(set(cuts)), len(body)]:
        out += scanner(body[previous:cut])
        previous = cut
    return out + scanner(b"")


@given(st.lists(st.integers(min_value=0, max_value=len(TEXT_FORM)), max_size=30))
def test_a_text_form_passes_unchanged_however_it_is_chunked(cuts):
    found: list[str] = []
    assert feed(BodyScanner(BOUNDARY, found.append), TEXT_FORM, cuts) == TEXT_FORM
    assert not found


@given(st.lists(st.integers(min_value=0, max_value=len(PHOTO_FORM)), max_size=30))
def test_a_photo_part_is_found_however_it_is_chunked_and_never_passed_on(cuts):
    found: list[str] = []
    out = feed(BodyScanner(BOUNDARY, found.append), PHOTO_FORM, cuts)
    assert found == ["image/jpeg"]
    assert JPEG[:4] not in out


@given(st.binary(max_size=3000), st.lists(st.integers(min_value=0, max_value=3000), max_size=20))
@example(data=b"ID3", cuts=[0])  # an empty first chunk once let a body through unsniffed
def test_raw_bodies_pass_unchanged_unless_they_start_like_media(data, cuts):
    found: list[str] = []
    cuts = [c for c in cuts if c <= len(data)]
    out = feed(BodyScanner(None, found.append), data, cuts)
    if sniff(data[:16]):
        assert found and out == b""
    else:
        assert out == data and not found


def test_part_headers_name_media_by_type_or_file_name():
    assert part_is_media(b"Content-Type: video/mp4", b"") == "video/mp4"
    assert part_is_media(b'Content-Disposition: form-data; name="f"; filename="IMG_0042.HEIC"', b"") is not None
    assert part_is_media(b'Content-Disposition: form-data; name="f"; filename="verslag.pdf"', b"%PDF") is None


def test_signatures():
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(PNG) == "image/png"
    assert sniff(b"\x00\x00\x00\x18ftypheic") == "video/mp4"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b'{"comment": "leuk"}') is None


def test_content_types():
    assert media_type("Image/PNG; charset=binary") == "image/png"
    assert media_type("application/json") is None
    assert media_type(None) is None
    assert multipart_boundary(f'multipart/form-data; boundary="{BOUNDARY}"') == BOUNDARY
    assert multipart_boundary("application/json") is None
    assert multipart_boundary("multipart/form-data") is None
