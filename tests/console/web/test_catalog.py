import re
from pathlib import Path

from console.web.catalog import DUTCH_ERRORS, ENGLISH

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


def test_every_service_error_template_has_dutch():
    templates = set()
    for name in ("grants.py", "users.py", "passwords.py"):
        source = (CONSOLE / name).read_text()
        templates |= set(re.findall(r'(?:ConsoleError|Forbidden|NotFound|Conflict)\(\s*"([^"]+)"', source))
    assert len(templates) > 15
    assert sorted(templates - set(DUTCH_ERRORS)) == []
    for english, dutch in DUTCH_ERRORS.items():
        assert sorted(re.findall(r"{\w+", english)) == sorted(re.findall(r"{\w+", dutch)), english
