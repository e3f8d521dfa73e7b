//! Translations: the Fluent bundles under `locales/` and the three languages of the product.
//! Used by the web layer (pages, errors) and by the domain (e-mails in the recipient's language).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::Loader;
use serde::Serialize;
use unic_langid::{langid, LanguageIdentifier};

use crate::error::Message;

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // Bidi isolation marks around placeables would end up in e-mails, CSV files and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The name of the cookie that remembers the language picked with the switcher.
pub const LOCALE_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    Fr,
    Nl,
    En,
}

static FR: LanguageIdentifier = langid!("fr");
static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Fr, Locale::Nl, Locale::En];
    pub const DEFAULT: Locale = Locale::Fr;

    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::Nl => "nl",
            Locale::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Locale::Fr),
            "nl" => Some(Locale::Nl),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Locale::Fr => &FR,
            Locale::Nl => &NL,
            Locale::En => &EN,
        }
    }

    /// Translates a key with no arguments.
    pub fn tr(self, key: &str) -> String {
        LOCALES.lookup(self.langid(), key)
    }

    /// Translates a message with its arguments.
    pub fn message(self, message: &Message) -> String {
        if message.args.is_empty() {
            return self.tr(message.key);
        }
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = message
            .args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.as_str())))
            .collect();
        LOCALES.lookup_with_args(self.langid(), message.key, &args)
    }
}

/// Picks the language: account preference, then the switcher's cookie, then the browser's
/// `Accept-Language`, then French.
pub fn negotiate(
    account: Option<Locale>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
) -> Locale {
    if let Some(locale) = account {
        return locale;
    }
    if let Some(locale) = cookie.and_then(Locale::parse) {
        return locale;
    }
    if let Some(header) = accept_language {
        let requested = fluent_langneg::accepted_languages::parse(header);
        for wanted in &requested {
            if let Some(locale) = Locale::parse(wanted.language.as_str()) {
                return locale;
            }
        }
    }
    Locale::DEFAULT
}
