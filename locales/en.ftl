# ibis: English texts of the web pages.
# Every key here must also be in lv.ftl; the tests of ibis-web check it.

## The product and the layout

app-name = ibis
app-tagline = Individual budgets for social services
skip-to-content = Skip to main content
signed-in-as = Signed in:
sign-out = Sign out
lang-switch = Latviešu
nav-label = Main menu
nav-home = Start
nav-people = People
nav-register = Register a person
nav-providers = Providers
nav-catalogue = Service catalogue
footer-about = ibis – the information system for individual budgets in community-based social services. Personal data is processed only for the work it is needed for, and every access is recorded.
title-error-prefix = Error:

## Roles

role-person = Person or legal representative
role-social-worker = Social worker (case manager)
role-assessor = Assessor
role-broker = Broker or support person
role-approver = Municipality approver
role-provider = Provider staff
role-analyst = Planning region or ministry analyst
role-admin = Administrator

## Signing in

sign-in-title = Sign in
sign-in-intro = Enter your user name and password.
field-username = User name
field-password = Password
sign-in-button = Sign in
sign-in-failed-title = Could not sign in
sign-in-bad-credentials = Wrong user name or password. Check them and try again.
sign-in-rate-limited = There were too many failed attempts for this user name. Try again in { $minutes } minutes.
sign-in-missing = Enter both your user name and your password.

## Start page

home-title = Start
home-greeting = Hello, { $name }!
home-your-role = Your role
home-you-see = You see
scope-municipality = the records of people in your municipality
scope-linked = the records of the people you are linked to
scope-provider = the records of your provider's clients
scope-nothing = no one's record (aggregate figures and settings only)
home-what-you-can-do = What you can do here
home-people-text = Find people and open their records.
home-register-text = Register a new person in your municipality.
home-providers-text = Find providers by municipality and service.
home-catalogue-text = Browse the types of service in eight categories.

## People

people-title = People
people-search-label = Find a person
people-search-hint = Given name, family name or personal code
search-button = Search
people-count = { $count ->
    [0] No people found
    [one] { $count } person found
   *[other] { $count } people found
}
people-caption = People you may see
col-name = Name
field-personal-code = Personal code
field-given-name = Given name
field-family-name = Family name
field-birth-date = Date of birth
field-target-group = Target group
field-municipality = Municipality
field-living = Living situation
group-child-ft = Child with functional disorders
group-adult-grt = Adult with a mental disorder
pager-label = Pages
pager-prev = Previous page
pager-next = Next page
pager-of = Page { $page } of { $pages }

## Registering a person

person-new-title = Register a person
person-new-intro = All fields are required.
person-new-button = Register
hint-personal-code = As DDMMYY-NNNNN, for example 010203-12345
hint-birth-date = As YYYY-MM-DD if your browser shows no calendar
hint-municipality = You may register people of your own municipality.
choose = – choose –
error-summary-title = Please correct these errors
error-required = This field is required.
error-check-value = Check the value entered.
error-choose-from-list = Choose a value from the list.
error-personal-code-taken = A person with this personal code is already registered.
error-own-municipality-only = You may register people of your own municipality only.

## A person's record

person-registered-on = Registered
relatives-title = Relatives and legal representatives
relatives-caption = Relatives and representatives: { $name }
relatives-none = No relative or representative is recorded.
col-relation = Relation
col-legal-representative = Legal representative
col-phone = Phone
col-email = E-mail
relation-parent = parent
relation-guardian = guardian
relation-foster-family = foster family
relation-trustee = trustee
relation-sibling = brother or sister
relation-spouse = spouse or partner
relation-family-member = other family member
determinations-title = Disability determinations (VDEĀVK)
determinations-caption = Disability determinations, newest first: { $name }
determinations-none = No disability determination is recorded.
col-disability-kind = Disability
col-severe = Severe functional impairment
col-special-care = Special care need
col-decision-no = Decision number
col-valid-from = Valid from
col-valid-to = Valid to (last day)
lifelong = lifelong
disability-group-1 = group I
disability-group-2 = group II
disability-group-3 = group III
disability-child = child's disability
consents-title = Consents
consents-caption = Consents, newest first: { $name }
consents-none = No consent is recorded.
col-purpose = Purpose
col-given-by = Given by
col-given-on = Date
col-consent-status = Status
col-note = Note
consent-in-force = in force
consent-withdrawn-on = withdrawn on { $date }
consent-purpose-data-processing = processing of personal data
consent-purpose-share-with-provider = sharing data with a provider
yes = yes
no = no
none = none

## Providers

providers-title = Providers
providers-filter-municipality = Municipality served
providers-filter-service = Service
any-municipality = Any municipality
any-service = Any service
filter-button = Filter
filter-clear = Clear the filters
providers-count = { $count ->
    [0] No providers found
    [one] { $count } provider found
   *[other] { $count } providers found
}
providers-caption = Providers
col-provider = Provider
col-register-no = Register number
col-provider-kind = Legal form
col-municipalities-served = Municipalities served
col-services-count = Services
col-iban = Account (IBAN)
provider-kind-municipal = municipal institution
provider-kind-ngo = non-governmental organisation
provider-kind-private = company
provider-kind-state = state institution
offers-title = Services and prices
offers-caption = Services and prices: { $name }
offers-none = No service is recorded.
col-service = Service
col-code = Code
col-unit = Unit
col-price = Price per unit
open-ended = open-ended

## Catalogue

catalogue-title = Service catalogue
catalogue-intro = The types of service a support plan can include, in eight categories.
col-category = Category
any-category = All categories
catalogue-search-label = Find a service
catalogue-count = { $count ->
    [0] No type of service found
    [one] { $count } type of service found
   *[other] { $count } types of service found
}
catalogue-toc-label = Categories
catalogue-caption = { $category }: { $count ->
    [one] { $count } type of service
   *[other] { $count } types of service
}
col-recipient = Recipient
recipient-person = the person
recipient-parent = a parent
recipient-sibling = a brother or sister

## Errors

error-not-found-title = Page not found
error-not-found-text = There is no such page or record, or you may not see it. Check the address.
error-forbidden-title = Access denied
error-forbidden-text = This page is not available to your role.
error-csrf-title = The form could not be sent
error-csrf-text = The form has expired or was sent from another site. Go back, reload the page and try again.
error-bad-request-title = The request could not be read
error-bad-request-text = There is an error in the request. Go back and try again.
error-server-title = Something went wrong
error-server-text = The server could not complete the request. The error has been logged; try again later.
error-status = Error code: { $status }
error-go-home = Go to the start page

## The cycle: shared

nav-worklist = Worklist
edit = Edit
cancel = Cancel
total = Total
total-per-month = Total a month
per-month = a month
illustrative = illustrative
nothing = nothing
no-provider = – no provider –
hint-date = As YYYY-MM-DD if your browser shows no calendar
hint-period-to = The first day after the period (not included), as YYYY-MM-DD
rows-hint = Fill in as many rows as you need; empty rows are left out.
policy-version = { $id } version { $version }
col-status = Status
col-state = State
col-kind = Kind
col-period = Period
col-monthly = A month
col-decided-on = Decided on
col-quantity = Quantity a month
col-amount = Amount a month
col-version = Version
problem-general = The form
problem-approver = Approver
problem-assessment = Assessment
problem-decision = Decision
problem-state = State of the plan
problem-status = Status
problem-version = Version
problem-kind = Kind of assessment
problem-action = Action
error-plan-over-budget = The lines cost { $total } a month, { $over } more than the budget of { $budget }. Reduce the quantities or fund some lines from another source.
error-line-cost = This line costs { $amount } a month.
error-choose-rating = Choose a rating from 0 to 4.
error-team-missing = The team must include a social worker, a psychologist and an occupational therapist. Missing: { $missing }.
error-goal-required = Write at least one goal, in the person's own words.
error-not-a-number = Enter a number.
error-no-goal-reviewed = Choose the attainment of at least one goal.
error-changed-meanwhile = Someone else changed this record meanwhile. Open it again and repeat your changes.
error-approver-not-independent = You broker or support this person, so you may not decide their budget. Another approver must decide.

## A person's cycle

assessments-title = Assessments
assessments-caption = Assessments, newest first: { $name }
assessments-none = No assessment is recorded.
decisions-title = Budget decisions
decisions-caption = Budget decisions, newest first: { $name }
decisions-none = No budget is decided.
plans-title = Support plans
plans-none = No support plan is made.
plan-link = Plan no. { $id }
record-assessment-child = Record a child's assessment
record-assessment-adult = Record an adult's assessment
record-assessment-support = Record a support-person assessment

## Assessments

assessment-kind-child = child's assessment
assessment-kind-adult = adult's care-level assessment
assessment-kind-support = support-person level assessment
assessment-status-draft = draft
assessment-status-signed = signed
assessment-status-superseded = superseded
assessment-title = Assessment: { $kind }
assessment-new-title = Record an assessment: { $kind }
assessment-edit-title = Edit the assessment: { $kind }
assessment-form-intro = The assessment is saved as a draft. You can change a draft; once it is signed it is never changed, only replaced by a new assessment.
assessment-save-button = Save the draft
assessment-sign-button = Sign the assessment
assessment-draft-note = This is a draft. Check it and sign it when it is complete; a signed assessment cannot be changed.
assessment-superseded = A later assessment replaced this one.
assessment-superseded-link = Open the later assessment
assessment-age-group = On { $date } the child is { $age } years old: age group { $group }. The age group and the instruments follow from the date of the assessment.
assessment-not-a-child = On the date of the assessment the person is not a child; a child's assessment is for children under 18.
assessment-age-at = Age at the assessment: { $age } (age group { $group }).
assessment-domains-title = The four domains
assessment-adult-domains-title = The domains the care level rests on
rating-scale-hint = Rate each domain from 0 (no difficulty) to 4 (complete difficulty) and note what you observed.
rating-0 = none
rating-1 = mild
rating-2 = moderate
rating-3 = severe
rating-4 = complete
domain-physical = Physical development
domain-intellectual = Intellectual development
domain-social = Social skills
domain-behaviour = Behaviour
domain-health = Health
domain-self-care = Self-care
domain-communication = Communication
domain-daily-living = Daily living
field-domain-note = Note: { $domain }
field-assessed-on = Date of the assessment
field-next-review-on = Next review
hint-next-review = Leave empty for { $months } months after the assessment.
instruments-title = Instruments
instruments-hint = Only the instruments for a child of { $age } are offered.
instruments-none = No instrument is recommended for this age.
row-instrument = Instrument { $n }
field-instrument = Instrument
field-instrument-result = Result
team-title = Assessment team
team-hint = A social worker, a psychologist and an occupational therapist are required; a physiotherapist where the child needs one. Rows without a name are left out.
row-team-member = Team member { $n }
field-team-role = Role
field-team-name = Name
pre-assessment-title = Pre-assessment with the parent
pre-assessment-hint = Filled in together with the parent or legal representative.
field-impairment-type = Type of impairment
field-technical-aids = Technical aids used
field-education = Education
field-place = Where the assessment took place
place-home = at home
place-elsewhere = elsewhere
consultations-title = Consultations held
row-consultation = Consultation { $n }
field-consultation-topic = Topic
field-consultation-minutes = Length in minutes
field-care-level = Care level
care-level-option = Level { $level }
field-support-level = Support level
support-level-1 = Level 1 – up to 7.5 hours a month
support-level-2 = Level 2 – up to 20 hours a month
support-level-3 = Level 3 – up to 37 hours a month
field-rationale = Rationale
hint-rationale = Why this level: what the person needs support with.
col-assessors = Assessors
col-signed-on = Signed
col-domain = Domain
col-rating = Rating
col-score = Sum of the ratings

## The proposed budget and the decision

proposal-title = The budget the policy proposes
proposal-intro = Computed by the published allocation policy with the prices in force on { $date }. Every line shows its quantity, unit price and amount.
proposal-total = Proposed amount
proposal-level = Level
proposal-policy = Allocation policy
proposal-tariff = Tariff table
proposal-lines-caption = The lines of the proposed budget
proposal-caps-caption = Limits (caps) that apply to these services
proposal-source = Where the policy's figures come from: { $source }
proposal-failed = The policy could not compute a budget for this assessment.
budget-level-assessed = { $level }, set by the assessment
budget-level-score = { $level }: the four ratings add up to { $score }, within the band { $min }–{ $max }
col-services = Services
col-cap = Limit
col-package-quantity = In the package, a month
col-source = Source
cap-per-month = a month
cap-per-year = a year
decide-title = Decide the budget
decide-intro = The budget runs for 6 to 12 months. To decide an amount other than the proposal, write why; the reason is kept and printed on the notice.
field-period-from = First day
field-period-to = Until (not included)
field-amount = Amount a month, EUR
hint-amount = Leave empty to decide the proposed { $proposed }.
field-override-reason = Reason for a different amount
hint-override-reason = Required only when the amount differs from the proposal (at least 10 characters).
decide-button = Decide the budget
decisions-on-assessment-caption = Decisions on this assessment

## A decision and its notice

decision-title = Budget decision
decision-assessment-link = Assessment
decision-proposed = Proposed amount
decision-monthly = Amount decided a month
notice-title = Decision on an individual budget
notice-page-title = Decision notice: { $name }
notice-person = Person
notice-decided-on = Date of decision
notice-amount = Amount a month
notice-period = Period
notice-total = Total for the period
notice-policy = Policy
notice-policy-version = { $id } v{ $version }
notice-illustrative = illustrative
notice-factors = What the amount rests on
notice-factor = Factor
notice-value = Value
notice-contest = How to contest
notice-contest-by = Last day to contest:
notice-months = { $months ->
    [one] { $months } month
   *[other] { $months } months
}
notice-months-and-days = { $months } and { $days ->
    [one] { $days } day
   *[other] { $days } days
}
notice-in-english = The notice in English
notice-in-latvian = Paziņojums latviešu valodā
notice-as-text = The notice as plain text
plan-new-link = Make a plan
review-requests-title = Requests for review
review-requests-none = No request for review is recorded.
col-requested-on = Received
field-requested-by = Who asks
field-review-reason = Reason
field-review-outcome = Outcome
field-outcome-note = Reasons for the outcome
review-outcome-pending = pending
review-outcome-upheld = the decision stands
review-outcome-changed = the decision was changed
review-outcome-withdrawn = withdrawn
review-outcome-title = Outcome of the request of { $date } by { $name }
review-outcome-button = Record the outcome
review-request-title = Record a request for review
review-request-hint = The person or their representative may ask for the decision to be reviewed. Write who asks and why.
review-request-button = Record the request

## Support plans

plan-title = Support plan
plan-new-title = Make a support plan
plan-edit-title = Change the draft plan
plan-form-intro = Write the goals in the person's own words. For each service choose the provider the person chose, and who pays. Empty rows are left out. A plan that costs more than the budget is refused with the overage shown.
field-plan-from = Plan starts on
field-plan-to = Plan runs until (not included)
plan-budget = Budget
plan-cost = Cost to the budget
plan-remaining = Left unplanned
plan-over = Over the budget by
plan-goals-title = Goals
plan-goals-hint = At least one goal, in the person's own words: long-term goals and the short-term steps towards them.
row-goal = Goal { $n }
field-goal-term = Term
field-goal-text = The goal in the person's words
field-goal = Goal
goal-term-long = long-term
goal-term-short = short-term
field-needs = Needs
hint-needs = What the person needs support with.
plan-lines-title = Services
plan-lines-hint = Quantity a month in the service's unit. A service needed but not available has no provider and costs nothing.
plan-lines-caption = Services with their monthly cost
row-line = Service { $n }
field-service = Service
field-quantity-per-month = Quantity a month
field-provider = Provider
field-funding = Who pays
funding-individual-budget = individual budget
funding-municipality = municipality
funding-state = state
funding-family = family
funding-other = other
field-line-status = Status
field-barrier = What stands in the way
plan-tasks-title = Tasks
plan-tasks-none = No task is set.
row-task = Task { $n }
field-task-owner = Whose task
field-task-text = Task
field-due-on = By
task-owner-planning-region = planning region
task-owner-municipality = municipality
task-owner-family = family
plan-save-button = Save the plan
plan-offers-title = Providers serving the person's municipality
plan-offers-caption = Services and prices on { $date }
plan-offers-none = No provider serves the person's municipality.
plan-actions-title = What you can do now
plan-action-activate = Put the plan in force
plan-action-reopen = Reopen as a draft
plan-action-review = Start the review
plan-action-resume = End the review and continue
plan-action-close = Close the plan
plan-sign-title = Sign the plan
plan-sign-intro = Signing agrees the plan. A social worker may record a signature from a signed paper.
field-signer-name = Name of the signer
field-signer-role = Signs as
signer-role-person = the person
signer-role-representative = legal representative
field-signed-on = Date signed
plan-sign-button = Record the signature
col-monthly-cost = Cost a month
not-from-budget = not from the budget
goal-review-line = { $date }, { $by }
goal-review-title = Goal attainment
goal-review-intro = For each goal reviewed now, choose how far it was reached, from −2 (much less than expected) to +2 (much more than expected).
goal-review-legend = Goal { $n }: { $goal }
goal-not-reviewed = not reviewed now
field-attainment = Attainment
field-review-note = Note
field-review-note-of = What happened with goal { $n }
goal-review-button = Record the review
plan-signatures-title = Signatures
plan-signatures-none = No one has signed the plan yet.
col-recorded-by = Recorded by
plan-versions-title = Versions
col-what-happened = What happened
col-changed-by = By
col-changed-on = Date
version-note-created = created
version-note-revised = revised
version-note-draft = reopened as a draft
version-note-agreed = signed and agreed
version-note-active = put in force
version-note-in-review = review started
version-note-closed = closed
version-option = Version { $version } ({ $state })
field-compare-from = Compare version
field-compare-to = with version
compare-button = Compare
compare-title = Versions { $from } and { $to } compared
compare-intro = What changed from version { $from } ({ $from_state }) to version { $to } ({ $to_state }).
compare-caption = Changes from version { $from } to version { $to }
compare-no-changes = The two versions have the same content.
col-change = Change
col-before = Version { $version }
col-after = Version { $version }
back-to-plan = Back to the plan
change-period = Period
change-needs = Needs
change-goal-added = Goal added
change-goal-removed = Goal removed
change-goal-changed = Goal changed
change-line-added = Service added
change-line-removed = Service removed
change-line-changed = Service changed
change-task-added = Task added
change-task-removed = Task removed
change-task-changed = Task changed
changed-field-term = term
changed-field-text = text
changed-field-quantity_per_month = quantity
changed-field-provider_id = provider
changed-field-funding = who pays
changed-field-status = status
changed-field-barrier = barrier
changed-field-service_name = service name
changed-field-unit = unit
changed-field-owner = whose task
changed-field-due_on = date

## Worklist

worklist-title = Worklist
worklist-intro = What is due for the people you work with, on { $date }: overdue reviews first.
worklist-caption = Worklist on { $date }
worklist-count = { $count ->
    [0] Nothing is due
    [one] { $count } item
   *[other] { $count } items
}
col-work = What
col-due-on = Due
col-detail = Detail
work-detail-overdue = { $days ->
    [one] { $days } day late
   *[other] { $days } days late
}
work-detail-due = { $days ->
    [0] due today
    [one] in { $days } day
   *[other] in { $days } days
}
work-detail-turns-18 = turns 18 on { $date }: plan the move to adult support
work-detail-turned-18 = turned 18 on { $date }: plan the move to adult support
work-detail-signature = the plan waits for the person's or representative's signature
work-detail-decision = a signed assessment waits for a budget decision

## My budget (the person) and My clients (provider staff): statements and visits

nav-my-budget = My budget
nav-my-clients = My clients
month-january = January
month-february = February
month-march = March
month-april = April
month-may = May
month-june = June
month-july = July
month-august = August
month-september = September
month-october = October
month-november = November
month-december = December
month-switch-label = Other months
month-prev = Earlier: { $month }
month-next = Later: { $month }
mybudget-title = My budget
mybudget-no-person = Your user account is not linked to a person's record yet. Ask your social worker to link it.
mybudget-people = Whose budget
mybudget-for = The budget of { $name }
mybudget-no-budget = No budget has been decided yet.
mybudget-left-title = What is left
mybudget-left-sentence = You have { $left } left of { $total }. { $used } has been used.
mybudget-held-sentence = Of what has been used, { $held } is still being checked by your social worker.
mybudget-returned-sentence = { $returned } was not used and was returned when the budget's period ended.
mybudget-monthly = Budget a month
mybudget-paid = Paid to providers so far
mybudget-decision-link = The decision on your budget
mybudget-notice-link = The decision notice
mybudget-decisions = All decisions on your budget
mybudget-shown = shown above
statement-title = Statement for { $month }
statement-caption = Services in { $month }
statement-none = No services were claimed for this month.
statement-of-which-held = of which { $amount } being checked
statement-total = Total
statement-approved = Approved
statement-held = Being checked (held)
statement-paid = Paid
statement-co-payment = Your co-payment
statement-refused = Claims refused
statement-position-title = The budget on { $date }
statement-position-hint = Counted from every entry booked in the budget's ledger up to this day. A claim for this month decided later is booked on the day it was decided.
position-allocated = Allocated to date
position-approved = Approved
position-reserved = Held for checking
position-paid = Paid
position-remaining = Left
col-units = Quantity
col-from-budget = From the budget
col-co-payment = Co-payment
col-specialist = Specialist
col-session-kind = Session
col-visit-state = Your answer
visits-title = Visits
visits-intro = Confirm the visits that took place as recorded. If something is wrong, say what in your own words.
visits-none = No visits this month and none waiting for your answer.
visit-kind-individual = individual
visit-kind-group = group
visit-state-unconfirmed = not answered yet
visit-state-confirmed = confirmed
visit-state-disputed = disputed
visit-confirm-button = Yes, this visit took place
visit-dispute-button = Something is wrong with this visit
field-dispute-reason = What is wrong with this visit
field-dispute-reason-hint = For example: the visit did not take place, or it was shorter.
problem-visit = Visit
desk-title = My clients
desk-agreements = Agreements
desk-agreements-caption = Agreements with your clients and what is left on their budgets
desk-no-agreements = There are no agreements with your clients yet.
desk-price-split = { $covered } from the budget, { $co_payment } co-payment
desk-left-of = { $left } of { $total }
col-agreement = Agreement
col-client = Client
col-per-month = A month
col-budget-left = Left on the budget
col-claim = Claim
col-service-date = Day of service
claim-form-title = Send a claim
claim-form-hint = One line: the agreement, the day, how many units and the price per unit. Sending the same form twice is one claim.
field-agreement = Agreement
field-service-date = Day of service
field-quantity = Units
field-unit-price = Price per unit, EUR
field-visit-id = Visit number
field-visit-id-hint = Leave empty if there was no recorded visit.
claim-button = Send the claim
claim-approved-title = Claim { $id } is approved
claim-held-title = Claim { $id } is accepted and held for the case manager's review
claim-refused-title = Claim { $id } is refused
claim-result-line = Day { $date }, quantity { $quantity }: { $amount } from the budget, { $co_payment } co-payment.
claim-reasons = Reasons
claim-anomalies = To be checked
desk-visits = Visits
check-in-title = Check a visit in
field-client = Client
field-specialist = Specialist
field-visit-start = Start
field-visit-end = End
field-visit-end-hint = As YYYY-MM-DDTHH:MM; leave empty while the visit goes on.
field-visit-method = How it was recorded
hint-datetime = As YYYY-MM-DDTHH:MM, for example 2026-06-03T10:00
visit-method-manual = entered by hand
visit-method-card = the person's card
visit-method-code = a one-time code
check-in-button = Check in
open-visits-title = Visits not yet checked out
open-visits-none = Every visit is checked out.
check-out-button = Check out
desk-statement-title = Statement for { $month }
desk-claims = Claims
desk-claimed = Claimed
desk-accepted = Accepted
desk-payable = Approved, not yet paid
desk-co-payments = Co-payments of the clients
desk-lines-caption = Claims for { $month } by service
desk-refused-title = Refused claims
desk-refused-caption = Claims for { $month } that were refused, with the reasons
desk-refused-none = No claim for this month was refused.
problem-claim = Claim
problem-provider = Provider
refusal-no-agreement = no such agreement of yours
refusal-outside-agreement-period = outside the agreement's period
refusal-plan-not-active = the plan was not in force on that day
refusal-over-plan-quantity = more than the plan allows this month
refusal-over-cap = more than the limit allows
refusal-over-balance = more than is left on the budget
refusal-price-above-agreement = price above the agreed price
refusal-future-date = the day of service is in the future
refusal-no-quantity = no units claimed
refusal-idempotency-key-reused = the claim's key was used for another claim
refusal-refused-at-review = refused by the case manager after review
anomaly-overlapping-individual-sessions = the specialist had another individual session at the same time
anomaly-visit-shorter-than-billed = the visit was shorter than billed
anomaly-no-visit = no recorded visit
anomaly-duplicate-claim = looks like a claim sent before
anomaly-disputed-visit = the person disputes the visit
anomaly-visit-not-checked-out = the visit was not checked out
anomaly-visit-mismatch = the visit is of another person, provider or day
refusal-no-receipt = no receipt given for a direct payment
refusal-other = another rule (see the detail)
anomaly-other = something else to check (see the detail)
decision-statement-title = Monthly statement of the budget
decision-statement-link = Monthly statements: what was spent

held-title = Claims held for review
held-intro = These claims were accepted but held because something about them looks wrong. Check them, then approve or refuse each one.
held-caption = Claims waiting for the case manager's review
held-error = The decision could not be saved
held-col-claim = Claim
held-col-date = Day of service
held-col-amount = Amount
held-col-why = Why it is held
held-col-decide = Decision
held-claim = Claim no. { $id }
held-note = Note (why)
held-approve = Approve
held-refuse = Refuse

desk-upload-link = Upload claims from a CSV file
upload-title = Upload claims from a CSV file
upload-lead = Many claims at once: every line of the file is one claim. After the upload you will see the outcome of every line.
upload-file = CSV file (up to 1 MiB, UTF-8)
upload-file-hint = The first line holds the column names, then one claim per line. The visit number is optional.
upload-header-label = First line:
upload-example-label = An example line:
upload-mode = If a line is bad
upload-mode-all-or-nothing = import nothing if any line is bad
upload-mode-good-lines-only = import the good lines, report the bad ones
upload-button = Upload
upload-back = Back to “My clients”
upload-again = Upload another file
upload-error-no-file = Choose a CSV file.
upload-error-not-utf8 = The file is not in UTF-8. Save it as “CSV UTF-8” and try again.
upload-error-too-large = The file is larger than 1 MiB. Split it into several files.
upload-error-header = The first line of the file is not as shown.
upload-error-unreadable = The form could not be read. Try again.
upload-report-title = Claim upload report
upload-progress-title = Progress
upload-started = { $total ->
    [one] Processing { $total } line…
   *[other] Processing { $total } lines…
}
upload-line = Line { $line }:
upload-progress = { $done } of { $total } lines
upload-failed = The upload stopped because of a server error. Lines already imported stay imported; the rest were not imported. Check your claims on “My clients”.
upload-summary-title = Summary
upload-done = { $total ->
    [one] { $total } line processed.
   *[other] { $total } lines processed.
}
upload-imported = Imported
upload-refused = Refused
upload-invalid = Invalid
upload-not-imported = Not imported
upload-nothing-imported = The file had bad lines, so no line was imported. Correct them and upload the file again.
upload-bad-caption = Invalid and refused lines with their reasons
upload-no-bad-lines = No line is invalid or refused.
upload-col-line = Line
upload-col-outcome = Outcome
upload-status-imported = imported
upload-status-refused = refused
upload-status-invalid = invalid
upload-status-not-imported = not imported (nothing is imported because the file has bad lines)
upload-col-key = claim key

## simulator
nav-simulator = Policy simulator
simulator-title = Policy simulator
simulator-lead = Try a changed package, tariff or level rule on the people it would affect before anyone adopts it. Nothing changes until an approver adopts the draft from a date.
simulator-drafts = Drafts
simulator-drafts-caption = Policy drafts, newest first
simulator-col-draft = Draft
simulator-col-files = Files
simulator-col-saved-by = Saved by
simulator-col-saved-on = Saved on
simulator-col-adopted-from = Adopted from
simulator-not-adopted = not adopted
simulator-no-drafts = There are no drafts yet.
simulator-new-draft = New draft
simulator-new-draft-intro = Upload or paste policy and tariff files in the format of the policies folder. Each file takes the place of the file with the same name, or of the same kind and id; the others stay as they are.
simulator-draft-title = What the draft changes
simulator-draft-files = Files to upload
simulator-draft-files-hint = One or more .toml files (allocation policies or tariff tables).
simulator-draft-pasted-name = Name of the pasted file
simulator-draft-pasted-name-hint = For example tariffs/lv-ib.toml.
simulator-draft-pasted = Pasted file
simulator-draft-pasted-hint = Paste the text of one policy or tariff file here if you do not upload it.
simulator-draft-save = Save the draft and simulate
simulator-error-unreadable = The form could not be read whole; try again with smaller files.
simulator-error-not-utf8 = the file is not UTF-8 text
simulator-error-no-files = Upload or paste at least one file.
simulator-back = Back to the drafts
simulator-draft-page-title = Draft: { $title }
simulator-draft-files-are = Files:
simulator-adopted = Adopted: in force from { $date }.
simulator-on = Simulate on
simulator-run = Simulate
simulator-run-error = The draft could not be simulated on this day
simulator-changes = What the draft changes on { $date }
simulator-no-changes = Nothing: on this day the draft gives the same policies and prices as those in force.
simulator-change-policy = { $group }: policy version { $current } becomes { $draft } ({ $title })
simulator-change-price = { $service } (tariff table { $table }): { $current } becomes { $draft } a unit
simulator-change-table = A new tariff table { $table }
simulator-aggregates-only = You see totals only: no person is shown, and a municipality or level with fewer than 5 people is withheld.
simulator-failed = { $count ->
    [one] The budget of { $count } person could not be computed on one side; it is left out of the totals.
   *[other] The budgets of { $count } people could not be computed on one side; they are left out of the totals.
}
simulator-totals = Totals
simulator-totals-caption = Budgets now and under the draft on { $date }
simulator-col-population = Population
simulator-all = Everyone with a budget in force
simulator-by-municipality = By municipality
simulator-by-municipality-caption = Budgets now and under the draft by municipality
simulator-by-level = By level
simulator-by-level-caption = Budgets now and under the draft by scheme and level now
simulator-col-people = People
simulator-col-current-month = Now, a month
simulator-col-draft-month = Draft, a month
simulator-col-difference-month = Change, a month
simulator-col-current-year = Now, a year
simulator-col-draft-year = Draft, a year
simulator-col-difference-year = Change, a year
simulator-col-gainers = Gain
simulator-col-losers = Lose
simulator-suppressed = fewer than 5 people: withheld
simulator-gainers = Who gains
simulator-gainers-caption = People whose budget rises, largest rise first
simulator-losers = Who loses
simulator-losers-caption = People whose budget falls, largest fall first
simulator-nobody = Nobody.
simulator-col-person = Person
simulator-col-municipality = Municipality
simulator-col-group-level = Scheme and level
simulator-col-why = Why
simulator-person = Person { $id }
simulator-reason-level = level { $current } becomes { $draft }
simulator-reason-level-score = score { $score }: band { $current_band } (level { $current }) becomes band { $draft_band } (level { $draft })
simulator-reason-band = score { $score }: the band { $current_band } becomes { $draft_band }; the level stays
simulator-reason-line-added = { $service }: added, { $draft_quantity } x { $draft_price } = { $draft }
simulator-reason-line-removed = { $service }: removed, was { $current_quantity } x { $current_price } = { $current }
simulator-reason-line-quantity = { $service }: { $current_quantity } becomes { $draft_quantity } units a month ({ $difference })
simulator-reason-line-price = { $service }: price { $current_price } becomes { $draft_price } ({ $difference })
simulator-reason-line-both = { $service }: { $current_quantity } x { $current_price } becomes { $draft_quantity } x { $draft_price } ({ $difference })
simulator-reason-cap = limit on { $services }: { $current } becomes { $draft }
simulator-adopt = Adopt the draft
simulator-adopt-intro = Adopting puts the draft in force as a new policy version from the date given: budgets computed for that date or later use it; earlier budgets and every decided budget stay as they were. A draft is adopted once.
simulator-adopt-from = In force from
simulator-adopt-from-hint = Today or later.
simulator-adopt-button = Adopt from this date
simulator-population = Population
simulator-population-current = People with a budget in force
simulator-population-synthetic = Synthetic population
simulator-people = Synthetic people
simulator-people-hint = 1 to 50,000; used for a synthetic population only.
simulator-seed = Seed
simulator-seed-hint = The same seed gives the same synthetic population.
simulator-synthetic-person = Synthetic person { $id }
## my ibis
nav-my = My ibis
home-my-text = Your budget and what is left, your plan, your providers, your papers and who helps you.
my-title = My ibis
my-for = About { $name }
my-no-person = No person is linked to your account yet. Ask your municipality's social service to link you.
my-people = The people you represent
my-easy-on = Easy-read: on
my-easy-off = Easy-read: off
my-budget-title = My money
my-no-budget = There is no budget yet.
my-budget-more = The statement for each month and the visits
my-chart-caption = The budget in numbers
my-chart-what = What
my-chart-amount = Amount
my-chart-budget = Budget so far
my-chart-used = Used
my-chart-paid = Paid to providers
my-chart-left = Left
my-easy-left = You have { $left } left.
my-easy-used = You used { $used } of { $total }.
my-easy-monthly = You get { $monthly } each month.
my-plan-title = My plan and goals
my-no-plan = There is no plan yet. Your case manager makes it with you.
my-plan-state = The plan is { $state }.
my-plan-open = The whole plan
my-easy-goals = Your plan has { $count ->
    [one] 1 goal
   *[other] { $count } goals
}.
my-providers-title = My providers and what they cost
my-providers-caption = Services of my plan, each month
my-easy-visits = { $count ->
    [0] No visit waits for your answer.
    [one] 1 visit waits for your answer.
   *[other] { $count } visits wait for your answer.
}
my-visits-answer = Confirm or dispute visits
my-docs-title = My papers
my-no-docs = There are no papers yet.
my-doc-notice = Decision on the budget
my-doc-plan = Support plan
my-doc-statement = Statement for { $month }
my-doc-page = Read
my-doc-pdf = PDF
my-contacts-title = Who helps me
my-no-contacts = No case manager or support person is named yet.
my-contact-case-manager = Case manager
my-contact-broker = Support person
my-contact-assessor = Assessor
my-near-title = Near me
my-near-intro = Providers of your plan's services in { $home } and the rest of { $region }, with the price of each service.
my-near-caption = Providers near me
my-near-services = Services of my plan (price)
my-near-where = Where
my-near-home = my municipality
my-near-none = No provider near you offers your plan's services yet.
mydoc-person = Person
mydoc-col-cost = Cost a month
mydoc-back = Back to the page
mydoc-pdf = Download as PDF (A4)
mydoc-print-hint = This page prints on A4 without the menus. The PDF is the same document.
mydoc-footer = Printed from ibis on { $date }
mydoc-page-of = Page { $n } of { $total }
mydoc-sign-title = To sign
mydoc-sign-person = The person or their legal representative
mydoc-sign-case-manager = Case manager
mydoc-sign-signature = Signature and name
mydoc-sign-date = Date
notice-as-pdf = The notice as PDF
my-plan-print = The plan to print, with lines to sign
my-plan-pdf = The plan as PDF (A4)
my-statement-print = The statement to print
my-statement-pdf = The statement as PDF (A4)
## person links: who is linked to a person's record
links-title = Linked users
links-intro = A linked user sees this person's record: the person themself or their legal representative, the assessor and the support person. Link a user by their user name.
links-caption = Users linked to { $name }
links-col-role = Role
links-field-kind = Link
links-none = No user is linked yet.
links-form-title = Link a user
links-hint-username = The name the user signs in with.
links-button = Link
links-kind-self = the person themself
links-kind-representative = legal representative
links-kind-assessor = assessor
links-kind-broker = support person
links-error-kind = Choose the kind of link from the list.
links-error-no-user = There is no user with this user name.
links-error-role = This user's role does not fit the link chosen (the person needs the person role, an assessor the assessor role, a support person the broker role).
links-manage = Linked users

## payments: payment runs through the pages
nav-payments = Payments
payments-title = Payments
payments-intro = Paying providers: an approver prepares a payment run of every approved claim not yet paid; another member of staff reviews it; an approver releases it, and the payments are entered in the budgets' ledger.
payments-runs-title = Payment runs
payments-runs-caption = The municipality's payment runs, newest first
payments-none = There are no payment runs yet.
payments-col-run = Run
payments-col-state = State
payments-col-items = Payments
payments-col-total = Total
payments-col-people = Who did it
payments-col-actions = Actions
payments-prepared-by = prepared by { $name }
payments-reviewed-by = reviewed by { $name }
payments-released-by = released by { $name }
payments-state-draft = prepared
payments-state-reviewed = reviewed
payments-state-released = released
payments-state-cancelled = cancelled
payments-action-review = Reviewed
payments-action-release = Release
payments-action-reopen = Back to preparation
payments-action-cancel = Cancel
payments-prepare-title = Prepare a payment run
payments-prepare-hint = The run includes every approved claim not yet paid.
payments-field-debtor-name = Payer
payments-field-debtor-iban = Payer's account (IBAN)
payments-hint-iban = For example, LV80BANK0000435195001
payments-field-execution-date = Execution date
payments-prepare-button = Prepare
## monitoring
monitoring-nav = Monitoring
monitoring-title = Monitoring
monitoring-intro = { $area }, { $period }. Reviews and ages are counted on { $as_of }. People are counted when one of their budgets overlaps the period.
monitoring-filters = Area and period
monitoring-area = Area
monitoring-area-country = All of Latvia
monitoring-from = From
monitoring-to = To (first day after the period)
monitoring-to-hint = The period ends the day before this date.
monitoring-show = Show
monitoring-aggregates-only = You see totals only: figures resting on fewer than 5 people are not shown, and no one is named.
monitoring-gaps-link = Service-gap map
monitoring-dashboard-link = Back to the dashboard
monitoring-export-csv = Download as CSV
monitoring-export-xlsx = Download as XLSX (Excel)
monitoring-table-of = Data of the chart: { $title }
monitoring-nothing = Nothing to show for this area and period.
monitoring-suppressed = <5
monitoring-section-summary = Summary
monitoring-section-target-group = People served by target group
monitoring-section-level = People served by budget and level
monitoring-section-age = People served by age group
monitoring-section-living = People served by living situation
monitoring-section-budgets = Budgets: ledger entries booked in the period
monitoring-section-service = Spending by service
monitoring-section-category = Spending by category
monitoring-section-provider = Spending by provider
monitoring-section-funding = Spending by funding source
monitoring-section-goals = Goal attainment at review
monitoring-section-anomalies = Anomalies raised
monitoring-section-providers = Providers per service per municipality
monitoring-providers-caption = Providers with a price valid in the period that serve the municipality
monitoring-served = People served
monitoring-cost-per-person-month = Cost per person per month
monitoring-overdue = People whose reassessment is overdue
monitoring-transition = People aged 16-18 who need a transition plan
monitoring-resolved = Held claims resolved at review
monitoring-budget-allocated = Allocated
monitoring-budget-spent = Spent (approved claims)
monitoring-budget-reserved = Reserved (held for review)
monitoring-budget-returned = Returned at period close
monitoring-funding-individual-budget = Individual budget
monitoring-funding-family = The person's co-payment
monitoring-col-section = Section
monitoring-col-item = Item
monitoring-col-people = People
monitoring-col-amount = Amount, EUR
monitoring-col-co-payment = Co-payment, EUR
monitoring-col-count = Count
monitoring-col-municipality = Municipality
monitoring-col-code = Code
monitoring-col-service = Service
monitoring-col-providers = Providers
monitoring-col-essential = Essential service
monitoring-col-needed = People: needed but not available
monitoring-col-not-received = People: available but not received
monitoring-col-barriers = Barriers
monitoring-col-person = Person no.
monitoring-col-name = Name
monitoring-col-target-group = Target group
monitoring-col-spent = Spent in the period, EUR
monitoring-col-overdue-since = Review due since
monitoring-chart-people = people
monitoring-chart-euro = euro
monitoring-chart-goals = goals reviewed
monitoring-chart-desc = Horizontal bars, largest first; the table beside the chart has the same figures.
monitoring-gaps-title = Service-gap map
monitoring-gaps-intro = { $area }: services people need that are not available or that they do not receive, by municipality. Seed 000 says every municipality should have: { $essentials }.
monitoring-gaps-chart = Services needed but not available, ranked by people
monitoring-gaps-chart-desc = Horizontal bars, most people first; the five services every municipality should have are marked with a dot and a darker colour.
monitoring-essential-legend = ● marks a service every municipality should have (seed 000).
monitoring-essential = every municipality should have it
monitoring-no-gaps = No plan line is marked as needed but not available, or available but not received, in this area and period.
monitoring-missing-title = Essential services with no provider
monitoring-none = none
monitoring-missing-count = { $count ->
    [one] One essential service has no provider in a municipality of the area.
   *[other] { $count } times an essential service has no provider in a municipality of the area.
}
monitoring-missing-caption = Providers of the five essential services per municipality (none: missing)
monitoring-missing-none = Every municipality of the area has a provider of each of the five essential services.
monitoring-gaps-table = Gaps by municipality and service
monitoring-gaps-caption = Plan lines not received, people per municipality and service
monitoring-essential-physiotherapy = physiotherapy
monitoring-essential-occupational-therapy = occupational therapy
monitoring-essential-psychology = psychology
monitoring-essential-speech-therapy = speech therapy
monitoring-essential-transport = transport
monitoring-rows-title = The people behind a figure
monitoring-rows-intro = { $area }, figure { $figure }. Opening this list is recorded in each person's audit log.
monitoring-rows-caption = People behind { $figure }
