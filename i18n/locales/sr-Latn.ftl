# Srpski (latinica): made from sr.ftl by tools/sr_latn.py; change sr.ftl, not this file.
language-name = Srpski (latinica)
site_tagline = Jedna kartica, mnogo gradova
nav_shop = Kartice
nav_desk = Prodajno mesto
nav_login = Prijava
nav_logout = Odjava
shop_title = Kartice za posetioce i knjižice popusta
shop_intro = Kupite jednom, pokažite jedan QR kod u svakom uključenom muzeju, tvrđavi i restoranu, u svakom gradu.
shop_towns = Gradovi
shop_all_towns = Svi gradovi
from_price = od { $price }
towns_included = Gradovi: { $towns }
kind_pass = Kartica
kind_booklet = Knjižica popusta
validity_hours = Važi { $hours ->
        [one] { $hours } sat
        [few] { $hours } sata
       *[other] { $hours } sati
    } od prve posete
validity_days = Važi { $days ->
        [one] { $days } kalendarski dan
        [few] { $days } kalendarska dana
       *[other] { $days } kalendarskih dana
    } od prve posete (do ponoći)
validity_dates = Važi od { $from } do { $until }
choose_n = Izaberite { $n ->
        [1] jednu
       *[other] do { $n }
    } od ponuda ispod
included_title = Šta je uključeno
offer_entry = Besplatan ulaz
offer_discount_pct = { $pct } % popusta
offer_discount_amount = { $amount } popusta
limit_once = jednom
limit_daily = jednom dnevno
limit_unlimited = koliko god želite
prices_title = Cene
buy_title = Kupite
buy_quantity = Koliko
buy_email = Vaša e-pošta (tamo šaljemo kartice)
buy_total = Ukupno: { $total }
buy_family_hint = Porodična kartica košta { $family }, manje od { $singles } za ove pojedinačne kartice.
buy_family_switch = Uzmite porodičnu karticu
buy_names_title = Imena na karticama
buy_names_limit = Neobavezno, najviše po { $max } znakova.
buy_name_label = { $category } { $n }: ime na kartici
buy_pay_note_card = Platite platnom karticom na sledećoj stranici ili na prodajnom mestu sa kodom porudžbine; kartice se izdaju čim je plaćeno.
buy_desk_only = Ova kartica se prodaje na prodajnim mestima (turističkim info centrima): ovde se ne može naručiti preko interneta.
buy_pay_note_card_only = Platite platnom karticom na sledećoj stranici; kartice se izdaju čim je plaćeno.
order_pending_card_only = Platite platnom karticom ispod. Kartice se pojavljuju ovde čim je porudžbina plaćena.
mail_placed_pay_card_only = Plaćanje: otvorite vezu iznad i platite platnom karticom.
desk_card_only = Ova veb porudžbina se plaća samo platnom karticom preko interneta (podešavanje operatora): kupac plaća na stranici porudžbine, ili prodajte nove kartice na šalteru.
buy_names = Imena na karticama (neobavezno, jedno po redu)
buy_names_hint = Na ulazu mogu tražiti ličnu kartu kada je ime odštampano.
buy_submit = Naručite
buy_currency = Cene u
buy_currency_show = Prikaži
error_currency = Ova karta se ne prodaje u { $currency }: izaberite jednu od { $offered }.
buy_pay_note = Plaćanje pri preuzimanju: pokažite kod porudžbine na prodajnom mestu (turistički info centar); kartice se izdaju čim je plaćeno.
error_title = Nešto nije u redu
error_nothing_chosen = Izaberite bar jednu karticu.
error_too_many_orders = Napravili ste nekoliko porudžbina u poslednjih nekoliko minuta. Sačekajte 15 minuta i pokušajte ponovo ili kupite na prodajnom mestu.
error_name_too_long = Ime na kartici može imati najviše { $max } znakova; skratite „{ $name }“.
error_email = „{ $address }“ nije ispravna adresa e-pošte: proverite da li ima grešaka.
error_back = Nazad
order_title = Vaša porudžbina
order_code = Kod porudžbine
order_pending = Čeka se plaćanje. Pokažite ovaj kod na prodajnom mestu da biste platili; kartice se pojavljuju ovde čim je plaćeno.
order_pending_card = Platite platnom karticom ili pokažite ovaj kod na prodajnom mestu. Kartice se pojavljuju ovde čim je porudžbina plaćena.
order_lines = Šta ste naručili
card_title = Plaćanje platnom karticom
card_pay = Platite { $amount }
card_paying = Plaćanje…
card_not_paid = Plaćanje nije prošlo: pokušajte ponovo ili koristite drugu platnu karticu.
card_declined = Platna kartica je odbijena: koristite drugu platnu karticu ili platite na prodajnom mestu.
card_throttled = Previše odbijenih platnih kartica: sačekajte 15 minuta ili platite na prodajnom mestu.
order_paid = Plaćeno. Pokažite QR kod na svakom mestu. Kartice možete i odštampati ili sačuvati ovu stranicu.
order_total = Ukupno
order_pdf = Preuzmite kartice (PDF)
order_keep_link = Sačuvajte adresu ove stranice: ona je ključ za vaše kartice.
pass_holder = Ime
pass_category = Kategorija
pass_expires = Ističe najkasnije
pass_serial = Broj kartice
pass_used = Do sada korišćena
pass_used_none = Još nije korišćena
pass_revoked = Ova kartica je poništena.
pass_cancelled = Poništena.
pass_refunded_card = { $amount } vraćeno na vašu platnu karticu.
pass_refunded = Novac vam se vraća tamo gde je kartica plaćena: pitajte na prodajnom mestu.
pass_valid_until = Važi do
pass_since_first_hours = { $hours ->
        [one] { $hours } sat
        [few] { $hours } sata
       *[other] { $hours } sati
    } od prve posete ({ $venue }, { $time })
pass_since_first_days = { $days ->
        [one] { $days } kalendarski dan
        [few] { $days } kalendarska dana
       *[other] { $days } kalendarskih dana
    } od prve posete ({ $venue }, { $time })
pass_ended = Važenje je isteklo.
order_all_cancelled = Sve kartice ove porudžbine su poništene: nijedna se ne može koristiti.
login_title = Prijava
login_email = E-pošta
login_password = Lozinka
login_submit = Prijavite se
login_failed = Pogrešna e-pošta ili lozinka.
login_throttled = Previše neuspešnih pokušaja odavde. Pokušajte ponovo za { $seconds ->
        [one] { $seconds } sekundu
        [few] { $seconds } sekunde
       *[other] { $seconds } sekundi
    }.
desk_title = Prodajno mesto
desk_find = Pronađite porudžbinu po kodu
desk_find_submit = Pronađi
desk_not_found = Nema porudžbine sa tim kodom.
desk_mark_paid = Plaćanje primljeno: izdajte kartice
desk_already_paid = Ova porudžbina je već plaćena.
desk_sell = Prodaja na šalteru (plaćeno sada)
desk_sell_submit = Prodaj i izdaj
desk_commission = Provizija za { $name }: { $pct } %
csrf_failed = Obrazac je istekao. Ponovo učitajte stranicu i pokušajte opet.
wallet_apple = Dodaj u Apple Wallet
wallet_google = Sačuvaj u Google Wallet
wallet_google_too_long = Ova kartica sadrži previše za vezu ka Google Wallet: pokažite je sa njene stranice (radi i bez mreže).
wallet_label_pass = Kartica
wallet_label_valid = Važi
wallet_label_included = Uključeno
wallet_label_help = Pomoć
booklet_choices_used = Iskorišćeni izbori: { $used } od { $n }
offer_used = iskorišćeno
gate_show = Pokažite na ulazu
gate_title = Pokažite na ulazu
gate_back = Svi podaci
gate_swipe = Prevucite za sledeću karticu
gate_count = Kartica { $n } od { $total }
gate_valid_until = Važi do { $time }
gate_none = Nijedna kartica ove porudžbine ne može se pokazati: poništene su ili još nisu izdate.
order_updated = Ažurirano { $time }. Kada se jednom otvori na ovom telefonu, stranica radi i bez mreže.
order_offline = Nema mreže: ovo je kopija sačuvana na ovom telefonu ({ $time }). QR kodovi ipak rade na ulazu.
order_app_name = townpass: moje kartice
mail_placed_subject = Vaša porudžbina { $code }: čeka se plaćanje
mail_placed_greeting = Hvala na porudžbini. Sačuvajte ovu poruku: kodom porudžbine i vezom ispod ponovo ćete naći porudžbinu.
mail_placed_pay_card = Plaćanje: otvorite vezu iznad i platite platnom karticom, ili pokažite kod porudžbine na prodajnom mestu.
mail_placed_pay_desk = Plaćanje: pokažite kod porudžbine na prodajnom mestu.
mail_placed_then = Kartice se pojavljuju na stranici porudžbine čim je plaćena, a mi vam ih šaljemo e-poštom.
mail_subject = Vaše kartice: porudžbina { $code }
mail_greeting = Hvala na porudžbini.
mail_body = Kartice su priložene kao PDF i uvek su na ovoj stranici:
mail_show_qr = Pokažite QR kod na svakom mestu, na telefonu ili odštampan.
pdf_title = Vaše kartice

# Portal za partnere
portal_title = Vaše posete i obračuni
range_out = Van opsega: datumi idu od { $earliest } do { $latest }, a jedan opseg obuhvata najviše { $days } dana.
range_too_long = Predugačak opseg: datumi idu od { $earliest } do { $latest }, a jedan opseg obuhvata najviše { $days } dana.
range_reversed = Opseg počinje posle svog kraja.
range_not_a_date = „{ $text }“ nije datum: napišite ga kao GGGG-MM-DD.
range_from = Od
range_to = Do
range_show = Prikaži
portal_per_day = Posete po danu
portal_range = { $n ->
        [one] { $n } poseta
        [few] { $n } posete
       *[other] { $n } poseta
    } od { $from } do { $to }.
portal_by_venue = Po objektu
portal_by_category = Po kategoriji
col_venue = Objekat
col_visits = Posete
col_category = Kategorija
col_month = Mesec
col_status = Status
col_amount = Iznos
col_currency = Valuta
col_time = Lokalno vreme
col_device = Uređaj
col_pass = Kartica
col_offer = Ponuda
col_line = Stavka
col_items = Unosi
col_comment = Vaš komentar
col_answer = Odgovor
portal_statements = Obračuni
portal_no_statement = Još nema obračuna.
portal_all_visits = Sve posete
status_issued = izdat
status_draft = nacrt (može se promeniti)
visits_title = Posete
filter_all = sve
filter_accepted = prihvaćene
filter_flagged = označene
filter_button = Filtriraj
visits_count = { $total ->
        [one] { $total } poseta
        [few] { $total } posete
       *[other] { $total } poseta
    } · strana { $page } od { $pages }
visit_accepted = prihvaćena
visit_review_accepted = { $flag }, prihvaćena pri proveri
visit_review_rejected = { $flag }, odbijena pri proveri
visit_review_waiting = { $flag }, čeka proveru
page_newer = ← novije
page_older = starije →
statement_title = Obračun { $period } · { $currency }
statement_status = Status:
statement_total = Ukupno:
statement_csv = CSV svih poseta iza ovog obračuna
statement_pdf = Obračun u PDF-u
payout_at = Isplaćuje vam se u { $currency }: { $amount }, po kursu { $pair } { $rate } ({ $source }).
payout_provisional = Privremeno: kurs može da se promeni dok se mesec ne zatvori.
payout_missing = Isplaćuje vam se u { $currency }: kurs { $pair } za { $period } još nije unet.
payout_rounding = Kurs se primenjuje jednom na ukupan iznos, zaokružen na najmanju jedinicu valute (polovine — dalje od nule).
statement_pdf_status = Status: { $status }
statement_pdf_traceable = Svaka stavka može da se prati do poseta: pogledajte CSV datoteku na portalu za partnere.
statement_pdf_total = Ukupno
statement_pdf_line = { $line } (× { $items })
pdf_issued_by = Izdao
pdf_statement_for = Izvod za
pdf_vat = PIB { $vat }
pdf_number = Broj izvoda
pdf_period = Period
pdf_period_dates = { $from } – { $to }
pdf_issued_on = Datum izdavanja
pdf_draft = radna verzija, još nije izdat: iznosi se mogu menjati
pdf_payout = Isplata: { $amount }
pdf_negative = Negativan saldo se ne isplaćuje: duguje se operatoru.
pdf_paid_to = Plaća se { $name }, IBAN { $iban }, BIC { $bic }
pdf_no_account = Za ovog partnera nije zapisan bankovni račun: operator plaća na drugi način.
dispute = Prigovor
dispute_what = Šta nije u redu?
dispute_send = Pošalji operatoru
dispute_draft_note = Nacrt se još može promeniti; prigovor na stavku možete podneti kada se mesec zatvori.
disputes_title = Prigovori
dispute_sent = Prigovor { $id } je poslat. Operator odgovara ovde; prihvaćeno odobrenje isplaćuje se uz sledeći obračun.
dispute_still_draft = Ovaj mesec je još nacrt; podnesite prigovor kada se zatvori.
dispute_say_what = Recite šta nije u redu (do 2.000 znakova).
line_visit = Posete (nadoknada po poseti)
line_pool_share = Posete (udeo u fondu)
line_fixed_share = Fiksni udeo u neto prihodu
line_commission = Provizija od prodaje
line_operator_fee = Naknada operatora
line_breakage = Neiskorišćena vrednost
line_dispute_credit = Odobrenje po prigovoru
line_dispute_debit = Odobrenja po prigovorima isplaćena partnerima
line_adjustment = korekcija za { $month }
nav_partner = Portal za partnere

# Veb skener (/scan)
scan_title = Skener
scan_app_name = townpass skener
scan_app_short = Skener
scan_enrol_title = Pretvorite ovaj telefon u skener
scan_enrol_intro = Unesite kod za registraciju koji vam je dao operator (ili otvorite vezu iz njegovog QR koda). Nakon registracije, ova stranica proverava kartice bez ikakve mreže.
scan_enrol_code = Kod za registraciju
scan_enrol_button = Registruj uređaj
scan_enrol_key_note = Ovaj pregledač pravi sopstveni ključ uređaja; on nikada ne napušta telefon. Brisanje podataka sajta zaboravlja uređaj: operator tada pravi novi kod.
scan_enrol_failed = Registracija nije uspela: { $error }
scan_sync = Sinhronizuj
scan_no_camera = Nema kamere: ukucajte ili skenirajte kod u polje ispod.
scan_offer = Ponuda
scan_offer_auto = Automatski
scan_wedge_placeholder = Kod sa čitača, pa Enter
scan_check = Proveri
scan_accepted = Dobro došli
scan_refused = Odbijeno
scan_online = na mreži
scan_offline = bez mreže
scan_never = nikad
scan_just_now = upravo
scan_minutes_ago = pre { $n } min
scan_hours_ago = pre { $n } č
scan_bundle_age = sinhronizovano { $age }
scan_pending = { $n } za slanje
scan_store_failed = Nije zapisano: telefon nije mogao da sačuva posetu ({ $error }). Pustite posetioca tek nakon novog pokušaja.
scan_category_adult = Odrasli
scan_category_child = Dete
scan_category_senior = Penzioner
scan_category_student = Student
scan_sync_refused = sinhronizacija odbijena: { $error }
scan_install = Dodaj na početni ekran
scan_install_ios = Da bi skener ostao na početnom ekranu: dodirnite Deli, pa „Dodaj na početni ekran“.
scan_no_bundle = Nije provereno: telefon još nema podatke o karticama. Povežite ga na internet i pritisnite Sinhronizuj.
scan_category_number = Kategorija { $n }
scan_reenrol = Registruj ponovo
scan_reenrol_confirm = Server više ne prihvata ovaj uređaj. Registrovati ga ponovo novim kodom od operatora? Posete koje još nisu poslate ostaju na telefonu i šalju se uz novu registraciju.
scan_insecure = Ova stranica se ne služi preko HTTPS-a: kamera, rad bez mreže i zaštićeni ključ uređaja ovde ne rade. Otvorite je sa https:// (ili kao localhost na ovom računaru).

## Presude skenera (program i veb) i servera.
verdict-welcome = Dobro došli
verdict-first-use = prvo korišćenje
verdict-valid-until = važi do { $when }
verdict-malformed = Ovo nije townpass kod: skenirajte ponovo ili ga ukucajte
verdict-forged = Lažan ili oštećen kod: ne puštajte
verdict-unknown-key = Nepoznat ključ izdavaoca: sinhronizujte uređaj, pa skenirajte ponovo
verdict-key-revoked = Poništena: izdata povučenim ključem
verdict-revoked = Poništena kartica (povraćaj novca ili gubitak)
verdict-not-yet-valid = Još ne važi, od { $when }
verdict-expired = Istekla { $when }
verdict-unknown-product = Ne važi u ovom objektu (proizvod { $product })
verdict-not-included = { $venue }: nije uključeno
verdict-product-not-included = { $product }: { $venue } nije uključeno
verdict-outside-hours = Ovde važi samo { $window }
verdict-elapsed = Istekla: { $what } od prvog korišćenja { $when }
verdict-elapsed-hours = Istekla: { $hours } č od prvog korišćenja { $when }
verdict-elapsed-days = Istekla: { $days } d od prvog korišćenja { $when }
verdict-used-here-today = Već korišćena ovde danas u { $when } ({ $place })
verdict-used-today = Već korišćena danas u { $when } ({ $place })
verdict-used-here = Već korišćena ovde { $when } ({ $place })
verdict-used = Već korišćena { $when } ({ $place })
verdict-choices-used-up = { $n ->
        [1] Jedini izbor na kartici je iskorišćen
        [one] Iskorišćen je { $n } izbor na kartici
        [few] Sva { $n } izbora na kartici su iskorišćena
       *[other] Svih { $n } izbora na kartici je iskorišćeno
    }
verdict-when = { $day }. { $month } { $time }
month-short-1 = jan
month-short-2 = feb
month-short-3 = mar
month-short-4 = apr
month-short-5 = maj
month-short-6 = jun
month-short-7 = jul
month-short-8 = avg
month-short-9 = sep
month-short-10 = okt
month-short-11 = nov
month-short-12 = dec

## The operator: settlement months and exchange rates
adm_settlement_title = Obračun
adm_settlement_month = Obračun { $period }
adm_settle_intro = Obračuni za mesec su nacrti dok se mesec ne zatvori; nacrt se može ponovo izračunati u svako doba. Zatvaranje ih izdaje: od tada se mesec ne menja, a kasno poslate posete, pregledana upozorenja, povraćaji novca i prihvaćeni prigovori ulaze u sledeći otvoreni mesec kao korekcije.
adm_flagged_waiting = Označene posete koje čekaju pregled: { $n }
adm_rates_link = Devizni kursevi
adm_rates_link_note = za partnere koji se isplaćuju u drugoj valuti
adm_month_label = Mesec (GGGG-MM)
adm_compute_draft = Izračunaj nacrt
adm_close_issue = Zatvori i izdaj…
adm_close_confirm_title = Zatvoriti { $period }?
adm_close_confirm = Zatvaranje izdaje izvode za { $period } partnerima i prodajnim mestima, i po njima se isplaćuju partneri. Ne može da se opozove: od tada se mesec ne menja, a kasnija slanja, povraćaji, pregledi i prihvaćeni prigovori ulaze u sledeći otvoreni mesec kao korekcije.
adm_close_confirm_draft = Izvoda u poslednjoj radnoj verziji: { $n }. Zatvaranje ih računa još jednom iz svega što je sada poznato.
adm_close_confirm_button = Zatvori i izdaj (neopozivo)
adm_runs = Izračunavanja
adm_runs_note = Mesec se izračunava u pozadini; ova stranica ga prati.
adm_runs_note_busy = Mesec se izračunava u pozadini; ova stranica ga prati i sama se osvežava.
adm_col_what = Šta
adm_col_asked_by = Zatražio
adm_col_progress = Napredak
adm_what_close = zatvaranje i izdavanje
adm_what_draft = nacrt
adm_months = Meseci
adm_no_month = Još nema obračunatog meseca.
adm_col_closed_by = Zatvorio
adm_job_queued = čeka da ga server preuzme
adm_job_progress = pročitano { $read } od oko { $total } karata
adm_job_running = radi: pročitano { $read } karata
adm_job_attempt = (pokušaj { $n })
adm_job_done = gotovo
adm_job_failed = neuspešno: { $error }
adm_totals = Ukupno
adm_gross = Bruto
adm_refunds = Vraćeno
adm_partners = Partneri
adm_commissions = Provizije
adm_operator_fees = Naknade operatora
adm_breakage = Neiskorišćeno
adm_balanced = Bilans
adm_yes = da
adm_no = NE
adm_statements = Obračuni
adm_payout_at = Isplaćuje se u { $currency }: { $amount } po kursu { $pair } { $rate } ({ $source }).
adm_payout_provisional = Privremeno, dok se mesec ne zatvori.
adm_payout_missing = Isplaćuje se u { $currency }: još nema kursa { $pair } za { $period }.
adm_payout_record = Unesite ga pre zatvaranja meseca.
adm_payouts_title = Isplate
adm_payouts_month_title = Isplate za { $period }
adm_payouts_intro = Za zatvoren mesec: po jedan SEPA kreditni transfer za svaki izvod partnera u EUR sa pozitivnim saldom (datoteka pain.001.001.09 za vašu banku) i spisak isplata po svakom izvodu – za partnere u drugim valutama i za knjigovodstvo.
adm_payouts_none = Još nema zatvorenog meseca: prvo zatvorite jedan na stranici obračuna.
adm_payouts_status_none = nije izvezeno
adm_payouts_status_exported = izvezeno { $when } UTC, { $by }, čeka banku
adm_payouts_status_paid = plaćeno (potvrđeno { $when } UTC, { $by })
adm_payouts_number = Izvod
adm_payouts_partner = Partner
adm_payouts_statement = Iznos izvoda
adm_payouts_payout = Isplata
adm_payouts_how = Kako
adm_payouts_how_sepa = SEPA transfer na { $iban }
adm_payouts_how_by_hand = ručno plaćanje ({ $currency })
adm_payouts_how_carried = negativan saldo: ne plaća se
adm_payouts_how_nothing = nema šta da se plati
adm_payouts_total = SEPA transferi: { $n }, ukupno { $amount }
adm_payouts_date = Datum plaćanja
adm_payouts_export = Izvezi isplate…
adm_payouts_confirm_export_title = Izvesti isplate za { $period }?
adm_payouts_confirm_export = Ovo pravi datoteku transfera za vašu banku ({ $n } transfera, ukupno { $amount }, za plaćanje { $date }) i spisak isplata, i beleži { $period } kao izvezen. Ne može da se opozove: mesec se isplaćuje jednom, drugi izvoz se odbija.
adm_payouts_confirm_export_button = Izvezi i zabeleži (neopozivo)
adm_cancel = Otkaži
adm_payouts_download_xml = Datoteka SEPA transfera (XML)
adm_payouts_download_csv = Spisak isplata (CSV)
adm_payouts_mark_paid = Banka je platila…
adm_payouts_confirm_paid_title = Potvrditi da je { $period } plaćen?
adm_payouts_confirm_paid = Potvrdite tek kada banka izvrši transfere za { $period } ({ $n } transfera, ukupno { $amount }). Potvrda se beleži sa vašim imenom i ne može da se opozove.
adm_payouts_confirm_paid_button = Potvrdi plaćanje (neopozivo)
adm_payouts_exported_ok = { $period } je izvezen: preuzmite datoteke ispod i dajte XML datoteku banci.
adm_payouts_paid_ok = { $period } je zabeležen kao plaćen.
adm_rates_title = Devizni kursevi
adm_rates_intro = Partneru koji se isplaćuje u drugoj valuti od valute obračuna (njegova valuta isplate u katalogu) isplaćuje se ukupan iznos obračuna pretvoren po kursu za mesec. Zatvaranje meseca beleži kurs uz svaki obračun i traži sve potrebne kurseve; kursevi zatvorenog meseca se ne menjaju.
adm_rates_record = Unos kursa
adm_rates_pair = Par (1 OSNOVNA = KURS KOTIRANA)
adm_rates_rate = Kurs
adm_rates_source = Izvor
adm_rates_submit = Sačuvaj kurs
adm_rates_import = Uvoz datoteke sa kursevima
adm_rates_file = CSV sa zaglavljem period,pair,rate,source: beleže se svi redovi ili nijedan
adm_rates_import_submit = Uvezi
adm_rates_recorded = Uneti kursevi
adm_rates_none = Još nema unetog kursa.
adm_rates_by = Uneo
adm_rates_closed = zatvoren: korišćen za obračune
adm_rates_delete = Obriši
adm_rounding = Zaokruživanje: kurs se primenjuje jednom na ukupan iznos, zaokružen na najmanju jedinicu valute isplate, polovine — dalje od nule.

## The operator: home page, flagged redemptions, disputes, consortium figures
adm_home_title = Operator
adm_link_settlement = Obračun: obračuni po mesecima
adm_link_flags = Označene posete i dnevnik radnji
adm_link_disputes = Prigovori
adm_link_consortium = Podaci konzorcijuma
adm_revoke_title = Poništavanje karte
adm_revoke_intro = Povraćaj novca, gubitak ili prevara: skeneri odbijaju kartu posle sledeće sinhronizacije. Karta poništena ranije bez povraćaja može se ovde kasnije refundirati.
adm_pass_number = Broj karte (16 heksadecimalnih cifara)
adm_reason = Razlog
adm_refund_check = Refundiraj kartu: cena se odmah vraća na karticu kupca ako je plaćena karticom (ako povraćaj ne uspe, ništa se ne menja); za plaćanje na šalteru vratite novac na šalteru. Za refundiranu kartu niko ne dobija isplatu.
adm_revoke_submit = Poništi…
adm_revoke_confirm_title = Poništiti propusnicu { $serial }?
adm_revoke_confirm = Propusnica { $serial } zauvek prestaje da važi: svaki ulaz je odbija posle sledeće sinhronizacije, a stranica propusnice je prikazuje kao poništenu. Ne može da se opozove.
adm_revoke_confirm_refund = Kupac dobija nazad { $amount }: karticom preko pružaoca plaćanja ako je porudžbina plaćena karticom, inače vratite novac ručno.
adm_revoke_product = Proizvod
adm_revoke_holder = Vlasnik
adm_revoke_order = Porudžbina
adm_revoke_price = Cena
adm_revoke_confirm_button = Poništi propusnicu (neopozivo)
adm_revoke_unknown = Propusnica { $serial } nije prodata ovde: proverite broj na propusnici ili stranicu porudžbine.
adm_revoke_already = Propusnica { $serial } je već poništena.
adm_devices_title = Uređaji na lokacijama
adm_devices_intro = Jednokratni kod za prijavu, važi 24 sata, za skener na lokaciji: na uređaju pokrenite
adm_venue = Lokacija
adm_device_name = Naziv uređaja (npr. Ulaz 2)
adm_device_submit = Napravi kod za prijavu
adm_col_device = Uređaj
adm_col_last_seen = Poslednji put viđen
adm_col_clock = Odstupanje sata
adm_col_offline = Bez interneta?
adm_never = nikad
adm_bundle_file = datoteka sa podacima
adm_by_file_title = Posete preko datoteke
adm_by_file_intro = Za lokaciju bez interneta: učitajte datoteku koju je zapisao townpass-scan export FILE. Proverava se kao slanje preko interneta; dvostruko učitavanje ništa ne dodaje. Zatim dajte uređaju njegovu datoteku sa podacima (gore) za townpass-scan import FILE.
adm_file_label = Datoteka sa posetama
adm_file_submit = Učitaj posete
adm_keys_title = Ključevi za potpisivanje
adm_col_key = Ključ
adm_col_valid_until = Karte važe do
adm_mail_title = Pošta
adm_mail_count = { $total } poruka, { $waiting } čeka
adm_mail_failing = { $to }: { $n } pokušaja, poslednja greška: { $error }
adm_flags_title = Označene posete
adm_flags_intro = Posete koje je server označio (dvaput iskorišćena, posle važenja, poništena pre skeniranja) ne ulaze u isplate dok ih ne prihvatite ili odbijete. Navedite razlog: on ide u dnevnik.
adm_flags_none = Ništa ne čeka pregled.
adm_flag_accept = Prihvati za isplatu
adm_reject = Odbij
adm_accept = Prihvati
adm_audit_title = Dnevnik radnji
adm_col_when = Kada
adm_col_who = Ko
adm_col_subject = Predmet
adm_col_why = Zašto
adm_flag_said_why = navedite razlog: on ide u dnevnik
adm_flag_accepted = Poseta { $id } je prihvaćena za isplatu. Računa se u sledećem obračunu (kao korekcija ako je njen mesec zatvoren).
adm_flag_rejected = Poseta { $id } je odbijena. Računa se u sledećem obračunu (kao korekcija ako je njen mesec zatvoren).
adm_disputes_intro = Partneri osporavaju stavke izdatih obračuna. Prihvatite uz odobrenje (isplaćeno u sledećem otvorenom mesecu, na teret operatora) ili odbijte; u oba slučaja im odgovorite. Svaki odgovor ide u dnevnik.
adm_disputes_none = Nema prigovora.
adm_dispute_head = Prigovor { $id }
adm_dispute_line = Stavka { $line } · podneo { $who } dana { $when }
adm_dispute_credit = Odobrenje ako se prihvati ({ $currency }, npr. 12.50)
adm_dispute_answer = Odgovor partneru
adm_dispute_answered = Odgovor: { $answer }
adm_dispute_credited = odobrenje { $amount }
adm_dispute_write = napišite odgovor partneru
adm_dispute_done = Na prigovor { $id } je odgovoreno.
adm_cons_title = Konzorcijum · { $period }
adm_cons_month = Mesec
adm_cons_show = Prikaži
adm_cons_works = Da li zajednička karta funkcioniše?
adm_cons_used = Iskorišćene karte: { $n }
adm_cons_towns = Gradova po karti (prosek): { $n }
adm_cons_venues = Lokacija po karti (prosek): { $n }
adm_cons_hours = Sati između prve i poslednje upotrebe (prosek): { $n }
adm_cons_outside = Posete van najposećenijeg grada ({ $town }): { $share }
adm_cons_pairs = Od grada do grada
adm_cons_pairs_intro = Karte iskorišćene u gradu iz reda koje su iskorišćene i u gradu iz kolone (dijagonala: karte iskorišćene tamo).
adm_cons_sales = Prodaja po gradovima
adm_cons_sold_at = Prodato u
adm_cons_passes = Karte
adm_cons_visits_title = Posete po gradovima i partnerima
adm_cons_town = Grad
adm_cons_visits = Posete
adm_cons_partner = Partner
adm_cons_payouts = Isplate
adm_cons_not_settled = Ovaj mesec još nije obračunat:
adm_cons_compute = obračunajte ga
adm_cons_statements = Obračuni: { $status }
adm_cons_details = detalji
adm_cons_party = Strana

## Refusals of settlement and exchange rates
refuse_closed = { $month } je zatvoren: njegovi obračuni se ne menjaju (korekcije ulaze u sledeći otvoreni mesec)
refuse_before_closed = { $month } je pre { $latest }, poslednjeg zatvorenog meseca: sve do { $latest } je konačno obračunato
refuse_not_over = { $month } još nije završen: može se zatvoriti od { $time }
refuse_in_order = prvo zatvorite { $earlier }: meseci se zatvaraju redom
refuse_not_month = „{ $text }“ nije mesec: pišite GGGG-MM, npr. 2026-10
refuse_payout_not_closed = { $period } nije zatvoren: partneri se isplaćuju samo za zatvorene mesece. Prvo ga zatvorite (stranica obračuna ili townpass settle --period { $period } --close).
refuse_payout_twice = { $period } je već izvezen za plaćanje ({ $when } UTC, { $by }): mesec se isplaćuje jednom. Preuzmite njegove datoteke ponovo sa stranice isplata.
refuse_payout_not_exported = Za { $period } još nema datoteke isplata: prvo je izvezite.
refuse_payout_paid_already = { $period } je već označen kao plaćen.
refuse_payout_date = { $date } ne može biti datum plaćanja: izaberite dan od danas do godinu dana unapred.
refuse_payout_bank_details = Datoteka naloga ne može da se napravi; ništa nije zapisano. Prvo ispravite ovo u katalogu: { $problems }
refuse_rates_missing = { $month } se ne može zatvoriti: nedostaju devizni kursevi za { $list }. Prvo ih unesite (stranica za kurseve ili townpass rates set --period { $month } --pair { $pair } --rate KURS --source IZVOR).
refuse_rate_closed = { $month } je zatvoren: njegovi kursevi su korišćeni za obračune i ne menjaju se
refuse_rate_opposite = { $opposite } je već unet za { $month } (kurs { $rate }): jedan smer po paru i mesecu; prvo ga obrišite ili unesite taj par

## Exchange rates typed or loaded by the operator
rate_bad_pair = „{ $text }“ nije valutni par: pišite OSNOVNA/KOTIRANA, npr. EUR/MKD (1 EUR = KURS MKD)
rate_bad_currency = „{ $code }“ nije valuta po ISO 4217 u kojoj se može plaćati (npr. EUR, MKD, RSD, HUF)
rate_self_pair = „{ $text }“ spaja valutu sa samom sobom
rate_no_source = navedite odakle je kurs, npr. NBS 2026-10-31
rate_bad_source = izvor mora biti jedan red od najviše 200 vidljivih znakova
rate_bad_value = „{ $text }“ nije kurs: pišite pozitivan broj sa tačkom i najviše 8 decimala, npr. 61.5000
rates_file_not_csv = nije CSV datoteka: { $error }
rates_file_header = prvi red mora biti zaglavlje period,pair,rate,source (a jeste „{ $header }“)
rates_file_line = red { $line }: { $problem }
rates_file_fields = očekuju se 4 polja, ima ih { $n }
rates_file_twice = { $pair } za { $month } pojavljuje se dvaput
rates_file_empty = datoteka nema kurseva
rates_file_stopped = … (zaustavljeno posle 50 problema)
rates_nothing_recorded = Ništa nije sačuvano: { $problems }
rates_recorded_one = { $month }: 1 { $base } = { $rate } { $quote } je sačuvan
rates_recorded_n = Sačuvani kursevi: { $n }
rates_deleted = { $month }: { $pair } je obrisan
rates_none_to_delete = nema unetog kursa { $pair } za { $month }

## townpass-scan at the gate (the binary scanner)
gate_accepted = PRIHVAĆENO
gate_rejected = ODBIJENO
gate_holder = vlasnik: { $holder } (proverite dokument)
gate_ready = townpass-scan u { $venue } ({ $device }): skenirajte kartu
gate_synced = sinhronizovano: poslato { $uploaded } ({ $flagged } označeno od servera), novo poništenih { $revoked }, poseta sa drugih uređaja { $uses }
gate_sync_background = poslato { $uploaded }, novo poništenih { $revoked }, poseta sa drugih uređaja { $uses }
gate_sync_later = ne sada ({ $error }); posete ostaju na uređaju
gate_status_device = uređaj { $id } „{ $name }“ u { $venue } ({ $server })
gate_status_synced = podaci: sinhronizovani pre { $minutes } min
gate_status_never = podaci: još nema (pokrenite townpass-scan sync)
gate_status_pending = čekaju slanje: { $pending } (i { $exported } izvezenih u datoteku, još nepotvrđenih)
gate_status_keys = pouzdani ključevi: { $keys }, poništene karte: { $revoked }
