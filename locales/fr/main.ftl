app-name = Formation
language-name = Français
skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-home = Accueil
language-switcher-label = Langue
footer-text = Formation — plateforme de formation de formateurs pour les communes et CPAS de la Région de Bruxelles-Capitale.

home-title = Former les utilisateurs clés, puis leurs collègues
home-intro = Les utilisateurs clés de chaque commune et CPAS sont formés en premier ; ils forment ensuite leurs collègues. Formation planifie les sessions, compare l'offre à la demande et suit qui a été formé.
home-domains-heading = Adhésion par domaine
home-domains-help = Nombre d'organisations par statut d'adhésion, pour chaque domaine du logiciel partagé.
home-domains-caption = Organisations par domaine et statut d'adhésion
domain = Domaine
domain-launched-on = Lancé le
domain-not-launched = Pas encore lancé

membership-status-intended = Intention
membership-status-joined = Adhérent
membership-status-interested = Intéressé
membership-status-declined = Refus
membership-status-withdrawn = Retiré

error-title = Erreur
error-back-home = Retour à l'accueil
error-bad-request = La requête n'est pas valide.
error-unauthorized = Veuillez vous connecter.
error-forbidden = Vous n'avez pas accès à cette action.
error-not-found = Cette page n'existe pas.
error-conflict = Cette action entre en conflit avec l'état actuel des données.
error-conflict-duplicate = Cet élément existe déjà.
error-validation = Certains champs ne sont pas valides.
error-payload-too-large = Le contenu envoyé est trop volumineux.
error-unsupported-media-type = Ce type de contenu n'est pas accepté.
error-too-many-requests = Trop de tentatives. Réessayez dans { $minutes } minute(s).
error-unavailable = Le service est momentanément indisponible. Réessayez dans un instant.
error-internal = Une erreur inattendue s'est produite. Elle a été enregistrée.

field-email-invalid = Adresse e-mail non valide.
field-email-taken = Un compte existe déjà avec cette adresse e-mail.
field-password-too-short = Le mot de passe doit compter au moins { $min } caractères.
field-organization-unknown = Organisation inconnue.
field-organization-required = Ce rôle requiert une organisation.
seed-scale-range = L'échelle doit être un nombre supérieur à 0 et au plus 100.
seed-not-empty = Cette base contient déjà des personnes ou des sessions : le jeu de données à l'échelle ne remplit qu'une base vide.
