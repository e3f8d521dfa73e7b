field-granularity-invalid = Choisissez mois (month), trimestre (quarter) ou année (year).
field-year = Année
field-granularity = Période
nav-capacity = Capacité
capacity-title = Capacité et demande
capacity-intro = Places nécessaires face aux places offertes, par période, domaine, niveau et langue. Le besoin d'une personne pour un module compte une seule fois ; les places libres d'une session bilingue servent tout le monde et comptent dans les totaux.
capacity-chart = Demande et capacité par période
capacity-period = Période
capacity-demand = Demande
capacity-capacity = Capacité
capacity-seats-taken = Places prises
capacity-free-seats = Places libres
capacity-gap = Écart
capacity-fill-rate = Taux de remplissage
capacity-detail = Par domaine, niveau et langue
capacity-sources = Origine de la demande
capacity-organizations = { $count ->
    [one] { $count } organisation
   *[other] { $count } organisations
}
capacity-planned = Planifiés
capacity-waiting = En attente
capacity-shortfall = Manque collectif
capacity-go-live = Utilisateurs clés pour la mise en production
granularity-month = Mois
granularity-quarter = Trimestre
granularity-year = Année
nav-trained = Personnes formées
trained-title = Personnes formées
trained-intro = Personnes distinctes qui ont suivi une session (et l'ont réussie quand le module est évalué), par année (heure de Bruxelles), domaine, niveau, organisation et profil.
trained-per-year = Par année
trained-detail = Par domaine, niveau, organisation et profil
trained-people = Personnes
