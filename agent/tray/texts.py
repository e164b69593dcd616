"""Everything the tray says, in Dutch for children of 8 to 12: short sentences, no
jargon. The ask and report messages are fixed choices, not free text, so a child
does not type names or other personal details into a message to school."""

from __future__ import annotations

from typing import Final

TITLE: Final = "classguard"
NOTHING_BLOCKED: Final = "Er is nu geen les: sociale media mogen."
BLOCKED_NOW: Final = "Nu is het les. Geblokkeerd tot {until}:"
NO_CONNECTION: Final = "De schoolbeveiliging draait niet. Sociale media zijn nu dicht."
EXCEPTION_NOW: Final = "Je juf of meester heeft {services} opengezet tot {until}."

ASK_MENU: Final = "Vraag je juf/meester om een uitzondering"
ASK_NOTHING: Final = "Er is nu niets geblokkeerd"
ASK_MESSAGES: Final = (
    "Ik heb het nodig voor een opdracht.",
    "Mijn juf of meester zei dat het mocht.",
    "Ik wil het even uitleggen.",
)
ASK_SENT: Final = "Je vraag is verstuurd. Je juf of meester beslist."

REPORT_MENU: Final = "Meld een probleem"
REPORT_MESSAGES: Final = (
    "Iemand doet online gemeen tegen mij of een ander.",
    "Ik zag iets online waar ik van schrok.",
    "Er gaat iets mis met deze laptop.",
    "Ik wil ergens over praten.",
)
REPORT_SENT: Final = "Je melding is verstuurd naar de directie. Je hebt het goed gedaan."

PRIVACY_MENU: Final = "Wat bewaart deze app over mij?"
PRIVACY_TEXT: Final = (
    "Deze app bewaart niet welke websites jij bezoekt.",
    "Hij houdt alleen bij hoe vaak een app per uur werd geblokkeerd,",
    "zonder jouw naam. Dat ziet de school, niet wie het was.",
    "Vraag je iets aan je juf of meester, dan gaat alleen je vraag mee.",
    "Een melding gaat naar de directie.",
    "Zet nooit geheimen of foto's van school online (schoolregel).",
)

SEND_FAILED: Final = "Versturen lukt nu niet. Probeer het later nog eens, of vraag het gewoon aan je juf of meester."
TOO_MANY: Final = "Je hebt net al iets verstuurd. Wacht even voor je het opnieuw probeert."
QUIT: Final = "Verbergen"
