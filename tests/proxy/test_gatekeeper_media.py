"""Rule 7: no photo, film or sound uploads to a social service unless directie allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.proxy.conftest import IN_BREAK, IN_LESSON, body, codes, curl

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "klassenfoto.jpg"
    path.write_bytes(JPEG)
    return path


def _posts(sites) -> list[tuple[str, str, str, int]]:
    return [r for r in sites.https.recorder.snapshot()[1] if r[0] == "POST"]


def trusted_bundle(sites, school) -> Path:
    """What a laptop trusts: the public roots (here the tests' root) and its own CA."""
    bundle = school.root / "bundle.pem"
    bundle.write_bytes(sites.ca.cert_path.read_bytes() + (school.data_dir / "ca.pem").read_bytes())
    return bundle


def upload(proxy, sites, school, *args: str):
    url = f"https://www.youtube.com:{sites.https.port}/upload"
    return curl(proxy, url, *args, cacert=trusted_bundle(sites, school))


def test_an_image_upload_in_the_break_gets_the_media_page(run_proxy, sites, school):
    proxy = run_proxy(IN_BREAK, "--intercept")
    before = len(_posts(sites))
    result = upload(proxy, sites, school, "-H", "Content-Type: image/jpeg", "--data-binary", "@-")
    assert codes(result)[1] == 403
    assert "regel 7" in body(result)
    assert len(_posts(sites)) == before


def test_reading_in_the_break_still_works(run_proxy, sites, school):
    proxy = run_proxy(IN_BREAK, "--intercept")
    result = curl(proxy, f"https://www.youtube.com:{sites.https.port}/", cacert=school.data_dir / "ca.pem")
    assert codes(result) == (200, 200)


def test_a_text_post_goes_through(run_proxy, sites, school):
    proxy = run_proxy(IN_BREAK, "--intercept")
    result = upload(proxy, sites, school, "-H", "Content-Type: application/json", "--data", '{"comment": "leuk"}')
    assert codes(result)[1] == 200
    assert _posts(sites)[-1][3] == len('{"comment": "leuk"}')


def test_a_photo_in_a_multipart_form_never_arrives_whole(run_proxy, sites, school, photo):
    proxy = run_proxy(IN_BREAK, "--intercept")
    before = len(_posts(sites))
    result = upload(proxy, sites, school, "-F", "title=uitje", "-F", f"file=@{photo};type=application/octet-stream")
    assert codes(result)[1] != 200
    assert len(_posts(sites)) == before  # the site saw at most a cut-off request


def test_a_photo_labelled_as_bytes_is_recognised(run_proxy, sites, school, photo):
    proxy = run_proxy(IN_BREAK, "--intercept")
    before = len(_posts(sites))
    result = upload(proxy, sites, school, "-H", "Content-Type: application/octet-stream", "--data-binary", f"@{photo}")
    assert codes(result)[1] != 200
    assert len(_posts(sites)) == before


def test_a_text_only_multipart_form_goes_through(run_proxy, sites, school):
    proxy = run_proxy(IN_BREAK, "--intercept")
    result = upload(proxy, sites, school, "-F", "title=uitje", "-F", "text=we gingen naar het bos")
    assert codes(result)[1] == 200


def test_a_media_token_from_directie_lets_the_upload_through(run_proxy, sites, school, photo):
    school.set_tokens([school.token(IN_BREAK, kind="media", services=("youtube",))])
    proxy = run_proxy(IN_BREAK, "--intercept")
    result = upload(proxy, sites, school, "-F", f"file=@{photo};type=image/jpeg")
    assert codes(result)[1] == 200
    assert _posts(sites)[-1][3] > len(JPEG)


def test_an_exception_in_a_lesson_still_refuses_media(run_proxy, sites, school):
    school.set_tokens([school.token(IN_LESSON, services=("youtube",))])
    proxy = run_proxy(IN_LESSON, "--intercept")
    assert (
        codes(curl(proxy, f"https://www.youtube.com:{sites.https.port}/", cacert=school.data_dir / "ca.pem"))[1] == 200
    )
    result = upload(proxy, sites, school, "-H", "Content-Type: video/mp4", "--data-binary", "x")
    assert codes(result)[1] == 403
