"""Everything the tray says, in Dutch for children of 8 to 12: short sentences, no
jargon. The ask and report messages are fixed choices, not free text, so a child
does not type names or other personal details into a message to school."""

from __future__ import annotations

from typing import Final

TITLE: Final = "classguard"
# the state at a glance: the icon's tooltip and the menu's first line (colour in app.py)
GLANCE_FREE: Final = "Geen les"
GLANCE_LESSON: Final = "Les tot {until} — sociale media dicht"
GLANCE_EXCEPTION: Final = "Uitzondering: {exceptions}"  # each "{services} tot {until}", comma-separated
GLANCE_BROKEN: Final = "classguard werkt niet — meld het"

NOTHING_BLOCKED: Final = "Sociale media mogen nu."
BLOCKED_NOW: Final = "Dicht tot {until}:"
NO_POLICY: Final = "Er staan nog geen schoolregels op deze laptop."
NO_CONNECTION: Final = "Zeg het tegen je juf of meester."
EXCEPTION_NOW: Final = "Je juf of meester heeft {services} opengezet tot {until}."
ALL_SERVICES: Final = "alle sociale media"

ASK_MENU: Final = "Vraag je juf/meester om een uitzondering"
ASK_NOTHING: Final = "Er is nu niets geblokkeerd"
ASK_MESSAGES: Final = (
    "Ik heb het nodig voor een opdracht.",
    "Mijn juf of meester zei dat het mocht.",
    "Ik wil het even uitleggen.",
)
ASK_SENT: Final = "Je vraag is verstuurd. Je juf of meester beslist."
ASK_QUEUED: Final = "Je vraag gaat weg zodra de laptop weer verbinding heeft."

REPORT_MENU: Final = "Meld een probleem"
REPORT_MESSAGES: Final = (
    "Iemand doet online gemeen tegen mij of een ander.",
    "Ik zag iets online waar ik van schrok.",
    "Er gaat iets mis met deze laptop.",
    "Ik wil ergens over praten.",
)
REPORT_SENT: Final = "Je melding is verstuurd naar de directie. Je hebt het goed gedaan."
REPORT_QUEUED: Final = "Je melding gaat naar de directie zodra de laptop weer verbinding heeft."

PRIVACY_MENU: Final = "Wat bewaart deze app over mij?"
PRIVACY_TEXT: Final = (
    "Deze app bewaart niet welke websites jij bezoekt.",
    "Hij houdt alleen bij hoe vaak een app per uur werd geblokkeerd,",
    "zonder jouw naam. Dat ziet de school, niet wie het was.",
    "Vraag je iets aan je juf of meester, dan gaat alleen je vraag mee.",
    "Een melding gaat naar de directie.",
    "Zet nooit geheimen of foto's van school online (schoolregel).",
)

PROTOCOL_MENU: Final = "De afspraken van school over sociale media"
PROTOCOL_TEXT: Final = (  # the school's protocol (rules 1, 3-7), said for children
    "In de les zijn sociale media dicht, tenzij je juf of meester het toestaat.",
    "Zet niets geheims of persoonlijks online, ook niet over een ander.",
    "Wat jij online zet, daar ben jij zelf verantwoordelijk voor. Wees aardig.",
    "Wat online staat, kan er altijd blijven staan, ook als je het weghaalt.",
    "Geen foto's, filmpjes of geluid van school online zonder toestemming van de directie.",
    "Gaat er online iets mis? Meld het. De directie helpt.",
)

SEND_FAILED: Final = "Versturen lukt nu niet. Probeer het later nog eens, of vraag het gewoon aan je juf of meester."
TOO_MANY: Final = "Je hebt net al iets verstuurd. Wacht even voor je het opnieuw probeert."
QUIT: Final = "Verbergen"
