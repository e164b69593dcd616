"""The built-in catalogue: complete enough, and precise (it must not catch other sites)."""

from __future__ import annotations

import pytest

from policies.hosts import normalise_host
from policies.matcher import DomainTable
from policies.services import builtin_catalog

REQUIRED = {
    "facebook", "instagram", "threads", "tiktok", "snapchat", "x", "youtube", "whatsapp", "discord", "pinterest",
    "reddit", "bereal", "twitch", "tumblr", "telegram", "linkedin",
}  # fmt: skip
CATALOG = builtin_catalog()
EVERYTHING = DomainTable({name: service.domains for name, service in CATALOG.items()})


def test_at_least_twenty_services_including_the_required_ones() -> None:
    assert len(CATALOG) >= 20
    assert set(CATALOG) >= REQUIRED


def test_every_service_has_a_title_and_domains() -> None:
    for service in CATALOG.values():
        assert service.title and service.domains, service.name


@pytest.mark.parametrize(
    ("host", "service"),
    [
        ("www.facebook.com", "facebook"),
        ("scontent-ams2-1.xx.fbcdn.net", "facebook"),
        ("www.instagram.com", "instagram"),
        ("scontent.cdninstagram.com", "instagram"),
        ("www.threads.net", "threads"),
        ("www.tiktok.com", "tiktok"),
        ("web.snapchat.com", "snapchat"),
        ("x.com", "x"),
        ("twitter.com", "x"),
        ("pbs.twimg.com", "x"),
        ("www.youtube.com", "youtube"),
        ("youtu.be", "youtube"),
        ("i.ytimg.com", "youtube"),
        ("rr3---sn-5hne6nsr.googlevideo.com", "youtube"),
        ("web.whatsapp.com", "whatsapp"),
        ("discord.com", "discord"),
        ("cdn.discordapp.com", "discord"),
        ("nl.pinterest.com", "pinterest"),
        ("i.pinimg.com", "pinterest"),
        ("www.reddit.com", "reddit"),
        ("www.twitch.tv", "twitch"),
        ("www.tumblr.com", "tumblr"),
        ("web.telegram.org", "telegram"),
        ("t.me", "telegram"),
        ("www.linkedin.com", "linkedin"),
        ("www.roblox.com", "roblox"),
        ("bsky.app", "bluesky"),
    ],
)
def test_well_known_hosts_belong_to_their_service(host: str, service: str) -> None:
    assert EVERYTHING.lookup(normalise_host(host)) == (service,)


@pytest.mark.parametrize(
    "host",
    [
        "reactjs.org", "react.dev", "www.google.com", "fonts.googleapis.com", "www.gstatic.com",
        "lh3.googleusercontent.com", "docs.google.com", "classroom.google.com", "login.microsoftonline.com",
        "teams.microsoft.com", "nl.wikipedia.org", "www.wikiwijs.nl", "d1.cloudfront.net", "a.akamaized.net",
        "s3.amazonaws.com", "github.com", "www.apple.com", "www.bing.com", "notinstagram.com", "xbox.com",
        "x.ai", "netflix.com", "www.nos.nl", "schooltv.nl", "www.minecraft.net", "scratch.mit.edu", "vimeo.com",
    ],
)  # fmt: skip
def test_unrelated_sites_are_not_caught(host: str) -> None:
    assert EVERYTHING.lookup(normalise_host(host)) is None


def test_no_domain_is_in_two_services_or_under_another_services_domain() -> None:
    owners = {domain: name for name, service in CATALOG.items() for domain in service.domains}
    assert len(owners) == sum(len(s.domains) for s in CATALOG.values())
    for domain, name in owners.items():
        parent = domain.partition(".")[2]
        while "." in parent:
            assert owners.get(parent, name) == name, f"{domain} ({name}) lies under {parent} ({owners[parent]})"
            parent = parent.partition(".")[2]


def test_desktop_apps_are_listed_where_they_exist() -> None:
    assert "Discord.exe" in CATALOG["discord"].apps.windows
    assert CATALOG["telegram"].apps.linux
    assert "RobloxPlayerBeta.exe" in CATALOG["roblox"].apps.windows
