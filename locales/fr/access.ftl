## Navigation et mise en page
nav-organizations = Organisations
nav-people = Personnes
nav-key-users = Utilisateurs clés
nav-registrations = Inscriptions
nav-accounts = Comptes
nav-audit = Journal d'audit
login = Se connecter
logout = Se déconnecter
register = S'inscrire
save = Enregistrer
filter = Filtrer
search = Rechercher
language-fr = Français
language-nl = Néerlandais
language-en = Anglais
status-active = Actif
status-inactive = Inactif
status-all = Tous
role-admin = Administrateur
role-planner = Planificateur
role-hr = Responsable RH
role-member = Membre

## Connexion, inscription, mots de passe
login-title = Se connecter
login-failed = Échec de la connexion : l'adresse e-mail ou le mot de passe est incorrect, ou le compte est bloqué 15 minutes après trop d'échecs.
logout-done = Vous êtes déconnecté.
forgot-link = Mot de passe oublié ?
forgot-title = Réinitialiser votre mot de passe
forgot-intro = Indiquez votre adresse e-mail. Si un compte l'utilise, nous envoyons un lien pour choisir un nouveau mot de passe ; il est valable 72 heures.
forgot-submit = Envoyer le lien
forgot-sent = Si un compte utilise cette adresse, un lien pour choisir un nouveau mot de passe est en route.
set-password-title = Choisissez votre mot de passe
set-password-intro = Au moins 12 caractères ; les mots de passe courants sont refusés. Quelques mots font un bon mot de passe.
set-password-submit = Enregistrer mon mot de passe
set-password-done = Votre mot de passe est enregistré et vous êtes connecté.
register-title = Créer votre compte
register-intro = Si votre service RH vous a déjà enregistré, nous vous envoyons par e-mail un lien pour créer votre compte. Sinon, votre demande est transmise au service RH de votre organisation.
register-received = Merci. Consultez votre boîte mail : vous recevrez un lien pour créer votre compte, ou un message quand le service RH de votre organisation aura examiné votre demande.

## Champs
field-email = Adresse e-mail
field-password = Mot de passe
field-new-password = Nouveau mot de passe
field-full-name = Nom complet
field-organization = Organisation
field-language = Langue
field-job-title = Fonction
field-profile = Profil
field-role = Rôle
field-status = Statut
field-status-since = Depuis
field-label = Libellé
field-reason = Motif
field-person = Personne
field-person-id = Numéro de la personne
field-file = Fichier CSV
field-required-key-users = Utilisateurs clés requis

## Erreurs de champ
field-invalid = Cette valeur n'est pas valable ici.
field-json-invalid = Le corps de la requête n'est pas du JSON valable.
field-required = Ce champ est obligatoire.
field-too-long = { $max } caractères au maximum.
field-too-many = { $max } lignes au maximum.
field-password-common = Ce mot de passe fait partie des plus courants ; choisissez-en un autre.
field-password-wrong = Le mot de passe actuel est incorrect.
field-current-password = Mot de passe actuel
account-password = Changer votre mot de passe
account-password-intro = Vos autres connexions prennent fin ; vos jetons d'API restent valables.
password-changed = Votre mot de passe est changé. Vos autres connexions ont pris fin.
field-language-invalid = Choisissez français (fr), néerlandais (nl) ou anglais (en).
field-role-not-allowed = Vous ne pouvez pas créer de compte avec ce rôle.
field-person-unknown = Personne inconnue.
field-person-required = Un compte membre appartient à une personne : choisissez-la.
field-person-has-account = Cette personne a déjà un compte.
field-organization-not-the-persons = Ce n'est pas l'organisation de cette personne.
field-organization-fixed = Une personne ne peut pas changer d'organisation ; créez-la dans la nouvelle.
field-date-invalid = Indiquez une date au format AAAA-MM-JJ.
field-number-range = Indiquez un nombre entier entre { $min } et { $max }.
field-status-invalid = Statut inconnu.
field-domain-unknown = Domaine inconnu.
field-domain-not-joined = L'organisation de cette personne n'a pas adhéré à ce domaine et n'en a pas l'intention.
field-csv-unreadable = Le fichier ne peut pas être lu comme CSV.
field-csv-missing-column = La colonne « { $column } » manque dans la ligne d'en-tête.
field-csv-unknown-column = Colonne inconnue « { $column } ».
field-csv-bad-row = Cette ligne est illisible (mauvais nombre de colonnes ?).
field-csv-duplicate-email = Cette adresse figure déjà à la ligne { $line }.
field-csv-empty = Le fichier ne contient aucune ligne.
field-file-too-large = Le fichier dépasse { $max } Mio.
error-link-expired = Ce lien a expiré ou a déjà été utilisé. Demandez-en un nouveau.
error-person-anonymised = Cette personne a été anonymisée et ne peut plus être modifiée.
error-request-decided = Cette demande a déjà été traitée.
error-key-user-exists = Cette personne est déjà utilisateur clé pour ce domaine.
error-key-user-withdrawn = Cet utilisateur clé a déjà été retiré.

## Compte et jetons
account-title = Mon compte
account-language = Langue de l'interface
account-language-browser = La langue du navigateur
account-language-saved = Votre préférence de langue est enregistrée.
account-last-login = Dernière connexion
tokens-title = Jetons d'API
tokens-intro = Les programmes utilisent un jeton pour appeler l'API en votre nom. Un jeton est valable 90 jours ; révoquez ceux que vous n'utilisez plus.
tokens-none = Aucun jeton.
token-create = Créer un jeton
token-created = Votre nouveau jeton. Copiez-le maintenant : il ne sera plus affiché.
token-created-at = Créé le
token-expires-at = Expire le
token-last-used = Dernière utilisation
token-revoke = Révoquer
token-revoked = Le jeton est révoqué.

## Comptes et inscriptions
accounts-title = Comptes
accounts-caption = Les comptes que vous gérez
account-new = Nouveau compte
account-new-help = Choisissez la personne (son numéro figure sur sa page). Sans mot de passe, elle reçoit une invitation par e-mail, valable 72 heures.
account-create = Créer le compte
account-created = Le compte est créé et l'invitation est en route.
registrations-title = Demandes d'inscription
registrations-none = Aucune demande.
registration-cap-reached = Trop de demandes attendent déjà pour cette organisation aujourd'hui. Réessayez demain, ou adressez-vous à ses RH.
registrations-show-all = Afficher aussi les demandes traitées
registrations-pending-only = N'afficher que les demandes en attente
registration-status-pending = En attente
registration-status-accepted = Acceptée
registration-status-refused = Refusée
registration-accept = Accepter
registration-refuse = Refuser
registration-accepted = La demande est acceptée : la personne est ajoutée et invitée.
registration-refused = La demande est refusée ; le demandeur en est informé.
registration-no-reason = Aucun motif n'a été donné.

## Personnes
people-title = Personnes
people-count = { $count } personnes
person-title = Personne
person-new-title = Ajouter une personne
person-saved = Enregistré.
person-data-title = Données personnelles
person-export = Télécharger toutes ses données (JSON)
person-anonymise = Anonymiser
person-anonymise-help = Pour une personne partie : son nom, son adresse e-mail et sa fonction sont effacés et son compte fermé ; les formations suivies restent comptées.
person-anonymised = La personne est anonymisée.
import-title = Importer des personnes
import-help = Un fichier CSV avec une ligne d'en-tête et les colonnes { $columns } (full_name et language obligatoires ; language vaut fr, nl ou en). { $max } Mio au maximum. Toutes les lignes sont importées, ou aucune.
import-submit = Importer
import-progress = Envoi du fichier…
import-done = { $count } personnes importées dans { $organization }.
import-failed = Rien n'a été importé. Corrigez ces lignes et réessayez :

## Organisations et adhésions
organizations-title = Organisations et domaines
organizations-help = Où en est chaque organisation pour chaque domaine du logiciel partagé, sa date de démarrage et ses utilisateurs clés certifiés par rapport au nombre requis.
organizations-caption = Adhésions par organisation et par domaine
organization-title = Organisation
organization-kind-commune = Commune
organization-kind-cpas = CPAS
organization-kind-school = École
organization-kind-integrator = Intégrateur
organization-kind-region = Région
go-live = Démarrage
key-users-certified = Utilisateurs clés certifiés
key-users-certified-of = { $certified } / { $required } utilisateurs clés certifiés
membership-edit = Modifier
membership-saved = L'adhésion est enregistrée.
organization-settings-saved = Paramètres enregistrés.
organization-requires-approval = Les demandes d'inscription du personnel de cette organisation attendent l'accord de ses RH
organization-no-approval = Le personnel de cette organisation s'inscrit sans accord des RH

## Utilisateurs clés
key-users-title = Utilisateurs clés
key-users-none = Aucun utilisateur clé.
key-user-designate = Désigner un utilisateur clé
key-user-designated = L'utilisateur clé est désigné.
key-user-withdraw = Retirer
key-user-withdrawn = L'utilisateur clé est retiré.
key-user-designated-on = Désigné le
key-user-certified-on = Certifié le
key-user-status-nominated = Désigné
key-user-status-in_training = En formation
key-user-status-certified = Certifié
key-user-status-withdrawn = Retiré

## Audit
audit-title = Journal d'audit
audit-count = { $count } événements
audit-at = Quand
audit-actor = Qui
audit-system = le système
audit-action = Action
audit-entity = Quoi
audit-detail = Détail
audit-from = Du
audit-to = Au

## E-mails
email-invitation-subject = Votre compte Formation
email-invitation-body =
    Bonjour,

    Un compte a été créé pour vous sur Formation, la plateforme de formation au logiciel partagé des pouvoirs locaux bruxellois.
    Choisissez votre mot de passe ici (le lien est valable { $hours } heures et ne sert qu'une fois) :

    { $link }
email-reset-subject = Choisir un nouveau mot de passe Formation
email-reset-body =
    Bonjour,

    Quelqu'un a demandé à réinitialiser le mot de passe de votre compte Formation. Si c'est vous, choisissez un nouveau mot de passe ici (le lien est valable { $hours } heures et ne sert qu'une fois) :

    { $link }

    Si ce n'est pas vous, ignorez ce message : votre mot de passe ne change pas.
email-claim-subject = Créez votre compte Formation
email-claim-body =
    Bonjour,

    Votre service RH vous a enregistré sur Formation. Créez votre compte ici (le lien est valable { $hours } heures et ne sert qu'une fois) :

    { $link }
email-registration-refused-subject = Votre inscription à Formation
email-registration-refused-body =
    Bonjour,

    Le service RH de votre organisation n'a pas accepté votre demande d'inscription.
    Motif : { $reason }
