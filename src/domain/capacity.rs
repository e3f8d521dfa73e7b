//! Training capacity against demand (DESIGN §4 rule 6), by period × domain × tier × language.
//!
//! Demand counts each (person, module) need once, from four sources:
//! 1. individual plan items targeted in the period whose person is neither trained in the module
//!    nor seated for it (`rules`);
//! 2. waiting and pending enrolments in sessions of the period, unless 1. counted the pair;
//! 3. collective shortfall: per target due in the period, `headcount` minus the organisation's
//!    people (of the target's profile) who attended or hold a seat, minus those 1. and 2. counted;
//! 4. key users missing for go-lives within 90 days after the period's end, on trainer-tier
//!    modules.
//!
//! A person's need is in the person's language; needs without a person (3. and 4.) are spread
//! over the languages of the organisation's active staff (of the target's profile), largest
//! remainder first. Capacity is the seats of published (or completed) sessions starting in the
//! period, in the session's language: a bilingual session's free seats serve everyone, so they
//! are a row of their own and count in the totals, not in the French or Dutch gap.
//!
//! End-user sessions take their organiser's people only (rule 3), so counting an
//! organisation's people on an end-user module only visits its own sessions.
//!
//! Every source is one grouped query over the whole year; periods come from a `CASE` over
//! boundaries computed here (Brussels midnights, so a session at 00:30 on 1 April in Brussels
//! belongs to the second quarter although it starts on 31 March in UTC).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::domain::access::{Actor, PEOPLE_READERS};
use crate::domain::catalogue::{self, Tier};
use crate::domain::coverage::{self, AtRisk};
use crate::domain::read_model::{self, Source};
use crate::domain::sessions::brussels_midnight;
use crate::domain::{non_blank, now, organizations as orgs, report_organization, rules, Language};
use crate::error::{AppError, FieldErrors, Message};

/// Person languages, in the order used for spreading needs without a person.
const PERSON_LANGUAGES: [&str; 3] = ["fr", "nl", "en"];

/// Filters of `GET /api/v1/capacity` and `/capacity`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct CapacityFilter {
    pub year: Option<i32>,
    pub granularity: Option<String>,
    pub domain: Option<String>,
    pub tier: Option<String>,
    pub language: Option<String>,
    pub organization: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Month,
    Quarter,
    Year,
}

/// One row of the view (DESIGN §5).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CapacityRow {
    pub period: String,
    pub domain: String,
    pub tier: String,
    pub language: String,
    pub demand: i64,
    pub capacity: i64,
    pub seats_taken: i64,
    pub free_seats: i64,
    /// Demand minus free seats: positive when seats are missing.
    pub gap: i64,
    /// Seats taken over capacity, in percent (0 without capacity).
    pub fill_rate: f64,
}

impl CapacityRow {
    fn finish(mut self) -> Self {
        self.free_seats = self.capacity - self.seats_taken;
        self.gap = self.demand - self.free_seats;
        self.fill_rate = if self.capacity > 0 {
            (self.seats_taken as f64 * 1000.0 / self.capacity as f64).round() / 10.0
        } else {
            0.0
        };
        self
    }
}

/// Where one cell's demand comes from, per organisation (the drill-down).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DemandSource {
    pub organization: String,
    pub planned: i64,
    pub waiting: i64,
    pub collective_shortfall: i64,
    pub key_users_for_go_live: i64,
}

impl DemandSource {
    pub fn total(&self) -> i64 {
        self.planned + self.waiting + self.collective_shortfall + self.key_users_for_go_live
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CapacityReport {
    pub year: i32,
    pub granularity: Granularity,
    pub periods: Vec<String>,
    pub items: Vec<CapacityRow>,
    /// One row per period (domain, tier and language empty), then the year's.
    pub totals: Vec<CapacityRow>,
    pub at_risk: Vec<AtRisk>,
    /// Sessions that would close the gaps still ahead.
    pub suggestions: Vec<Suggestion>,
    /// Per row of `items` (same index): the organisations behind its demand.
    #[serde(skip)]
    pub sources: Vec<Vec<DemandSource>>,
    /// The collective shortfalls and go-live needs behind the rows, one line per language share.
    #[serde(skip)]
    pub shortfalls: Vec<ShortfallLine>,
}

/// A collective target's shortfall, or a go-live's missing key users, as counted in one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortfallLine {
    pub period: String,
    pub domain: String,
    pub tier: String,
    pub language: String,
    pub organization: String,
    /// The target's module; none for key users needed by a go-live.
    pub module: Option<String>,
    pub profile: Option<String>,
    /// The target's due date, or the go-live.
    pub on: Option<NaiveDate>,
    /// Headcount, or key users required.
    pub wanted: i64,
    /// Trained or seated (and already counted as planned or waiting), or key users ready.
    pub already: i64,
    /// This row's share of what is missing.
    pub need: i64,
}

/// Raw shortfall, before ids become codes.
struct Shortfall {
    cell: (usize, i64, String, String),
    organization_id: i64,
    module_id: Option<i64>,
    profile: Option<String>,
    on: Option<NaiveDate>,
    wanted: i64,
    already: i64,
    need: i64,
}

/// Sessions that would close a gap: `sessions` sessions of `module` of its usual `capacity`,
/// in `language`, in `month`, organised by `organizer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rocket::FromForm)]
pub struct Suggestion {
    pub period: String,
    pub domain: String,
    pub tier: String,
    pub language: String,
    pub module: String,
    /// `YYYY-MM`.
    pub month: String,
    pub sessions: i64,
    pub capacity: i64,
    pub organizer: String,
    pub gap: i64,
}

/// Seats of a session when a module has none yet to learn from.
const DEFAULT_CAPACITY: i64 = 20;

/// The year's periods: labels and boundaries (each period is `[start, next start)`).
fn periods(year: i32, granularity: Granularity) -> Vec<(String, NaiveDate)> {
    let start = |month: u32| NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
    match granularity {
        Granularity::Year => vec![(year.to_string(), start(1))],
        Granularity::Quarter => (0..4)
            .map(|q| (format!("{year}-Q{}", q + 1), start(q * 3 + 1)))
            .collect(),
        Granularity::Month => (1..=12)
            .map(|m| (format!("{year}-{m:02}"), start(m)))
            .collect(),
    }
}

/// `CASE` numbering the period of `column` (already limited to the year), 0-based. The
/// boundaries are dates or timestamps this module formats, never user input.
fn period_case(column: &str, boundaries: &[String]) -> String {
    if boundaries.len() <= 1 {
        // One period (the year): a CASE without a WHEN is a syntax error.
        return "0".to_owned();
    }
    let mut sql = String::from("CASE");
    for (index, boundary) in boundaries.iter().enumerate().skip(1) {
        sql.push_str(&format!(" WHEN {column} < '{boundary}' THEN {}", index - 1));
    }
    sql.push_str(&format!(" ELSE {} END", boundaries.len() - 1));
    sql
}

#[derive(QueryableByName)]
struct NeedGroup {
    #[diesel(sql_type = Integer)]
    period: i32,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = Text)]
    tier: String,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = BigInt)]
    module_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    profile: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct TargetGroup {
    #[diesel(sql_type = Integer)]
    period: i32,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = Text)]
    tier: String,
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = BigInt)]
    module_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    profile: Option<String>,
    #[diesel(sql_type = Integer)]
    headcount: i32,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    due_on: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    done: i64,
}

#[derive(QueryableByName)]
struct GoLive {
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = diesel::sql_types::Date)]
    go_live_on: NaiveDate,
    #[diesel(sql_type = Integer)]
    required_key_users: i32,
    #[diesel(sql_type = BigInt)]
    ready: i64,
}

#[derive(QueryableByName)]
struct SeatGroup {
    #[diesel(sql_type = Integer)]
    period: i32,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = Text)]
    tier: String,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = BigInt)]
    capacity: i64,
    #[diesel(sql_type = BigInt)]
    seats_taken: i64,
}

#[derive(QueryableByName)]
struct StaffGroup {
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    profile: Option<String>,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Checked filters, ready to be written into SQL (ids and fixed codes only).
struct Checked {
    year: i32,
    granularity: Granularity,
    domain_id: Option<i64>,
    tier: Option<Tier>,
    language: Option<Language>,
    organization_id: Option<i64>,
}

fn check(conn: &mut DbConn, actor: &Actor, filter: &CapacityFilter) -> Result<Checked, AppError> {
    actor.require(PEOPLE_READERS)?;
    let mut errors = FieldErrors::default();
    let year = filter.year.unwrap_or_else(|| now().date().year());
    rules::check_year(&mut errors, Some(year));
    let granularity = match non_blank(filter.granularity.as_deref()).as_deref() {
        None | Some("quarter") => Granularity::Quarter,
        Some("month") => Granularity::Month,
        Some("year") => Granularity::Year,
        Some(_) => {
            errors.add("granularity", Message::new("field-granularity-invalid"));
            Granularity::Quarter
        }
    };
    let domain_id =
        crate::domain::rules::domain_filter(conn, &mut errors, "domain", filter.domain.as_deref())?;
    let tier = rules::code_filter(
        &mut errors,
        "tier",
        filter.tier.as_deref(),
        Message::new("field-tier-invalid"),
    );
    let language = rules::code_filter(
        &mut errors,
        "language",
        filter.language.as_deref(),
        Message::new("field-session-language-invalid"),
    );
    let asked = crate::domain::rules::organization_filter(
        conn,
        &mut errors,
        "organization",
        filter.organization.as_deref(),
    )?;
    errors.into_result()?;
    let organization_id = report_organization(actor, asked)?;
    Ok(Checked {
        year,
        granularity,
        domain_id,
        tier,
        language,
        organization_id,
    })
}

/// The person needs no further seat in the module (`rules::trained_or_seated_sql`): what
/// planned and waiting demand and collective progress leave out. One row of the read model,
/// or, for the oracle, every enrolment of the person in the module.
fn done_or_seated(person: &str, module: &str, source: Source) -> String {
    match source {
        Source::ReadModel => format!(
            "EXISTS (SELECT 1 FROM module_progress dp
                     WHERE dp.person_id = {person} AND dp.module_id = {module} AND {})",
            rules::progress_trained_or_seated_sql("dp")
        ),
        Source::Enrollments => format!(
            "EXISTS (SELECT 1 FROM enrollments dn
                     JOIN training_sessions ds ON ds.id = dn.session_id
                     JOIN modules dm ON dm.id = ds.module_id
                     WHERE dn.person_id = {person} AND ds.module_id = {module} AND {})",
            rules::trained_or_seated_sql("dn", "dm")
        ),
    }
}

/// Splits `total` over the languages in proportion to `weights` (largest remainder; ties to the
/// first language). Without weights, everything goes to French.
fn spread(total: i64, weights: [i64; 3]) -> [i64; 3] {
    let sum: i64 = weights.iter().sum();
    if total <= 0 {
        return [0; 3];
    }
    if sum <= 0 {
        return [total, 0, 0];
    }
    let mut parts = [0i64; 3];
    let mut remainders = [(0i64, 0usize); 3];
    for (i, w) in weights.iter().enumerate() {
        parts[i] = total * w / sum;
        remainders[i] = (total * w % sum, i);
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let missing = total - parts.iter().sum::<i64>();
    for (_, i) in remainders.iter().take(missing as usize) {
        parts[*i] += 1;
    }
    parts
}

fn language_index(language: &str) -> Option<usize> {
    PERSON_LANGUAGES.iter().position(|l| *l == language)
}

/// A cell of the report: (period index, domain id, tier, language).
type Cell = (usize, i64, String, String);

/// Active staff per (organisation, profile) and per (organisation, no profile), by language
/// (`PERSON_LANGUAGES` order): how needs without a person divide.
type StaffLanguages = HashMap<(i64, Option<String>), [i64; 3]>;

/// What the report's queries share: the period bounds, as dates and as Brussels midnights in
/// UTC, and the filters, built from checked ids and fixed codes.
struct Frame {
    /// Each period's first day, then the first day of the next year.
    days: Vec<NaiveDate>,
    dates: Vec<String>,
    times: Vec<String>,
    module_filter: String,
    person_filter: String,
    source: Source,
}

impl Frame {
    fn new(checked: &Checked, periods: &[(String, NaiveDate)], source: Source) -> Frame {
        let next_year = NaiveDate::from_ymd_opt(checked.year + 1, 1, 1).expect("valid year");
        let mut days: Vec<NaiveDate> = periods.iter().map(|p| p.1).collect();
        days.push(next_year);
        let mut module_filter = String::new();
        if let Some(id) = checked.domain_id {
            module_filter.push_str(&format!(" AND m.domain_id = {id}"));
        }
        if let Some(tier) = checked.tier {
            module_filter.push_str(&format!(" AND m.tier = '{}'", tier.as_str()));
        }
        let person_filter = checked
            .organization_id
            .map(|id| format!(" AND p.organization_id = {id}"))
            .unwrap_or_default();
        Frame {
            dates: days.iter().map(|d| d.to_string()).collect(),
            times: days.iter().map(|d| brussels_time(*d)).collect(),
            days,
            module_filter,
            person_filter,
            source,
        }
    }

    /// The year as dates: its first day and the next year's.
    fn year_dates(&self) -> (&str, &str) {
        (&self.dates[0], &self.dates[self.dates.len() - 1])
    }

    /// The year as times: Brussels midnights, in UTC.
    fn year_times(&self) -> (&str, &str) {
        (&self.times[0], &self.times[self.times.len() - 1])
    }

    /// The period index of a date column.
    fn date_period(&self, column: &str) -> String {
        period_case(column, &self.dates[..self.dates.len() - 1])
    }

    /// The period index of a timestamp column.
    fn time_period(&self, column: &str) -> String {
        period_case(column, &self.times[..self.times.len() - 1])
    }
}

/// Brussels midnight of a day, in UTC, as SQL compares timestamps.
fn brussels_time(day: NaiveDate) -> String {
    brussels_midnight(day)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Source 1, planned: plan items due in `[from, to)` whose active person is neither trained
/// nor seated in the module (`i` items, `p` people). The report and the drill-down share it.
fn planned_condition(from: &str, to: &str, source: Source) -> String {
    format!(
        "i.target_on >= '{from}' AND i.target_on < '{to}' AND p.active = TRUE AND NOT {}",
        done_or_seated("p.id", "i.module_id", source)
    )
}

/// Source 2, waiting: waiting enrolments of active people in sessions starting in `times`,
/// unless a plan item due in `dates` (and `same_period`) already counted the pair (`s`
/// sessions, `e` enrolments, `p` people). The report and the drill-down share it.
fn waiting_condition(
    times: (&str, &str),
    dates: (&str, &str),
    same_period: &str,
    source: Source,
) -> String {
    let ((t0, t1), (from, to)) = (times, dates);
    let planned = match source {
        // The person is active (below), so their items that count are all kept.
        Source::ReadModel => format!(
            "SELECT 1 FROM planned_needs i
             WHERE i.person_id = e.person_id AND i.module_id = s.module_id
               AND i.target_on >= '{from}' AND i.target_on < '{to}'{same_period}"
        ),
        Source::Enrollments => format!(
            "SELECT 1 FROM individual_plan_items i
             JOIN individual_plans ip ON ip.id = i.plan_id
             WHERE ip.person_id = e.person_id AND i.module_id = s.module_id
               AND i.target_on >= '{from}' AND i.target_on < '{to}'{same_period}
               AND NOT {done}",
            done = done_or_seated("e.person_id", "s.module_id", source),
        ),
    };
    format!(
        "{waiting} AND p.active = TRUE
           AND s.starts_at >= '{t0}' AND s.starts_at < '{t1}'
           AND NOT EXISTS ({planned})",
        waiting = rules::status_in_sql("e.status", &rules::WAITING),
    )
}

/// Source 1, planned needs, by period, cell, organisation, module and profile.
fn planned_needs(conn: &mut DbConn, frame: &Frame) -> Result<Vec<NeedGroup>, AppError> {
    if frame.source == Source::ReadModel {
        return planned_needs_kept(conn, frame);
    }
    let (y0, y1) = frame.year_dates();
    let period = frame.date_period("i.target_on");
    let condition = planned_condition(y0, y1, frame.source);
    let (modules, people) = (&frame.module_filter, &frame.person_filter);
    Ok(diesel::sql_query(format!(
        "SELECT {period} AS period, m.domain_id, m.tier, p.language, p.organization_id,
                i.module_id, p.profile, COUNT(*) AS n
         FROM individual_plan_items i
         JOIN individual_plans ip ON ip.id = i.plan_id
         JOIN people p ON p.id = ip.person_id
         JOIN modules m ON m.id = i.module_id
         WHERE {condition} {modules} {people}
         GROUP BY 1, 2, 3, 4, 5, 6, 7"
    ))
    .load(conn)?)
}

/// A group of `planned_needs` rows as its index holds them (`planned_needs_target_on_idx`): the
/// database groups them without computing anything, reading the index alone.
#[derive(QueryableByName)]
struct KeptNeeds {
    #[diesel(sql_type = diesel::sql_types::Date)]
    target_on: NaiveDate,
    #[diesel(sql_type = BigInt)]
    module_id: i64,
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = Text)]
    profile: String,
    #[diesel(sql_type = Text)]
    language: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `planned_needs` from the read model, which keeps the items that count with their person's
/// organisation, language and profile (the alias `p`, as in the person filter). Periods and
/// modules' domains and tiers are looked up here rather than computed per row in SQL.
fn planned_needs_kept(conn: &mut DbConn, frame: &Frame) -> Result<Vec<NeedGroup>, AppError> {
    use crate::db::schema::modules;
    let (y0, y1) = frame.year_dates();
    let (module_filter, people) = (&frame.module_filter, &frame.person_filter);
    let kept: Vec<KeptNeeds> = diesel::sql_query(format!(
        "SELECT p.target_on, p.module_id, p.organization_id, p.profile, p.language,
                COUNT(*) AS n
         FROM planned_needs p
         WHERE p.target_on >= '{y0}' AND p.target_on < '{y1}' {people}
           AND p.module_id IN (SELECT m.id FROM modules m WHERE 1 = 1 {module_filter})
         GROUP BY p.target_on, p.module_id, p.organization_id, p.profile, p.language"
    ))
    .load(conn)?;
    let module_cells: HashMap<i64, (i64, String)> = modules::table
        .select((modules::id, (modules::domain_id, modules::tier)))
        .load::<(i64, (i64, String))>(conn)?
        .into_iter()
        .collect();
    let mut groups: BTreeMap<(usize, i64, i64, String, String), i64> = BTreeMap::new();
    for need in kept {
        // The year's periods start at `days`; the date is within the year.
        let period = frame.days.partition_point(|day| *day <= need.target_on) - 1;
        let key = (
            period,
            need.module_id,
            need.organization_id,
            need.profile,
            need.language,
        );
        *groups.entry(key).or_default() += need.n;
    }
    Ok(groups
        .into_iter()
        .filter_map(
            |((period, module_id, organization_id, profile, language), n)| {
                let (domain_id, tier) = module_cells.get(&module_id)?.clone();
                Some(NeedGroup {
                    period: period as i32,
                    domain_id,
                    tier,
                    language,
                    organization_id,
                    module_id,
                    profile: (profile != read_model::NO_PROFILE).then_some(profile),
                    n,
                })
            },
        )
        .collect())
}

/// Source 2, waiting needs: waitlisted and pending enrolments in sessions of the period, unless a
/// plan item of the same period counted the pair.
fn waiting_needs(conn: &mut DbConn, frame: &Frame) -> Result<Vec<NeedGroup>, AppError> {
    let session_period = frame.time_period("s.starts_at");
    let same_period = format!(
        " AND {} = {session_period}",
        frame.date_period("i.target_on")
    );
    let condition = waiting_condition(
        frame.year_times(),
        frame.year_dates(),
        &same_period,
        frame.source,
    );
    let (modules, people) = (&frame.module_filter, &frame.person_filter);
    Ok(diesel::sql_query(format!(
        "SELECT {session_period} AS period, m.domain_id, m.tier, p.language, p.organization_id,
                s.module_id, p.profile, COUNT(DISTINCT e.person_id) AS n
         FROM training_sessions s
         JOIN enrollments e ON e.session_id = s.id
         JOIN modules m ON m.id = s.module_id
         JOIN people p ON p.id = e.person_id
         WHERE {condition} {modules} {people}
         GROUP BY 1, 2, 3, 4, 5, 6, 7"
    ))
    .load(conn)?)
}

/// The people of a collective target (`t` target, `c` plan, `m` module) trained or seated in
/// its module. End-user sessions take their organiser's people only (rule 3), so the read
/// model, which knows no sessions, counts the same people as the oracle.
fn target_done_sql(source: Source) -> String {
    match source {
        Source::ReadModel => format!(
            "(SELECT COUNT(*) FROM module_progress mp
               WHERE mp.module_id = t.module_id AND mp.organization_id = c.organization_id
                 AND (t.profile IS NULL OR mp.profile = t.profile) AND {})",
            rules::progress_trained_or_seated_sql("mp")
        ),
        Source::Enrollments => format!(
            "(SELECT COUNT(DISTINCT e.person_id) FROM training_sessions s
               JOIN enrollments e ON e.session_id = s.id
               JOIN people p ON p.id = e.person_id
               WHERE s.module_id = t.module_id AND p.organization_id = c.organization_id
                 AND (m.tier = 'trainer' OR s.organizer_id = c.organization_id)
                 AND (t.profile IS NULL OR p.profile = t.profile)
                 AND {})",
            rules::trained_or_seated_sql("e", "m")
        ),
    }
}

/// Source 3: collective targets due in the period, with the people already trained or seated.
fn target_groups(
    conn: &mut DbConn,
    frame: &Frame,
    checked: &Checked,
) -> Result<Vec<TargetGroup>, AppError> {
    let (y0, y1) = frame.year_dates();
    let period = frame.date_period("t.due_on");
    let done = target_done_sql(frame.source);
    let modules = &frame.module_filter;
    let organization = checked
        .organization_id
        .map(|id| format!(" AND c.organization_id = {id}"))
        .unwrap_or_default();
    Ok(diesel::sql_query(format!(
        "SELECT {period} AS period, m.domain_id, m.tier, c.organization_id, t.module_id,
                t.profile, t.headcount, t.due_on, {done} AS done
         FROM collective_plan_targets t
         JOIN collective_plans c ON c.id = t.plan_id
         JOIN modules m ON m.id = t.module_id
         WHERE t.due_on >= '{y0}' AND t.due_on < '{y1}' {modules} {organization}"
    ))
    .load(conn)?)
}

/// Source 4: go-lives up to 90 days after the year, with key users certified or seated.
fn go_live_groups(
    conn: &mut DbConn,
    frame: &Frame,
    checked: &Checked,
) -> Result<Vec<GoLive>, AppError> {
    if checked.tier == Some(Tier::EndUser) {
        return Ok(Vec::new());
    }
    let (y0, _) = frame.year_dates();
    let next_year = frame.days[frame.days.len() - 1];
    let horizon = next_year + Duration::days(rules::GO_LIVE_HORIZON_DAYS);
    let seated = rules::status_in_sql("e.status", &rules::SEATED);
    let eligible = rules::joined_or_intended_sql("mb.status");
    let membership_filter = format!(
        "{}{}",
        checked
            .domain_id
            .map(|id| format!(" AND mb.domain_id = {id}"))
            .unwrap_or_default(),
        checked
            .organization_id
            .map(|id| format!(" AND mb.organization_id = {id}"))
            .unwrap_or_default()
    );
    Ok(diesel::sql_query(format!(
        "SELECT mb.organization_id, mb.domain_id, mb.go_live_on, mb.required_key_users,
                (SELECT COUNT(*) FROM key_users k JOIN people p ON p.id = k.person_id
                   WHERE k.domain_id = mb.domain_id AND p.organization_id = mb.organization_id
                     AND (k.status = 'certified' OR EXISTS (SELECT 1 FROM enrollments e
                           JOIN training_sessions s ON s.id = e.session_id
                           JOIN modules m ON m.id = s.module_id
                           WHERE e.person_id = k.person_id AND {seated}
                             AND m.tier = 'trainer' AND m.domain_id = k.domain_id))) AS ready
         FROM memberships mb
         WHERE {eligible} AND mb.go_live_on > '{y0}'
           AND mb.go_live_on <= '{horizon}' {membership_filter}"
    ))
    .load(conn)?)
}

/// Capacity: seats of published (or completed) sessions starting in the period. With an
/// organisation, the sessions its people may attend: its own and the trainer-tier ones.
fn seat_groups(
    conn: &mut DbConn,
    frame: &Frame,
    checked: &Checked,
) -> Result<Vec<SeatGroup>, AppError> {
    let (t0, t1) = frame.year_times();
    let period = frame.time_period("s.starts_at");
    let mut seat_filter = frame.module_filter.clone();
    if let Some(language) = checked.language {
        seat_filter.push_str(&format!(" AND s.language = '{}'", language.as_str()));
    }
    if let Some(id) = checked.organization_id {
        seat_filter.push_str(&format!(
            " AND (s.organizer_id = {id} OR m.tier = 'trainer')"
        ));
    }
    Ok(diesel::sql_query(format!(
        "SELECT {period} AS period, m.domain_id, m.tier, s.language,
                SUM(s.capacity) AS capacity, SUM(s.seats_taken) AS seats_taken
         FROM training_sessions s JOIN modules m ON m.id = s.module_id
         WHERE s.status IN ('published', 'completed')
           AND s.starts_at >= '{t0}' AND s.starts_at < '{t1}' {seat_filter}
         GROUP BY 1, 2, 3, 4"
    ))
    .load(conn)?)
}

/// Active staff by organisation, profile and language.
fn staff_languages(conn: &mut DbConn) -> Result<StaffLanguages, AppError> {
    let staff: Vec<StaffGroup> = diesel::sql_query(
        "SELECT organization_id, profile, language, COUNT(*) AS n FROM people
         WHERE active = TRUE GROUP BY organization_id, profile, language",
    )
    .load(conn)?;
    let mut languages = StaffLanguages::new();
    for s in staff {
        let Some(index) = language_index(&s.language) else {
            continue;
        };
        languages
            .entry((s.organization_id, s.profile.clone()))
            .or_default()[index] += s.n;
        languages.entry((s.organization_id, None)).or_default()[index] += s.n;
    }
    Ok(languages)
}

fn languages_of(
    staff: &StaffLanguages,
    organization_id: i64,
    profile: &Option<String>,
) -> [i64; 3] {
    staff
        .get(&(organization_id, profile.clone()))
        .copied()
        .unwrap_or_default()
}

/// Demand as the four sources add up, by cell and organisation, with what the suggestions and
/// the shortfall lines need.
#[derive(Default)]
struct Demand {
    by_cell: BTreeMap<Cell, BTreeMap<i64, DemandSource>>,
    /// People counted by sources 1 and 2, per (period, organisation, module), by profile.
    counted: HashMap<(usize, i64, i64), HashMap<Option<String>, i64>>,
    /// Demand per cell and module, for the suggestions.
    by_module: HashMap<Cell, HashMap<i64, i64>>,
    shortfalls: Vec<Shortfall>,
}

impl Demand {
    fn source(&mut self, cell: Cell, organization_id: i64) -> &mut DemandSource {
        self.by_cell
            .entry(cell)
            .or_default()
            .entry(organization_id)
            .or_default()
    }

    fn add_to_module(&mut self, cell: &Cell, module_id: i64, n: i64) {
        *self
            .by_module
            .entry(cell.clone())
            .or_default()
            .entry(module_id)
            .or_default() += n;
    }

    /// Sources 1 (`planned`) and 2: people, each in their own cell.
    fn add_people(&mut self, groups: &[NeedGroup], planned: bool) {
        for group in groups {
            let period = group.period as usize;
            let cell = (
                period,
                group.domain_id,
                group.tier.clone(),
                group.language.clone(),
            );
            self.add_to_module(&cell, group.module_id, group.n);
            *self
                .counted
                .entry((period, group.organization_id, group.module_id))
                .or_default()
                .entry(group.profile.clone())
                .or_default() += group.n;
            let source = self.source(cell, group.organization_id);
            if planned {
                source.planned += group.n;
            } else {
                source.waiting += group.n;
            }
        }
    }

    /// Source 3: what collective targets still miss once sources 1 and 2 counted their
    /// people, spread over the languages of the staff the target is about.
    fn add_targets(&mut self, targets: &[TargetGroup], staff: &StaffLanguages) {
        for target in targets {
            let period = target.period as usize;
            let already: i64 = self
                .counted
                .get(&(period, target.organization_id, target.module_id))
                .map_or(0, |by_profile| {
                    by_profile
                        .iter()
                        .filter(|(profile, _)| {
                            target.profile.is_none() || **profile == target.profile
                        })
                        .map(|(_, n)| *n)
                        .sum()
                });
            let shortfall = (i64::from(target.headcount) - target.done - already).max(0);
            let parts = spread(
                shortfall,
                languages_of(staff, target.organization_id, &target.profile),
            );
            for (index, n) in parts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                let cell = (
                    period,
                    target.domain_id,
                    target.tier.clone(),
                    PERSON_LANGUAGES[index].to_owned(),
                );
                self.add_to_module(&cell, target.module_id, n);
                self.shortfalls.push(Shortfall {
                    cell: cell.clone(),
                    organization_id: target.organization_id,
                    module_id: Some(target.module_id),
                    profile: target.profile.clone(),
                    on: target.due_on,
                    wanted: i64::from(target.headcount),
                    already: target.done + already,
                    need: n,
                });
                self.source(cell, target.organization_id)
                    .collective_shortfall += n;
            }
        }
    }

    /// Source 4: key users missing for a go-live, in each period that ends up to 90 days
    /// before it (`days`: the periods' first days, then the next year's).
    fn add_go_lives(&mut self, go_lives: &[GoLive], days: &[NaiveDate], staff: &StaffLanguages) {
        for go_live in go_lives {
            let missing = (i64::from(go_live.required_key_users) - go_live.ready).max(0);
            if missing == 0 {
                continue;
            }
            for (period, end) in days.iter().skip(1).enumerate() {
                let last_day = *end - Duration::days(1);
                let days_before = (go_live.go_live_on - last_day).num_days();
                if !(1..=rules::GO_LIVE_HORIZON_DAYS).contains(&days_before) {
                    continue;
                }
                let parts = spread(missing, languages_of(staff, go_live.organization_id, &None));
                for (index, n) in parts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                    let cell = (
                        period,
                        go_live.domain_id,
                        Tier::Trainer.as_str().to_owned(),
                        PERSON_LANGUAGES[index].to_owned(),
                    );
                    self.shortfalls.push(Shortfall {
                        cell: cell.clone(),
                        organization_id: go_live.organization_id,
                        module_id: None,
                        profile: None,
                        on: Some(go_live.go_live_on),
                        wanted: i64::from(go_live.required_key_users),
                        already: go_live.ready,
                        need: n,
                    });
                    self.source(cell, go_live.organization_id)
                        .key_users_for_go_live += n;
                }
            }
        }
    }
}

/// Codes for the ids the queries return.
struct Names {
    domains: HashMap<i64, String>,
    organizations: HashMap<i64, String>,
    modules: HashMap<i64, String>,
}

impl Names {
    fn load(conn: &mut DbConn) -> Result<Names, AppError> {
        use crate::db::schema::modules;
        Ok(Names {
            domains: catalogue::all_domains(conn)?
                .into_iter()
                .map(|d| (d.id, d.code))
                .collect(),
            organizations: orgs::all(conn)?
                .into_iter()
                .map(|o| (o.id, o.code))
                .collect(),
            modules: modules::table
                .select((modules::id, modules::code))
                .load::<(i64, String)>(conn)?
                .into_iter()
                .collect(),
        })
    }

    fn organization(&self, id: i64) -> String {
        self.organizations.get(&id).cloned().unwrap_or_default()
    }
}

/// The rows: demand per cell (in the asked language only), its organisations by size, and
/// the seats offered.
fn cells(
    demand: BTreeMap<Cell, BTreeMap<i64, DemandSource>>,
    seats: Vec<SeatGroup>,
    language: Option<Language>,
    periods: &[(String, NaiveDate)],
    names: &Names,
) -> BTreeMap<Cell, (CapacityRow, Vec<DemandSource>)> {
    let blank = |cell: &Cell| CapacityRow {
        period: periods[cell.0].0.clone(),
        domain: names.domains.get(&cell.1).cloned().unwrap_or_default(),
        tier: cell.2.clone(),
        language: cell.3.clone(),
        ..CapacityRow::default()
    };
    let mut cells = BTreeMap::new();
    for (cell, by_organization) in demand {
        if language.is_some_and(|l| l.as_str() != cell.3.as_str()) {
            continue;
        }
        let mut sources: Vec<DemandSource> = by_organization
            .into_iter()
            .map(|(id, mut source)| {
                source.organization = names.organization(id);
                source
            })
            .collect();
        sources.sort_by(|a, b| {
            b.total()
                .cmp(&a.total())
                .then(a.organization.cmp(&b.organization))
        });
        let mut row = blank(&cell);
        row.demand = sources.iter().map(DemandSource::total).sum();
        cells.insert(cell, (row, sources));
    }
    for group in seats {
        let cell = (
            group.period as usize,
            group.domain_id,
            group.tier,
            group.language,
        );
        let entry = cells
            .entry(cell.clone())
            .or_insert_with(|| (blank(&cell), Vec::new()));
        entry.0.capacity += group.capacity;
        entry.0.seats_taken += group.seats_taken;
    }
    cells
}

/// The rows in order with their sources, and the totals per period then for the year.
type Rows = (Vec<CapacityRow>, Vec<Vec<DemandSource>>, Vec<CapacityRow>);

fn rows(
    cells: BTreeMap<Cell, (CapacityRow, Vec<DemandSource>)>,
    periods: &[(String, NaiveDate)],
    year: i32,
) -> Rows {
    let mut items = Vec::with_capacity(cells.len());
    let mut sources = Vec::with_capacity(cells.len());
    let mut totals: Vec<CapacityRow> = periods
        .iter()
        .map(|(label, _)| CapacityRow {
            period: label.clone(),
            ..CapacityRow::default()
        })
        .collect();
    let mut year_total = CapacityRow {
        period: year.to_string(),
        ..CapacityRow::default()
    };
    for ((period, ..), (row, cell_sources)) in cells {
        for total in [&mut totals[period], &mut year_total] {
            total.demand += row.demand;
            total.capacity += row.capacity;
            total.seats_taken += row.seats_taken;
        }
        items.push(row.finish());
        sources.push(cell_sources);
    }
    totals.push(year_total);
    let totals = totals.into_iter().map(CapacityRow::finish).collect();
    (items, sources, totals)
}

/// The shortfalls behind the rows (in the asked language only), ids turned into codes.
fn shortfall_lines(
    shortfalls: Vec<Shortfall>,
    language: Option<Language>,
    periods: &[(String, NaiveDate)],
    names: &Names,
) -> Vec<ShortfallLine> {
    shortfalls
        .into_iter()
        .filter(|s| language.is_none_or(|l| l.as_str() == s.cell.3.as_str()))
        .map(|s| ShortfallLine {
            period: periods[s.cell.0].0.clone(),
            domain: names.domains.get(&s.cell.1).cloned().unwrap_or_default(),
            tier: s.cell.2,
            language: s.cell.3,
            organization: names.organization(s.organization_id),
            module: s.module_id.and_then(|id| names.modules.get(&id).cloned()),
            profile: s.profile,
            on: s.on,
            wanted: s.wanted,
            already: s.already,
            need: s.need,
        })
        .collect()
}

/// The memberships at risk, within the report's domain and organisation.
fn at_risk_in(
    conn: &mut DbConn,
    actor: &Actor,
    checked: &Checked,
    names: &Names,
    source: Source,
) -> Result<Vec<AtRisk>, AppError> {
    Ok(coverage::at_risk_from(conn, actor, source)?
        .into_iter()
        .filter(|r| {
            checked
                .domain_id
                .is_none_or(|id| names.domains.get(&id) == Some(&r.domain))
                && checked
                    .organization_id
                    .is_none_or(|id| names.organizations.get(&id) == Some(&r.organization))
        })
        .collect())
}

/// The capacity view for `filter`, in the actor's scope: demand from four sources (DESIGN §4
/// rule 6) against the seats offered, per period, domain, tier and language.
pub fn report(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &CapacityFilter,
) -> Result<CapacityReport, AppError> {
    report_from(conn, actor, filter, Source::ReadModel)
}

/// `report`, reading progress from `source` (the tests compare the two).
pub fn report_from(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &CapacityFilter,
    source: Source,
) -> Result<CapacityReport, AppError> {
    let checked = check(conn, actor, filter)?;
    let periods = periods(checked.year, checked.granularity);
    let frame = Frame::new(&checked, &periods, source);
    let staff = staff_languages(conn)?;
    let mut demand = Demand::default();
    demand.add_people(&planned_needs(conn, &frame)?, true);
    demand.add_people(&waiting_needs(conn, &frame)?, false);
    demand.add_targets(&target_groups(conn, &frame, &checked)?, &staff);
    demand.add_go_lives(
        &go_live_groups(conn, &frame, &checked)?,
        &frame.days,
        &staff,
    );
    let seats = seat_groups(conn, &frame, &checked)?;
    let names = Names::load(conn)?;
    let cells = cells(demand.by_cell, seats, checked.language, &periods, &names);
    let (items, sources, totals) = rows(cells, &periods, checked.year);
    let suggestions = suggest(
        conn,
        &items,
        &sources,
        &demand.by_module,
        &periods,
        &names.domains,
    )?;
    Ok(CapacityReport {
        year: checked.year,
        granularity: checked.granularity,
        shortfalls: shortfall_lines(demand.shortfalls, checked.language, &periods, &names),
        at_risk: at_risk_in(conn, actor, &checked, &names, source)?,
        periods: periods.into_iter().map(|p| p.0).collect(),
        items,
        totals,
        suggestions,
        sources,
    })
}

#[derive(QueryableByName)]
struct ModuleSeats {
    #[diesel(sql_type = BigInt)]
    module_id: i64,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = Text)]
    tier: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    certifies_trainer: bool,
    #[diesel(sql_type = BigInt)]
    seats: i64,
    #[diesel(sql_type = BigInt)]
    sessions: i64,
}

/// For each row still ahead with a gap, the sessions that would close it: the module most in
/// demand in the row (for key users of a go-live, the domain's certifying module), at its
/// usual capacity, in the row's language, from the period's first month (or this month).
fn suggest(
    conn: &mut DbConn,
    items: &[CapacityRow],
    sources: &[Vec<DemandSource>],
    by_module: &HashMap<(usize, i64, String, String), HashMap<i64, i64>>,
    periods: &[(String, NaiveDate)],
    domains: &HashMap<i64, String>,
) -> Result<Vec<Suggestion>, AppError> {
    let modules: Vec<ModuleSeats> = diesel::sql_query(
        "SELECT m.id AS module_id, m.code, m.domain_id, m.tier, m.certifies_trainer,
                COALESCE(SUM(s.capacity), 0) AS seats, COUNT(s.id) AS sessions
         FROM modules m LEFT JOIN training_sessions s
           ON s.module_id = m.id AND s.status IN ('published', 'completed')
         GROUP BY m.id, m.code, m.domain_id, m.tier, m.certifies_trainer",
    )
    .load(conn)?;
    let today = now().date();
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("valid");
    let mut suggestions = Vec::new();
    for (row, row_sources) in items.iter().zip(sources) {
        let Some(period) = periods.iter().position(|p| p.0 == row.period) else {
            continue;
        };
        let period_end = periods.get(period + 1).map(|p| p.1).unwrap_or_else(|| {
            NaiveDate::from_ymd_opt(periods[0].1.year() + 1, 1, 1).expect("valid")
        });
        if row.gap <= 0 || row.language == Language::Bilingual.as_str() || period_end <= today {
            continue;
        }
        let Some(domain_id) = domains.iter().find(|d| *d.1 == row.domain).map(|d| *d.0) else {
            continue;
        };
        let cell = (period, domain_id, row.tier.clone(), row.language.clone());
        let wanted = by_module.get(&cell).and_then(|m| {
            m.iter()
                .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
                .map(|(id, _)| *id)
        });
        let module = match wanted {
            Some(id) => modules.iter().find(|m| m.module_id == id),
            // Key users for a go-live: the domain's certifying module, else its first.
            None => modules
                .iter()
                .filter(|m| m.domain_id == domain_id && m.tier == row.tier)
                .max_by_key(|m| (m.certifies_trainer, std::cmp::Reverse(m.module_id))),
        };
        let Some(module) = module else {
            continue;
        };
        let capacity = if module.sessions > 0 {
            (module.seats / module.sessions).max(1)
        } else {
            DEFAULT_CAPACITY
        };
        let month = periods[period].1.max(this_month);
        let organizer = if row.tier == Tier::Trainer.as_str() {
            orgs::SCHOOL_CODE.to_owned()
        } else {
            row_sources
                .first()
                .map(|s| s.organization.clone())
                .unwrap_or_else(|| orgs::SCHOOL_CODE.to_owned())
        };
        suggestions.push(Suggestion {
            period: row.period.clone(),
            domain: row.domain.clone(),
            tier: row.tier.clone(),
            language: row.language.clone(),
            module: module.code.clone(),
            month: month.format("%Y-%m").to_string(),
            sessions: (row.gap + capacity - 1) / capacity,
            capacity,
            organizer,
            gap: row.gap,
        });
    }
    Ok(suggestions)
}

/// The most draft sessions one suggestion may create.
const MAX_SUGGESTED_SESSIONS: i64 = 20;

/// Turns a suggestion into draft sessions (planners, admins): on the month's working days from
/// the first, 9:00 to 16:30 in Brussels, in the largest venue (capacity at most its seats),
/// skipping days when the venue is taken. Returns the new sessions' ids.
pub fn create_suggested(
    conn: &mut DbConn,
    actor: &Actor,
    suggestion: &Suggestion,
) -> Result<Vec<i64>, AppError> {
    actor.require(crate::domain::access::STAFF)?;
    let mut errors = FieldErrors::default();
    let month = NaiveDate::parse_from_str(&format!("{}-01", suggestion.month), "%Y-%m-%d").ok();
    if month.is_none() {
        errors.add("month", Message::new("field-date-invalid"));
    }
    if !(1..=MAX_SUGGESTED_SESSIONS).contains(&suggestion.sessions) {
        errors.add("sessions", Message::new("field-number-range"));
    }
    errors.into_result()?;
    let venue = catalogue::venues(conn)?
        .into_iter()
        .max_by_key(|v| (v.seats, std::cmp::Reverse(v.id)))
        .ok_or_else(|| AppError::Conflict(Message::new("capacity-no-venue")))?;
    let capacity = suggestion.capacity.clamp(1, i64::from(venue.seats));
    let mut day = month.expect("checked");
    let mut created = Vec::new();
    let mut tries = 0;
    while (created.len() as i64) < suggestion.sessions && tries < 62 {
        tries += 1;
        let weekend = matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
        if !weekend {
            let input = crate::domain::sessions::SessionInput {
                module: Some(suggestion.module.clone()),
                starts_at: Some(format!("{day}T09:00")),
                ends_at: Some(format!("{day}T16:30")),
                registration_closes_at: Some(format!("{}T23:59", day - Duration::days(3))),
                capacity: Some(capacity as i32),
                language: Some(suggestion.language.clone()),
                trainer_person_id: None,
                venue: Some(venue.id),
                online_url: None,
                organizer: Some(suggestion.organizer.clone()),
            };
            match crate::domain::sessions::create(conn, actor, &input) {
                Ok(session) => created.push(session.id),
                // The venue is taken that day (or the day is past): try the next one.
                Err(AppError::Validation(fields))
                    if fields.0.keys().all(|k| {
                        matches!(k.as_str(), "venue" | "starts_at" | "registration_closes_at")
                    }) => {}
                Err(other) => return Err(other),
            }
        }
        day += Duration::days(1);
    }
    Ok(created)
}

/// Someone behind a row's demand: a plan item (`planned`, with its target date) or a waiting
/// or pending enrolment (`waiting`, with the session's start).
#[derive(Debug, Clone, PartialEq, Serialize, QueryableByName)]
pub struct PersonNeed {
    #[diesel(sql_type = Text)]
    pub source: String,
    #[diesel(sql_type = BigInt)]
    pub person_id: i64,
    #[diesel(sql_type = Text)]
    pub full_name: String,
    #[diesel(sql_type = Text)]
    pub organization: String,
    #[diesel(sql_type = Text)]
    pub module: String,
    /// The target date, or the session's start (UTC), as text.
    #[diesel(sql_type = Text, column_name = on_day)]
    pub on: String,
}

/// One row of the view, and the people and shortfalls behind its demand.
#[derive(Debug, Clone, Serialize)]
pub struct CellDetail {
    pub row: Option<CapacityRow>,
    pub sources: Vec<DemandSource>,
    pub people: Vec<PersonNeed>,
    pub shortfalls: Vec<ShortfallLine>,
}

/// The most people a drill-down lists.
const MAX_PEOPLE: i64 = 500;

/// The drill-down of one row: `period` is its label; the filter must name its domain, tier and
/// language.
pub fn cell(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &CapacityFilter,
    period: Option<&str>,
) -> Result<CellDetail, AppError> {
    cell_from(conn, actor, filter, period, Source::ReadModel)
}

/// `cell`, reading progress from `source` (the tests compare the two).
pub fn cell_from(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &CapacityFilter,
    period: Option<&str>,
    source: Source,
) -> Result<CellDetail, AppError> {
    let mut errors = FieldErrors::default();
    for (field, value) in [
        ("domain", &filter.domain),
        ("tier", &filter.tier),
        ("language", &filter.language),
    ] {
        if non_blank(value.as_deref()).is_none() {
            errors.add(field, Message::new("field-required"));
        }
    }
    let period = non_blank(period);
    if period.is_none() {
        errors.add("period", Message::new("field-required"));
    }
    errors.into_result()?;
    let mut report = report_from(conn, actor, filter, source)?;
    let checked = check(conn, actor, filter)?;
    let period = period.expect("checked");
    let Some(index) = report.periods.iter().position(|p| *p == period) else {
        let mut errors = FieldErrors::default();
        errors.add("period", Message::new("field-period-unknown"));
        return Err(AppError::Validation(errors));
    };
    let bounds = periods(checked.year, checked.granularity);
    let start = bounds[index].1;
    let end = bounds
        .get(index + 1)
        .map(|b| b.1)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(checked.year + 1, 1, 1).expect("valid"));
    let (from, to) = (start.to_string(), end.to_string());
    let (t0, t1) = (brussels_time(start), brussels_time(end));
    let language = checked.language.expect("checked").as_str();
    let tier = checked.tier.expect("checked").as_str();
    let domain_id = checked.domain_id.expect("checked");
    let organization_filter = checked
        .organization_id
        .map(|id| format!(" AND p.organization_id = {id}"))
        .unwrap_or_default();
    // The same conditions as the report's first two sources, for one period and row.
    let planned = planned_condition(&from, &to, source);
    let waiting = waiting_condition((&t0, &t1), (&from, &to), "", source);
    let people: Vec<PersonNeed> = diesel::sql_query(format!(
        "SELECT 'planned' AS source, p.id AS person_id, p.full_name, o.code AS organization,
                m.code AS module, CAST(i.target_on AS TEXT) AS on_day
         FROM individual_plan_items i
         JOIN individual_plans ip ON ip.id = i.plan_id
         JOIN people p ON p.id = ip.person_id
         JOIN organizations o ON o.id = p.organization_id
         JOIN modules m ON m.id = i.module_id
         WHERE {planned}
           AND m.domain_id = {domain_id} AND m.tier = '{tier}' AND p.language = '{language}'
           {organization_filter}
         UNION
         SELECT 'waiting' AS source, p.id AS person_id, p.full_name, o.code AS organization,
                m.code AS module, CAST(MIN(s.starts_at) AS TEXT) AS on_day
         FROM training_sessions s
         JOIN enrollments e ON e.session_id = s.id
         JOIN modules m ON m.id = s.module_id
         JOIN people p ON p.id = e.person_id
         JOIN organizations o ON o.id = p.organization_id
         WHERE {waiting}
           AND m.domain_id = {domain_id} AND m.tier = '{tier}' AND p.language = '{language}'
           {organization_filter}
         GROUP BY p.id, p.full_name, o.code, m.code
         ORDER BY 4, 3, 5
         LIMIT {MAX_PEOPLE}"
    ))
    .load(conn)?;
    // The filter named the domain, so every row is of it.
    let position = report
        .items
        .iter()
        .position(|r| r.period == period && r.tier == tier && r.language == language);
    let sources = position
        .map(|i| std::mem::take(&mut report.sources[i]))
        .unwrap_or_default();
    let shortfalls = report
        .shortfalls
        .into_iter()
        .filter(|s| s.period == period && s.tier == tier && s.language == language)
        .collect();
    Ok(CellDetail {
        row: position.map(|i| report.items[i].clone()),
        sources,
        people,
        shortfalls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_divides_exactly_by_largest_remainder() {
        assert_eq!(spread(10, [55, 35, 10]), [6, 3, 1]);
        assert_eq!(spread(1, [1, 1, 0]), [1, 0, 0]);
        assert_eq!(spread(3, [0, 0, 0]), [3, 0, 0]);
        assert_eq!(spread(0, [5, 5, 5]), [0, 0, 0]);
        assert_eq!(spread(7, [2, 2, 3]).iter().sum::<i64>(), 7);
    }

    #[test]
    fn quarters_start_on_brussels_midnights() {
        let q = periods(2026, Granularity::Quarter);
        assert_eq!(q.len(), 4);
        assert_eq!(
            q[1],
            (
                "2026-Q2".to_owned(),
                NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
            )
        );
        // Summer time: midnight in Brussels on 1 April is 22:00 UTC the day before.
        assert_eq!(brussels_midnight(q[1].1).to_string(), "2026-03-31 22:00:00");
        let case = period_case("x", &["a".into(), "b".into(), "c".into()]);
        assert_eq!(
            case,
            "CASE WHEN x < 'b' THEN 0 WHEN x < 'c' THEN 1 ELSE 2 END"
        );
    }
}
