## Navigation and layout
nav-organizations = Organisations
nav-people = People
nav-key-users = Key users
nav-registrations = Registrations
nav-accounts = Accounts
nav-audit = Audit trail
login = Sign in
logout = Sign out
register = Register
save = Save
filter = Filter
search = Search
language-fr = French
language-nl = Dutch
language-en = English
status-active = Active
status-inactive = Inactive
status-all = All
role-admin = Administrator
role-planner = Planner
role-hr = HR officer
role-member = Member

## Sign-in, registration, passwords
login-title = Sign in
login-failed = Sign-in failed: the e-mail address or the password is wrong, or the account is locked for 15 minutes after too many failed attempts.
logout-done = You are signed out.
forgot-link = Forgot your password?
forgot-title = Reset your password
forgot-intro = Enter your e-mail address. If an account uses it, we will send a link to choose a new password; it is valid for 72 hours.
forgot-submit = Send the link
forgot-sent = If an account uses this address, a link to choose a new password is on its way.
set-password-title = Choose your password
set-password-intro = At least 12 characters; common passwords are refused. A few words make a good password.
set-password-submit = Save my password
set-password-done = Your password is saved and you are signed in.
register-title = Create your account
register-intro = If your HR department has already listed you, we e-mail you a link to create your account. Otherwise your request goes to your organisation's HR department.
register-received = Thank you. Check your mailbox: you will receive a link to create your account, or a message once your organisation's HR department has reviewed your request.

## Fields
field-email = E-mail address
field-password = Password
field-new-password = New password
field-full-name = Full name
field-organization = Organisation
field-language = Language
field-job-title = Job title
field-profile = Profile
field-role = Role
field-status = Status
field-status-since = Since
field-label = Label
field-reason = Reason
field-person = Person
field-person-id = Person number
field-file = CSV file
field-required-key-users = Key users required

## Field errors
field-invalid = This value is not valid here.
field-json-invalid = The request body is not valid JSON.
field-required = This field is required.
field-too-long = At most { $max } characters.
field-too-many = At most { $max } lines.
field-password-common = This password is among the most common ones; choose another.
field-password-wrong = The current password is wrong.
field-current-password = Current password
account-password = Change your password
account-password-intro = Your other sign-ins end; your API tokens stay.
password-changed = Your password is changed. Your other sign-ins are ended.
field-language-invalid = Choose French (fr), Dutch (nl) or English (en).
field-role-not-allowed = You cannot create an account with this role.
field-person-unknown = Unknown person.
field-person-required = A member account belongs to a person: choose one.
field-person-has-account = This person already has an account.
field-organization-not-the-persons = This is not the person's organisation.
field-organization-fixed = A person cannot move to another organisation; create them there instead.
field-date-invalid = Enter a date as YYYY-MM-DD.
field-number-range = Enter a whole number between { $min } and { $max }.
field-status-invalid = Unknown status.
field-domain-unknown = Unknown domain.
field-domain-not-joined = The person's organisation has not joined this domain and does not intend to.
field-csv-unreadable = The file cannot be read as CSV.
field-csv-missing-column = The column “{ $column }” is missing from the header row.
field-csv-unknown-column = Unknown column “{ $column }”.
field-csv-bad-row = This row cannot be read (wrong number of columns?).
field-csv-duplicate-email = This address already appears on line { $line }.
field-csv-empty = The file has no rows.
field-file-too-large = The file is larger than { $max } MiB.
error-link-expired = This link has expired or was already used. Ask for a new one.
error-person-anonymised = This person was anonymised and can no longer be changed.
error-request-decided = This request was already decided.
error-key-user-exists = This person is already a key user for this domain.
error-key-user-withdrawn = This key user was already withdrawn.

## Account and tokens
account-title = My account
account-language = Language of the interface
account-language-browser = The browser's language
account-language-saved = Your language preference is saved.
account-last-login = Last sign-in
tokens-title = API tokens
tokens-intro = Programs use a token to call the API on your behalf. A token is valid for 90 days; revoke those you no longer use.
tokens-none = No tokens.
token-create = Create a token
token-created = Your new token. Copy it now: it will not be shown again.
token-created-at = Created
token-expires-at = Expires
token-last-used = Last used
token-revoke = Revoke
token-revoked = The token is revoked.

## Accounts and registrations
accounts-title = Accounts
accounts-caption = Accounts you manage
account-new = New account
account-new-help = Choose the person (their number is on their page). Without a password, they receive an invitation by e-mail, valid for 72 hours.
account-create = Create the account
account-created = The account is created and the invitation is on its way.
registrations-title = Registration requests
registrations-none = No requests.
registration-cap-reached = Too many requests are waiting for this organisation today. Try again tomorrow, or ask its HR.
registrations-show-all = Show decided requests too
registrations-pending-only = Show pending requests only
registration-status-pending = Pending
registration-status-accepted = Accepted
registration-status-refused = Refused
registration-accept = Accept
registration-refuse = Refuse
registration-accepted = The request is accepted: the person is added and invited.
registration-refused = The request is refused; the requester is told.
registration-no-reason = No reason was given.

## People
people-title = People
people-count = { $count } people
person-title = Person
person-new-title = Add a person
person-saved = Saved.
person-data-title = Personal data
person-export = Download all their data (JSON)
person-anonymise = Anonymise
person-anonymise-help = For someone who left: their name, e-mail address and job title are erased and their account closed; the training they followed stays counted.
person-anonymised = The person is anonymised.
import-title = Import people
import-help = A CSV file with a header row and the columns { $columns } (full_name and language required; language is fr, nl or en). At most { $max } MiB. Either every row is imported or none.
import-submit = Import
import-progress = Sending the file…
import-done = { $count } people imported into { $organization }.
import-failed = Nothing was imported. Correct these rows and try again:

## Organisations and memberships
organizations-title = Organisations and domains
organizations-help = Where each organisation stands with each domain of the shared software, its go-live date and its certified key users against those required.
organizations-caption = Memberships by organisation and domain
organization-title = Organisation
organization-kind-commune = Commune
organization-kind-cpas = CPAS
organization-kind-school = School
organization-kind-integrator = Integrator
organization-kind-region = Region
go-live = Go-live
key-users-certified = Certified key users
key-users-certified-of = { $certified } / { $required } certified key users
membership-edit = Change
membership-saved = The membership is saved.
organization-settings-saved = Settings saved.
organization-requires-approval = Enrolment requests from this organisation's staff wait for its HR's approval
organization-no-approval = This organisation's staff enrol without HR approval

## Key users
key-users-title = Key users
key-users-none = No key users.
key-user-designate = Designate a key user
key-user-designated = The key user is designated.
key-user-withdraw = Withdraw
key-user-withdrawn = The key user is withdrawn.
key-user-designated-on = Designated on
key-user-certified-on = Certified on
key-user-status-nominated = Nominated
key-user-status-in_training = In training
key-user-status-certified = Certified
key-user-status-withdrawn = Withdrawn

## Audit
audit-title = Audit trail
audit-count = { $count } events
audit-at = When
audit-actor = Who
audit-system = the system
audit-action = Action
audit-entity = What
audit-detail = Detail
audit-from = From
audit-to = To

## E-mails
email-invitation-subject = Your Formation account
email-invitation-body =
    Hello,

    An account was created for you on Formation, the training platform for the shared software of the Brussels local authorities.
    Choose your password here (the link is valid for { $hours } hours and works once):

    { $link }
email-reset-subject = Choose a new Formation password
email-reset-body =
    Hello,

    Someone asked to reset the password of your Formation account. If it was you, choose a new password here (the link is valid for { $hours } hours and works once):

    { $link }

    If it was not you, ignore this message: your password stays the same.
email-claim-subject = Create your Formation account
email-claim-body =
    Hello,

    Your HR department has listed you on Formation. Create your account here (the link is valid for { $hours } hours and works once):

    { $link }
email-registration-refused-subject = Your Formation registration
email-registration-refused-body =
    Hello,

    Your organisation's HR department did not accept your registration request.
    Reason: { $reason }
