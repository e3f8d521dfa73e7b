app-name = Formation
language-name = Nederlands
skip-to-content = Naar de inhoud
nav-label = Hoofdnavigatie
nav-home = Home
language-switcher-label = Taal
footer-text = Formation — train-de-trainerplatform voor de gemeenten en OCMW's van het Brussels Hoofdstedelijk Gewest.

home-title = Eerst de sleutelgebruikers opleiden, dan hun collega's
home-intro = De sleutelgebruikers van elke gemeente en elk OCMW worden eerst opgeleid; daarna leiden zij hun collega's op. Formation plant de sessies, vergelijkt aanbod met vraag en houdt bij wie opgeleid is.
home-domains-heading = Deelname per domein
home-domains-help = Aantal organisaties per deelnamestatus, voor elk domein van de gedeelde software.
home-domains-caption = Organisaties per domein en deelnamestatus
domain = Domein
domain-launched-on = Gelanceerd op
domain-not-launched = Nog niet gelanceerd

membership-status-intended = Intentie
membership-status-joined = Deelnemer
membership-status-interested = Geïnteresseerd
membership-status-declined = Geweigerd
membership-status-withdrawn = Teruggetrokken

error-title = Fout
error-back-home = Terug naar home
error-bad-request = Het verzoek is ongeldig.
error-unauthorized = Gelieve u aan te melden.
error-forbidden = U hebt geen toegang tot deze actie.
error-not-found = Deze pagina bestaat niet.
error-conflict = Deze actie botst met de huidige toestand van de gegevens.
error-conflict-duplicate = Dit element bestaat al.
error-validation = Sommige velden zijn ongeldig.
error-payload-too-large = De verzonden inhoud is te groot.
error-unsupported-media-type = Dit inhoudstype wordt niet aanvaard.
error-too-many-requests = Te veel pogingen. Probeer het over { $minutes } minuut/minuten opnieuw.
error-unavailable = De dienst is tijdelijk niet beschikbaar. Probeer het zo meteen opnieuw.
error-internal = Er is een onverwachte fout opgetreden. Ze werd geregistreerd.

field-email-invalid = Ongeldig e-mailadres.
field-email-taken = Er bestaat al een account met dit e-mailadres.
field-password-too-short = Het wachtwoord moet minstens { $min } tekens tellen.
field-organization-unknown = Onbekende organisatie.
field-organization-required = Deze rol vereist een organisatie.
seed-scale-range = De schaal moet een getal groter dan 0 en hoogstens 100 zijn.
seed-not-empty = Deze databank bevat al personen of sessies: de geschaalde dataset vult alleen een lege databank.
