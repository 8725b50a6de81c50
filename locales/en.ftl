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
