//! The cascade tree (DESIGN §4 rule 4): school trainers → key users → the end users each key
//! user trained, with the key user's reach. It is read one page of key users at a time, in
//! organisation then name order, so that no request lists a whole domain by default: every
//! query below is limited to the page's key users.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde::{Deserialize, Serialize};

use crate::db::{DbConn, BATCH};
use crate::domain::access::{Actor, Scope, PEOPLE_READERS};
use crate::domain::coverage::percent;
use crate::domain::read_model::Source;
use crate::domain::{bounded, max_chars, non_blank, rules, PageRequest};
use crate::error::{AppError, FieldErrors, Message};

/// One trainee under a trainer, with when they first attended and how many sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trainee {
    pub person_id: i64,
    pub full_name: String,
    pub organization: String,
    #[serde(serialize_with = "crate::domain::utc::serialize_option")]
    pub first_attended: Option<chrono::NaiveDateTime>,
    pub sessions: i64,
    /// For key users: the end users they trained in turn.
    pub trained: Vec<Trainee>,
    pub reach: Option<Reach>,
}

/// What a key user's own sessions achieved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reach {
    pub end_users_trained: i64,
    pub sessions_given: i64,
    pub attended: i64,
    pub absent: i64,
    /// Absent over attended + absent, in percent.
    pub no_show_rate: f64,
}

/// A school or integrator trainer (or `None`: key users trained elsewhere) and whom they trained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeRoot {
    pub trainer_person_id: Option<i64>,
    pub trainer: Option<String>,
    pub organization: Option<String>,
    pub key_users: Vec<Trainee>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct TreeFilter {
    pub domain: Option<String>,
    pub organization: Option<String>,
    /// Part of a name: keeps the key users named so, those trained by someone named so, and
    /// those who trained someone named so.
    pub q: Option<String>,
}

/// One page of the tree: the roots of the page's key users, and how many key users the filter
/// keeps in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreePage {
    pub roots: Vec<TreeRoot>,
    /// The page's key users, in organisation then name order (a key user trained by two
    /// trainers stands under both roots).
    #[serde(skip)]
    pub key_users: Vec<i64>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The tree for `filter`, one page of key users (every key user when `page` is `None`: the
/// exports); HR sees its own organisation's key users and end users.
pub fn tree(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &TreeFilter,
    page: Option<PageRequest>,
) -> Result<TreePage, AppError> {
    tree_from(conn, actor, filter, page, Source::ReadModel)
}

/// `tree`, finding the trained key users from `source` (the tests compare the two).
pub fn tree_from(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &TreeFilter,
    page: Option<PageRequest>,
    source: Source,
) -> Result<TreePage, AppError> {
    actor.require(PEOPLE_READERS)?;
    let Some(domain) = non_blank(filter.domain.as_deref()) else {
        return Err(AppError::invalid("domain", Message::new("field-required")));
    };
    let mut errors = FieldErrors::default();
    let domain_id = rules::domain_filter(conn, &mut errors, "domain", Some(&domain))?;
    let organization_id = rules::organization_filter(
        conn,
        &mut errors,
        "organization",
        filter.organization.as_deref(),
    )?;
    let q = bounded(&mut errors, "q", filter.q.as_deref(), max_chars::NAME);
    if q.as_deref().is_some_and(|q| q.contains('\0')) {
        errors.add("q", Message::new("field-invalid"));
    }
    errors.into_result()?;
    let scope = actor.scope();
    let selection = Selection {
        domain_id: domain_id.expect("checked above"),
        scope,
        organization_id,
        q,
        source,
    };
    let total = selection.count(conn)?;
    let page = page.unwrap_or(PageRequest {
        page: 1,
        per_page: total.max(1),
    });
    let key_users = selection.page(conn, page)?;
    let forest = Forest::read(conn, &selection, &key_users)?;
    let roots = forest.roots(&key_users);
    Ok(TreePage {
        roots: match &selection.q {
            Some(q) => search(roots, q),
            None => roots,
        },
        key_users,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

impl TreePage {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }

    /// The page's key users once each, in their order (those the search left out, not).
    pub fn key_users(&self) -> Vec<&Trainee> {
        let nodes: HashMap<i64, &Trainee> = self
            .roots
            .iter()
            .flat_map(|root| root.key_users.iter())
            .map(|k| (k.person_id, k))
            .collect();
        self.key_users
            .iter()
            .filter_map(|id| nodes.get(id).copied())
            .collect()
    }
}

/// Which key users a request asks for: of a domain, within the reader's scope and, where
/// asked, of one organisation and matching a name.
struct Selection {
    domain_id: i64,
    scope: Scope,
    organization_id: Option<i64>,
    q: Option<String>,
    source: Source,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct KeyUser {
    #[diesel(sql_type = BigInt)]
    person_id: i64,
}

impl Selection {
    /// Key users (`p` people, `o` their organisation): whoever is trained in a train-the-
    /// trainer module of the domain, or gives end-user sessions in it (organised within the
    /// scope: a key user who trains another organisation's staff would otherwise reveal them).
    fn sql(&self) -> String {
        let d = self.domain_id;
        let trained = match self.source {
            Source::ReadModel => format!(
                "SELECT f.person_id FROM trained_facts f
                 WHERE f.domain_id = {d} AND f.tier = 'trainer'"
            ),
            Source::Enrollments => format!(
                "SELECT e.person_id FROM enrollments e
                 JOIN training_sessions s ON s.id = e.session_id
                 JOIN modules m ON m.id = s.module_id
                 WHERE {} AND m.domain_id = {d} AND m.tier = 'trainer'",
                rules::trained_sql("e", "m")
            ),
        };
        let scope = self.scope.organization_id();
        let organizer = scope
            .map(|id| format!(" AND s.organizer_id = {id}"))
            .unwrap_or_default();
        let mut people = String::new();
        for id in [scope, self.organization_id].into_iter().flatten() {
            people.push_str(&format!(" AND p.organization_id = {id}"));
        }
        if self.q.is_some() {
            people.push_str(&format!(" AND ({})", self.named_sql()));
        }
        format!(
            "FROM people p JOIN organizations o ON o.id = p.organization_id
             WHERE p.id IN ({trained}
                UNION SELECT s.trainer_person_id FROM training_sessions s
                JOIN modules m ON m.id = s.module_id
                WHERE m.domain_id = {d} AND m.tier = 'end_user' AND s.status <> 'cancelled'
                  AND s.trainer_person_id IS NOT NULL{organizer}){people}"
        )
    }

    /// The key user `p`, their trainer or someone they trained (in the scope) is named like
    /// `$1`, the lowercase pattern `search` matches.
    fn named_sql(&self) -> String {
        let d = self.domain_id;
        let trained = rules::trained_sql("e", "m");
        let named = |alias: &str| format!("LOWER({alias}.full_name) LIKE $1 ESCAPE '\\'");
        let in_scope = self
            .scope
            .organization_id()
            .map(|id| format!(" AND t.organization_id = {id}"))
            .unwrap_or_default();
        format!(
            "{key_user}
             OR EXISTS (SELECT 1 FROM enrollments e
                 JOIN training_sessions s ON s.id = e.session_id
                 JOIN modules m ON m.id = s.module_id
                 JOIN people t ON t.id = s.trainer_person_id
                 WHERE e.person_id = p.id AND {trained} AND m.domain_id = {d}
                   AND m.tier = 'trainer' AND {trainer})
             OR EXISTS (SELECT 1 FROM training_sessions s
                 JOIN modules m ON m.id = s.module_id
                 JOIN enrollments e ON e.session_id = s.id
                 JOIN people t ON t.id = e.person_id
                 WHERE s.trainer_person_id = p.id AND {trained} AND m.domain_id = {d}
                   AND m.tier = 'end_user' AND {trainee}{in_scope})",
            key_user = named("p"),
            trainer = named("t"),
            trainee = named("t"),
        )
    }

    fn pattern(&self) -> String {
        let q = self.q.as_deref().unwrap_or_default().to_lowercase();
        format!("%{}%", crate::domain::people::escape_like(&q))
    }

    fn count(&self, conn: &mut DbConn) -> Result<i64, AppError> {
        let query = diesel::sql_query(format!("SELECT COUNT(*) AS n {}", self.sql()));
        let counted: Counted = if self.q.is_some() {
            query.bind::<Text, _>(self.pattern()).get_result(conn)?
        } else {
            query.get_result(conn)?
        };
        Ok(counted.n)
    }

    fn page(&self, conn: &mut DbConn, page: PageRequest) -> Result<Vec<i64>, AppError> {
        let query = diesel::sql_query(format!(
            "SELECT p.id AS person_id {} ORDER BY o.code, p.full_name, p.id LIMIT {} OFFSET {}",
            self.sql(),
            page.per_page,
            page.offset()
        ));
        let rows: Vec<KeyUser> = if self.q.is_some() {
            query.bind::<Text, _>(self.pattern()).load(conn)?
        } else {
            query.load(conn)?
        };
        Ok(rows.into_iter().map(|r| r.person_id).collect())
    }
}

/// Narrows a tree to the people whose name contains `q` (case-insensitive).
fn search(roots: Vec<TreeRoot>, q: &str) -> Vec<TreeRoot> {
    let q = q.to_lowercase();
    let matches = |name: &str| name.to_lowercase().contains(&q);
    roots
        .into_iter()
        .filter_map(|mut root| {
            let trainer_matches = root.trainer.as_deref().is_some_and(matches);
            if !trainer_matches {
                root.key_users = root
                    .key_users
                    .into_iter()
                    .filter_map(|mut key_user| {
                        if !matches(&key_user.full_name) {
                            key_user.trained.retain(|e| matches(&e.full_name));
                            if key_user.trained.is_empty() {
                                return None;
                            }
                        }
                        Some(key_user)
                    })
                    .collect();
            }
            (trainer_matches || !root.key_users.is_empty()).then_some(root)
        })
        .collect()
}

#[derive(QueryableByName)]
struct Edge {
    #[diesel(sql_type = BigInt)]
    trainer: i64,
    #[diesel(sql_type = BigInt)]
    trainee: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    first_at: chrono::NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ReachRow {
    #[diesel(sql_type = BigInt)]
    trainer: i64,
    #[diesel(sql_type = BigInt)]
    sessions: i64,
    #[diesel(sql_type = BigInt)]
    attended: i64,
    #[diesel(sql_type = BigInt)]
    absent: i64,
}

/// Numbers as an SQL list: ids, never text from a request.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Who trained whom in a tier of the domain, where `column` (`e.person_id`, the trainee, or
/// `s.trainer_person_id`) is one of `ids`: the trainee is trained (`rules::trained_sql`) in a
/// session the trainer gave.
fn edges(
    conn: &mut DbConn,
    domain_id: i64,
    tier: &str,
    column: &str,
    ids: &[i64],
) -> Result<Vec<Edge>, AppError> {
    let trained = rules::trained_sql("e", "m");
    let mut edges = Vec::new();
    for chunk in ids.chunks(BATCH) {
        edges.extend(
            diesel::sql_query(format!(
                "SELECT s.trainer_person_id AS trainer, e.person_id AS trainee,
                        MIN(s.starts_at) AS first_at, COUNT(*) AS n
                 FROM enrollments e
                 JOIN training_sessions s ON s.id = e.session_id
                 JOIN modules m ON m.id = s.module_id
                 WHERE {trained} AND s.trainer_person_id IS NOT NULL AND m.domain_id = {domain_id}
                   AND m.tier = '{tier}' AND {column} IN ({})
                 GROUP BY s.trainer_person_id, e.person_id",
                id_list(chunk)
            ))
            .load::<Edge>(conn)?,
        );
    }
    Ok(edges)
}

/// Each key user's end-user sessions in the domain organised within the scope: how many, who
/// came, who did not.
fn reach(
    conn: &mut DbConn,
    selection: &Selection,
    ids: &[i64],
) -> Result<HashMap<i64, ReachRow>, AppError> {
    let organizer = selection
        .scope
        .organization_id()
        .map(|id| format!(" AND s.organizer_id = {id}"))
        .unwrap_or_default();
    let mut reach = HashMap::new();
    for chunk in ids.chunks(BATCH) {
        let rows: Vec<ReachRow> = diesel::sql_query(format!(
            "SELECT s.trainer_person_id AS trainer, COUNT(DISTINCT s.id) AS sessions,
                    SUM(CASE WHEN e.status = 'attended' THEN 1 ELSE 0 END) AS attended,
                    SUM(CASE WHEN e.status = 'absent' THEN 1 ELSE 0 END) AS absent
             FROM training_sessions s
             JOIN modules m ON m.id = s.module_id
             LEFT JOIN enrollments e ON e.session_id = s.id
             WHERE m.tier = 'end_user' AND s.status <> 'cancelled' AND m.domain_id = {}
               AND s.trainer_person_id IN ({}){organizer}
             GROUP BY s.trainer_person_id",
            selection.domain_id,
            id_list(chunk)
        ))
        .load(conn)?;
        reach.extend(rows.into_iter().map(|r| (r.trainer, r)));
    }
    Ok(reach)
}

/// A person in the tree: name, organisation code and organisation id.
type Named = (String, String, i64);

fn names_of(conn: &mut DbConn, ids: Vec<i64>) -> Result<HashMap<i64, Named>, AppError> {
    use crate::db::schema::{organizations, people};
    let mut names = HashMap::new();
    for chunk in ids.chunks(BATCH) {
        for (id, name, code, organization_id) in people::table
            .inner_join(organizations::table)
            .filter(people::id.eq_any(chunk))
            .select((
                people::id,
                people::full_name,
                organizations::code,
                organizations::id,
            ))
            .load::<(i64, String, String, i64)>(conn)?
        {
            names.insert(id, (name, code, organization_id));
        }
    }
    Ok(names)
}

/// What the tree of a page of key users is built from, as read for one reader.
struct Forest {
    /// Train-the-trainer edges, by key user (the trainee).
    trained_by: HashMap<i64, Vec<Edge>>,
    /// End-user edges, by key user (the trainer).
    trainees: HashMap<i64, Vec<Edge>>,
    reach: HashMap<i64, ReachRow>,
    names: HashMap<i64, Named>,
    scope: Scope,
}

impl Forest {
    fn read(
        conn: &mut DbConn,
        selection: &Selection,
        key_users: &[i64],
    ) -> Result<Forest, AppError> {
        let d = selection.domain_id;
        let trained_by = edges(conn, d, "trainer", "e.person_id", key_users)?;
        let trainees = edges(conn, d, "end_user", "s.trainer_person_id", key_users)?;
        let mut ids: Vec<i64> = key_users.to_vec();
        ids.extend(trained_by.iter().map(|e| e.trainer));
        ids.extend(trainees.iter().map(|e| e.trainee));
        ids.sort_unstable();
        ids.dedup();
        let by = |edges: Vec<Edge>, key: fn(&Edge) -> i64| {
            let mut map: HashMap<i64, Vec<Edge>> = HashMap::new();
            for edge in edges {
                map.entry(key(&edge)).or_default().push(edge);
            }
            map
        };
        Ok(Forest {
            trained_by: by(trained_by, |e| e.trainee),
            trainees: by(trainees, |e| e.trainer),
            reach: reach(conn, selection, key_users)?,
            names: names_of(conn, ids)?,
            scope: selection.scope,
        })
    }

    fn in_scope(&self, person: i64) -> bool {
        self.names
            .get(&person)
            .is_some_and(|(_, _, organization_id)| self.scope.allows(*organization_id))
    }

    fn node(&self, person_id: i64, edge: Option<&Edge>) -> Trainee {
        let (full_name, organization, _) = self.names.get(&person_id).cloned().unwrap_or_default();
        Trainee {
            person_id,
            full_name,
            organization,
            first_attended: edge.map(|e| e.first_at),
            sessions: edge.map(|e| e.n).unwrap_or(0),
            trained: Vec::new(),
            reach: None,
        }
    }

    /// A key user with the end users they trained (in the reader's scope) and their reach.
    fn key_user(&self, id: i64, first: Option<&Edge>) -> Trainee {
        let mut node = self.node(id, first);
        node.trained = self
            .trainees
            .get(&id)
            .into_iter()
            .flatten()
            .filter(|e| self.in_scope(e.trainee))
            .map(|e| self.node(e.trainee, Some(e)))
            .collect();
        node.trained.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        let r = self.reach.get(&id);
        let (attended, absent) = r.map(|r| (r.attended, r.absent)).unwrap_or((0, 0));
        node.reach = Some(Reach {
            end_users_trained: node.trained.len() as i64,
            sessions_given: r.map(|r| r.sessions).unwrap_or(0),
            attended,
            absent,
            no_show_rate: percent(absent, attended + absent),
        });
        node
    }

    /// One root per trainer of the key users (by trainer id), and one without a trainer for
    /// the key users trained elsewhere (or not yet), in the key users' order.
    fn roots(&self, key_users: &[i64]) -> Vec<TreeRoot> {
        let mut by_trainer: BTreeMap<i64, Vec<Trainee>> = BTreeMap::new();
        let mut elsewhere = Vec::new();
        for &id in key_users {
            match self.trained_by.get(&id) {
                Some(edges) => {
                    for edge in edges {
                        let node = self.key_user(id, Some(edge));
                        by_trainer.entry(edge.trainer).or_default().push(node);
                    }
                }
                None => elsewhere.push(self.key_user(id, None)),
            }
        }
        let mut roots: Vec<TreeRoot> = by_trainer
            .into_iter()
            .map(|(trainer, mut key_users)| {
                key_users.sort_by(|a, b| a.full_name.cmp(&b.full_name));
                let (name, organization, _) = self.names.get(&trainer).cloned().unwrap_or_default();
                TreeRoot {
                    trainer_person_id: Some(trainer),
                    trainer: Some(name),
                    organization: Some(organization),
                    key_users,
                }
            })
            .collect();
        if !elsewhere.is_empty() {
            roots.push(TreeRoot {
                trainer_person_id: None,
                trainer: None,
                organization: None,
                key_users: elsewhere,
            });
        }
        roots
    }
}
