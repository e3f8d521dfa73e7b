//! The database schema, kept by hand in portable types so that one definition serves SQLite and
//! PostgreSQL. It mirrors `migrations/*/…_initial_schema/up.sql`; `tests/schema.rs` checks that both
//! backends agree with it.

diesel::table! {
    organizations (id) {
        id -> BigInt,
        code -> Text,
        kind -> Text,
        nis_code -> Nullable<Text>,
        name_fr -> Text,
        name_nl -> Text,
        requires_enrollment_approval -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    domains (id) {
        id -> BigInt,
        code -> Text,
        name_fr -> Text,
        name_nl -> Text,
        name_en -> Text,
        launched_on -> Nullable<Date>,
        position -> Integer,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        organization_id -> BigInt,
        domain_id -> BigInt,
        status -> Text,
        status_since -> Date,
        go_live_on -> Nullable<Date>,
        required_key_users -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        organization_id -> BigInt,
        full_name -> Text,
        email -> Nullable<Text>,
        job_title -> Nullable<Text>,
        profile -> Nullable<Text>,
        language -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        person_id -> Nullable<BigInt>,
        organization_id -> Nullable<BigInt>,
        email -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        locale -> Nullable<Text>,
        active -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        calendar_token_hash -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        account_id -> BigInt,
        token_hash -> Text,
        label -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sign_ins (id) {
        id -> BigInt,
        account_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    key_users (id) {
        id -> BigInt,
        person_id -> BigInt,
        domain_id -> BigInt,
        status -> Text,
        designated_by -> Nullable<BigInt>,
        designated_on -> Date,
        certified_on -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    venues (id) {
        id -> BigInt,
        name -> Text,
        address -> Text,
        seats -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    modules (id) {
        id -> BigInt,
        domain_id -> BigInt,
        code -> Text,
        title_fr -> Text,
        title_nl -> Text,
        description_fr -> Text,
        description_nl -> Text,
        tier -> Text,
        duration_minutes -> Integer,
        prerequisite_module_id -> Nullable<BigInt>,
        certifies_trainer -> Bool,
        assessed -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> BigInt,
        module_id -> BigInt,
        organizer_id -> BigInt,
        trainer_person_id -> Nullable<BigInt>,
        venue_id -> Nullable<BigInt>,
        online_url -> Nullable<Text>,
        language -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        registration_closes_at -> Timestamp,
        capacity -> Integer,
        seats_taken -> Integer,
        status -> Text,
        revision -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    enrollments (id) {
        id -> BigInt,
        session_id -> BigInt,
        person_id -> BigInt,
        status -> Text,
        passed -> Nullable<Bool>,
        requested_by -> Nullable<BigInt>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        ics_sequence -> Integer,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    individual_plans (id) {
        id -> BigInt,
        person_id -> BigInt,
        year -> Integer,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    individual_plan_items (id) {
        id -> BigInt,
        plan_id -> BigInt,
        module_id -> BigInt,
        target_on -> Nullable<Date>,
        priority -> Integer,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    collective_plans (id) {
        id -> BigInt,
        organization_id -> BigInt,
        year -> Integer,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    collective_plan_targets (id) {
        id -> BigInt,
        plan_id -> BigInt,
        module_id -> BigInt,
        profile -> Nullable<Text>,
        headcount -> Integer,
        due_on -> Nullable<Date>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_account_id -> Nullable<BigInt>,
        organization_id -> Nullable<BigInt>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<BigInt>,
        detail -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        ics -> Nullable<Text>,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claimed_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    email_links (id) {
        id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        account_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    registration_requests (id) {
        id -> BigInt,
        organization_id -> BigInt,
        full_name -> Text,
        email -> Text,
        job_title -> Nullable<Text>,
        language -> Text,
        status -> Text,
        decision_note -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        person_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    interests (id) {
        id -> BigInt,
        person_id -> BigInt,
        module_id -> BigInt,
        language -> Text,
        note -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> domains (domain_id));
diesel::joinable!(people -> organizations (organization_id));
diesel::joinable!(accounts -> organizations (organization_id));
diesel::joinable!(accounts -> people (person_id));
diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(sign_ins -> accounts (account_id));
diesel::joinable!(key_users -> people (person_id));
diesel::joinable!(key_users -> domains (domain_id));
diesel::joinable!(key_users -> accounts (designated_by));
diesel::joinable!(modules -> domains (domain_id));
diesel::joinable!(training_sessions -> modules (module_id));
diesel::joinable!(training_sessions -> organizations (organizer_id));
diesel::joinable!(training_sessions -> people (trainer_person_id));
diesel::joinable!(training_sessions -> venues (venue_id));
diesel::joinable!(enrollments -> training_sessions (session_id));
diesel::joinable!(enrollments -> people (person_id));
diesel::joinable!(enrollments -> accounts (requested_by));
diesel::table! {
    /// The read model's trained facts (`domain::read_model`).
    trained_facts (person_id, domain_id, tier, year) {
        person_id -> BigInt,
        domain_id -> BigInt,
        tier -> Text,
        year -> Integer,
        organization_id -> BigInt,
        profile -> Text,
        trainings -> Integer,
    }
}

diesel::table! {
    /// The read model's counts of trained people (`domain::read_model`).
    trained_counts (year, domain_id, tier, organization_id, profile) {
        year -> Integer,
        domain_id -> BigInt,
        tier -> Text,
        organization_id -> BigInt,
        profile -> Text,
        people -> Integer,
    }
}

diesel::table! {
    /// The read model's furthest progress per person and module (`domain::read_model`).
    module_progress (person_id, module_id) {
        person_id -> BigInt,
        module_id -> BigInt,
        organization_id -> BigInt,
        profile -> Text,
        progress -> Integer,
    }
}

diesel::table! {
    /// The read model's plan items still needing a seat (`domain::read_model`).
    planned_needs (item_id) {
        item_id -> BigInt,
        person_id -> BigInt,
        module_id -> BigInt,
        year -> Integer,
        target_on -> Nullable<Date>,
        organization_id -> BigInt,
        profile -> Text,
        language -> Text,
    }
}

diesel::joinable!(planned_needs -> people (person_id));
diesel::joinable!(planned_needs -> modules (module_id));
diesel::joinable!(planned_needs -> organizations (organization_id));
diesel::joinable!(module_progress -> people (person_id));
diesel::joinable!(module_progress -> modules (module_id));
diesel::joinable!(module_progress -> organizations (organization_id));
diesel::joinable!(trained_facts -> people (person_id));
diesel::joinable!(trained_facts -> domains (domain_id));
diesel::joinable!(trained_facts -> organizations (organization_id));
diesel::joinable!(individual_plans -> people (person_id));
diesel::joinable!(individual_plan_items -> individual_plans (plan_id));
diesel::joinable!(individual_plan_items -> modules (module_id));
diesel::joinable!(collective_plans -> organizations (organization_id));
diesel::joinable!(collective_plan_targets -> collective_plans (plan_id));
diesel::joinable!(collective_plan_targets -> modules (module_id));
diesel::joinable!(audit_events -> accounts (actor_account_id));
diesel::joinable!(audit_events -> organizations (organization_id));
diesel::joinable!(email_links -> accounts (account_id));
diesel::joinable!(interests -> people (person_id));
diesel::joinable!(interests -> modules (module_id));
diesel::joinable!(interests -> accounts (created_by));
diesel::joinable!(email_links -> people (person_id));
diesel::joinable!(registration_requests -> organizations (organization_id));
diesel::joinable!(registration_requests -> accounts (decided_by));
diesel::joinable!(registration_requests -> people (person_id));

diesel::table! {
    /// What the reports read moves this up, by trigger (`db::cache`).
    data_version (shard) {
        shard -> Integer,
        version -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    domains,
    memberships,
    people,
    accounts,
    api_tokens,
    sign_ins,
    key_users,
    venues,
    modules,
    training_sessions,
    enrollments,
    individual_plans,
    individual_plan_items,
    collective_plans,
    collective_plan_targets,
    audit_events,
    outbox,
    email_links,
    registration_requests,
    interests,
    trained_facts,
    trained_counts,
    module_progress,
    planned_needs
);
