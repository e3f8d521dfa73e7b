//! Signing in and out, self-registration, invitations and password resets, one's own account
//! and API tokens.

use std::net::IpAddr;

use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::{delete, get, patch, post, put, routes, Either, Route, State};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::db::{Database, Db, DbConn};
use crate::domain::accounts::{self, Account, AccountView};
use crate::domain::organizations::{self, Organization, OrganizationKind};
use crate::domain::registrations::{self, RegistrationInput};
use crate::domain::sign_ins;
use crate::domain::tokens::{self, ApiToken, LinkPurpose};
use crate::error::{AppError, Message};
use crate::web::auth::{AuthVia, CsrfForm, CurrentUser, SessionJar};
use crate::web::forms::{done, redisplay, safe_next, Confirm, Errors, FormResponse};
use crate::web::i18n::Locale;
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::throttle::{Door, Throttle};
use crate::web::List;

#[derive(Debug, Default, FromForm, Serialize)]
pub struct SignInForm {
    pub email: String,
    #[serde(skip)]
    pub password: String,
    pub next: Option<String>,
}

#[derive(Serialize)]
struct SignInPage {
    page: PageContext,
    email: String,
    next: String,
    failed: bool,
    errors: Errors,
}

#[get("/login?<next>")]
fn login_page(page: PageContext, next: Option<String>) -> Either<Redirect, Template> {
    if page.user.is_some() {
        return Either::Left(Redirect::to(safe_next(next.as_deref())));
    }
    Either::Right(Template::render(
        "auth/login",
        SignInPage {
            page: page.titled("login-title"),
            email: String::new(),
            next: safe_next(next.as_deref()),
            failed: false,
            errors: Errors::new(),
        },
    ))
}

/// Checks credentials within the rate limits (`web::throttle`), and on success runs `then` in
/// the same transaction. A failure counts against the client's address. Takes the `Database`,
/// not a `Db` guard: no connection is held while argon2 runs.
async fn check_credentials<T: Send + 'static>(
    database: &Database,
    throttle: &Throttle,
    address: Option<IpAddr>,
    (email, password): (&str, &str),
    then: impl FnOnce(&mut DbConn, &Account) -> Result<T, AppError> + Send + 'static,
) -> Result<(Account, T), AppError> {
    let attempt = throttle.sign_in(address, email)?;
    let result = accounts::sign_in(database, email, password, then).await;
    if !matches!(result, Err(AppError::SignInFailed)) {
        throttle.release(attempt);
    }
    result
}

/// A new browser sign-in, ending the one this browser held before (if any).
fn replace_sign_in(
    held: Option<String>,
) -> impl FnOnce(&mut DbConn, &Account) -> Result<String, AppError> + Send + 'static {
    move |conn, account| {
        if let Some(held) = held {
            sign_ins::end(conn, &held)?;
        }
        sign_ins::start(conn, account.id)
    }
}

#[post("/login", data = "<form>")]
async fn login(
    page: PageContext,
    database: &State<Database>,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    jar: SessionJar<'_>,
    form: CsrfForm<SignInForm>,
) -> Result<Either<Redirect, (Status, Template)>, AppError> {
    let form = form.0;
    let credentials = (form.email.as_str(), form.password.as_str());
    let replace = replace_sign_in(jar.held());
    match check_credentials(database, throttle, address, credentials, replace).await {
        Ok((account, secret)) => {
            jar.sign_in(secret, &account);
            Ok(Either::Left(Redirect::to(safe_next(form.next.as_deref()))))
        }
        Err(AppError::SignInFailed) => Ok(Either::Right((
            Status::Unauthorized,
            Template::render(
                "auth/login",
                SignInPage {
                    page: page.titled("login-title"),
                    email: form.email,
                    next: safe_next(form.next.as_deref()),
                    failed: true,
                    errors: Errors::new(),
                },
            ),
        ))),
        Err(other) => Err(other),
    }
}

/// Ends the sign-in on the server too: a copy of the cookie is worth nothing afterwards.
#[post("/logout", data = "<_form>")]
async fn logout(
    db: Db,
    jar: SessionJar<'_>,
    locale: Locale,
    _form: CsrfForm<Confirm>,
) -> Result<Flash<Redirect>, AppError> {
    if let Some(secret) = jar.sign_out() {
        db.run(move |conn| sign_ins::end(conn, &secret)).await?;
    }
    Ok(Flash::success(Redirect::to("/"), locale.tr("logout-done")))
}

#[derive(Serialize)]
struct RegisterPage {
    page: PageContext,
    organizations: Vec<Organization>,
    values: RegistrationInput,
    errors: Errors,
}

/// Organisations people can belong to (the local authorities, then the school and integrators).
async fn registrable_organizations(db: &Db) -> Result<Vec<Organization>, AppError> {
    let mut all = db.run(organizations::all).await?;
    all.retain(|o| o.kind != OrganizationKind::Region);
    Ok(all)
}

#[get("/register")]
async fn register_page(page: PageContext, db: Db) -> Result<Template, AppError> {
    let values = RegistrationInput {
        language: Some(page.lang.to_owned()),
        ..Default::default()
    };
    Ok(Template::render(
        "auth/register",
        RegisterPage {
            organizations: registrable_organizations(&db).await?,
            page: page.titled("register-title"),
            values,
            errors: Errors::new(),
        },
    ))
}

#[post("/register", data = "<form>")]
async fn register(
    page: PageContext,
    db: Db,
    settings: &State<Settings>,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    form: CsrfForm<RegistrationInput>,
) -> FormResponse {
    let input = form.0;
    throttle.admit(
        Door::Registration,
        address,
        input.email.as_deref().unwrap_or_default(),
    )?;
    let public_url = settings.public_url.clone();
    let submitted = input.clone();
    match db
        .run(move |conn| registrations::register(conn, &submitted, &public_url))
        .await
    {
        Ok(()) => Ok(Either::Right((
            Status::Ok,
            Template::render(
                "auth/registered",
                RegisteredPage {
                    page: page.titled("register-title"),
                },
            ),
        ))),
        Err(error) => {
            let organizations = registrable_organizations(&db).await?;
            let locale = page.locale();
            redisplay(locale, error, "auth/register", |errors| RegisterPage {
                page: page.titled("register-title"),
                organizations,
                values: input,
                errors,
            })
        }
    }
}

#[derive(Serialize)]
struct RegisteredPage {
    page: PageContext,
}

#[derive(Serialize)]
struct Received {
    status: &'static str,
}

/// Always 202 with the same body once the fields are valid, whether or not the address is known.
#[post("/api/v1/registrations", data = "<input>")]
async fn api_register(
    db: Db,
    settings: &State<Settings>,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    input: JsonBody<RegistrationInput>,
) -> Result<(Status, Json<Received>), AppError> {
    let public_url = settings.public_url.clone();
    let input = input.into_inner();
    throttle.admit(
        Door::Registration,
        address,
        input.email.as_deref().unwrap_or_default(),
    )?;
    db.run(move |conn| registrations::register(conn, &input, &public_url))
        .await?;
    Ok((Status::Accepted, Json(Received { status: "received" })))
}

#[derive(Debug, Default, FromForm, Deserialize)]
pub struct ResetRequest {
    pub email: Option<String>,
}

#[derive(Serialize)]
struct ForgotPage {
    page: PageContext,
    email: String,
    errors: Errors,
}

#[get("/password/forgot")]
fn forgot_page(page: PageContext) -> Template {
    Template::render(
        "auth/forgot",
        ForgotPage {
            page: page.titled("forgot-title"),
            email: String::new(),
            errors: Errors::new(),
        },
    )
}

#[post("/password/forgot", data = "<form>")]
async fn forgot(
    page: PageContext,
    db: Db,
    settings: &State<Settings>,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    form: CsrfForm<ResetRequest>,
) -> FormResponse {
    let email = form.0.email.unwrap_or_default();
    throttle.admit(Door::PasswordReset, address, &email)?;
    let public_url = settings.public_url.clone();
    let submitted = email.clone();
    let locale = page.locale();
    match db
        .run(move |conn| accounts::request_password_reset(conn, &submitted, &public_url))
        .await
    {
        Ok(()) => done("/login", locale, Message::new("forgot-sent")),
        Err(error) => redisplay(locale, error, "auth/forgot", |errors| ForgotPage {
            page: page.titled("forgot-title"),
            email,
            errors,
        }),
    }
}

#[post("/api/v1/password-resets", data = "<body>")]
async fn api_forgot(
    db: Db,
    settings: &State<Settings>,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    body: JsonBody<ResetRequest>,
) -> Result<(Status, Json<Received>), AppError> {
    let email = body.into_inner().email.unwrap_or_default();
    throttle.admit(Door::PasswordReset, address, &email)?;
    let public_url = settings.public_url.clone();
    db.run(move |conn| accounts::request_password_reset(conn, &email, &public_url))
        .await?;
    Ok((Status::Accepted, Json(Received { status: "received" })))
}

#[derive(Debug, Default, FromForm)]
pub struct NewPassword {
    pub password: String,
}

#[derive(Serialize)]
struct SetPasswordPage {
    page: PageContext,
    purpose: LinkPurpose,
    token: String,
    errors: Errors,
}

#[get("/password/set/<token>")]
async fn set_password_page(page: PageContext, db: Db, token: String) -> Result<Template, AppError> {
    let secret = token.clone();
    let purpose = db
        .run(move |conn| accounts::link_purpose(conn, &secret))
        .await?;
    Ok(Template::render(
        "auth/set_password",
        SetPasswordPage {
            page: page.titled("set-password-title"),
            purpose,
            token,
            errors: Errors::new(),
        },
    ))
}

#[post("/password/set/<token>", data = "<form>")]
async fn set_password(
    page: PageContext,
    database: &State<Database>,
    jar: SessionJar<'_>,
    token: String,
    form: CsrfForm<NewPassword>,
) -> FormResponse {
    let locale = page.locale();
    let replace = replace_sign_in(jar.held());
    match accounts::complete_link(database.inner(), &token, &form.0.password, replace).await {
        Ok((account, secret)) => {
            jar.sign_in(secret, &account);
            done("/", locale, Message::new("set-password-done"))
        }
        Err(error) => {
            let secret = token.clone();
            let purpose = database
                .run(move |conn| accounts::link_purpose(conn, &secret))
                .await?;
            redisplay(locale, error, "auth/set_password", |errors| {
                SetPasswordPage {
                    page: page.titled("set-password-title"),
                    purpose,
                    token,
                    errors,
                }
            })
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    pub email: String,
    pub password: String,
    pub label: Option<String>,
}

#[derive(Serialize)]
struct TokenCreated {
    id: i64,
    token: String,
    label: Option<String>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    expires_at: chrono::NaiveDateTime,
}

/// `POST /api/v1/tokens`: 201 with the token (shown once); 401 on bad credentials, the same
/// answer whether or not the address exists, and subject to the same lockout as the form.
#[post("/api/v1/tokens", data = "<body>")]
async fn create_token(
    database: &State<Database>,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    body: JsonBody<TokenRequest>,
) -> Result<(Status, Json<TokenCreated>), AppError> {
    let body = body.into_inner();
    let label = tokens::label(body.label.as_deref())?;
    let credentials = (body.email.as_str(), body.password.as_str());
    let (_, (secret, token)) = check_credentials(database, throttle, address, credentials, {
        move |conn, account| tokens::create_api_token(conn, account, label.as_deref())
    })
    .await?;
    Ok((
        Status::Created,
        Json(TokenCreated {
            id: token.id,
            token: secret,
            label: token.label,
            expires_at: token.expires_at,
        }),
    ))
}

/// Revokes the token the request is made with.
#[delete("/api/v1/tokens/current")]
async fn revoke_current_token(db: Db, user: CurrentUser) -> Result<Status, AppError> {
    let Some(token_id) = user.token_id else {
        return Err(AppError::Forbidden);
    };
    db.run(move |conn| tokens::revoke_api_token(conn, &user.account, token_id))
        .await?;
    Ok(Status::NoContent)
}

#[derive(Serialize)]
struct Me {
    #[serde(flatten)]
    account: AccountView,
    authenticated_by: AuthVia,
}

#[get("/api/v1/me")]
async fn me(db: Db, user: CurrentUser) -> Result<Json<Me>, AppError> {
    let account_id = user.account.id;
    let account = db.run(move |conn| accounts::view(conn, account_id)).await?;
    Ok(Json(Me {
        account,
        authenticated_by: user.via,
    }))
}

#[derive(Serialize)]
struct AccountPage {
    page: PageContext,
    account: AccountView,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    /// The password form's errors.
    errors: Errors,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    now: chrono::NaiveDateTime,
}

async fn account_page(
    db: &Db,
    page: PageContext,
    user: &CurrentUser,
    new_token: Option<String>,
) -> Result<Template, AppError> {
    account_page_with(db, page, user, new_token, Errors::new()).await
}

async fn account_page_with(
    db: &Db,
    page: PageContext,
    user: &CurrentUser,
    new_token: Option<String>,
    errors: Errors,
) -> Result<Template, AppError> {
    let account_id = user.account.id;
    let (account, tokens) = db
        .run(move |conn| {
            Ok((
                accounts::view(conn, account_id)?,
                tokens::list_api_tokens(conn, account_id)?,
            ))
        })
        .await?;
    Ok(Template::render(
        "account/show",
        AccountPage {
            page: page.titled("account-title"),
            account,
            tokens,
            new_token,
            errors,
            now: crate::domain::now(),
        },
    ))
}

#[get("/account")]
async fn account(page: PageContext, db: Db, user: CurrentUser) -> Result<Template, AppError> {
    account_page(&db, page, &user, None).await
}

#[derive(Debug, Default, FromForm)]
pub struct TokenLabel {
    pub label: Option<String>,
}

/// Creates a token from the account page and shows it once, on the page itself (never in a
/// redirect or a flash cookie).
#[post("/account/tokens", data = "<form>")]
async fn account_create_token(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    form: CsrfForm<TokenLabel>,
) -> Result<Template, AppError> {
    let account = user.account.clone();
    let label = form.0.label;
    let (secret, _) = db
        .run(move |conn| tokens::create_api_token(conn, &account, label.as_deref()))
        .await?;
    account_page(&db, page, &user, Some(secret)).await
}

#[post("/account/tokens/<id>/revoke", data = "<_form>")]
async fn account_revoke_token(
    db: Db,
    locale: Locale,
    user: CurrentUser,
    id: i64,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    db.run(move |conn| tokens::revoke_api_token(conn, &user.account, id))
        .await?;
    done("/account", locale, Message::new("token-revoked"))
}

#[derive(Debug, Default, FromForm, Deserialize)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub password: String,
}

/// Changes one's password within the sign-in rate limits (a wrong current password counts as
/// a failed sign-in).
async fn change_password(
    db: &Db,
    throttle: &Throttle,
    address: Option<IpAddr>,
    account: &Account,
    input: &PasswordChangeInput,
) -> Result<(), AppError> {
    let attempt = throttle.sign_in(address, &account.email)?;
    let result =
        accounts::change_password(db, account, &input.current_password, &input.password).await;
    let wrong = matches!(&result, Err(AppError::Validation(errors)) if errors.0.contains_key("current_password"));
    if !wrong {
        throttle.release(attempt);
    }
    result
}

/// Changes the password, ends every sign-in and starts a new one for this browser.
#[post("/account/password", data = "<form>")]
async fn account_password(
    page: PageContext,
    db: Db,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    jar: SessionJar<'_>,
    user: CurrentUser,
    form: CsrfForm<PasswordChangeInput>,
) -> FormResponse {
    let locale = page.locale();
    match change_password(&db, throttle, address, &user.account, &form.0).await {
        Ok(()) => {
            let account_id = user.account.id;
            let secret = db
                .run(move |conn| sign_ins::start(conn, account_id))
                .await?;
            jar.sign_in(secret, &user.account);
            done("/account", locale, Message::new("password-changed"))
        }
        Err(AppError::Validation(errors)) => {
            let errors = crate::web::errors::translated_fields(locale, &errors);
            let template = account_page_with(&db, page, &user, None, errors).await?;
            Ok(Either::Right((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other),
    }
}

/// `PUT /api/v1/me/password {current_password, password}`: 204; every browser sign-in ends,
/// tokens stay.
#[put("/api/v1/me/password", data = "<body>")]
async fn api_change_password(
    db: Db,
    throttle: &State<Throttle>,
    address: Option<IpAddr>,
    user: CurrentUser,
    body: JsonBody<PasswordChangeInput>,
) -> Result<Status, AppError> {
    change_password(&db, throttle, address, &user.account, &body.into_inner()).await?;
    Ok(Status::NoContent)
}

#[derive(Debug, Default, FromForm, Deserialize)]
pub struct LanguageChoice {
    /// `fr`, `nl`, `en`, or empty (or null) to follow the browser.
    pub locale: Option<String>,
}

impl LanguageChoice {
    fn locale(&self) -> Result<Option<Locale>, AppError> {
        match crate::domain::non_blank(self.locale.as_deref()) {
            None => Ok(None),
            Some(code) => Locale::parse(&code)
                .map(Some)
                .ok_or_else(|| AppError::invalid("locale", Message::new("field-language-invalid"))),
        }
    }
}

#[post("/account/language", data = "<form>")]
async fn account_language(
    db: Db,
    jar: SessionJar<'_>,
    user: CurrentUser,
    form: CsrfForm<LanguageChoice>,
) -> FormResponse {
    let locale = form.0.locale()?;
    let account = user.account.clone();
    db.run(move |conn| accounts::set_locale(conn, &account, locale))
        .await?;
    jar.set_locale(locale);
    let shown = locale.unwrap_or(Locale::DEFAULT);
    done("/account", shown, Message::new("account-language-saved"))
}

/// `PATCH /api/v1/me {locale}`: the account's language (`null` follows the client's).
#[patch("/api/v1/me", data = "<body>")]
async fn api_update_me(
    db: Db,
    user: CurrentUser,
    body: JsonBody<LanguageChoice>,
) -> Result<Json<Me>, AppError> {
    let locale = body.0.locale()?;
    let account = user.account.clone();
    let view = db
        .run(move |conn| {
            accounts::set_locale(conn, &account, locale)?;
            accounts::view(conn, account.id)
        })
        .await?;
    Ok(Json(Me {
        account: view,
        authenticated_by: user.via,
    }))
}

/// The account's own tokens (never their secrets).
#[get("/api/v1/tokens")]
async fn api_tokens(db: Db, user: CurrentUser) -> Result<Json<List<ApiToken>>, AppError> {
    let account_id = user.account.id;
    let items = db
        .run(move |conn| tokens::list_api_tokens(conn, account_id))
        .await?;
    Ok(Json(List::of(items)))
}

/// Revokes one of the account's own tokens; another account's answers 404.
#[delete("/api/v1/tokens/<id>")]
async fn api_revoke_token(db: Db, user: CurrentUser, id: i64) -> Result<Status, AppError> {
    db.run(move |conn| tokens::revoke_api_token(conn, &user.account, id))
        .await?;
    Ok(Status::NoContent)
}

#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    pub token: String,
    pub password: String,
}

/// `POST /api/v1/password {token, password}`: the twin of the set-password page.
#[post("/api/v1/password", data = "<body>")]
async fn api_set_password(
    database: &State<Database>,
    body: JsonBody<PasswordChange>,
) -> Result<Json<AccountView>, AppError> {
    let PasswordChange { token, password } = body.into_inner();
    let (account, ()) =
        accounts::complete_link(database.inner(), &token, &password, |_, _| Ok(())).await?;
    Ok(Json(
        database
            .run(move |conn| accounts::view(conn, account.id))
            .await?,
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        api_update_me,
        api_tokens,
        api_revoke_token,
        api_set_password,
        login_page,
        login,
        logout,
        register_page,
        register,
        api_register,
        forgot_page,
        forgot,
        api_forgot,
        set_password_page,
        set_password,
        create_token,
        revoke_current_token,
        me,
        account,
        account_create_token,
        account_revoke_token,
        account_language,
        account_password,
        api_change_password
    ]
}
