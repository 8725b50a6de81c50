# ibis: Latvian texts of the web pages (the default language).
# Every key here must also be in en.ftl; the tests of ibis-web check it.

## The product and the layout

app-name = ibis
app-tagline = Individuālie budžeti sociālajiem pakalpojumiem
skip-to-content = Pāriet uz galveno saturu
signed-in-as = Pieslēdzies:
sign-out = Iziet
lang-switch = English
nav-label = Galvenā izvēlne
nav-home = Sākums
nav-people = Personas
nav-register = Reģistrēt personu
nav-providers = Pakalpojumu sniedzēji
nav-catalogue = Pakalpojumu katalogs
footer-about = ibis – individuālo budžetu informācijas sistēma sabiedrībā balstītiem sociālajiem pakalpojumiem. Personas dati tiek apstrādāti tikai darba pienākumu veikšanai, un katra piekļuve tiek reģistrēta.
title-error-prefix = Kļūda:

## Roles

role-person = Persona vai tās likumiskais pārstāvis
role-social-worker = Sociālais darbinieks (gadījuma vadītājs)
role-assessor = Izvērtētājs
role-broker = Brokeris vai atbalsta persona
role-approver = Pašvaldības lēmuma pieņēmējs
role-provider = Pakalpojuma sniedzēja darbinieks
role-analyst = Plānošanas reģiona vai ministrijas analītiķis
role-admin = Administrators

## Signing in

sign-in-title = Pieslēgties
sign-in-intro = Ievadiet savu lietotājvārdu un paroli.
field-username = Lietotājvārds
field-password = Parole
sign-in-button = Pieslēgties
sign-in-failed-title = Neizdevās pieslēgties
sign-in-bad-credentials = Nepareizs lietotājvārds vai parole. Pārbaudiet un mēģiniet vēlreiz.
sign-in-rate-limited = Šim lietotājvārdam bija pārāk daudz neveiksmīgu mēģinājumu. Mēģiniet vēlreiz pēc { $minutes } minūtēm.
sign-in-missing = Ievadiet gan lietotājvārdu, gan paroli.

## Start page

home-title = Sākums
home-greeting = Labdien, { $name }!
home-your-role = Jūsu loma
home-you-see = Jūs redzat
scope-municipality = savas pašvaldības personu lietas
scope-linked = to personu lietas, kurām esat piesaistīts
scope-provider = sava pakalpojuma sniedzēja klientu lietas
scope-nothing = nevienas personas lietu (tikai kopsavilkuma datus un iestatījumus)
home-what-you-can-do = Ko jūs šeit varat darīt
home-people-text = Atrast personas un atvērt viņu lietas.
home-register-text = Reģistrēt jaunu personu savā pašvaldībā.
home-providers-text = Atrast pakalpojumu sniedzējus pēc pašvaldības un pakalpojuma.
home-catalogue-text = Pārlūkot pakalpojumu veidus astoņās kategorijās.

## People

people-title = Personas
people-search-label = Meklēt personu
people-search-hint = Vārds, uzvārds vai personas kods
search-button = Meklēt
people-count = { $count ->
    [0] Nav atrasta neviena persona
    [one] Atrasta { $count } persona
   *[other] Atrastas { $count } personas
}
people-caption = Personas jūsu redzamības lokā
col-name = Vārds, uzvārds
field-personal-code = Personas kods
field-given-name = Vārds
field-family-name = Uzvārds
field-birth-date = Dzimšanas datums
field-target-group = Mērķa grupa
field-municipality = Pašvaldība
field-living = Dzīvesvieta
group-child-ft = Bērns ar funkcionāliem traucējumiem
group-adult-grt = Pieaugušais ar garīga rakstura traucējumiem
pager-label = Lapas
pager-prev = Iepriekšējā lapa
pager-next = Nākamā lapa
pager-of = { $page }. lapa no { $pages }

## Registering a person

person-new-title = Reģistrēt personu
person-new-intro = Visi lauki ir obligāti.
person-new-button = Reģistrēt
hint-personal-code = Formā DDMMGG-NNNNN, piemēram, 010203-12345
hint-birth-date = Formā GGGG-MM-DD, ja pārlūks nepiedāvā kalendāru
hint-municipality = Jūs varat reģistrēt savas pašvaldības personas.
choose = – izvēlieties –
error-summary-title = Lūdzu, izlabojiet šīs kļūdas
error-required = Šis lauks ir obligāts.
error-check-value = Pārbaudiet ievadīto vērtību.
error-choose-from-list = Izvēlieties vērtību no saraksta.
error-personal-code-taken = Persona ar šo personas kodu jau ir reģistrēta.
error-own-municipality-only = Jūs varat reģistrēt tikai savas pašvaldības personas.

## A person's record

person-registered-on = Reģistrēts
relatives-title = Radinieki un likumiskie pārstāvji
relatives-caption = Radinieki un pārstāvji: { $name }
relatives-none = Nav reģistrēts neviens radinieks vai pārstāvis.
col-relation = Saistība
col-legal-representative = Likumiskais pārstāvis
col-phone = Tālrunis
col-email = E-pasts
relation-parent = vecāks
relation-guardian = aizbildnis
relation-foster-family = audžuģimene
relation-trustee = aizgādnis
relation-sibling = brālis vai māsa
relation-spouse = laulātais vai partneris
relation-family-member = cits ģimenes loceklis
determinations-title = Invaliditātes lēmumi (VDEĀVK)
determinations-caption = Invaliditātes lēmumi, jaunākie vispirms: { $name }
determinations-none = Nav reģistrēts neviens invaliditātes lēmums.
col-disability-kind = Invaliditāte
col-severe = Smagi funkcionālie traucējumi
col-special-care = Īpašas kopšanas nepieciešamība
col-decision-no = Lēmuma numurs
col-valid-from = Spēkā no
col-valid-to = Spēkā līdz (ieskaitot)
lifelong = uz mūžu
disability-group-1 = I grupa
disability-group-2 = II grupa
disability-group-3 = III grupa
disability-child = bērna invaliditāte
consents-title = Piekrišanas
consents-caption = Piekrišanas, jaunākās vispirms: { $name }
consents-none = Nav reģistrēta neviena piekrišana.
col-purpose = Mērķis
col-given-by = Devējs
col-given-on = Datums
col-consent-status = Statuss
col-note = Piezīme
consent-in-force = spēkā
consent-withdrawn-on = atsaukta { $date }
consent-purpose-data-processing = personas datu apstrāde
consent-purpose-share-with-provider = datu nodošana pakalpojuma sniedzējam
yes = jā
no = nē
none = nav

## Providers

providers-title = Pakalpojumu sniedzēji
providers-filter-municipality = Pašvaldība, kurā sniedz pakalpojumus
providers-filter-service = Pakalpojums
any-municipality = Jebkura pašvaldība
any-service = Jebkurš pakalpojums
filter-button = Atlasīt
filter-clear = Notīrīt atlasi
providers-count = { $count ->
    [0] Nav atrasts neviens pakalpojumu sniedzējs
    [one] Atrasts { $count } pakalpojumu sniedzējs
   *[other] Atrasti { $count } pakalpojumu sniedzēji
}
providers-caption = Pakalpojumu sniedzēji
col-provider = Pakalpojumu sniedzējs
col-register-no = Reģistrācijas numurs
col-provider-kind = Juridiskā forma
col-municipalities-served = Pašvaldības, kurās sniedz pakalpojumus
col-services-count = Pakalpojumu skaits
col-iban = Konts (IBAN)
provider-kind-municipal = pašvaldības iestāde
provider-kind-ngo = nevalstiskā organizācija
provider-kind-private = komersants
provider-kind-state = valsts iestāde
offers-title = Pakalpojumi un cenas
offers-caption = Pakalpojumi un cenas: { $name }
offers-none = Nav reģistrēts neviens pakalpojums.
col-service = Pakalpojums
col-code = Kods
col-unit = Mērvienība
col-price = Cena par vienību
open-ended = bez termiņa

## Catalogue

catalogue-title = Pakalpojumu katalogs
catalogue-intro = Pakalpojumu veidi, ko var iekļaut atbalsta plānā, astoņās kategorijās.
col-category = Kategorija
any-category = Visas kategorijas
catalogue-search-label = Meklēt pakalpojumu
catalogue-count = { $count ->
    [0] Nav atrasts neviens pakalpojuma veids
    [one] Atrasts { $count } pakalpojuma veids
   *[other] Atrasti { $count } pakalpojumu veidi
}
catalogue-toc-label = Kategorijas
catalogue-caption = { $category }: { $count ->
    [one] { $count } pakalpojuma veids
   *[other] { $count } pakalpojumu veidi
}
col-recipient = Saņēmējs
recipient-person = pati persona
recipient-parent = vecāks
recipient-sibling = brālis vai māsa

## Errors

error-not-found-title = Lapa nav atrasta
error-not-found-text = Šādas lapas vai ieraksta nav, vai arī jums nav tiesību to redzēt. Pārbaudiet adresi.
error-forbidden-title = Piekļuve liegta
error-forbidden-text = Jūsu lomai šī lapa nav pieejama.
error-csrf-title = Veidlapu neizdevās nosūtīt
error-csrf-text = Veidlapa ir novecojusi vai nosūtīta no citas vietnes. Atgriezieties, pārlādējiet lapu un mēģiniet vēlreiz.
error-bad-request-title = Pieprasījumu neizdevās nolasīt
error-bad-request-text = Pieprasījumā ir kļūda. Atgriezieties un mēģiniet vēlreiz.
error-server-title = Radās kļūda
error-server-text = Serveris nevarēja izpildīt pieprasījumu. Kļūda ir reģistrēta; mēģiniet vēlreiz vēlāk.
error-status = Kļūdas kods: { $status }
error-go-home = Uz sākumlapu
