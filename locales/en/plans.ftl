field-granularity-invalid = Choose month, quarter or year.
field-year = Year
field-granularity = Period
nav-capacity = Capacity
capacity-title = Capacity and demand
capacity-intro = Seats needed against seats offered, per period, domain, tier and language. Each person's need for a module counts once; a bilingual session's free seats serve everyone and count in the totals.
capacity-chart = Demand and capacity per period
capacity-period = Period
capacity-demand = Demand
capacity-capacity = Capacity
capacity-seats-taken = Seats taken
capacity-free-seats = Free seats
capacity-gap = Gap
capacity-fill-rate = Fill rate
capacity-detail = By domain, tier and language
capacity-sources = Behind the demand
capacity-organizations = { $count ->
    [one] { $count } organisation
   *[other] { $count } organisations
}
capacity-planned = Planned
capacity-waiting = Waiting
capacity-shortfall = Collective shortfall
capacity-go-live = Key users for go-live
granularity-month = Month
granularity-quarter = Quarter
granularity-year = Year
nav-trained = Trained
trained-title = People trained
trained-intro = Distinct people who attended a session (and passed it where the module is assessed), per year in Brussels time, domain, tier, organisation and profile.
trained-per-year = Per year
trained-detail = By domain, tier, organisation and profile
trained-people = People
