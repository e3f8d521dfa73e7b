field-granularity-invalid = Kies maand (month), kwartaal (quarter) of jaar (year).
field-year = Jaar
field-granularity = Periode
nav-capacity = Capaciteit
capacity-title = Capaciteit en vraag
capacity-intro = Benodigde plaatsen tegenover aangeboden plaatsen, per periode, domein, niveau en taal. De nood van een persoon aan een module telt één keer; vrije plaatsen in een tweetalige sessie dienen iedereen en tellen mee in de totalen.
capacity-chart = Vraag en capaciteit per periode
capacity-period = Periode
capacity-demand = Vraag
capacity-capacity = Capaciteit
capacity-seats-taken = Bezette plaatsen
capacity-free-seats = Vrije plaatsen
capacity-gap = Tekort
capacity-fill-rate = Bezettingsgraad
capacity-detail = Per domein, niveau en taal
capacity-sources = Herkomst van de vraag
capacity-organizations = { $count ->
    [one] { $count } organisatie
   *[other] { $count } organisaties
}
capacity-planned = Gepland
capacity-waiting = Wachtend
capacity-shortfall = Collectief tekort
capacity-go-live = Sleutelgebruikers voor de ingebruikname
granularity-month = Maand
granularity-quarter = Kwartaal
granularity-year = Jaar
nav-trained = Opgeleid
trained-title = Opgeleide personen
trained-intro = Unieke personen die een sessie volgden (en slaagden als de module geëvalueerd wordt), per jaar (Brusselse tijd), domein, niveau, organisatie en profiel.
trained-per-year = Per jaar
trained-detail = Per domein, niveau, organisatie en profiel
trained-people = Personen
