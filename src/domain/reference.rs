//! Reference data, loaded at every start and idempotent: the 38 local authorities, the five
//! domains, the regional school, and the membership facts known from the 2024 parliamentary
//! answer. Rows that exist are left as they are, so changes made in the app survive restarts.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::DbConn;
use crate::domain::catalogue::{self, NewDomain};
use crate::domain::organizations::{
    self, MembershipStatus, NewMembership, NewOrganization, OrganizationKind, SCHOOL_CODE,
};
use crate::error::AppError;

const LOCAL_AUTHORITIES_CSV: &str = include_str!("../../reference/local_authorities.csv");
const DOMAINS_CSV: &str = include_str!("../../reference/domains.csv");

#[derive(Debug, Deserialize)]
struct LocalAuthorityRow {
    code: String,
    kind: String,
    nis_code: String,
    name_fr: String,
    name_nl: String,
}

#[derive(Debug, Deserialize)]
struct DomainRow {
    code: String,
    name_fr: String,
    name_nl: String,
    name_en: String,
    launched_on: Option<NaiveDate>,
}

/// What one load inserted (zero everywhere on every start after the first).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    pub organizations: usize,
    pub domains: usize,
    pub memberships: usize,
}

fn parse_csv<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, AppError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| AppError::internal(format!("reference data: {e}")))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid reference date")
}

/// The membership facts, as `(organisation code, domain code, status, since)`.
///
/// From the minister's answer: in 2021, 18 communes and 17 CPAS said they would join at least
/// one domain; Uccle (commune and CPAS) joined in spring 2023; the CPAS of Woluwe-Saint-Lambert
/// never joined and later declared interest in Social; the CPAS of Etterbeek had declined
/// Social and later declared interest too. Which domains each organisation intended is not
/// public: we record the intention for the three domains launched in 2023 (Finance, Soft HR,
/// Hard HR), and Social for the CPAS, whose core business it is.
fn membership_facts(
    authorities: &[LocalAuthorityRow],
) -> Vec<(String, &'static str, MembershipStatus, NaiveDate)> {
    const LAUNCHED_2023: [&str; 3] = ["finance", "soft-hr", "hard-hr"];
    let intention_2021 = date(2021, 6, 30);
    let uccle_joined = date(2023, 4, 1);
    let interest_declared = date(2024, 3, 1);
    let mut facts = Vec::new();
    for authority in authorities {
        let code = authority.code.as_str();
        match code {
            "cpas-woluwe-saint-lambert" => {
                facts.push((
                    code.to_owned(),
                    "social",
                    MembershipStatus::Interested,
                    interest_declared,
                ));
                continue;
            }
            "uccle" | "cpas-uccle" => {
                for domain in LAUNCHED_2023 {
                    facts.push((
                        code.to_owned(),
                        domain,
                        MembershipStatus::Joined,
                        uccle_joined,
                    ));
                }
            }
            _ => {
                for domain in LAUNCHED_2023 {
                    facts.push((
                        code.to_owned(),
                        domain,
                        MembershipStatus::Intended,
                        intention_2021,
                    ));
                }
            }
        }
        if authority.kind == "cpas" {
            let social = match code {
                "cpas-etterbeek" => (MembershipStatus::Interested, interest_declared),
                "cpas-uccle" => (MembershipStatus::Joined, uccle_joined),
                _ => (MembershipStatus::Intended, intention_2021),
            };
            facts.push((code.to_owned(), "social", social.0, social.1));
        }
    }
    facts
}

/// Loads the reference data in one transaction.
pub fn load(conn: &mut DbConn) -> Result<LoadSummary, AppError> {
    let authorities: Vec<LocalAuthorityRow> = parse_csv(LOCAL_AUTHORITIES_CSV)?;
    let domain_rows: Vec<DomainRow> = parse_csv(DOMAINS_CSV)?;
    crate::db::transaction(conn, |conn| {
        let mut summary = LoadSummary::default();
        let before = organizations::all(conn)?.len();
        organizations::ensure(
            conn,
            NewOrganization {
                code: SCHOOL_CODE,
                kind: OrganizationKind::School,
                nis_code: None,
                name_fr: "École régionale d'administration publique (ERAP)",
                name_nl: "Gewestelijke School voor Openbaar Bestuur (GSOB)",
                requires_enrollment_approval: false,
            },
        )?;
        for row in &authorities {
            let kind = OrganizationKind::parse(&row.kind)
                .ok_or_else(|| AppError::internal(format!("reference data: kind {}", row.kind)))?;
            organizations::ensure(
                conn,
                NewOrganization {
                    code: &row.code,
                    kind,
                    nis_code: Some(&row.nis_code),
                    name_fr: &row.name_fr,
                    name_nl: &row.name_nl,
                    requires_enrollment_approval: false,
                },
            )?;
        }
        summary.organizations = organizations::all(conn)?.len() - before;

        let before = catalogue::all_domains(conn)?.len();
        for (position, row) in domain_rows.iter().enumerate() {
            catalogue::ensure_domain(
                conn,
                NewDomain {
                    code: &row.code,
                    name_fr: &row.name_fr,
                    name_nl: &row.name_nl,
                    name_en: &row.name_en,
                    launched_on: row.launched_on,
                    position: position as i32 + 1,
                },
            )?;
        }
        summary.domains = catalogue::all_domains(conn)?.len() - before;

        let organization_ids: std::collections::HashMap<String, i64> = organizations::all(conn)?
            .into_iter()
            .map(|o| (o.code, o.id))
            .collect();
        let domain_ids: std::collections::HashMap<String, i64> = catalogue::all_domains(conn)?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
        for (organization, domain, status, since) in membership_facts(&authorities) {
            let inserted = organizations::ensure_membership(
                conn,
                NewMembership {
                    organization_id: organization_ids[&organization],
                    domain_id: domain_ids[domain],
                    status,
                    status_since: since,
                    go_live_on: None,
                    required_key_users: 2,
                },
            )?;
            summary.memberships += usize::from(inserted);
        }
        Ok(summary)
    })
}
