## Navigatie
nav-sessions = Sessies
nav-catalogue = Catalogus
nav-interests = Interesse
nav-venues = Locaties
nav-outbox = Berichten
language-bilingual = Tweetalig

## Catalogus
catalogue-title = Opleidingscatalogus
catalogue-intro = De modules van elk domein: opleidingen voor opleiders voor sleutelgebruikers, en de modules die sleutelgebruikers aan hun collega's geven.
modules-none = Geen modules.
module-title = Module
module-new-title = Nieuwe module
module-edit = De module wijzigen
module-saved = De module is opgeslagen.
module-sessions = Komende sessies
module-certifies = certificeert opleiders
module-assessed = Geëvalueerd (geslaagd of niet)
tier-trainer = Opleiding van opleiders
tier-end_user = Eindgebruikers
field-code = Code
field-title = Titel
field-title-fr = Titel in het Frans
field-title-nl = Titel in het Nederlands
field-description-fr = Beschrijving in het Frans
field-description-nl = Beschrijving in het Nederlands
field-tier = Niveau
field-duration = Duur (minuten)
field-prerequisite = Voorwaarde
field-code-invalid = Letters, cijfers en streepjes, hoogstens 40 (opgeslagen in hoofdletters).
field-certifying-assessed = Een module die trainers certificeert, wordt altijd geëvalueerd.
field-code-taken = Een andere module heeft deze code al.
field-tier-invalid = Kies trainer of end_user.
field-prerequisite-self = Een module kan niet haar eigen voorwaarde zijn.
field-module-unknown = Onbekende module.
field-module = Module
venues-title = Locaties
venue-new = Nieuwe locatie
venue-saved = De locatie is opgeslagen.
field-name = Naam
field-address = Adres
field-seats = Plaatsen

## Sessies
sessions-title = Sessies
sessions-none = Geen sessies.
sessions-count = { $count } sessies
sessions-free-seats-only = Alleen met vrije plaatsen
session-title = Sessie
session-new-title = Nieuwe sessie
session-edit-title = De sessie wijzigen
session-form-help = Tijden in Brusselse tijd. Een nieuwe sessie blijft een ontwerp tot ze gepubliceerd wordt.
session-saved = De sessie is opgeslagen.
session-published = De sessie is gepubliceerd.
session-cancelled = De sessie is geannuleerd; alle ingeschrevenen zijn verwittigd.
session-publish = Publiceren
session-cancel = De sessie annuleren
session-when = Wanneer
session-where = Waar
session-online = Online
session-seats = Bezette plaatsen
session-waitlist = { $count } wachtend
session-calendar = Aan mijn agenda toevoegen (.ics)
session-status-draft = Ontwerp
session-status-published = Gepubliceerd
session-status-cancelled = Geannuleerd
session-status-completed = Afgelopen
field-starts-at = Begin
field-ends-at = Einde
field-registration-closes = Inschrijvingen sluiten
field-capacity = Plaatsen
field-venue = Locatie
field-online-url = Onlinelink
field-trainer = Opleider
field-trainer-id = Opleider (nummer van de persoon)
field-organizer = Organisator
field-note = Opmerking
field-datetime-invalid = Geef een datum en tijd, bv. 2026-12-01T09:00.
field-ends-before-start = Het einde moet na het begin komen.
field-closes-after-start = De inschrijvingen moeten sluiten voor de sessie begint.
field-session-language-invalid = Kies fr, nl, bilingual of en.
field-venue-unknown = Onbekende locatie.
field-venue-or-link = Geef een locatie of een onlinelink.
field-url-invalid = Geef een webadres dat met https:// begint.
field-capacity-below-taken = Er zijn al { $taken } plaatsen bezet: de capaciteit kan niet lager.
field-trainer-busy = De opleider geeft op een overlappend moment een andere sessie.
field-venue-busy = De locatie is op een overlappend moment gereserveerd.
field-not-a-participant = Deze persoon heeft geen plaats in de sessie.
field-format-invalid = Kies json, csv of xlsx.
error-session-cancelled = Deze sessie is geannuleerd.
error-session-has-participants = Er zijn mensen ingeschreven voor deze sessie: de organisator en de module kunnen niet meer veranderen. Annuleer ze en maak een nieuwe aan.
error-session-not-draft = Alleen een ontwerp kan gepubliceerd worden.

## Inschrijving
enrollment-title = Inschrijving
enrollment-self = Mij inschrijven
enrollment-person = Inschrijven
enrollment-bulk = Meerdere personen inschrijven: hun e-mailadressen, gescheiden door komma's of regels
enrollment-bulk-submit = Hen inschrijven
enrollment-bulk-results = Resultaat per persoon
enrollment-confirmed = Ingeschreven: uw plaats is bevestigd.
enrollment-waitlisted = De sessie is volzet: u staat op de wachtlijst.
enrollment-pending = Uw aanvraag wacht op de goedkeuring van uw HR-dienst.
enrollment-updated = De inschrijving is bijgewerkt.
enrollment-approve = Goedkeuren
enrollment-refuse = Weigeren
enrollment-cancel = Annuleren
enrollment-status-pending_approval = Wacht op goedkeuring
enrollment-status-confirmed = Bevestigd
enrollment-status-waitlisted = Op de wachtlijst
enrollment-status-cancelled = Geannuleerd
enrollment-status-attended = Aanwezig
enrollment-status-absent = Afwezig
enroll-session-cancelled = Deze sessie is geannuleerd.
enroll-session-not-open = Deze sessie staat niet open voor inschrijvingen.
enroll-registration-closed = De inschrijvingen voor deze sessie zijn gesloten.
enroll-not-key-user = Opleidingen van opleiders zijn voor de aangewezen sleutelgebruikers van organisaties die tot het domein zijn toegetreden.
enroll-other-organization = Deze sessie is enkel voor het personeel van de organiserende organisatie.
enroll-prerequisite-missing = De voorafgaande module moet eerst gevolgd en geslaagd zijn.
enroll-already = Deze persoon is al ingeschreven voor deze sessie.
enroll-overlap = Deze persoon heeft al een plaats in een sessie op een overlappend moment.
enroll-not-cancellable = Deze inschrijving kan niet meer geannuleerd worden.
enroll-not-pending = Over deze aanvraag werd al beslist.
enroll-person-unknown = Onbekende persoon, of buiten uw organisatie.
participants-title = Deelnemers
attendance-attended = aanwezig
attendance-passed = geslaagd
attendance-save = Aanwezigheden opslaan
attendance-saved = De aanwezigheden zijn opgeslagen.
attendance-too-early = Aanwezigheden worden geregistreerd zodra de sessie begonnen is.
sheet-title = Aanwezigheidslijst
sheet-signature = Handtekening

## Interesse
interests-title = Interesse
interests-intro = Wie een module zou volgen als een sessie paste, per module en taal.
interests-none = Geen interesse.
interest-declare = Ik heb interesse
interest-help = Past geen enkele sessie (taal, data)? Laat het weten: planners plannen sessies op basis van deze aanvragen.
interest-saved = Uw interesse is geregistreerd.

## Agenda
calendar-title = Mijn online agenda
calendar-intro = Een privéadres waarop agenda-apps zich kunnen abonneren, met alle sessies waarin u een plaats hebt. Wie het adres heeft, kan het lezen: trek het in als het uitlekt.
calendar-create = Een nieuw adres aanmaken
calendar-revoke = Het adres intrekken
calendar-created = Het adres van uw agenda (één keer getoond; een nieuw adres vervangt het):
calendar-revoked = Het agenda-adres is ingetrokken.

## Berichten
outbox-title = Verstuurde berichten
outbox-intro = Alle e-mails die de toepassing klaarzette. Zonder SMTP-configuratie worden ze niet verstuurd en kunnen ze hier gelezen worden.
outbox-none = Geen e-mails.
outbox-sent = verstuurd
outbox-waiting = wachtend

## E-mails
email-greeting = Goedendag { $name },
email-session-when = Wanneer
email-session-where = Waar
email-session-link = Details
email-calendar-attached = De agenda-uitnodiging zit in bijlage.
email-enrollment-confirmed = Uw plaats in ‘{ $module }’ is bevestigd.
email-enrollment-confirmed-subject = Plaats bevestigd: { $module }
email-enrollment-waitlisted = De sessie ‘{ $module }’ is volzet: u bent nummer { $position } op de wachtlijst. We schrijven u zodra er een plaats vrijkomt.
email-enrollment-waitlisted-subject = Op de wachtlijst: { $module }
email-enrollment-pending = Uw inschrijving voor ‘{ $module }’ wacht op de goedkeuring van uw HR-dienst.
email-enrollment-pending-subject = Wacht op goedkeuring: { $module }
email-enrollment-promoted = Er is een plaats vrijgekomen in ‘{ $module }’: ze is voor u.
email-enrollment-promoted-subject = Een plaats voor u: { $module }
email-enrollment-refused = Uw inschrijving voor ‘{ $module }’ werd niet goedgekeurd. Reden: { $reason }
email-enrollment-refused-subject = Inschrijving niet goedgekeurd: { $module }
email-enrollment-cancelled = Uw inschrijving voor ‘{ $module }’ is geannuleerd.
email-enrollment-cancelled-subject = Inschrijving geannuleerd: { $module }
email-enrollment-session_changed = De sessie ‘{ $module }’ is gewijzigd. Hier zijn de nieuwe gegevens.
email-enrollment-session_changed-subject = Sessie gewijzigd: { $module }
email-enrollment-session_cancelled = De sessie ‘{ $module }’ is geannuleerd. Onze excuses voor het ongemak.
email-enrollment-session_cancelled-subject = Sessie geannuleerd: { $module }
email-enrollment-reminder = Een herinnering: uw sessie ‘{ $module }’ vindt over twee dagen plaats.
email-enrollment-reminder-subject = Herinnering: { $module }

## Cascade
key-user-certify = Certificeren
key-user-certified = De sleutelgebruiker is gecertificeerd.
error-key-user-certified = Deze sleutelgebruiker is al gecertificeerd.
cascade-end-user-only = Sleutelgebruikers geven sessies voor eindgebruikers; opleidingen van opleiders worden door de planners van de school gepland.
cascade-not-certified = Alleen sleutelgebruikers die in het domein van deze module gecertificeerd zijn, mogen de sessies ervan aan hun collega's geven.

## Coverage
nav-coverage = Dekking
coverage-title = Dekking van de cascade
coverage-intro = Per organisatie en domein: de aangewezen, opgeleide en gecertificeerde sleutelgebruikers tegenover het vereiste aantal, en de opgeleide eindgebruikers tegenover de beoogde (collectief plan van het jaar, of het betrokken personeel).
coverage-designated = Aangewezen sleutelgebruikers
coverage-trained = Opgeleide sleutelgebruikers
coverage-targeted = Beoogde eindgebruikers
coverage-end-users-trained = Opgeleide eindgebruikers
coverage-percent = Dekking
at-risk-title = Risico
at-risk-go-live = opstart op { $date }, over { $days } dagen
at-risk-key-users = { $count } gecertificeerde sleutelgebruikers ontbreken
at-risk-end-users = nog { $count } eindgebruikers op te leiden om de helft te halen

## Tree
nav-tree = Wie leidde wie op
tree-title = Wie leidde wie op
tree-intro = Per domein: de opleiders van de school en de integratoren, de sleutelgebruikers die zij opleidden, en de collega's die elke sleutelgebruiker op zijn beurt opleidde, met ieders bereik.
tree-reach = Bereik
tree-trained-elsewhere = Elders opgeleide sleutelgebruikers
tree-key-users = { $count } sleutelgebruikers
tree-key-users-total = { $count ->
    [one] Eén sleutelgebruiker, per organisatie en daarna op naam.
   *[other] { $count } sleutelgebruikers, per organisatie en daarna op naam.
}
tree-reach-line = { $trained } eindgebruikers opgeleid, { $sessions } sessies gegeven, { $noshow } % afwezigen
tree-none-yet = Nog geen collega's opgeleid.
tree-empty = In dit domein werd nog niemand opgeleid.
