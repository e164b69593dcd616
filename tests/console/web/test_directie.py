from sqlalchemy import select

from console import db
from console.models import Acknowledgment, Incident


def test_incidents_reach_directie_and_are_closed(console):
    device = console.enrol()
    console.api("POST", "/incidents", device["device_secret"], json={"message": "pesten in de groepsapp"})
    console.login("directeur")
    page = console.client.get("/directie/incidents").get_data(as_text=True)
    assert "pesten in de groepsapp" in page
    with console.app.app_context():
        incident_id = db.session().scalars(select(Incident.id)).one()
    console.post(f"/directie/incidents/{incident_id}/close")
    with console.app.app_context():
        assert db.session().get(Incident, incident_id).status == "closed"


def test_staff_acknowledge_the_protocol_with_a_date(console):
    console.login("juf-anna")
    page = console.client.get("/directie/protocol").get_data(as_text=True)
    assert "Protocol Sociale Media" in page
    console.post("/directie/protocol/acknowledge")
    assert "geaccepteerd op 2026-12-01 09:00" in console.client.get("/directie/protocol").get_data(as_text=True)
    console.post("/logout")
    console.login("directeur")
    page = console.client.get("/directie/protocol").get_data(as_text=True)
    assert "juf-anna" in page and "2026-12-01 09:00" in page
    with console.app.app_context():
        assert db.session().scalars(select(Acknowledgment.username)).all() == ["juf-anna"]


def test_weekly_overview_chart_from_counters(console):
    device = console.enrol()
    counters = {"youtube": {"2026-12-01T08": 5, "2026-11-30T09": 2}, "tiktok": {"2026-11-29T10": 1}}
    console.api("POST", "/heartbeat", device["device_secret"], json={"agent_version": "1", "counters": counters})
    console.login("juf-anna")
    page = console.client.get("/directie/overview?group=groep-7").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "YouTube (7)" in svg and "TikTok (1)" in svg
    assert "YouTube 2026-12-01: 5" in svg and "YouTube 2026-11-30: 2" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert ">di 01-12<" in svg  # Dutch day names
    assert console.client.get("/directie/overview?group=groep-8").status_code == 404  # not her group


def test_media_page_lists_running_permissions(console):
    console.login("directeur")
    console.post(
        "/teacher/grant",
        {"kind": "media", "groups": ["groep-7", "groep-8"], "services": "*", "duration": "45", "reason": "schoolfoto"},
    )
    page = console.client.get("/directie/media").get_data(as_text=True)
    assert "schoolfoto" in page and "groep-7, groep-8" in page and "45 min" in page


def test_staff_report_a_problem_from_the_console(console):
    console.login("juf-anna")
    assert console.post("/directie/report", {"message": "  "}).status_code == 400
    assert console.post("/directie/report", {"message": "Ouder stuurt berichten via Instagram"}).status_code == 303
    console.post("/logout")
    console.login("directeur")
    page = console.client.get("/directie/incidents").get_data(as_text=True)
    assert "Ouder stuurt berichten via Instagram" in page and "user:juf-anna" in page
