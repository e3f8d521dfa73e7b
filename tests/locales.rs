//! Translations: every key exists in fr, nl and en, and every key the code or the templates use
//! exists.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const LANGUAGES: [&str; 3] = ["fr", "nl", "en"];

fn keys_of(language: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(language);
    let mut keys = BTreeSet::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ftl") {
            let text = fs::read_to_string(&path).unwrap();
            let resource = fluent_syntax::parser::parse(text.as_str())
                .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
            for entry in resource.body {
                if let fluent_syntax::ast::Entry::Message(message) = entry {
                    assert!(
                        keys.insert(message.id.name.to_owned()),
                        "{} defines {} twice",
                        path.display(),
                        message.id.name
                    );
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_exists_in_every_language() {
    let fr = keys_of("fr");
    assert!(fr.len() > 20);
    for language in ["nl", "en"] {
        let other = keys_of(language);
        let missing: Vec<_> = fr.difference(&other).collect();
        let extra: Vec<_> = other.difference(&fr).collect();
        assert!(missing.is_empty(), "missing in {language}: {missing:?}");
        assert!(extra.is_empty(), "only in {language}, not in fr: {extra:?}");
    }
}

/// String literals that follow each marker in the files below `dir` with the given extension;
/// a marker is `(text before the key, what of it belongs to the key)`.
fn literals_after(
    dir: &Path,
    extension: &str,
    markers: &[(&str, &str)],
    found: &mut BTreeSet<String>,
) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            literals_after(&path, extension, markers, found);
        } else if path.to_string_lossy().ends_with(extension) {
            let text = fs::read_to_string(&path).unwrap();
            for (marker, key_prefix) in markers {
                for (index, _) in text.match_indices(marker) {
                    let rest = &text[index + marker.len()..];
                    // A literal ending in '-' is the prefix of a key made at run time.
                    match rest.find('"') {
                        Some(end) if !rest[..end].ends_with('-') => {
                            found.insert(format!("{key_prefix}{}", &rest[..end]));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

#[test]
fn every_key_used_is_defined() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    literals_after(
        &root.join("templates"),
        ".tera",
        &[("t(key=\"", "")],
        &mut used,
    );
    literals_after(
        &root.join("src"),
        ".rs",
        &[
            ("Message::new(\"", ""),
            (".titled(\"", ""),
            (".tr(\"", ""),
            ("\"nav-", "nav-"),
        ],
        &mut used,
    );
    // Keys made from codes in templates.
    for status in formation::domain::organizations::MembershipStatus::ALL {
        used.insert(format!("membership-status-{status}"));
    }
    for role in formation::domain::accounts::Role::ALL {
        used.insert(format!("role-{role}"));
    }
    for status in formation::domain::cascade::KeyUserStatus::ALL {
        used.insert(format!("key-user-status-{status}"));
    }
    for status in formation::domain::registrations::RequestStatus::ALL {
        used.insert(format!("registration-status-{status}"));
    }
    for kind in formation::domain::organizations::OrganizationKind::ALL {
        used.insert(format!("organization-kind-{kind}"));
    }
    for code in ["fr", "nl", "en", "bilingual"] {
        used.insert(format!("language-{code}"));
    }
    for status in formation::domain::sessions::SessionStatus::ALL {
        used.insert(format!("session-status-{status}"));
    }
    for status in formation::domain::enrollments::EnrollmentStatus::ALL {
        used.insert(format!("enrollment-status-{status}"));
    }
    for tier in formation::domain::catalogue::Tier::ALL {
        used.insert(format!("tier-{tier}"));
    }
    for change in formation::domain::notifications::Change::ALL {
        used.insert(format!("email-enrollment-{}", change.code()));
    }
    for key in ["module-title", "session-edit-title"] {
        used.insert(key.to_owned());
    }
    for status in ["active", "inactive", "all"] {
        used.insert(format!("status-{status}"));
    }
    assert!(used.len() > 20, "{used:?}");
    for language in LANGUAGES {
        let defined = keys_of(language);
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(
            missing.is_empty(),
            "used but not defined in {language}: {missing:?}"
        );
    }
}
