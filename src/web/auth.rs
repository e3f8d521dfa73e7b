//! Who is asking: the session cookie, bearer tokens, the current-user guard and CSRF.
//!
//! Browsers hold a private (encrypted, authenticated) cookie with the secret of a server-side
//! sign-in (`domain::sign_ins`), a CSRF token and the time of the last request; it lapses after
//! 8 hours without a request, and the sign-in itself after 12 hours or when it is ended. Every form
//! carries the session's CSRF token and is read through `CsrfForm`, which answers 403 when the
//! token is missing or wrong, before anything is changed. API clients send
//! `Authorization: Bearer <token>`; an API write that comes with a cookie only is refused
//! (403), so a cross-site page can never make a browser write through the API.

use chrono::Utc;
use rocket::data::{self, Data, FromData};
use rocket::form::{self, DataField, Form, FromForm, ValueField};
use rocket::http::{Cookie, CookieJar, Method, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::time::Duration;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::accounts::{Account, Role};
use crate::domain::tokens;
use crate::i18n::Locale;

/// The session cookie's name over plain HTTP…
pub const SESSION_COOKIE: &str = "formation_session";
/// …and over HTTPS, where the `__Host-` prefix makes browsers refuse it unless it is
/// `Secure`, for the whole site and for this host only.
pub const SECURE_SESSION_COOKIE: &str = "__Host-formation_session";

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
/// A session lapses after this long without a request.
pub const IDLE_SECONDS: i64 = 8 * 60 * 60;
/// The session's clock is moved at most this often (re-encrypting the cookie on every request
/// would be wasted work).
const TOUCH_SECONDS: i64 = 60;
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// What the session cookie holds. Anonymous visitors get one too, for the CSRF token of the
/// sign-in and registration forms.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionCookie {
    /// The secret of the server-side sign-in (`domain::sign_ins`); `None` for visitors.
    #[serde(rename = "s")]
    pub sign_in: Option<String>,
    #[serde(rename = "c")]
    pub csrf: String,
    /// Unix seconds of the last request.
    #[serde(rename = "t")]
    pub seen: i64,
    #[serde(rename = "l")]
    pub locale: Option<Locale>,
}

impl SessionCookie {
    fn new(sign_in: Option<String>, locale: Option<Locale>) -> Self {
        SessionCookie {
            sign_in,
            csrf: tokens::new_secret(),
            seen: Utc::now().timestamp(),
            locale,
        }
    }

    /// The request's live session, if any (read once per request).
    pub fn of(request: &Request<'_>) -> Option<SessionCookie> {
        request
            .local_cache(|| {
                let cookie = request
                    .cookies()
                    .get_private(cookie_name(uses_tls(request)))?;
                let session: SessionCookie = serde_json::from_str(cookie.value()).ok()?;
                let idle = Utc::now().timestamp() - session.seen;
                (0..=IDLE_SECONDS).contains(&idle).then_some(session)
            })
            .clone()
    }

    fn store(&self, cookies: &CookieJar<'_>, secure: bool) {
        let value = serde_json::to_string(self).unwrap_or_default();
        cookies.add_private(
            Cookie::build((cookie_name(secure), value))
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure)
                .path("/")
                .max_age(Duration::seconds(IDLE_SECONDS)),
        );
    }

    /// The CSRF token for this request's forms, creating an anonymous session if needed.
    pub fn csrf_token(request: &Request<'_>) -> String {
        if let Some(session) = SessionCookie::of(request) {
            return session.csrf;
        }
        request
            .local_cache(|| {
                let session = SessionCookie::new(None, None);
                session.store(request.cookies(), uses_tls(request));
                NewSessionToken(session.csrf)
            })
            .0
            .clone()
    }
}

/// A handler's handle on the session cookie: sign in, sign out, remember the language.
pub struct SessionJar<'r> {
    cookies: &'r CookieJar<'r>,
    secure: bool,
    session: Option<SessionCookie>,
}

impl SessionJar<'_> {
    /// Holds a sign-in started by `domain::sign_ins::start` (a fresh CSRF token: the anonymous
    /// one is not carried over).
    pub fn sign_in(&self, secret: String, account: &Account) {
        SessionCookie::new(Some(secret), account.locale()).store(self.cookies, self.secure);
    }

    /// The secret of the sign-in this browser holds, if any.
    pub fn held(&self) -> Option<String> {
        self.session.as_ref().and_then(|s| s.sign_in.clone())
    }

    /// Forgets the cookie and returns the secret of the sign-in it held, for the caller to end.
    pub fn sign_out(&self) -> Option<String> {
        sign_out(self.cookies, self.secure);
        self.held()
    }

    pub fn set_locale(&self, locale: Option<Locale>) {
        if let Some(session) = &self.session {
            SessionCookie {
                locale,
                ..session.clone()
            }
            .store(self.cookies, self.secure);
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SessionJar<'r> {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(SessionJar {
            cookies: request.cookies(),
            secure: uses_tls(request),
            session: SessionCookie::of(request),
        })
    }
}

fn sign_out(cookies: &CookieJar<'_>, secure: bool) {
    cookies.remove_private(Cookie::build(cookie_name(secure)).path("/"));
}

/// A CSRF token minted during this request for a new anonymous session.
struct NewSessionToken(String);

/// Whether people reach the app over HTTPS: TLS ends here, or at a proxy in front
/// (`public_url` is `https://…`). Cookies are then `Secure` and responses carry HSTS.
pub fn uses_tls(request: &Request<'_>) -> bool {
    request.rocket().config().tls_enabled()
        || request
            .rocket()
            .state::<crate::config::Settings>()
            .is_some_and(|settings| settings.public_url.starts_with("https://"))
}

/// How the current user proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthVia {
    Cookie,
    Bearer,
}

/// The signed-in account. As a guard: 401 without valid credentials; 403 for an API write
/// authenticated by cookie only.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: Account,
    pub via: AuthVia,
    /// The bearer token's id, when authenticated by one.
    pub token_id: Option<i64>,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor::of(&self.account)
    }

    pub fn role(&self) -> Role {
        self.account.role
    }
}

fn bearer_token<'a>(request: &'a Request<'_>) -> Option<Result<&'a str, ()>> {
    let header = request.headers().get_one("Authorization")?;
    let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
        Some(Ok(token.trim()))
    } else {
        Some(Err(()))
    }
}

/// The request's `Db` guard, taken only once there are credentials to look up: a visitor's
/// page holds no connection permit.
async fn database(request: &Request<'_>) -> Result<Db, Status> {
    match request.guard::<Db>().await {
        Outcome::Success(db) => Ok(db),
        _ => Err(Status::ServiceUnavailable),
    }
}

async fn resolve(request: &Request<'_>) -> Result<Option<CurrentUser>, Status> {
    if let Some(token) = bearer_token(request) {
        let token = token.map_err(|_| Status::Unauthorized)?.to_owned();
        let db = database(request).await?;
        let found = db
            .run(move |conn| tokens::authenticate(conn, &token))
            .await
            .map_err(|e| e.status())?;
        return match found {
            Some((account, token_id)) => Ok(Some(CurrentUser {
                account,
                via: AuthVia::Bearer,
                token_id: Some(token_id),
            })),
            None => Err(Status::Unauthorized),
        };
    }
    let Some(session) = SessionCookie::of(request) else {
        return Ok(None);
    };
    let Some(secret) = session.sign_in.clone() else {
        return Ok(None);
    };
    let db = database(request).await?;
    let account = db
        .run(move |conn| crate::domain::sign_ins::account_of(conn, &secret))
        .await;
    match account {
        Ok(Some(account)) => {
            let now = Utc::now().timestamp();
            if now - session.seen > TOUCH_SECONDS {
                SessionCookie {
                    seen: now,
                    ..session
                }
                .store(request.cookies(), uses_tls(request));
            }
            Ok(Some(CurrentUser {
                account,
                via: AuthVia::Cookie,
                token_id: None,
            }))
        }
        // Signed out, ended, lapsed, or the account deactivated since: the session is over.
        Ok(None) => {
            sign_out(request.cookies(), uses_tls(request));
            Ok(None)
        }
        Err(error) => Err(error.status()),
    }
}

fn is_api_write(request: &Request<'_>) -> bool {
    !matches!(
        request.method(),
        Method::Get | Method::Head | Method::Options
    ) && crate::web::is_api(request)
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let resolved = request
            .local_cache_async(async { resolve(request).await })
            .await;
        match resolved {
            Ok(Some(user)) if user.via == AuthVia::Cookie && is_api_write(request) => {
                Outcome::Error((Status::Forbidden, ()))
            }
            Ok(Some(user)) => Outcome::Success(user.clone()),
            Ok(None) => Outcome::Error((Status::Unauthorized, ())),
            Err(status) => Outcome::Error((*status, ())),
        }
    }
}

/// Who acts, for handlers that need nothing else of the signed-in account: the same answers as
/// `CurrentUser` (401, or 403 for an API write with a cookie alone).
#[rocket::async_trait]
impl<'r> FromRequest<'r> for Actor {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        request
            .guard::<CurrentUser>()
            .await
            .map(|user| user.actor())
    }
}

/// A form whose CSRF token was checked against the session's. Use it for every form handler:
/// a missing or wrong token answers 403 before the handler runs, even when the rest of the
/// form is invalid; an invalid form with a good token answers 422.
pub struct CsrfForm<T>(pub T);

/// The form as parsed: its token and the rest, which may have failed to parse.
pub struct WithCsrf<'r, T> {
    token: Option<String>,
    inner: form::Result<'r, T>,
}

pub struct WithCsrfContext<'r, T: FromForm<'r>> {
    token: Option<String>,
    inner: T::Context,
}

#[rocket::async_trait]
impl<'r, T: FromForm<'r>> FromForm<'r> for WithCsrf<'r, T> {
    type Context = WithCsrfContext<'r, T>;

    fn init(opts: form::Options) -> Self::Context {
        WithCsrfContext {
            token: None,
            inner: T::init(opts),
        }
    }

    fn push_value(ctxt: &mut Self::Context, field: ValueField<'r>) {
        if field.name.key_lossy().as_str() == CSRF_FIELD {
            ctxt.token = Some(field.value.to_owned());
        } else {
            T::push_value(&mut ctxt.inner, field);
        }
    }

    async fn push_data(ctxt: &mut Self::Context, field: DataField<'r, '_>) {
        T::push_data(&mut ctxt.inner, field).await;
    }

    fn push_error(ctxt: &mut Self::Context, error: form::Error<'r>) {
        T::push_error(&mut ctxt.inner, error);
    }

    fn finalize(ctxt: Self::Context) -> form::Result<'r, Self> {
        Ok(WithCsrf {
            token: ctxt.token,
            inner: T::finalize(ctxt.inner),
        })
    }
}

fn csrf_matches(request: &Request<'_>, token: Option<&str>) -> bool {
    match (SessionCookie::of(request), token) {
        (Some(session), Some(token)) => bool::from(session.csrf.as_bytes().ct_eq(token.as_bytes())),
        _ => false,
    }
}

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + 'r> FromData<'r> for CsrfForm<T> {
    type Error = form::Errors<'r>;

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let parsed = match Form::<WithCsrf<'r, T>>::from_data(request, data).await {
            data::Outcome::Success(form) => form.into_inner(),
            data::Outcome::Error((status, errors)) => {
                // Not even readable as a form (wrong content type, too large): no token either.
                let status = if status == Status::PayloadTooLarge {
                    status
                } else {
                    Status::Forbidden
                };
                return data::Outcome::Error((status, errors));
            }
            data::Outcome::Forward(f) => return data::Outcome::Forward(f),
        };
        if !csrf_matches(request, parsed.token.as_deref()) {
            return data::Outcome::Error((
                Status::Forbidden,
                form::Error::validation("invalid CSRF token").into(),
            ));
        }
        match parsed.inner {
            Ok(value) => data::Outcome::Success(CsrfForm(value)),
            Err(errors) => {
                crate::web::input::remember(request, crate::web::input::from_form_errors(&errors));
                data::Outcome::Error((Status::UnprocessableEntity, errors))
            }
        }
    }
}
