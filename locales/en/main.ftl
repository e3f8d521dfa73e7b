app-name = Formation
language-name = English
skip-to-content = Skip to content
nav-label = Main navigation
nav-home = Home
language-switcher-label = Language
footer-text = Formation — train-the-trainers platform for the communes and CPAS of the Brussels-Capital Region.

home-title = Train the key users first, then their colleagues
home-intro = The key users of every commune and CPAS are trained first; they then train their own colleagues. Formation schedules the sessions, compares training capacity with demand and tracks who was trained.
home-domains-heading = Membership by domain
home-domains-help = Number of organisations in each membership status, for each domain of the shared software.
home-domains-caption = Organisations by domain and membership status
domain = Domain
domain-launched-on = Launched on
domain-not-launched = Not launched yet

membership-status-intended = Intended
membership-status-joined = Joined
membership-status-interested = Interested
membership-status-declined = Declined
membership-status-withdrawn = Withdrawn

error-title = Error
error-back-home = Back to the home page
error-bad-request = The request is not valid.
error-unauthorized = Please sign in.
error-forbidden = You are not allowed to do this.
error-not-found = This page does not exist.
error-conflict = This action conflicts with the current state of the data.
error-conflict-duplicate = This already exists.
error-validation = Some fields are not valid.
error-payload-too-large = What was sent is too large.
error-unsupported-media-type = This content type is not accepted.
error-too-many-requests = Too many attempts. Please try again in { $minutes } minute(s).
error-unavailable = The service is briefly unavailable. Please try again in a moment.
error-internal = An unexpected error occurred. It has been logged.

field-email-invalid = Invalid email address.
field-email-taken = An account with this email address already exists.
field-password-too-short = The password must have at least { $min } characters.
field-organization-unknown = Unknown organisation.
field-organization-required = This role needs an organisation.
seed-scale-range = The scale must be a number above 0 and at most 100.
seed-not-empty = This database already holds people or sessions: the scaled data set fills an empty database only.
