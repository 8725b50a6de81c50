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

## The cycle: shared

nav-worklist = Darāmo darbu saraksts
edit = Labot
cancel = Atcelt
total = Kopā
total-per-month = Kopā mēnesī
per-month = mēnesī
illustrative = ilustratīvs
nothing = nekas
no-provider = – bez sniedzēja –
hint-date = Formā GGGG-MM-DD, ja pārlūks nepiedāvā kalendāru
hint-period-to = Pirmā diena pēc perioda (neieskaitot), formā GGGG-MM-DD
rows-hint = Aizpildiet tik rindu, cik vajag; tukšās rindas netiek ņemtas vērā.
policy-version = { $id }, versija { $version }
col-status = Statuss
col-state = Stāvoklis
col-kind = Veids
col-period = Periods
col-monthly = Mēnesī
col-decided-on = Lēmuma datums
col-quantity = Daudzums mēnesī
col-amount = Summa mēnesī
col-version = Versija
problem-general = Veidlapa
problem-approver = Lēmuma pieņēmējs
problem-assessment = Novērtējums
problem-decision = Lēmums
problem-state = Plāna stāvoklis
problem-status = Statuss
problem-version = Versija
problem-kind = Novērtējuma veids
problem-action = Darbība
error-plan-over-budget = Plāna pakalpojumi kopā maksā { $total } mēnesī – par { $over } vairāk nekā budžets { $budget }. Samaziniet daudzumus vai finansējiet dažus pakalpojumus no cita avota.
error-line-cost = Šis pakalpojums maksā { $amount } mēnesī.
error-choose-rating = Izvēlieties vērtējumu no 0 līdz 4.
error-team-missing = Komandā jābūt sociālajam darbiniekam, psihologam un ergoterapeitam. Trūkst: { $missing }.
error-goal-required = Ierakstiet vismaz vienu mērķi personas vārdiem.
error-not-a-number = Ievadiet skaitli.
error-no-goal-reviewed = Izvēlieties vismaz viena mērķa sasniegšanas pakāpi.
error-changed-meanwhile = Kāds cits pa to laiku mainīja šo ierakstu. Atveriet to vēlreiz un atkārtojiet savas izmaiņas.
error-approver-not-independent = Jūs esat šīs personas brokeris vai atbalsta persona, tāpēc nevarat lemt par viņas budžetu. Jālemj citam lēmuma pieņēmējam.

## A person's cycle

assessments-title = Novērtējumi
assessments-caption = Novērtējumi, jaunākie vispirms: { $name }
assessments-none = Nav reģistrēts neviens novērtējums.
decisions-title = Lēmumi par budžetu
decisions-caption = Lēmumi par budžetu, jaunākie vispirms: { $name }
decisions-none = Budžets vēl nav piešķirts.
plans-title = Atbalsta plāni
plans-none = Atbalsta plāns vēl nav sagatavots.
plan-link = Plāns Nr. { $id }
record-assessment-child = Reģistrēt bērna novērtējumu
record-assessment-adult = Reģistrēt pieaugušā novērtējumu
record-assessment-support = Reģistrēt atbalsta personas novērtējumu

## Assessments

assessment-kind-child = bērna vajadzību novērtējums
assessment-kind-adult = pieaugušā aprūpes līmeņa novērtējums
assessment-kind-support = atbalsta personas līmeņa novērtējums
assessment-status-draft = melnraksts
assessment-status-signed = parakstīts
assessment-status-superseded = aizstāts
assessment-title = Novērtējums: { $kind }
assessment-new-title = Reģistrēt novērtējumu: { $kind }
assessment-edit-title = Labot novērtējumu: { $kind }
assessment-form-intro = Novērtējums tiek saglabāts kā melnraksts. Melnrakstu var labot; parakstītu novērtējumu vairs nemaina, to var tikai aizstāt ar jaunu.
assessment-save-button = Saglabāt melnrakstu
assessment-sign-button = Parakstīt novērtējumu
assessment-draft-note = Šis ir melnraksts. Pārbaudiet to un parakstiet, kad tas ir pabeigts; parakstītu novērtējumu vairs nevar mainīt.
assessment-superseded = Šo novērtējumu aizstāja vēlāks novērtējums.
assessment-superseded-link = Atvērt vēlāko novērtējumu
assessment-age-group = { $date } bērnam ir { $age } gadi: vecuma grupa { $group }. Vecuma grupa un instrumenti izriet no novērtēšanas datuma.
assessment-not-a-child = Novērtēšanas dienā persona nav bērns; bērna novērtējums ir bērniem līdz 18 gadu vecumam.
assessment-age-at = Vecums novērtēšanas dienā: { $age } (vecuma grupa { $group }).
assessment-domains-title = Četras jomas
assessment-adult-domains-title = Jomas, uz kurām balstās aprūpes līmenis
rating-scale-hint = Novērtējiet katru jomu no 0 (nav grūtību) līdz 4 (pilnīgas grūtības) un pierakstiet, ko novērojāt.
rating-0 = nav
rating-1 = viegli
rating-2 = vidēji
rating-3 = smagi
rating-4 = pilnīgi
domain-physical = Fiziskā attīstība
domain-intellectual = Intelektuālā attīstība
domain-social = Sociālās prasmes
domain-behaviour = Uzvedība
domain-health = Veselība
domain-self-care = Pašaprūpe
domain-communication = Saziņa
domain-daily-living = Ikdienas dzīve
field-domain-note = Piezīme: { $domain }
field-assessed-on = Novērtēšanas datums
field-next-review-on = Nākamā pārvērtēšana
hint-next-review = Atstājiet tukšu, lai tā būtu { $months } mēnešus pēc novērtēšanas.
instruments-title = Instrumenti
instruments-hint = Tiek piedāvāti tikai { $age } gadus veca bērna vecumam atbilstošie instrumenti.
instruments-none = Šim vecumam neviens instruments nav ieteikts.
row-instrument = { $n }. instruments
field-instrument = Instruments
field-instrument-result = Rezultāts
team-title = Novērtēšanas komanda
team-hint = Obligāti: sociālais darbinieks, psihologs un ergoterapeits; fizioterapeits, ja bērnam tas vajadzīgs. Rindas bez vārda netiek ņemtas vērā.
row-team-member = { $n }. komandas loceklis
field-team-role = Loma
field-team-name = Vārds, uzvārds
pre-assessment-title = Priekšizvērtējums kopā ar vecāku
pre-assessment-hint = Aizpilda kopā ar vecāku vai likumisko pārstāvi.
field-impairment-type = Traucējumu veids
field-technical-aids = Izmantotie tehniskie palīglīdzekļi
field-education = Izglītība
field-place = Kur notika novērtēšana
place-home = mājās
place-elsewhere = citur
consultations-title = Notikušās konsultācijas
row-consultation = { $n }. konsultācija
field-consultation-topic = Tēma
field-consultation-minutes = Ilgums minūtēs
field-care-level = Aprūpes līmenis
care-level-option = { $level } līmenis
field-support-level = Atbalsta līmenis
support-level-1 = 1. līmenis – līdz 7,5 stundām mēnesī
support-level-2 = 2. līmenis – līdz 20 stundām mēnesī
support-level-3 = 3. līmenis – līdz 37 stundām mēnesī
field-rationale = Pamatojums
hint-rationale = Kāpēc šis līmenis: kam personai vajadzīgs atbalsts.
col-assessors = Novērtētāji
col-signed-on = Parakstīts
col-domain = Joma
col-rating = Vērtējums
col-score = Vērtējumu summa

## The proposed budget and the decision

proposal-title = Politikas piedāvātais budžets
proposal-intro = Aprēķināts pēc publicētās sadales politikas ar cenām, kas spēkā { $date }. Katrā rindā redzams daudzums, vienības cena un summa.
proposal-total = Piedāvātā summa
proposal-level = Līmenis
proposal-policy = Sadales politika
proposal-tariff = Tarifu tabula
proposal-lines-caption = Piedāvātā budžeta rindas
proposal-caps-caption = Ierobežojumi, kas attiecas uz šiem pakalpojumiem
proposal-source = Politikas skaitļu avots: { $source }
proposal-failed = Politika nevarēja aprēķināt budžetu šim novērtējumam.
budget-level-assessed = { $level }, noteikts novērtējumā
budget-level-score = { $level }: četru jomu vērtējumu summa { $score } ir robežās { $min }–{ $max }
col-services = Pakalpojumi
col-cap = Ierobežojums
col-package-quantity = Paketē mēnesī
col-source = Avots
cap-per-month = mēnesī
cap-per-year = gadā
decide-title = Lemt par budžetu
decide-intro = Budžetu piešķir uz 6 līdz 12 mēnešiem. Ja piešķirat citu summu nekā piedāvāts, ierakstiet pamatojumu; tas tiek saglabāts un norādīts paziņojumā.
field-period-from = Pirmā diena
field-period-to = Līdz (neieskaitot)
field-amount = Summa mēnesī, EUR
hint-amount = Atstājiet tukšu, lai piešķirtu piedāvāto summu { $proposed }.
field-override-reason = Pamatojums citai summai
hint-override-reason = Obligāts tikai tad, ja summa atšķiras no piedāvātās (vismaz 10 rakstzīmes).
decide-button = Pieņemt lēmumu
decisions-on-assessment-caption = Lēmumi, kas pieņemti uz šī novērtējuma pamata

## A decision and its notice

decision-title = Lēmums par budžetu
decision-assessment-link = Novērtējums
decision-proposed = Piedāvātā summa
decision-monthly = Piešķirtā summa mēnesī
notice-title = Lēmums par individuālo budžetu
notice-page-title = Paziņojums par lēmumu: { $name }
notice-person = Persona
notice-decided-on = Lēmuma datums
notice-amount = Summa mēnesī
notice-period = Periods
notice-total = Kopā par periodu
notice-policy = Politika
notice-policy-version = { $id } v{ $version }
notice-illustrative = ilustratīva
notice-factors = Ko summa ņem vērā
notice-factor = Faktors
notice-value = Vērtība
notice-contest = Kā apstrīdēt
notice-contest-by = Pēdējā diena apstrīdēšanai:
notice-months = { $months ->
    [one] { $months } mēnesis
   *[other] { $months } mēneši
}
notice-months-and-days = { $months } un { $days ->
    [one] { $days } diena
   *[other] { $days } dienas
}
notice-in-english = The notice in English
notice-in-latvian = Paziņojums latviešu valodā
notice-as-text = Paziņojums kā vienkāršs teksts
plan-new-link = Sagatavot plānu
review-requests-title = Lūgumi pārskatīt lēmumu
review-requests-none = Nav reģistrēts neviens lūgums pārskatīt lēmumu.
col-requested-on = Saņemts
field-requested-by = Kas lūdz
field-review-reason = Pamatojums
field-review-outcome = Iznākums
field-outcome-note = Iznākuma pamatojums
review-outcome-pending = izskatīšanā
review-outcome-upheld = lēmums paliek spēkā
review-outcome-changed = lēmums grozīts
review-outcome-withdrawn = atsaukts
review-outcome-title = Lūguma iznākums ({ $date }, { $name })
review-outcome-button = Reģistrēt iznākumu
review-request-title = Reģistrēt lūgumu pārskatīt lēmumu
review-request-hint = Persona vai tās pārstāvis var lūgt lēmumu pārskatīt. Ierakstiet, kas lūdz un kāpēc.
review-request-button = Reģistrēt lūgumu

## Support plans

plan-title = Atbalsta plāns
plan-new-title = Sagatavot atbalsta plānu
plan-edit-title = Labot plāna melnrakstu
plan-form-intro = Ierakstiet mērķus personas vārdiem. Katram pakalpojumam izvēlieties personas izvēlēto sniedzēju un to, kas maksā. Tukšās rindas netiek ņemtas vērā. Plāns, kas maksā vairāk nekā budžets, netiek pieņemts, un tiek parādīta pārsniegtā summa.
field-plan-from = Plāna sākums
field-plan-to = Plāns ir spēkā līdz (neieskaitot)
plan-budget = Budžets
plan-cost = Izmaksas no budžeta
plan-remaining = Neieplānotais atlikums
plan-over = Budžets pārsniegts par
plan-goals-title = Mērķi
plan-goals-hint = Vismaz viens mērķis personas vārdiem: ilgtermiņa mērķi un īstermiņa soļi uz tiem.
row-goal = { $n }. mērķis
field-goal-term = Termiņš
field-goal-text = Mērķis personas vārdiem
field-goal = Mērķis
goal-term-long = ilgtermiņa
goal-term-short = īstermiņa
field-needs = Vajadzības
hint-needs = Kam personai vajadzīgs atbalsts.
plan-lines-title = Pakalpojumi
plan-lines-hint = Daudzums mēnesī pakalpojuma vienībās. Nepieciešamam, bet nepieejamam pakalpojumam nav sniedzēja, un tas neko nemaksā.
plan-lines-caption = Pakalpojumi un to izmaksas mēnesī
row-line = { $n }. pakalpojums
field-service = Pakalpojums
field-quantity-per-month = Daudzums mēnesī
field-provider = Sniedzējs
field-funding = Kas maksā
funding-individual-budget = individuālais budžets
funding-municipality = pašvaldība
funding-state = valsts
funding-family = ģimene
funding-other = cits avots
field-line-status = Statuss
field-barrier = Kas traucē
plan-tasks-title = Uzdevumi
plan-tasks-none = Nav noteikts neviens uzdevums.
row-task = { $n }. uzdevums
field-task-owner = Kam uzdevums
field-task-text = Uzdevums
field-due-on = Līdz
task-owner-planning-region = plānošanas reģions
task-owner-municipality = pašvaldība
task-owner-family = ģimene
plan-save-button = Saglabāt plānu
plan-offers-title = Sniedzēji, kas strādā personas pašvaldībā
plan-offers-caption = Pakalpojumi un cenas { $date }
plan-offers-none = Personas pašvaldībā nestrādā neviens sniedzējs.
plan-actions-title = Ko jūs tagad varat darīt
plan-action-activate = Ieviest plānu
plan-action-reopen = Atvērt atkal kā melnrakstu
plan-action-review = Sākt pārskatīšanu
plan-action-resume = Beigt pārskatīšanu un turpināt
plan-action-close = Slēgt plānu
plan-sign-title = Parakstīt plānu
plan-sign-intro = Ar parakstu plāns tiek saskaņots. Sociālais darbinieks var reģistrēt parakstu no parakstīta papīra dokumenta.
field-signer-name = Parakstītāja vārds, uzvārds
field-signer-role = Paraksta kā
signer-role-person = persona pati
signer-role-representative = likumiskais pārstāvis
field-signed-on = Parakstīšanas datums
plan-sign-button = Reģistrēt parakstu
col-monthly-cost = Izmaksas mēnesī
not-from-budget = ne no budžeta
goal-review-line = { $date }, { $by }
goal-review-title = Mērķu sasniegšana
goal-review-intro = Katram tagad pārskatītajam mērķim izvēlieties, cik lielā mērā tas sasniegts: no −2 (daudz mazāk nekā gaidīts) līdz +2 (daudz vairāk nekā gaidīts).
goal-review-legend = { $n }. mērķis: { $goal }
goal-not-reviewed = tagad netiek pārskatīts
field-attainment = Sasniegšanas pakāpe
field-review-note = Piezīme
field-review-note-of = Kas notika ar { $n }. mērķi
goal-review-button = Reģistrēt pārskatīšanu
plan-signatures-title = Paraksti
plan-signatures-none = Plānu vēl neviens nav parakstījis.
col-recorded-by = Reģistrēja
plan-versions-title = Versijas
col-what-happened = Kas notika
col-changed-by = Kas
col-changed-on = Datums
version-note-created = izveidots
version-note-revised = labots
version-note-draft = atvērts atkal kā melnraksts
version-note-agreed = parakstīts un saskaņots
version-note-active = ieviests
version-note-in-review = sākta pārskatīšana
version-note-closed = slēgts
version-option = { $version }. versija ({ $state })
field-compare-from = Salīdzināt versiju
field-compare-to = ar versiju
compare-button = Salīdzināt
compare-title = { $from }. un { $to }. versijas salīdzinājums
compare-intro = Kas mainījās no { $from }. versijas ({ $from_state }) līdz { $to }. versijai ({ $to_state }).
compare-caption = Izmaiņas no { $from }. līdz { $to }. versijai
compare-no-changes = Abām versijām ir vienāds saturs.
col-change = Izmaiņa
col-before = { $version }. versija
col-after = { $version }. versija
back-to-plan = Atpakaļ uz plānu
change-period = Periods
change-needs = Vajadzības
change-goal-added = Pievienots mērķis
change-goal-removed = Izņemts mērķis
change-goal-changed = Mainīts mērķis
change-line-added = Pievienots pakalpojums
change-line-removed = Izņemts pakalpojums
change-line-changed = Mainīts pakalpojums
change-task-added = Pievienots uzdevums
change-task-removed = Izņemts uzdevums
change-task-changed = Mainīts uzdevums
changed-field-term = termiņš
changed-field-text = teksts
changed-field-quantity_per_month = daudzums
changed-field-provider_id = sniedzējs
changed-field-funding = kas maksā
changed-field-status = statuss
changed-field-barrier = šķērslis
changed-field-service_name = pakalpojuma nosaukums
changed-field-unit = vienība
changed-field-owner = kam uzdevums
changed-field-due_on = datums

## Worklist

worklist-title = Darāmo darbu saraksts
worklist-intro = Kas jādara to personu lietās, ar kurām strādājat, { $date }: vispirms nokavētās pārvērtēšanas.
worklist-caption = Darāmo darbu saraksts { $date }
worklist-count = { $count ->
    [0] Nekas nav jādara
    [one] { $count } darbs
   *[other] { $count } darbi
}
col-work = Kas jādara
col-due-on = Termiņš
col-detail = Sīkāk
work-detail-overdue = { $days ->
    [one] nokavēts par { $days } dienu
   *[other] nokavēts par { $days } dienām
}
work-detail-due = { $days ->
    [0] šodien
    [one] pēc { $days } dienas
   *[other] pēc { $days } dienām
}
work-detail-turns-18 = { $date } apritēs 18 gadi: jāplāno pāreja uz pieaugušo atbalstu
work-detail-turned-18 = { $date } apritēja 18 gadi: jāplāno pāreja uz pieaugušo atbalstu
work-detail-signature = plāns gaida personas vai pārstāvja parakstu
work-detail-decision = parakstīts novērtējums gaida lēmumu par budžetu

## Mans budžets (persona) un Mani klienti (pakalpojumu sniedzējs): pārskati un apmeklējumi

nav-my-budget = Mans budžets
nav-my-clients = Mani klienti
month-january = janvāris
month-february = februāris
month-march = marts
month-april = aprīlis
month-may = maijs
month-june = jūnijs
month-july = jūlijs
month-august = augusts
month-september = septembris
month-october = oktobris
month-november = novembris
month-december = decembris
month-switch-label = Citi mēneši
month-prev = Agrāk: { $month }
month-next = Vēlāk: { $month }
mybudget-title = Mans budžets
mybudget-no-person = Jūsu lietotājs vēl nav sasaistīts ar personas lietu. Palūdziet sociālajam darbiniekam to izdarīt.
mybudget-people = Kura budžets
mybudget-for = Budžets: { $name }
mybudget-no-budget = Budžets vēl nav piešķirts.
mybudget-left-title = Cik vēl atlicis
mybudget-left-sentence = Jums vēl ir { $left } no { $total }. Izlietoti { $used }.
mybudget-held-sentence = No izlietotā { $held } sociālais darbinieks vēl pārbauda.
mybudget-returned-sentence = { $returned } netika izlietoti un tika atgriezti, kad budžeta periods beidzās.
mybudget-monthly = Budžets mēnesī
mybudget-paid = Pakalpojumu sniedzējiem līdz šim samaksāts
mybudget-decision-link = Lēmums par jūsu budžetu
mybudget-notice-link = Paziņojums par lēmumu
mybudget-decisions = Visi lēmumi par jūsu budžetu
mybudget-shown = parādīts augstāk
statement-title = Pārskats: { $month }
statement-caption = Pakalpojumi: { $month }
statement-none = Par šo mēnesi rēķinu nav.
statement-of-which-held = no tiem { $amount } vēl pārbauda
statement-total = Kopā
statement-approved = Apstiprināts
statement-held = Pārbaudē (rezervēts)
statement-paid = Samaksāts
statement-co-payment = Jūsu līdzmaksājums
statement-refused = Noraidīti rēķini
statement-position-title = Budžets { $date }
statement-position-hint = Aprēķināts no visiem budžeta virsgrāmatas ierakstiem, kas iegrāmatoti līdz šai dienai. Rēķins par šo mēnesi, kas izlemts vēlāk, tiek iegrāmatots lēmuma dienā.
position-allocated = Piešķirts līdz šim
position-approved = Apstiprināts
position-reserved = Rezervēts pārbaudei
position-paid = Samaksāts
position-remaining = Atlicis
col-units = Daudzums
col-from-budget = No budžeta
col-co-payment = Līdzmaksājums
col-specialist = Speciālists
col-session-kind = Nodarbība
col-visit-state = Jūsu atbilde
visits-title = Apmeklējumi
visits-intro = Apstipriniet apmeklējumus, kas notika tā, kā ierakstīts. Ja kaut kas nav pareizi, uzrakstiet to saviem vārdiem.
visits-none = Šomēnes apmeklējumu nav, un neviens negaida jūsu atbildi.
visit-kind-individual = individuāla
visit-kind-group = grupā
visit-state-unconfirmed = vēl nav atbildēts
visit-state-confirmed = apstiprināts
visit-state-disputed = apstrīdēts
visit-confirm-button = Jā, šis apmeklējums notika
visit-dispute-button = Ar šo apmeklējumu kaut kas nav pareizi
field-dispute-reason = Kas nav pareizi ar šo apmeklējumu
field-dispute-reason-hint = Piemēram: apmeklējums nenotika vai bija īsāks.
problem-visit = Apmeklējums
desk-title = Mani klienti
desk-agreements = Līgumi
desk-agreements-caption = Līgumi ar jūsu klientiem un cik atlicis viņu budžetos
desk-no-agreements = Līgumu ar jūsu klientiem vēl nav.
desk-price-split = { $covered } no budžeta, { $co_payment } līdzmaksājums
desk-left-of = { $left } no { $total }
col-agreement = Līgums
col-client = Klients
col-per-month = Mēnesī
col-budget-left = Budžetā atlicis
col-claim = Rēķins
col-service-date = Pakalpojuma diena
claim-form-title = Iesniegt rēķinu
claim-form-hint = Viena rinda: līgums, diena, vienību skaits un cena par vienību. Ja to pašu veidlapu nosūta divreiz, tas ir viens rēķins.
field-agreement = Līgums
field-service-date = Pakalpojuma diena
field-quantity = Vienības
field-unit-price = Cena par vienību, EUR
field-visit-id = Apmeklējuma numurs
field-visit-id-hint = Atstājiet tukšu, ja apmeklējums netika reģistrēts.
claim-button = Iesniegt rēķinu
claim-approved-title = Rēķins { $id } ir apstiprināts
claim-held-title = Rēķins { $id } ir pieņemts un gaida lietas vadītāja pārbaudi
claim-refused-title = Rēķins { $id } ir noraidīts
claim-result-line = Diena { $date }, daudzums { $quantity }: { $amount } no budžeta, { $co_payment } līdzmaksājums.
claim-reasons = Iemesli
claim-anomalies = Jāpārbauda
desk-visits = Apmeklējumi
check-in-title = Reģistrēt apmeklējuma sākumu
field-client = Klients
field-specialist = Speciālists
field-visit-start = Sākums
field-visit-end = Beigas
field-visit-end-hint = Formā GGGG-MM-DDTHH:MM; atstājiet tukšu, kamēr apmeklējums turpinās.
field-visit-method = Kā reģistrēts
hint-datetime = Formā GGGG-MM-DDTHH:MM, piemēram, 2026-06-03T10:00
visit-method-manual = ievadīts ar roku
visit-method-card = personas karte
visit-method-code = vienreizējs kods
check-in-button = Reģistrēt sākumu
open-visits-title = Apmeklējumi bez reģistrētām beigām
open-visits-none = Visiem apmeklējumiem beigas ir reģistrētas.
check-out-button = Reģistrēt beigas
desk-statement-title = Pārskats: { $month }
desk-claims = Rēķini
desk-claimed = Pieprasīts
desk-accepted = Pieņemti
desk-payable = Apstiprināts, vēl nav samaksāts
desk-co-payments = Klientu līdzmaksājumi
desk-lines-caption = Rēķini pa pakalpojumiem: { $month }
desk-refused-title = Noraidītie rēķini
desk-refused-caption = Noraidītie rēķini ar iemesliem: { $month }
desk-refused-none = Neviens rēķins par šo mēnesi nav noraidīts.
problem-claim = Rēķins
problem-provider = Pakalpojumu sniedzējs
refusal-no-agreement = jums nav tāda līguma
refusal-outside-agreement-period = ārpus līguma perioda
refusal-plan-not-active = plāns tajā dienā nebija spēkā
refusal-over-plan-quantity = vairāk, nekā plāns šomēnes atļauj
refusal-over-cap = vairāk, nekā atļauj ierobežojums
refusal-over-balance = vairāk, nekā budžetā atlicis
refusal-price-above-agreement = cena augstāka par līgumā noteikto
refusal-future-date = pakalpojuma diena ir nākotnē
refusal-no-quantity = nav norādīts vienību skaits
refusal-idempotency-key-reused = rēķina atslēga jau izmantota citam rēķinam
refusal-refused-at-review = lietas vadītājs pēc pārbaudes noraidīja
anomaly-overlapping-individual-sessions = speciālistam tajā pašā laikā bija cita individuāla nodarbība
anomaly-visit-shorter-than-billed = apmeklējums bija īsāks, nekā norādīts rēķinā
anomaly-no-visit = nav reģistrēta apmeklējuma
anomaly-duplicate-claim = izskatās pēc jau iesniegta rēķina
anomaly-disputed-visit = persona apstrīd apmeklējumu
anomaly-visit-not-checked-out = apmeklējuma beigas nav reģistrētas
anomaly-visit-mismatch = apmeklējums attiecas uz citu personu, sniedzēju vai dienu
refusal-no-receipt = tiešajam maksājumam nav norādīts čeks
refusal-other = cits noteikums (skatīt sīkāk)
anomaly-other = kas cits jāpārbauda (skatīt sīkāk)
decision-statement-title = Budžeta mēneša pārskats
decision-statement-link = Mēneša pārskati: kas iztērēts

held-title = Aizturētie rēķini
held-intro = Šie rēķini ir pieņemti, bet aizturēti, jo tajos ir novirzes. Pārbaudiet un apstipriniet vai noraidiet tos.
held-caption = Rēķini, kas gaida lietvedes pārbaudi
held-error = Lēmumu nevarēja saglabāt
held-col-claim = Rēķins
held-col-date = Pakalpojuma diena
held-col-amount = Summa
held-col-why = Kāpēc aizturēts
held-col-decide = Lēmums
held-claim = Rēķins Nr. { $id }
held-note = Piezīme (kāpēc)
held-approve = Apstiprināt
held-refuse = Noraidīt

desk-upload-link = Augšupielādēt rēķinus no CSV datnes
upload-title = Rēķinu augšupielāde no CSV datnes
upload-lead = Daudz rēķinu vienā reizē: katra datnes rinda ir viens rēķins. Pēc augšupielādes redzēsiet katras rindas iznākumu.
upload-file = CSV datne (līdz 1 MiB, UTF-8)
upload-file-hint = Pirmajā rindā ir kolonnu nosaukumi, tālāk katrā rindā viens rēķins. Apmeklējuma numurs nav obligāts.
upload-header-label = Pirmā rinda:
upload-example-label = Rindas piemērs:
upload-mode = Ja kāda rinda ir kļūdaina
upload-mode-all-or-nothing = neievadīt neko, ja kaut viena rinda ir kļūdaina
upload-mode-good-lines-only = ievadīt pareizās rindas un parādīt kļūdainās
upload-button = Augšupielādēt
upload-back = Atpakaļ uz lapu “Mani klienti”
upload-again = Augšupielādēt vēl vienu datni
upload-error-no-file = Izvēlieties CSV datni.
upload-error-not-utf8 = Datne nav UTF-8 kodējumā. Saglabājiet to kā “CSV UTF-8” un mēģiniet vēlreiz.
upload-error-too-large = Datne ir lielāka par 1 MiB. Sadaliet to vairākās datnēs.
upload-error-header = Datnes pirmā rinda nav tāda, kā norādīts.
upload-error-unreadable = Veidlapu nevarēja nolasīt. Mēģiniet vēlreiz.
upload-report-title = Rēķinu augšupielādes atskaite
upload-progress-title = Gaita
upload-started = { $total ->
    [one] Apstrādā { $total } rindu…
   *[other] Apstrādā { $total } rindas…
}
upload-line = Rinda { $line }:
upload-progress = { $done } no { $total } rindām
upload-failed = Augšupielāde apstājās servera kļūdas dēļ. Jau ievadītās rindas paliek ievadītas; pārējās nav ievadītas. Pārbaudiet rēķinus lapā “Mani klienti”.
upload-summary-title = Kopsavilkums
upload-done = { $total ->
    [one] Apstrādāta { $total } rinda.
   *[other] Apstrādātas { $total } rindas.
}
upload-imported = Ievadītas
upload-refused = Atteiktas
upload-invalid = Kļūdainas
upload-not-imported = Neievadītas
upload-nothing-imported = Datnē bija kļūdainas rindas, tāpēc neviena rinda netika ievadīta. Izlabojiet tās un augšupielādējiet datni vēlreiz.
upload-bad-caption = Kļūdainās un atteiktās rindas ar iemesliem
upload-no-bad-lines = Kļūdainu vai atteiktu rindu nav.
upload-col-line = Rinda
upload-col-outcome = Iznākums
upload-status-imported = ievadīta
upload-status-refused = atteikta
upload-status-invalid = kļūdaina
upload-status-not-imported = nav ievadīta (neko neievada, jo datnē ir kļūdainas rindas)
upload-col-key = rēķina atslēga

## simulator
nav-simulator = Politikas simulators
simulator-title = Politikas simulators
simulator-lead = Izmēģiniet mainītu paketi, tarifu vai līmeņa noteikumu ar cilvēkiem, kurus tas skartu, pirms kāds to pieņem. Nekas nemainās, kamēr apstiprinātājs nepieņem projektu no noteikta datuma.
simulator-drafts = Projekti
simulator-drafts-caption = Politikas projekti, jaunākie vispirms
simulator-col-draft = Projekts
simulator-col-files = Datnes
simulator-col-saved-by = Saglabāja
simulator-col-saved-on = Saglabāts
simulator-col-adopted-from = Pieņemts no
simulator-not-adopted = nav pieņemts
simulator-no-drafts = Projektu vēl nav.
simulator-new-draft = Jauns projekts
simulator-new-draft-intro = Augšupielādējiet vai ielīmējiet politikas un tarifu datnes politiku mapes formātā. Katra datne aizstāj datni ar tādu pašu nosaukumu vai tāda paša veida un identifikatora datni; pārējās paliek, kā ir.
simulator-draft-title = Ko projekts maina
simulator-draft-files = Augšupielādējamās datnes
simulator-draft-files-hint = Viena vai vairākas .toml datnes (resursu piešķiršanas politikas vai tarifu tabulas).
simulator-draft-pasted-name = Ielīmētās datnes nosaukums
simulator-draft-pasted-name-hint = Piemēram, tariffs/lv-ib.toml.
simulator-draft-pasted = Ielīmētā datne
simulator-draft-pasted-hint = Ielīmējiet šeit vienas politikas vai tarifu datnes tekstu, ja to neaugšupielādējat.
simulator-draft-save = Saglabāt projektu un simulēt
simulator-error-unreadable = Veidlapu nevarēja nolasīt pilnībā; mēģiniet vēlreiz ar mazākām datnēm.
simulator-error-not-utf8 = datne nav UTF-8 teksts
simulator-error-no-files = Augšupielādējiet vai ielīmējiet vismaz vienu datni.
simulator-back = Atpakaļ uz projektiem
simulator-draft-page-title = Projekts: { $title }
simulator-draft-files-are = Datnes:
simulator-adopted = Pieņemts: spēkā no { $date }.
simulator-on = Simulēt uz datumu
simulator-run = Simulēt
simulator-run-error = Projektu šajā dienā nevarēja simulēt
simulator-changes = Ko projekts maina { $date }
simulator-no-changes = Neko: šajā dienā projekts dod tās pašas politikas un cenas, kas ir spēkā.
simulator-change-policy = { $group }: politikas versija { $current } kļūst par { $draft } ({ $title })
simulator-change-price = { $service } (tarifu tabula { $table }): { $current } kļūst par { $draft } par vienību
simulator-change-table = Jauna tarifu tabula { $table }
simulator-aggregates-only = Jūs redzat tikai kopsummas: neviena persona netiek rādīta, un pašvaldība vai līmenis, kurā ir mazāk par 5 cilvēkiem, netiek rādīts.
simulator-failed = { $count ->
    [one] { $count } personas budžetu vienā pusē nevarēja aprēķināt; tas nav iekļauts kopsummās.
   *[other] { $count } personu budžetus vienā pusē nevarēja aprēķināt; tie nav iekļauti kopsummās.
}
simulator-totals = Kopsummas
simulator-totals-caption = Budžeti tagad un pēc projekta { $date }
simulator-col-population = Iedzīvotāji
simulator-all = Visi, kuriem ir spēkā esošs budžets
simulator-by-municipality = Pa pašvaldībām
simulator-by-municipality-caption = Budžeti tagad un pēc projekta pa pašvaldībām
simulator-by-level = Pa līmeņiem
simulator-by-level-caption = Budžeti tagad un pēc projekta pa shēmām un pašreizējiem līmeņiem
simulator-col-people = Cilvēki
simulator-col-current-month = Tagad, mēnesī
simulator-col-draft-month = Projekts, mēnesī
simulator-col-difference-month = Izmaiņa, mēnesī
simulator-col-current-year = Tagad, gadā
simulator-col-draft-year = Projekts, gadā
simulator-col-difference-year = Izmaiņa, gadā
simulator-col-gainers = Iegūst
simulator-col-losers = Zaudē
simulator-suppressed = mazāk par 5 cilvēkiem: netiek rādīts
simulator-gainers = Kas iegūst
simulator-gainers-caption = Cilvēki, kuru budžets pieaug, lielākais pieaugums vispirms
simulator-losers = Kas zaudē
simulator-losers-caption = Cilvēki, kuru budžets samazinās, lielākais samazinājums vispirms
simulator-nobody = Neviens.
simulator-col-person = Persona
simulator-col-municipality = Pašvaldība
simulator-col-group-level = Shēma un līmenis
simulator-col-why = Kāpēc
simulator-person = Persona { $id }
simulator-reason-level = līmenis { $current } kļūst par { $draft }
simulator-reason-level-score = punkti { $score }: josla { $current_band } (līmenis { $current }) kļūst par joslu { $draft_band } (līmenis { $draft })
simulator-reason-band = punkti { $score }: josla { $current_band } kļūst par { $draft_band }; līmenis nemainās
simulator-reason-line-added = { $service }: pievienots, { $draft_quantity } x { $draft_price } = { $draft }
simulator-reason-line-removed = { $service }: izņemts, bija { $current_quantity } x { $current_price } = { $current }
simulator-reason-line-quantity = { $service }: { $current_quantity } kļūst par { $draft_quantity } vienībām mēnesī ({ $difference })
simulator-reason-line-price = { $service }: cena { $current_price } kļūst par { $draft_price } ({ $difference })
simulator-reason-line-both = { $service }: { $current_quantity } x { $current_price } kļūst par { $draft_quantity } x { $draft_price } ({ $difference })
simulator-reason-cap = ierobežojums { $services }: { $current } kļūst par { $draft }
simulator-adopt = Pieņemt projektu
simulator-adopt-intro = Pieņemot projekts stājas spēkā kā jauna politikas versija no norādītā datuma: budžeti, ko aprēķina šim datumam vai vēlāk, to izmanto; agrākie budžeti un visi pieņemtie budžeta lēmumi paliek, kā bija. Projektu pieņem vienu reizi.
simulator-adopt-from = Spēkā no
simulator-adopt-from-hint = Šodien vai vēlāk.
simulator-adopt-button = Pieņemt no šī datuma
simulator-population = Iedzīvotāji
simulator-population-current = Cilvēki ar spēkā esošu budžetu
simulator-population-synthetic = Sintētiski iedzīvotāji
simulator-people = Sintētisko cilvēku skaits
simulator-people-hint = No 1 līdz 50 000; tikai sintētiskiem iedzīvotājiem.
simulator-seed = Sēkla
simulator-seed-hint = Tā pati sēkla dod tos pašus sintētiskos iedzīvotājus.
simulator-synthetic-person = Sintētiska persona { $id }
## my ibis
nav-my = Mans ibis
home-my-text = Jūsu budžets un atlikums, plāns, pakalpojumu sniedzēji, dokumenti un kas jums palīdz.
my-title = Mans ibis
my-for = Par personu { $name }
my-no-person = Jūsu kontam vēl nav piesaistīta neviena persona. Lūdziet pašvaldības sociālo dienestu to izdarīt.
my-people = Personas, kuras jūs pārstāvat
my-easy-on = Vieglā valoda: ieslēgt
my-easy-off = Vieglā valoda: izslēgt
my-budget-title = Mana nauda
my-no-budget = Budžeta vēl nav.
my-budget-more = Katra mēneša pārskats un apmeklējumi
my-chart-caption = Budžets skaitļos
my-chart-what = Kas
my-chart-amount = Summa
my-chart-budget = Budžets līdz šim
my-chart-used = Izlietots
my-chart-paid = Samaksāts sniedzējiem
my-chart-left = Atlicis
my-easy-left = Jums ir atlikuši { $left }.
my-easy-used = Jūs izlietojāt { $used } no { $total }.
my-easy-monthly = Jūs saņemat { $monthly } katru mēnesi.
my-plan-title = Mans plāns un mērķi
my-no-plan = Plāna vēl nav. Jūsu sociālais darbinieks to sastāda kopā ar jums.
my-plan-state = Plāna stāvoklis: { $state }.
my-plan-open = Viss plāns
my-easy-goals = Jūsu plānā ir { $count ->
    [one] { $count } mērķis
   *[other] { $count } mērķi
}.
my-providers-title = Mani pakalpojumu sniedzēji un to cena
my-providers-caption = Mana plāna pakalpojumi mēnesī
my-easy-visits = { $count ->
    [0] Neviens apmeklējums negaida jūsu atbildi.
    [one] { $count } apmeklējums gaida jūsu atbildi.
   *[other] { $count } apmeklējumi gaida jūsu atbildi.
}
my-visits-answer = Apstiprināt vai apstrīdēt apmeklējumus
my-docs-title = Mani dokumenti
my-no-docs = Dokumentu vēl nav.
my-doc-notice = Lēmums par budžetu
my-doc-plan = Atbalsta plāns
my-doc-statement = Pārskats par { $month }
my-doc-page = Lasīt
my-doc-pdf = PDF
my-contacts-title = Kas man palīdz
my-no-contacts = Sociālais darbinieks vai atbalsta persona vēl nav norādīti.
my-contact-case-manager = Sociālais darbinieks (gadījuma vadītājs)
my-contact-broker = Atbalsta persona
my-contact-assessor = Izvērtētājs
my-near-title = Tuvumā
my-near-intro = Jūsu plāna pakalpojumu sniedzēji: { $home } un pārējais { $region }, ar katra pakalpojuma cenu.
my-near-caption = Pakalpojumu sniedzēji tuvumā
my-near-services = Mana plāna pakalpojumi (cena)
my-near-where = Kur
my-near-home = mana pašvaldība
my-near-none = Tuvumā vēl neviens nesniedz jūsu plāna pakalpojumus.
mydoc-person = Persona
mydoc-col-cost = Cena mēnesī
mydoc-back = Atpakaļ uz lapu
mydoc-pdf = Lejupielādēt PDF (A4)
mydoc-print-hint = Šī lapa drukājas uz A4 bez izvēlnēm. PDF ir tas pats dokuments.
mydoc-footer = Izdrukāts no ibis { $date }
mydoc-page-of = Lapa { $n } no { $total }
mydoc-sign-title = Vieta parakstiem
mydoc-sign-person = Persona vai tās likumiskais pārstāvis
mydoc-sign-case-manager = Sociālais darbinieks (gadījuma vadītājs)
mydoc-sign-signature = Paraksts un vārds, uzvārds
mydoc-sign-date = Datums
notice-as-pdf = Paziņojums PDF formātā
my-plan-print = Plāns drukāšanai, ar vietu parakstiem
my-plan-pdf = Plāns PDF formātā (A4)
my-statement-print = Pārskats drukāšanai
my-statement-pdf = Pārskats PDF formātā (A4)
## person links: who is linked to a person's record
links-title = Piesaistītie lietotāji
links-intro = Piesaistīts lietotājs redz šīs personas lietu: pati persona vai tās likumiskais pārstāvis, vērtētājs un atbalsta persona. Piesaistiet lietotāju pēc viņa lietotājvārda.
links-caption = Lietotāji, kas piesaistīti personai { $name }
links-col-role = Loma
links-field-kind = Piesaiste
links-none = Neviens lietotājs vēl nav piesaistīts.
links-form-title = Piesaistīt lietotāju
links-hint-username = Lietotājvārds, ar kuru lietotājs pierakstās.
links-button = Piesaistīt
links-kind-self = pati persona
links-kind-representative = likumiskais pārstāvis
links-kind-assessor = vērtētājs
links-kind-broker = atbalsta persona
links-error-kind = Izvēlieties piesaistes veidu no saraksta.
links-error-no-user = Nav lietotāja ar šādu lietotājvārdu.
links-error-role = Šī lietotāja loma neatbilst izvēlētajai piesaistei (personai vajag personas lomu, vērtētājam – vērtētāja, atbalsta personai – atbalsta personas).
links-manage = Piesaistītie lietotāji

## payments: payment runs through the pages
nav-payments = Maksājumi
payments-title = Maksājumi
payments-intro = Maksājumu izpilde: lēmuma pieņēmējs sagatavo maksājumu uzdevumu par visiem apstiprinātajiem, vēl neapmaksātajiem pieprasījumiem; cits darbinieks to pārbauda; lēmuma pieņēmējs to izpilda, un maksājumi tiek ierakstīti budžetu uzskaitē.
payments-runs-title = Maksājumu uzdevumi
payments-runs-caption = Pašvaldības maksājumu uzdevumi, jaunākie vispirms
payments-none = Maksājumu uzdevumu vēl nav.
payments-col-run = Uzdevums
payments-col-state = Stāvoklis
payments-col-items = Maksājumi
payments-col-total = Kopā
payments-col-people = Kas to darīja
payments-col-actions = Darbības
payments-prepared-by = sagatavoja { $name }
payments-reviewed-by = pārbaudīja { $name }
payments-released-by = izpildīja { $name }
payments-state-draft = sagatavots
payments-state-reviewed = pārbaudīts
payments-state-released = izpildīts
payments-state-cancelled = atcelts
payments-action-review = Pārbaudīts
payments-action-release = Izpildīt
payments-action-reopen = Atgriezt sagatavošanā
payments-action-cancel = Atcelt
payments-prepare-title = Sagatavot maksājumu uzdevumu
payments-prepare-hint = Uzdevumā iekļauj visus apstiprinātos pieprasījumus, kas vēl nav apmaksāti.
payments-field-debtor-name = Maksātājs
payments-field-debtor-iban = Maksātāja konta numurs (IBAN)
payments-hint-iban = Piemēram, LV80BANK0000435195001
payments-field-execution-date = Izpildes datums
payments-prepare-button = Sagatavot
## monitoring
monitoring-nav = Uzraudzība
monitoring-title = Uzraudzība
monitoring-intro = { $area }, { $period }. Pārvērtēšanas un vecums skaitīti { $as_of }. Persona tiek skaitīta, ja kāds tās budžets pārklājas ar periodu.
monitoring-filters = Teritorija un periods
monitoring-area = Teritorija
monitoring-area-country = Visa Latvija
monitoring-from = No
monitoring-to = Līdz (pirmā diena pēc perioda)
monitoring-to-hint = Periods beidzas dienu pirms šī datuma.
monitoring-show = Rādīt
monitoring-aggregates-only = Jūs redzat tikai kopsummas: rādītāji, kas attiecas uz mazāk nekā 5 personām, netiek rādīti, un neviens netiek nosaukts vārdā.
monitoring-gaps-link = Pakalpojumu trūkumu karte
monitoring-dashboard-link = Atpakaļ uz pārskatu
monitoring-export-csv = Lejupielādēt CSV
monitoring-export-xlsx = Lejupielādēt XLSX (Excel)
monitoring-table-of = Diagrammas dati: { $title }
monitoring-nothing = Šai teritorijai un periodam nav ko rādīt.
monitoring-suppressed = <5
monitoring-section-summary = Kopsavilkums
monitoring-section-target-group = Atbalstītās personas pa mērķa grupām
monitoring-section-level = Atbalstītās personas pa budžetiem un līmeņiem
monitoring-section-age = Atbalstītās personas pa vecuma grupām
monitoring-section-living = Atbalstītās personas pēc dzīvesvietas
monitoring-section-budgets = Budžeti: periodā iegrāmatotie ieraksti
monitoring-section-service = Izlietojums pa pakalpojumiem
monitoring-section-category = Izlietojums pa kategorijām
monitoring-section-provider = Izlietojums pa pakalpojumu sniedzējiem
monitoring-section-funding = Izlietojums pa finansējuma avotiem
monitoring-section-goals = Mērķu sasniegšana pārskatīšanā
monitoring-section-anomalies = Konstatētās neatbilstības
monitoring-section-providers = Pakalpojumu sniedzēji pa pakalpojumiem un pašvaldībām
monitoring-providers-caption = Pakalpojumu sniedzēji ar periodā spēkā esošu cenu, kas apkalpo pašvaldību
monitoring-served = Atbalstītās personas
monitoring-cost-per-person-month = Izmaksas uz personu mēnesī
monitoring-overdue = Personas ar nokavētu pārvērtēšanu
monitoring-transition = 16-18 gadus vecas personas, kam vajadzīgs pārejas plāns
monitoring-resolved = Pārskatīšanā izlemtie aizturētie rēķini
monitoring-budget-allocated = Piešķirts
monitoring-budget-spent = Izlietots (apstiprināti rēķini)
monitoring-budget-reserved = Rezervēts (aizturēts pārskatīšanai)
monitoring-budget-returned = Atgriezts perioda beigās
monitoring-funding-individual-budget = Individuālais budžets
monitoring-funding-family = Personas līdzmaksājums
monitoring-col-section = Sadaļa
monitoring-col-item = Rādītājs
monitoring-col-people = Personas
monitoring-col-amount = Summa, EUR
monitoring-col-co-payment = Līdzmaksājums, EUR
monitoring-col-count = Skaits
monitoring-col-municipality = Pašvaldība
monitoring-col-code = Kods
monitoring-col-service = Pakalpojums
monitoring-col-providers = Sniedzēji
monitoring-col-essential = Pamatpakalpojums
monitoring-col-needed = Personas: nepieciešams, bet nav pieejams
monitoring-col-not-received = Personas: pieejams, bet nesaņem
monitoring-col-barriers = Šķēršļi
monitoring-col-person = Personas nr.
monitoring-col-name = Vārds, uzvārds
monitoring-col-target-group = Mērķa grupa
monitoring-col-spent = Izlietots periodā, EUR
monitoring-col-overdue-since = Pārvērtēšana bija jāveic
monitoring-chart-people = personas
monitoring-chart-euro = eiro
monitoring-chart-goals = pārskatītie mērķi
monitoring-chart-desc = Horizontāli stabiņi, lielākais augšā; tabulā blakus diagrammai ir tie paši skaitļi.
monitoring-gaps-title = Pakalpojumu trūkumu karte
monitoring-gaps-intro = { $area }: pakalpojumi, kas personām vajadzīgi, bet nav pieejami vai netiek saņemti, pa pašvaldībām. Saskaņā ar 000. avotu katrā pašvaldībā jābūt: { $essentials }.
monitoring-gaps-chart = Nepieciešami, bet nepieejami pakalpojumi, sakārtoti pēc personu skaita
monitoring-gaps-chart-desc = Horizontāli stabiņi, lielākais personu skaits augšā; pieci pakalpojumi, kam jābūt katrā pašvaldībā, atzīmēti ar punktu un tumšāku krāsu.
monitoring-essential-legend = ● apzīmē pakalpojumu, kam jābūt katrā pašvaldībā (000. avots).
monitoring-essential = jābūt katrā pašvaldībā
monitoring-no-gaps = Šajā teritorijā un periodā neviena plāna rinda nav atzīmēta kā nepieciešama, bet nepieejama, vai pieejama, bet nesaņemta.
monitoring-missing-title = Pamatpakalpojumi bez sniedzēja
monitoring-none = nav
monitoring-missing-count = { $count ->
    [one] { $count } reizi pašvaldībā nav neviena pamatpakalpojuma sniedzēja.
   *[other] { $count } reizes pašvaldībās nav pamatpakalpojuma sniedzēja.
}
monitoring-missing-caption = Piecu pamatpakalpojumu sniedzēji pa pašvaldībām (nav: trūkst)
monitoring-missing-none = Katrā teritorijas pašvaldībā ir katra no pieciem pamatpakalpojumiem sniedzējs.
monitoring-gaps-table = Trūkumi pa pašvaldībām un pakalpojumiem
monitoring-gaps-caption = Nesaņemtās plāna rindas, personas pa pašvaldībām un pakalpojumiem
monitoring-essential-physiotherapy = fizioterapija
monitoring-essential-occupational-therapy = ergoterapija
monitoring-essential-psychology = psihologs
monitoring-essential-speech-therapy = logopēds
monitoring-essential-transport = transports
monitoring-rows-title = Personas aiz rādītāja
monitoring-rows-intro = { $area }, rādītājs { $figure }. Saraksta atvēršana tiek ierakstīta katras personas auditācijas žurnālā.
monitoring-rows-caption = Personas aiz rādītāja { $figure }
