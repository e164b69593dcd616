"""The pages a pupil sees instead of a social site: Dutch first, English below.

One self-contained HTML page (no script, no image, no font or stylesheet from
elsewhere), written for an 8-year-old: what is closed, why (which rule of the
school's protocol), until when, how to ask the teacher, how to report a problem.
Without interception the browser shows its own error page, so a CONNECT refusal
carries a short text body instead.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from importlib import resources
from string import Template
from zoneinfo import ZoneInfo

from mitmproxy import http

from policies.decide import Decision
from policies.model import Policy

VERDICT_HEADER = "X-Classguard-Verdict"
DAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TEMPLATE = Template(resources.files("proxy").joinpath("templates/page.html").read_text(encoding="utf-8"))
_HEADERS = {
    VERDICT_HEADER: "block",
    "Cache-Control": "no-store",
    # The page needs nothing from anywhere: forbid everything but its own style.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Moment:
    """'until when', said the way a child reads a clock."""

    nl: str
    en: str


def until_text(until: dt.datetime | None, now: dt.datetime, tz: ZoneInfo) -> Moment:
    if until is None:
        return Moment("Dat blijft zo tot het einde van de les.", "This lasts until the end of the lesson.")
    local, today = until.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return Moment(f"Dat kan weer om {clock} uur.", f"You can use it again at {clock}.")
    weekday = local.weekday()
    return Moment(
        f"Dat kan weer op {DAYS_NL[weekday]} om {clock} uur.",
        f"You can use it again on {DAYS_EN[weekday]} at {clock}.",
    )


def _service_title(policy: Policy, decision: Decision) -> str:
    service = policy.services.get(decision.service or "")
    return service.title if service else "deze website"


def block_page(policy: Policy, decision: Decision, now: dt.datetime) -> http.Response:
    title = html.escape(_service_title(policy, decision))
    moment = until_text(decision.until, now, policy.timezone)
    if decision.reason == "media-upload":
        fields = {
            "accent": "#8a3c00",
            "badge_nl": "Foto, film of geluid",
            "title_nl": f"Uploaden naar {title} mag niet",
            "headline_nl": f"Foto's, filmpjes en geluid zet je niet zomaar op {title}",
            "why_nl": "Zo is de afspraak op school (regel 7 van het social-mediaprotocol): opnames van school "
            "gaan alleen online als de directie dat goed vindt. Kijken en lezen mag nu wel.",
            "until_nl": "",
            "ask_nl": "Is het voor school? Vraag je juf of meester. De directie kan toestemming geven.",
            "headline_en": f"Photos, videos and sound do not go on {title} just like that",
            "why_en": "That is the school's rule (rule 7 of its social media protocol): recordings made at school "
            "go online only with the head's permission. Looking and reading is fine right now.",
            "until_en": "",
            "ask_en": "Is it for school? Ask your teacher; the school's management can give permission.",
        }
    else:
        headline = f"{title} is nu even dicht"
        fields = {
            "accent": "#1d4ed8",
            "badge_nl": "Les bezig",
            "title_nl": headline,
            "headline_nl": headline,
            "why_nl": _why_nl(decision),
            "until_nl": moment.nl,
            "ask_nl": "Heb je het nodig voor de les? Vraag het aan je juf of meester. Die kan het even openzetten. "
            "Je kunt ook op het classguard-icoon klikken en <strong>Vraag een uitzondering</strong> kiezen.",
            "headline_en": f"{title} is closed for now",
            "why_en": _why_en(decision),
            "until_en": moment.en,
            "ask_en": "Need it for the lesson? Ask your teacher, who can open it for a while. You can also click "
            "the classguard icon and choose <strong>Ask for an exception</strong>.",
        }
    body = _TEMPLATE.substitute(fields, school=html.escape(policy.school))
    return http.Response.make(403, body.encode("utf-8"), {**_HEADERS, "Content-Type": "text/html; charset=utf-8"})


def _why_nl(decision: Decision) -> str:
    if decision.reason == "ad-hoc-lesson":
        return "Je juf of meester is een les begonnen. Tijdens de les gebruiken we geen social media (regel 1)."
    if decision.reason in ("bad-host", "unknown-group"):
        return "Deze website kan classguard nu niet goed controleren, dus blijft hij dicht."
    return "Het is lestijd. Op school gebruiken we tijdens de les geen social media (regel 1 van het protocol)."


def _why_en(decision: Decision) -> str:
    if decision.reason == "ad-hoc-lesson":
        return "Your teacher has started a lesson. We do not use social media during lessons (rule 1)."
    if decision.reason in ("bad-host", "unknown-group"):
        return "classguard cannot check this website properly right now, so it stays closed."
    return "It is lesson time. At school we do not use social media during lessons (rule 1 of the protocol)."


def refusal_text(policy: Policy, decision: Decision, now: dt.datetime) -> http.Response:
    """The short answer to a refused CONNECT or plain-HTTP request (no interception)."""
    title = _service_title(policy, decision)
    moment = until_text(decision.until, now, policy.timezone)
    if decision.reason == "media-upload":
        text = f"classguard: uploaden van foto, film of geluid naar {title} mag niet (regel 7).\n"
    elif decision.reason in ("bad-host", "unknown-group"):
        text = "classguard: deze website kan nu niet goed gecontroleerd worden, dus blijft hij dicht.\n"
    else:
        text = f"classguard: {title} is nu dicht tijdens de les. {moment.nl}\nVraag je juf of meester.\n"
    return http.Response.make(403, text.encode("utf-8"), {**_HEADERS, "Content-Type": "text/plain; charset=utf-8"})
