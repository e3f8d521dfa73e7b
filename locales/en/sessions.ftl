## Navigation
nav-sessions = Sessions
nav-catalogue = Catalogue
nav-interests = Interests
nav-venues = Venues
nav-outbox = Outbox
language-bilingual = Bilingual

## Catalogue
catalogue-title = Training catalogue
catalogue-intro = The modules of each domain: train-the-trainer modules for key users, and the modules key users give to their colleagues.
modules-none = No modules.
module-title = Module
module-new-title = New module
module-edit = Edit the module
module-saved = The module is saved.
module-sessions = Coming sessions
module-certifies = certifies trainers
module-assessed = Assessed (passed or not)
tier-trainer = Train the trainer
tier-end_user = End users
field-code = Code
field-title = Title
field-title-fr = Title in French
field-title-nl = Title in Dutch
field-description-fr = Description in French
field-description-nl = Description in Dutch
field-tier = Tier
field-duration = Duration (minutes)
field-prerequisite = Prerequisite
field-code-invalid = Letters, digits and dashes, at most 40 (stored in capitals).
field-certifying-assessed = A module that certifies trainers is always assessed.
field-code-taken = Another module already has this code.
field-tier-invalid = Choose trainer or end_user.
field-prerequisite-self = A module cannot be its own prerequisite.
field-module-unknown = Unknown module.
field-module = Module
venues-title = Venues
venue-new = New venue
venue-saved = The venue is saved.
field-name = Name
field-address = Address
field-seats = Seats

## Sessions
sessions-title = Sessions
sessions-none = No sessions.
sessions-count = { $count } sessions
sessions-free-seats-only = With free seats only
session-title = Session
session-new-title = New session
session-edit-title = Edit the session
session-form-help = Times are Brussels time. A new session is a draft until it is published.
session-saved = The session is saved.
session-published = The session is published.
session-cancelled = The session is cancelled; everyone enrolled has been told.
session-publish = Publish
session-cancel = Cancel the session
session-when = When
session-where = Where
session-online = Online
session-seats = Seats taken
session-waitlist = { $count } waiting
session-calendar = Add to my calendar (.ics)
session-status-draft = Draft
session-status-published = Published
session-status-cancelled = Cancelled
session-status-completed = Completed
field-starts-at = Starts
field-ends-at = Ends
field-registration-closes = Registration closes
field-capacity = Seats
field-venue = Venue
field-online-url = Online link
field-trainer = Trainer
field-trainer-id = Trainer (person number)
field-organizer = Organiser
field-note = Note
field-datetime-invalid = Enter a date and time, e.g. 2026-12-01T09:00.
field-ends-before-start = The end must come after the start.
field-closes-after-start = Registration must close before the session starts.
field-session-language-invalid = Choose fr, nl, bilingual or en.
field-venue-unknown = Unknown venue.
field-venue-or-link = Give a venue or an online link.
field-url-invalid = Enter a web address starting with https://.
field-capacity-below-taken = { $taken } seats are already taken: the capacity cannot go below that.
field-trainer-busy = The trainer gives another session at an overlapping time.
field-venue-busy = The venue is booked at an overlapping time.
field-not-a-participant = This person holds no seat in the session.
field-format-invalid = Choose json, csv or xlsx.
error-session-cancelled = This session is cancelled.
error-session-has-participants = People are enrolled in this session: its organiser and module can no longer change. Cancel it and create another.
error-session-not-draft = Only a draft can be published.

## Enrolment
enrollment-title = Enrolment
enrollment-self = Enrol me
enrollment-person = Enrol
enrollment-bulk = Enrol several people: their e-mail addresses, separated by commas or lines
enrollment-bulk-submit = Enrol them
enrollment-bulk-results = Result for each person
enrollment-confirmed = Enrolled: your seat is confirmed.
enrollment-waitlisted = The session is full: you are on the waitlist.
enrollment-pending = Your request waits for your HR department's approval.
enrollment-updated = The enrolment is updated.
enrollment-approve = Approve
enrollment-refuse = Refuse
enrollment-cancel = Cancel
enrollment-status-pending_approval = Waiting for approval
enrollment-status-confirmed = Confirmed
enrollment-status-waitlisted = On the waitlist
enrollment-status-cancelled = Cancelled
enrollment-status-attended = Attended
enrollment-status-absent = Absent
enroll-session-cancelled = This session is cancelled.
enroll-session-not-open = This session is not open for enrolment.
enroll-registration-closed = Registration for this session is closed.
enroll-not-key-user = Train-the-trainer sessions are for the designated key users of organisations that joined the domain.
enroll-other-organization = This session is for the staff of its organising organisation only.
enroll-prerequisite-missing = The prerequisite module must be attended and passed first.
enroll-already = This person is already enrolled in this session.
enroll-overlap = This person already holds a seat in a session at an overlapping time.
enroll-not-cancellable = This enrolment can no longer be cancelled.
enroll-not-pending = This request was already decided.
enroll-person-unknown = Unknown person, or outside your organisation.
participants-title = Participants
attendance-attended = attended
attendance-passed = passed
attendance-save = Save attendance
attendance-saved = Attendance is saved.
attendance-too-early = Attendance can be recorded once the session has started.
sheet-title = Sign-in sheet
sheet-signature = Signature

## Interests
interests-title = Interests
interests-intro = People who would follow a module if a session suited them, by module and language.
interests-none = No interests.
interest-declare = I am interested
interest-help = No session suits you (language, dates)? Say so: planners schedule sessions from these requests.
interest-saved = Your interest is recorded.

## Calendar feed
calendar-title = My calendar feed
calendar-intro = A private address that calendar apps can subscribe to, with every session where you hold a seat. Anyone who has the address can read it: revoke it if it leaks.
calendar-create = Create a new address
calendar-revoke = Revoke the address
calendar-created = Your feed's address (shown once; creating a new one replaces it):
calendar-revoked = The feed address is revoked.

## Outbox
outbox-title = Outbox
outbox-intro = Every e-mail the app has queued. Without SMTP configured they are not sent, and can be read here.
outbox-none = No e-mails.
outbox-sent = sent
outbox-waiting = waiting

## E-mails
email-greeting = Hello { $name },
email-session-when = When
email-session-where = Where
email-session-link = Details
email-calendar-attached = The calendar invitation is attached.
email-enrollment-confirmed = Your seat in “{ $module }” is confirmed.
email-enrollment-confirmed-subject = Seat confirmed: { $module }
email-enrollment-waitlisted = The session “{ $module }” is full: you are number { $position } on the waitlist. We will write as soon as a seat frees up.
email-enrollment-waitlisted-subject = On the waitlist: { $module }
email-enrollment-pending = Your enrolment in “{ $module }” waits for your HR department's approval.
email-enrollment-pending-subject = Awaiting approval: { $module }
email-enrollment-promoted = A seat freed up in “{ $module }”: it is yours.
email-enrollment-promoted-subject = A seat for you: { $module }
email-enrollment-refused = Your enrolment in “{ $module }” was not approved. Reason: { $reason }
email-enrollment-refused-subject = Enrolment not approved: { $module }
email-enrollment-cancelled = Your enrolment in “{ $module }” is cancelled.
email-enrollment-cancelled-subject = Enrolment cancelled: { $module }
email-enrollment-session_changed = The session “{ $module }” has changed. Here are its new details.
email-enrollment-session_changed-subject = Session changed: { $module }
email-enrollment-session_cancelled = The session “{ $module }” is cancelled. We are sorry for the inconvenience.
email-enrollment-session_cancelled-subject = Session cancelled: { $module }
email-enrollment-reminder = A reminder: your session “{ $module }” is in two days.
email-enrollment-reminder-subject = Reminder: { $module }

## Cascade
key-user-certify = Certify
key-user-certified = The key user is certified.
error-key-user-certified = This key user is already certified.
cascade-end-user-only = Key users give end-user sessions; train-the-trainer sessions are scheduled by the school's planners.
cascade-not-certified = Only key users certified in this module's domain may give its sessions to their colleagues.

## Coverage
nav-coverage = Coverage
coverage-title = Cascade coverage
coverage-intro = For each organisation and domain: key users designated, trained and certified against those required, and the end users trained against those targeted (the year's collective plan, or the staff concerned).
coverage-designated = Key users designated
coverage-trained = Key users trained
coverage-targeted = End users targeted
coverage-end-users-trained = End users trained
coverage-percent = Coverage
at-risk-title = At risk
at-risk-go-live = go-live on { $date }, in { $days } days
at-risk-key-users = { $count } certified key users missing
at-risk-end-users = { $count } end users to train to reach half

## Tree
nav-tree = Who trained whom
tree-title = Who trained whom
tree-intro = For a domain: the trainers of the school and integrators, the key users they trained, and the colleagues each key user trained in turn, with each key user's reach.
tree-reach = Reach
tree-trained-elsewhere = Key users trained elsewhere
tree-key-users = { $count } key users
tree-key-users-total = { $count ->
    [one] One key user, by organisation then name.
   *[other] { $count } key users, by organisation then name.
}
tree-reach-line = { $trained } end users trained, { $sessions } sessions given, { $noshow } % no-shows
tree-none-yet = No colleagues trained yet.
tree-empty = Nobody trained in this domain yet.
