## Navigatie en opmaak
nav-organizations = Organisaties
nav-people = Personen
nav-key-users = Sleutelgebruikers
nav-registrations = Registraties
nav-accounts = Accounts
nav-audit = Auditlog
login = Aanmelden
logout = Afmelden
register = Registreren
save = Opslaan
filter = Filteren
search = Zoeken
language-fr = Frans
language-nl = Nederlands
language-en = Engels
status-active = Actief
status-inactive = Inactief
status-all = Alle
role-admin = Beheerder
role-planner = Planner
role-hr = HR-verantwoordelijke
role-member = Lid

## Aanmelden, registratie, wachtwoorden
login-title = Aanmelden
login-failed = Aanmelden mislukt: het e-mailadres of het wachtwoord is onjuist, of het account is 15 minuten geblokkeerd na te veel mislukte pogingen.
logout-done = U bent afgemeld.
forgot-link = Wachtwoord vergeten?
forgot-title = Uw wachtwoord opnieuw instellen
forgot-intro = Geef uw e-mailadres op. Als een account het gebruikt, sturen we een link om een nieuw wachtwoord te kiezen; die is 72 uur geldig.
forgot-submit = Link versturen
forgot-sent = Als een account dit adres gebruikt, is een link om een nieuw wachtwoord te kiezen onderweg.
set-password-title = Kies uw wachtwoord
set-password-intro = Minstens 12 tekens; veelgebruikte wachtwoorden worden geweigerd. Enkele woorden vormen een goed wachtwoord.
set-password-submit = Mijn wachtwoord opslaan
set-password-done = Uw wachtwoord is opgeslagen en u bent aangemeld.
register-title = Uw account aanmaken
register-intro = Als uw HR-dienst u al heeft opgenomen, mailen we u een link om uw account aan te maken. Anders gaat uw aanvraag naar de HR-dienst van uw organisatie.
register-received = Dank u. Kijk in uw mailbox: u krijgt een link om uw account aan te maken, of een bericht zodra de HR-dienst van uw organisatie uw aanvraag heeft bekeken.

## Velden
field-email = E-mailadres
field-password = Wachtwoord
field-new-password = Nieuw wachtwoord
field-full-name = Volledige naam
field-organization = Organisatie
field-language = Taal
field-job-title = Functie
field-profile = Profiel
field-role = Rol
field-status = Status
field-status-since = Sinds
field-label = Label
field-reason = Reden
field-person = Persoon
field-person-id = Nummer van de persoon
field-file = CSV-bestand
field-required-key-users = Vereiste sleutelgebruikers

## Veldfouten
field-invalid = Deze waarde is hier niet geldig.
field-json-invalid = De inhoud van het verzoek is geen geldige JSON.
field-required = Dit veld is verplicht.
field-too-long = Hoogstens { $max } tekens.
field-too-many = Hoogstens { $max } regels.
field-password-common = Dit wachtwoord is een van de meest gebruikte; kies een ander.
field-password-wrong = Het huidige wachtwoord is onjuist.
field-current-password = Huidig wachtwoord
account-password = Uw wachtwoord wijzigen
account-password-intro = Uw andere aanmeldingen worden beëindigd; uw API-tokens blijven geldig.
password-changed = Uw wachtwoord is gewijzigd. Uw andere aanmeldingen zijn beëindigd.
field-language-invalid = Kies Frans (fr), Nederlands (nl) of Engels (en).
field-role-not-allowed = U kunt geen account met deze rol aanmaken.
field-person-unknown = Onbekende persoon.
field-person-required = Een lidaccount hoort bij een persoon: kies die.
field-person-has-account = Deze persoon heeft al een account.
field-organization-not-the-persons = Dit is niet de organisatie van deze persoon.
field-organization-fixed = Een persoon kan niet naar een andere organisatie verhuizen; maak hem daar aan.
field-date-invalid = Geef een datum op als JJJJ-MM-DD.
field-number-range = Geef een geheel getal tussen { $min } en { $max }.
field-status-invalid = Onbekende status.
field-domain-unknown = Onbekend domein.
field-domain-not-joined = De organisatie van deze persoon is niet tot dit domein toegetreden en is dat ook niet van plan.
field-csv-unreadable = Het bestand kan niet als CSV gelezen worden.
field-csv-missing-column = De kolom ‘{ $column }’ ontbreekt in de kopregel.
field-csv-unknown-column = Onbekende kolom ‘{ $column }’.
field-csv-bad-row = Deze regel is onleesbaar (verkeerd aantal kolommen?).
field-csv-duplicate-email = Dit adres staat al op regel { $line }.
field-csv-empty = Het bestand bevat geen regels.
field-file-too-large = Het bestand is groter dan { $max } MiB.
error-link-expired = Deze link is verlopen of werd al gebruikt. Vraag een nieuwe aan.
error-person-anonymised = Deze persoon werd geanonimiseerd en kan niet meer gewijzigd worden.
error-request-decided = Over deze aanvraag werd al beslist.
error-key-user-exists = Deze persoon is al sleutelgebruiker voor dit domein.
error-key-user-withdrawn = Deze sleutelgebruiker werd al teruggetrokken.

## Account en tokens
account-title = Mijn account
account-language = Taal van de interface
account-language-browser = De taal van de browser
account-language-saved = Uw taalvoorkeur is opgeslagen.
account-last-login = Laatste aanmelding
tokens-title = API-tokens
tokens-intro = Programma's gebruiken een token om de API namens u aan te roepen. Een token is 90 dagen geldig; trek in wat u niet meer gebruikt.
tokens-none = Geen tokens.
token-create = Token aanmaken
token-created = Uw nieuwe token. Kopieer het nu: het wordt niet meer getoond.
token-created-at = Aangemaakt
token-expires-at = Vervalt
token-last-used = Laatst gebruikt
token-revoke = Intrekken
token-revoked = Het token is ingetrokken.

## Accounts en registraties
accounts-title = Accounts
accounts-caption = De accounts die u beheert
account-new = Nieuw account
account-new-help = Kies de persoon (het nummer staat op de pagina van de persoon). Zonder wachtwoord krijgt die een uitnodiging per e-mail, 72 uur geldig.
account-create = Account aanmaken
account-created = Het account is aangemaakt en de uitnodiging is onderweg.
registrations-title = Registratieaanvragen
registrations-none = Geen aanvragen.
registration-cap-reached = Er wachten vandaag al te veel aanvragen voor deze organisatie. Probeer het morgen opnieuw, of vraag het aan haar HR.
registrations-show-all = Ook behandelde aanvragen tonen
registrations-pending-only = Alleen openstaande aanvragen tonen
registration-status-pending = Openstaand
registration-status-accepted = Aanvaard
registration-status-refused = Geweigerd
registration-accept = Aanvaarden
registration-refuse = Weigeren
registration-accepted = De aanvraag is aanvaard: de persoon is toegevoegd en uitgenodigd.
registration-refused = De aanvraag is geweigerd; de aanvrager wordt verwittigd.
registration-no-reason = Er werd geen reden opgegeven.

## Personen
people-title = Personen
people-count = { $count } personen
person-title = Persoon
person-new-title = Een persoon toevoegen
person-saved = Opgeslagen.
person-data-title = Persoonsgegevens
person-export = Al zijn gegevens downloaden (JSON)
person-anonymise = Anonimiseren
person-anonymise-help = Voor iemand die vertrokken is: naam, e-mailadres en functie worden gewist en het account gesloten; de gevolgde opleidingen blijven meetellen.
person-anonymised = De persoon is geanonimiseerd.
import-title = Personen importeren
import-help = Een CSV-bestand met een kopregel en de kolommen { $columns } (full_name en language verplicht; language is fr, nl of en). Hoogstens { $max } MiB. Alle regels worden geïmporteerd, of geen enkele.
import-submit = Importeren
import-progress = Het bestand wordt verstuurd…
import-done = { $count } personen geïmporteerd in { $organization }.
import-failed = Er werd niets geïmporteerd. Verbeter deze regels en probeer opnieuw:

## Organisaties en lidmaatschappen
organizations-title = Organisaties en domeinen
organizations-help = Hoe elke organisatie ervoor staat voor elk domein van de gedeelde software, de opstartdatum en de gecertificeerde sleutelgebruikers tegenover het vereiste aantal.
organizations-caption = Lidmaatschappen per organisatie en domein
organization-title = Organisatie
organization-kind-commune = Gemeente
organization-kind-cpas = OCMW
organization-kind-school = School
organization-kind-integrator = Integrator
organization-kind-region = Gewest
go-live = Opstart
key-users-certified = Gecertificeerde sleutelgebruikers
key-users-certified-of = { $certified } / { $required } gecertificeerde sleutelgebruikers
membership-edit = Wijzigen
membership-saved = Het lidmaatschap is opgeslagen.
organization-settings-saved = Instellingen opgeslagen.
organization-requires-approval = Inschrijvingsaanvragen van het personeel van deze organisatie wachten op goedkeuring door haar HR
organization-no-approval = Het personeel van deze organisatie schrijft zich in zonder goedkeuring door HR

## Sleutelgebruikers
key-users-title = Sleutelgebruikers
key-users-none = Geen sleutelgebruikers.
key-user-designate = Een sleutelgebruiker aanwijzen
key-user-designated = De sleutelgebruiker is aangewezen.
key-user-withdraw = Terugtrekken
key-user-withdrawn = De sleutelgebruiker is teruggetrokken.
key-user-designated-on = Aangewezen op
key-user-certified-on = Gecertificeerd op
key-user-status-nominated = Aangewezen
key-user-status-in_training = In opleiding
key-user-status-certified = Gecertificeerd
key-user-status-withdrawn = Teruggetrokken

## Audit
audit-title = Auditlog
audit-count = { $count } gebeurtenissen
audit-at = Wanneer
audit-actor = Wie
audit-system = het systeem
audit-action = Actie
audit-entity = Wat
audit-detail = Detail
audit-from = Van
audit-to = Tot

## E-mails
email-invitation-subject = Uw Formation-account
email-invitation-body =
    Goedendag,

    Er werd een account voor u aangemaakt op Formation, het opleidingsplatform voor de gedeelde software van de Brusselse lokale besturen.
    Kies hier uw wachtwoord (de link is { $hours } uur geldig en werkt één keer):

    { $link }
email-reset-subject = Een nieuw Formation-wachtwoord kiezen
email-reset-body =
    Goedendag,

    Iemand vroeg om het wachtwoord van uw Formation-account opnieuw in te stellen. Was u dat, kies dan hier een nieuw wachtwoord (de link is { $hours } uur geldig en werkt één keer):

    { $link }

    Was u het niet, negeer dan dit bericht: uw wachtwoord blijft hetzelfde.
email-claim-subject = Maak uw Formation-account aan
email-claim-body =
    Goedendag,

    Uw HR-dienst heeft u opgenomen in Formation. Maak hier uw account aan (de link is { $hours } uur geldig en werkt één keer):

    { $link }
email-registration-refused-subject = Uw registratie bij Formation
email-registration-refused-body =
    Goedendag,

    De HR-dienst van uw organisatie heeft uw registratieaanvraag niet aanvaard.
    Reden: { $reason }
