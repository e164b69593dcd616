"""English for the pages' Dutch texts, and Dutch for the service layer's English error
templates (see i18n.py). tests/console/web/test_catalog.py checks that every text the
templates and views use has an entry."""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    "Aanmeldcode": "Enrolment code",
    "Aanmeldcode voor {group}": "Enrolment code for {group}",
    "Aanmeldcodes": "Enrolment codes",
    "Aanmelden": "Sign in",
    "Aantal en uren moeten getallen zijn.": "Uses and hours must be numbers.",
    "Aantal laptops": "Number of laptops",
    "Afhandelen": "Close",
    "Afmelden": "Sign out",
    "Afwijzen": "Decline",
    "Agent": "Agent",
    "Alleen totalen per dienst per uur: geen websites, geen namen.": (
        "Only totals per service per hour: no websites, no names."
    ),
    "Apparaat buiten gebruik gesteld.": "Device retired.",
    "Apparaat verplaatst naar {group}.": "Device moved to {group}.",
    "Apparaat-id": "Device id",
    "Apparaten": "Devices",
    "Bedankt: je hebt het protocol gelezen en geaccepteerd.": "Thank you: you have read and accepted the protocol.",
    "Beleid": "Policy",
    "Beschrijf het probleem (hoogstens 2000 tekens).": "Describe the problem (at most 2000 characters).",
    "Je melding is doorgegeven aan de directie.": "Your report has been passed on to the directie.",
    "Probleem melden": "Report a problem",
    "Wat is er gebeurd? Noem geen namen van leerlingen als dat niet nodig is.": (
        "What happened? Leave out pupils' names unless they are needed."
    ),
    "Melden": "Report",
    "Van": "From",
    "Beleid (YAML)": "Policy (YAML)",
    "Beleid opgeslagen (versie {version}).": "Policy saved (version {version}).",
    "Bevestigingen": "Acknowledgments",
    "Bewaartermijnen (uit het beleid)": "Retention (from the policy)",
    "Buiten gebruik": "Retire",
    "CSV": "CSV",
    "Code": "Code",
    "Computer": "Computer",
    "Controleren en opslaan": "Check and save",
    "Datum": "Date",
    "De twee nieuwe wachtwoorden verschillen.": "The two new passwords differ.",
    "Details": "Details",
    "Deze versie": "This version",
    "Diensten": "Services",
    "Dit wachtwoord wordt maar één keer getoond. Geef het veilig door; de gebruiker wijzigt het na het aanmelden.": (
        "This password is shown only once. Pass it on safely; the user changes it after signing in."
    ),
    "Door": "By",
    "Duur": "Duration",
    "Exporteren (JSON)": "Export (JSON)",
    "Filteren": "Filter",
    "Geblokkeerde pogingen per dienst per dag, {group}": "Blocked attempts per service per day, {group}",
    "Gebruiker toevoegen": "Add a user",
    "Gebruiker {name} bijgewerkt.": "User {name} updated.",
    "Gebruiker {name} toegevoegd": "User {name} added",
    "Gebruikers": "Users",
    "Gebruikersnaam": "User name",
    "Geen geblokkeerde pogingen deze week.": "No blocked attempts this week.",
    "Geen groep gebruikt een iCalendar-rooster.": "No group uses an iCalendar timetable.",
    "Geen les": "No lesson",
    "Geen lopende toestemmingen.": "No permissions running.",
    "Geen lopende uitzonderingen.": "No exceptions running.",
    "Geen meldingen.": "No reports.",
    "Geen open verzoeken.": "No open requests.",
    "Geldig (uren)": "Valid (hours)",
    "Geldig voor {uses} laptops, {hours} uur. Deze code wordt maar één keer getoond.": (
        "Valid for {uses} laptops, {hours} hours. This code is shown only once."
    ),
    "Geven": "Grant",
    "Goedkeuren (15 min)": "Approve (15 min)",
    "Groep": "Group",
    "Groepen": "Groups",
    "Handeling": "Action",
    "Het bestand is geen UTF-8-tekst.": "The file is not UTF-8 text.",
    "Huidig wachtwoord": "Current password",
    "Ik heb het protocol gelezen en ga ermee akkoord": "I have read the protocol and I accept it",
    "Ingetrokken.": "Revoked.",
    "Intrekken": "Revoke",
    "Inzageverzoek: gegevens van één laptop": "Access request: the data of one laptop",
    "Je hebt dit protocol gelezen en geaccepteerd op {date}.": "You read and accepted this protocol on {date}.",
    "Je kunt je eigen beheerrechten niet afnemen.": "You cannot take away your own admin rights.",
    "Je wachtwoord is gewijzigd.": "Your password has been changed.",
    "Kies een .ics-bestand.": "Choose an .ics file.",
    "Kies een duur.": "Choose a duration.",
    "Kies één groep voor 'tot het einde van de les'.": "Choose one group for 'until the end of the lesson'.",
    "Laatst gezien": "Last seen",
    "Les bezig tot {until}": "In a lesson until {until}",
    "Les gestart voor {group}.": "Lesson started for {group}.",
    "Logboek": "Audit log",
    "Logboek, meldingen: {days} dagen": "Audit log, reports: {days} days",
    "Lopende toestemmingen": "Running permissions",
    "Lopende uitzonderingen": "Running exceptions",
    "Medewerker": "Staff member",
    "Media-toestemming": "Media permission",
    "Melding": "Report",
    "Melding afgehandeld.": "Report closed.",
    "Meldingen": "Reports",
    "Mijn groepen": "My groups",
    "Naam": "Name",
    "Niet opgeslagen: het beleid bevat fouten. Het vorige beleid blijft van kracht.": (
        "Not saved: the policy has errors. The previous policy stays in force."
    ),
    "Nieuw wachtwoord (minstens 10 tekens)": "New password (at least 10 characters)",
    "Nieuw wachtwoord nogmaals": "New password again",
    "Nieuwe code": "New code",
    "Nieuwe gebruiker": "New user",
    "Nog": "Left",
    "Nog geen apparaten.": "No devices yet.",
    "Nog te gebruiken": "Uses left",
    "Nu opschonen": "Purge now",
    "Onbekende gebruiker.": "Unknown user.",
    "Onbekende gebruikersnaam of wachtwoord, of het account is tijdelijk geblokkeerd.": (
        "Unknown user name or password, or the account is locked for a while."
    ),
    "Onbekende groep: {group}": "Unknown group: {group}",
    "Onbekende rol.": "Unknown role.",
    "Opslaan": "Save",
    "Privacy": "Privacy",
    "Protocol": "Protocol",
    "Protocol sociale media": "Social media protocol",
    "Reden": "Reason",
    "Regel 5: ontsporende online communicatie wordt gemeld bij de directie.": (
        "Rule 5: online communication that gets out of hand is reported to the directie."
    ),
    "Regel 7: geen foto, film of geluid van schoolsituaties op sociale media zonder toestemming van de directie.": (
        "Rule 7: no photos, film or sound of school situations on social media without the directie's permission."
    ),
    "Rol": "Role",
    "Rol, groepen, actief": "Role, groups, active",
    "Rooster": "Timetable",
    "Rooster van {group} bijgewerkt.": "Timetable of {group} updated.",
    "Roosters (iCalendar)": "Timetables (iCalendar)",
    "Soort": "Kind",
    "Start nu een les": "Start a lesson now",
    "Status": "Status",
    "Te veel pogingen. Probeer het over {seconds} seconden opnieuw.": (
        "Too many attempts. Try again in {seconds} seconds."
    ),
    "Tellers, verzoeken: {days} dagen": "Counters, requests: {days} days",
    "Terug": "Back",
    "Tijd": "Time",
    "Toestemming geven": "Give permission",
    "Toevoegen": "Add",
    "Toon": "Show",
    "Uitzondering gegeven tot {until}.": "Exception granted until {until}.",
    "Uitzondering geven": "Grant an exception",
    "Uploads zijn nu:": "Uploads are now:",
    "Verlengd met {minutes} minuten.": "Extended by {minutes} minutes.",
    "Verlengen": "Extend",
    "Verplaats": "Move",
    "Versie {id}, door {who}.": "Version {id}, by {who}.",
    "Vervangen": "Replace",
    "Verwerkingsregister": "Processing register",
    "Verwerkingsregister opgeslagen.": "Processing register saved.",
    "Verwijderd: {counts}": "Deleted: {counts}",
    "Verzoek afgewezen.": "Request declined.",
    "Verzoek goedgekeurd.": "Request approved.",
    "Verzoeken van leerlingen": "Pupils' requests",
    "Vrije dag": "Day off",
    "Wachtwoord": "Password",
    "Wachtwoord wijzigen": "Change password",
    "Wanneer": "When",
    "Weekoverzicht": "Weekly overview",
    "actief": "active",
    "afgehandeld": "closed",
    "alle": "all",
    "buiten gebruik": "retired",
    "classguard bewaart geen surfgeschiedenis: laptops sturen alleen totalen per dienst per uur.": (
        "classguard keeps no browsing history: laptops send only totals per service per hour."
    ),
    "geblokkeerd": "blocked",
    "gestart door leerkracht": "started by a teacher",
    "ja": "yes",
    "les gestart": "lesson started",
    "media-toestemming (foto, film, geluid)": "media permission (photo, film, sound)",
    "min geleden": "min ago",
    "nee, een eerdere": "no, an earlier one",
    "ontbreekt": "missing",
    "ontgrendelen": "unlock",
    "open": "open",
    "regel": "line",
    "toegestaan": "allowed",
    "tot": "until",
    "tot het einde van de les": "until the end of the lesson",
    "uitzondering": "exception",
    "verplicht": "required",
    "verzoek van leerling": "pupil's request",
    "volgende les {until}": "next lesson {until}",
}

# Errors raised by the service layer (grants.py, users.py, passwords.py) in English, as
# the CLI shows them; the pages show them in Dutch.
DUTCH_ERRORS: dict[str, str] = {
    "user {user} is disabled": "gebruiker {user} is uitgeschakeld",
    "only directie may give permission for photos, film or sound (media tokens)": (
        "alleen de directie geeft toestemming voor foto, film of geluid (media)"
    ),
    "admins manage the console; exceptions and lessons are given by teachers and directie": (
        "beheerders beheren de console; uitzonderingen en lessen geven leerkrachten en directie"
    ),
    "{groups} is not one of your groups": "{groups} is niet een van jouw groepen",
    "{group} has no lesson now: choose a number of minutes": "{group} heeft nu geen les: kies een aantal minuten",
    "kind must be one of {kinds}, not {kind!r}": "soort moet een van {kinds} zijn, niet {kind!r}",
    "choose at least one group": "kies minstens één groep",
    "the policy has no group {groups}": "het beleid kent groep {groups} niet",
    "choose at least one service": "kies minstens één dienst",
    "{services} is not on the policy's block list, so it needs no token": (
        "{services} staat niet op de blokkeerlijst van het beleid; daar is geen uitzondering voor nodig"
    ),
    "minutes must be a whole number of at least 1": "kies een duur van minstens 1 minuut",
    "{minutes} minutes is longer than the policy allows (overrides.max_minutes: {limit})": (
        "{minutes} minuten is langer dan het beleid toestaat (hoogstens {limit})"
    ),
    "give a reason: the policy requires one (overrides.require_reason)": "geef een reden: het beleid vraagt erom",
    "the reason is {length} characters; keep it under {limit}": (
        "de reden is {length} tekens lang; houd het onder de {limit}"
    ),
    "there is no token {jti!r}": "uitzondering {jti!r} bestaat niet",
    "you may not revoke token {jti}": "je mag uitzondering {jti} niet intrekken",
    "token {jti} was already revoked": "uitzondering {jti} was al ingetrokken",
    "token {jti} has already expired": "uitzondering {jti} is al verlopen",
    "group names are lowercase letters, digits and dashes: {bad}": (
        "groepsnamen bestaan uit kleine letters, cijfers en streepjes: {bad}"
    ),
    "the policy has no group {groups} (it has {known})": "het beleid kent groep {groups} niet (wel: {known})",
    "role must be one of {roles}, not {role!r}": "rol moet een van {roles} zijn, niet {role!r}",
    "there is already a user {username!r}": "er is al een gebruiker {username!r}",
    "a user name is 2-64 lowercase letters, digits, dots, dashes or underscores": (
        "een gebruikersnaam is 2-64 kleine letters, cijfers, punten, streepjes of liggende streepjes"
    ),
    "a password needs at least {length} characters": "een wachtwoord heeft minstens {length} tekens",
    "a password may have at most 256 characters": "een wachtwoord heeft hoogstens 256 tekens",
    "the current password is not right": "het huidige wachtwoord klopt niet",
}
