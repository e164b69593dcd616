import re
from pathlib import Path

from console.web.catalog import ENGLISH

CONSOLE = Path(__file__).resolve().parents[3] / "console"


def used_texts():
    for path in (CONSOLE / "templates").rglob("*.html"):
        yield from re.findall(r"_\('([^']+)'", path.read_text())
    for path in (CONSOLE / "web").glob("*.py"):
        yield from re.findall(r'translate\(\s*"([^"]+)"', path.read_text())


def test_every_page_text_has_english():
    texts = set(used_texts())
    assert len(texts) > 100
    assert sorted(texts - set(ENGLISH)) == []


def test_placeholders_match():
    for dutch, english in ENGLISH.items():
        assert sorted(re.findall(r"{\w+}", dutch)) == sorted(re.findall(r"{\w+}", english)), dutch
