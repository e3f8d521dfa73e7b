## Navigation
nav-sessions = Sessions
nav-catalogue = Catalogue
nav-interests = Intérêts
nav-venues = Lieux
nav-outbox = Messages
language-bilingual = Bilingue

## Catalogue
catalogue-title = Catalogue de formation
catalogue-intro = Les modules de chaque domaine : les modules de formation de formateurs pour les utilisateurs clés, et ceux que les utilisateurs clés donnent à leurs collègues.
modules-none = Aucun module.
module-title = Module
module-new-title = Nouveau module
module-edit = Modifier le module
module-saved = Le module est enregistré.
module-sessions = Prochaines sessions
module-certifies = certifie les formateurs
module-assessed = Évalué (réussi ou non)
tier-trainer = Formation de formateurs
tier-end_user = Utilisateurs finaux
field-code = Code
field-title = Titre
field-title-fr = Titre en français
field-title-nl = Titre en néerlandais
field-description-fr = Description en français
field-description-nl = Description en néerlandais
field-tier = Niveau
field-duration = Durée (minutes)
field-prerequisite = Prérequis
field-code-invalid = Lettres, chiffres et tirets, 40 au maximum (enregistrés en majuscules).
field-certifying-assessed = Un module qui certifie des formateurs est toujours évalué.
field-code-taken = Un autre module a déjà ce code.
field-tier-invalid = Choisissez trainer ou end_user.
field-prerequisite-self = Un module ne peut pas être son propre prérequis.
field-module-unknown = Module inconnu.
field-module = Module
venues-title = Lieux
venue-new = Nouveau lieu
venue-saved = Le lieu est enregistré.
field-name = Nom
field-address = Adresse
field-seats = Places

## Sessions
sessions-title = Sessions
sessions-none = Aucune session.
sessions-count = { $count } sessions
sessions-free-seats-only = Seulement avec des places libres
session-title = Session
session-new-title = Nouvelle session
session-edit-title = Modifier la session
session-form-help = Heures de Bruxelles. Une nouvelle session reste un brouillon jusqu'à sa publication.
session-saved = La session est enregistrée.
session-published = La session est publiée.
session-cancelled = La session est annulée ; toutes les personnes inscrites ont été prévenues.
session-publish = Publier
session-cancel = Annuler la session
session-when = Quand
session-where = Où
session-online = En ligne
session-seats = Places occupées
session-waitlist = { $count } en attente
session-calendar = Ajouter à mon agenda (.ics)
session-status-draft = Brouillon
session-status-published = Publiée
session-status-cancelled = Annulée
session-status-completed = Terminée
field-starts-at = Début
field-ends-at = Fin
field-registration-closes = Clôture des inscriptions
field-capacity = Places
field-venue = Lieu
field-online-url = Lien en ligne
field-trainer = Formateur
field-trainer-id = Formateur (numéro de la personne)
field-organizer = Organisateur
field-note = Remarque
field-datetime-invalid = Indiquez une date et une heure, p. ex. 2026-12-01T09:00.
field-ends-before-start = La fin doit suivre le début.
field-closes-after-start = Les inscriptions doivent se clôturer avant le début de la session.
field-session-language-invalid = Choisissez fr, nl, bilingual ou en.
field-venue-unknown = Lieu inconnu.
field-venue-or-link = Indiquez un lieu ou un lien en ligne.
field-url-invalid = Indiquez une adresse web commençant par https://.
field-capacity-below-taken = { $taken } places sont déjà occupées : la capacité ne peut pas descendre en dessous.
field-trainer-busy = Le formateur donne une autre session à un moment qui se chevauche.
field-venue-busy = Le lieu est réservé à un moment qui se chevauche.
field-not-a-participant = Cette personne n'a pas de place dans la session.
field-format-invalid = Choisissez json, csv ou xlsx.
error-session-cancelled = Cette session est annulée.
error-session-has-participants = Des personnes sont inscrites à cette session : son organisateur et son module ne peuvent plus changer. Annulez-la et créez-en une autre.
error-session-not-draft = Seul un brouillon peut être publié.

## Inscription
enrollment-title = Inscription
enrollment-self = M'inscrire
enrollment-person = Inscrire
enrollment-bulk = Inscrire plusieurs personnes : leurs adresses e-mail, séparées par des virgules ou des lignes
enrollment-bulk-submit = Les inscrire
enrollment-bulk-results = Résultat pour chaque personne
enrollment-confirmed = Inscription faite : votre place est confirmée.
enrollment-waitlisted = La session est complète : vous êtes sur la liste d'attente.
enrollment-pending = Votre demande attend l'accord de votre service RH.
enrollment-updated = L'inscription est mise à jour.
enrollment-approve = Approuver
enrollment-refuse = Refuser
enrollment-cancel = Annuler
enrollment-status-pending_approval = En attente d'accord
enrollment-status-confirmed = Confirmée
enrollment-status-waitlisted = Sur liste d'attente
enrollment-status-cancelled = Annulée
enrollment-status-attended = Présent
enrollment-status-absent = Absent
enroll-session-cancelled = Cette session est annulée.
enroll-session-not-open = Cette session n'est pas ouverte aux inscriptions.
enroll-registration-closed = Les inscriptions à cette session sont clôturées.
enroll-not-key-user = Les sessions de formation de formateurs sont réservées aux utilisateurs clés désignés des organisations qui ont adhéré au domaine.
enroll-other-organization = Cette session est réservée au personnel de l'organisation qui l'organise.
enroll-prerequisite-missing = Le module prérequis doit d'abord être suivi et réussi.
enroll-already = Cette personne est déjà inscrite à cette session.
enroll-overlap = Cette personne a déjà une place dans une session à un moment qui se chevauche.
enroll-not-cancellable = Cette inscription ne peut plus être annulée.
enroll-not-pending = Cette demande a déjà été traitée.
enroll-person-unknown = Personne inconnue, ou hors de votre organisation.
participants-title = Participants
attendance-attended = présent
attendance-passed = réussi
attendance-save = Enregistrer les présences
attendance-saved = Les présences sont enregistrées.
attendance-too-early = Les présences s'enregistrent une fois la session commencée.
sheet-title = Feuille de présence
sheet-signature = Signature

## Intérêts
interests-title = Intérêts
interests-intro = Les personnes qui suivraient un module si une session leur convenait, par module et par langue.
interests-none = Aucun intérêt.
interest-declare = Je suis intéressé
interest-help = Aucune session ne vous convient (langue, dates) ? Dites-le : les planificateurs programment des sessions à partir de ces demandes.
interest-saved = Votre intérêt est enregistré.

## Agenda
calendar-title = Mon agenda en ligne
calendar-intro = Une adresse privée à laquelle les applications d'agenda peuvent s'abonner, avec toutes les sessions où vous avez une place. Quiconque a l'adresse peut la lire : révoquez-la si elle circule.
calendar-create = Créer une nouvelle adresse
calendar-revoke = Révoquer l'adresse
calendar-created = L'adresse de votre agenda (affichée une seule fois ; en créer une nouvelle la remplace) :
calendar-revoked = L'adresse de l'agenda est révoquée.

## Messages
outbox-title = Messages envoyés
outbox-intro = Tous les e-mails préparés par l'application. Sans SMTP configuré, ils ne partent pas et se lisent ici.
outbox-none = Aucun e-mail.
outbox-sent = envoyé
outbox-waiting = en attente

## E-mails
email-greeting = Bonjour { $name },
email-session-when = Quand
email-session-where = Où
email-session-link = Détails
email-calendar-attached = L'invitation d'agenda est jointe.
email-enrollment-confirmed = Votre place à « { $module } » est confirmée.
email-enrollment-confirmed-subject = Place confirmée : { $module }
email-enrollment-waitlisted = La session « { $module } » est complète : vous êtes numéro { $position } sur la liste d'attente. Nous vous écrirons dès qu'une place se libère.
email-enrollment-waitlisted-subject = Liste d'attente : { $module }
email-enrollment-pending = Votre inscription à « { $module } » attend l'accord de votre service RH.
email-enrollment-pending-subject = En attente d'accord : { $module }
email-enrollment-promoted = Une place s'est libérée à « { $module } » : elle est pour vous.
email-enrollment-promoted-subject = Une place pour vous : { $module }
email-enrollment-refused = Votre inscription à « { $module } » n'a pas été approuvée. Motif : { $reason }
email-enrollment-refused-subject = Inscription non approuvée : { $module }
email-enrollment-cancelled = Votre inscription à « { $module } » est annulée.
email-enrollment-cancelled-subject = Inscription annulée : { $module }
email-enrollment-session_changed = La session « { $module } » a changé. Voici ses nouvelles informations.
email-enrollment-session_changed-subject = Session modifiée : { $module }
email-enrollment-session_cancelled = La session « { $module } » est annulée. Veuillez nous en excuser.
email-enrollment-session_cancelled-subject = Session annulée : { $module }
email-enrollment-reminder = Un rappel : votre session « { $module } » a lieu dans deux jours.
email-enrollment-reminder-subject = Rappel : { $module }

## Cascade
key-user-certify = Certifier
key-user-certified = L'utilisateur clé est certifié.
error-key-user-certified = Cet utilisateur clé est déjà certifié.
cascade-end-user-only = Les utilisateurs clés donnent des sessions pour utilisateurs finaux ; les formations de formateurs sont programmées par les planificateurs de l'école.
cascade-not-certified = Seuls les utilisateurs clés certifiés dans le domaine de ce module peuvent en donner les sessions à leurs collègues.

## Coverage
nav-coverage = Couverture
coverage-title = Couverture de la cascade
coverage-intro = Pour chaque organisation et domaine : les utilisateurs clés désignés, formés et certifiés par rapport au nombre requis, et les utilisateurs finaux formés par rapport à ceux visés (plan collectif de l'année, ou le personnel concerné).
coverage-designated = Utilisateurs clés désignés
coverage-trained = Utilisateurs clés formés
coverage-targeted = Utilisateurs finaux visés
coverage-end-users-trained = Utilisateurs finaux formés
coverage-percent = Couverture
at-risk-title = À risque
at-risk-go-live = démarrage le { $date }, dans { $days } jours
at-risk-key-users = { $count } utilisateurs clés certifiés manquants
at-risk-end-users = { $count } utilisateurs finaux à former pour atteindre la moitié

## Tree
nav-tree = Qui a formé qui
tree-title = Qui a formé qui
tree-intro = Pour un domaine : les formateurs de l'école et des intégrateurs, les utilisateurs clés qu'ils ont formés, et les collègues que chaque utilisateur clé a formés à son tour, avec la portée de chacun.
tree-reach = Portée
tree-trained-elsewhere = Utilisateurs clés formés ailleurs
tree-key-users = { $count } utilisateurs clés
tree-key-users-total = { $count ->
    [one] Un utilisateur clé, par organisation puis par nom.
   *[other] { $count } utilisateurs clés, par organisation puis par nom.
}
tree-reach-line = { $trained } utilisateurs finaux formés, { $sessions } sessions données, { $noshow } % d'absents
tree-none-yet = Pas encore de collègues formés.
tree-empty = Personne n'a encore été formé dans ce domaine.
