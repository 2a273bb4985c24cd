# Slovenščina.
language-name = Slovenščina
site_tagline = Ena kartica, veliko mest
nav_shop = Kartice
nav_desk = Prodajno mesto
nav_login = Prijava
nav_logout = Odjava
shop_title = Kartice za obiskovalce in knjižice ugodnosti
shop_intro = Kupite enkrat in pokažite eno kodo QR v vsakem vključenem muzeju, gradu in vsaki restavraciji, v vsakem mestu.
shop_towns = Mesta
shop_all_towns = Vsa mesta
from_price = od { $price }
towns_included = Mesta: { $towns }
kind_pass = Kartica
kind_booklet = Knjižica ugodnosti
validity_hours = Velja { $hours ->
        [one] { $hours } uro
        [two] { $hours } uri
        [few] { $hours } ure
       *[other] { $hours } ur
    } od prvega obiska
validity_days = Velja { $days ->
        [one] { $days } koledarski dan
        [two] { $days } koledarska dneva
        [few] { $days } koledarske dni
       *[other] { $days } koledarskih dni
    } od prvega obiska (do polnoči)
validity_dates = Velja od { $from } do { $until }
choose_n = Izberite { $n ->
        [1] eno
       *[other] do { $n }
    } od spodnjih ponudb
included_title = Kaj je vključeno
offer_entry = Brezplačen vstop
offer_discount_pct = { $pct } % popusta
offer_discount_amount = { $amount } popusta
limit_once = enkrat
limit_daily = enkrat na dan
limit_unlimited = kolikokrat želite
prices_title = Cene
buy_title = Nakup
buy_quantity = Koliko
buy_email = Vaš e-naslov (tja pošljemo kartice)
buy_total = Skupaj: { $total }
buy_family_hint = Družinska kartica stane { $family }, manj kot { $singles } za te posamezne kartice.
buy_family_switch = Vzemite družinsko kartico
buy_names_title = Imena na karticah
buy_names_limit = Neobvezno, vsako največ { $max } znakov.
buy_name_label = { $category } { $n }: ime na kartici
buy_pay_note_card = Plačajte s plačilno kartico na naslednji strani ali na prodajnem mestu s kodo naročila; kartice so izdane takoj, ko je plačano.
buy_desk_only = Ta kartica se prodaja na prodajnih mestih (turističnih informacijskih centrih): tukaj je ni mogoče naročiti prek spleta.
buy_pay_note_card_only = Plačajte s plačilno kartico na naslednji strani; kartice so izdane takoj, ko je plačano.
order_pending_card_only = Plačajte s plačilno kartico spodaj. Kartice se prikažejo tukaj takoj, ko je naročilo plačano.
mail_placed_pay_card_only = Plačilo: odprite zgornjo povezavo in plačajte s plačilno kartico.
desk_card_only = To spletno naročilo se plača samo s plačilno kartico prek spleta (nastavitev upravljavca): kupec plača na strani naročila ali pa na okencu prodate nove kartice.
buy_names = Imena na karticah (neobvezno, eno na vrstico)
buy_names_hint = Ob vstopu lahko zahtevajo osebni dokument, če je ime natisnjeno.
buy_submit = Naroči
buy_currency = Cene v
buy_currency_show = Prikaži
error_currency = Ta kartica se ne prodaja v { $currency }: izberite eno od { $offered }.
buy_pay_note = Plačilo ob prevzemu: pokažite kodo naročila na prodajnem mestu (turistični informacijski center); kartice so izdane takoj, ko je plačano.
error_title = Nekaj ni v redu
error_nothing_chosen = Izberite vsaj eno kartico.
error_too_many_orders = V zadnjih minutah ste oddali več naročil. Počakajte 15 minut in poskusite znova ali kupite na prodajnem mestu.
error_name_too_long = Ime na kartici ima lahko največ { $max } znakov; skrajšajte »{ $name }«.
error_email = »{ $address }« ni veljaven e-naslov: preverite, ali je pravilno napisan.
error_back = Nazaj
order_title = Vaše naročilo
order_code = Koda naročila
order_pending = Čaka na plačilo. Za plačilo pokažite to kodo naročila na prodajnem mestu; kartice se prikažejo tukaj takoj, ko je plačano.
order_pending_card = Plačajte s plačilno kartico ali pokažite to kodo naročila na prodajnem mestu. Kartice se prikažejo tukaj takoj, ko je naročilo plačano.
order_lines = Kaj ste naročili
card_title = Plačilo s plačilno kartico
card_pay = Plačaj { $amount }
card_paying = Plačevanje …
card_not_paid = Plačilo ni uspelo: poskusite znova ali uporabite drugo plačilno kartico.
card_declined = Plačilna kartica je bila zavrnjena: uporabite drugo plačilno kartico ali plačajte na prodajnem mestu.
card_throttled = Preveč zavrnjenih plačilnih kartic: počakajte 15 minut ali plačajte na prodajnem mestu.
order_paid = Plačano. Kodo QR pokažite na vsakem mestu. Kartice lahko tudi natisnete ali shranite to stran.
order_total = Skupaj
order_pdf = Prenesite kartice (PDF)
order_keep_link = Shranite naslov te strani: je ključ do vaših kartic.
pass_holder = Ime
pass_category = Kategorija
pass_expires = Poteče najpozneje
pass_serial = Številka kartice
pass_used = Doslej uporabljena
pass_used_none = Še ni uporabljena
pass_revoked = Ta kartica je preklicana.
pass_cancelled = Preklicana.
pass_refunded_card = { $amount } vrnjeno na vašo plačilno kartico.
pass_refunded = Denar vam vrnejo tam, kjer je bila kartica plačana: vprašajte na prodajnem mestu.
pass_valid_until = Velja do
pass_since_first_hours = { $hours ->
        [one] { $hours } uro
        [two] { $hours } uri
        [few] { $hours } ure
       *[other] { $hours } ur
    } od prvega obiska ({ $venue }, { $time })
pass_since_first_days = { $days ->
        [one] { $days } koledarski dan
        [two] { $days } koledarska dneva
        [few] { $days } koledarske dni
       *[other] { $days } koledarskih dni
    } od prvega obiska ({ $venue }, { $time })
pass_ended = Veljavnost je potekla.
order_all_cancelled = Vse kartice tega naročila so preklicane: nobene ni mogoče uporabiti.
login_title = Prijava
login_email = E-naslov
login_password = Geslo
login_submit = Prijava
login_failed = Napačen e-naslov ali geslo.
login_throttled = Preveč neuspelih poskusov od tod. Poskusite znova čez { $seconds ->
        [one] { $seconds } sekundo
        [two] { $seconds } sekundi
        [few] { $seconds } sekunde
       *[other] { $seconds } sekund
    }.
desk_title = Prodajno mesto
desk_find = Poiščite naročilo po kodi
desk_find_submit = Poišči
desk_not_found = Ni naročila s to kodo.
desk_mark_paid = Plačilo prejeto: izdajte kartice
desk_already_paid = To naročilo je že plačano.
desk_sell = Prodaja na okencu (plačano zdaj)
desk_sell_submit = Prodaj in izdaj
desk_check_categories = Pred plačilom preverite dokument za vsako otroško, študentsko ali upokojensko vstopnico.
desk_choose_product = Izberi
desk_nothing_on_sale = Nič ni v prodaji.
desk_today = Današnja prodaja na tem prodajnem mestu
desk_today_none = Danes še ni prodaje.
desk_payment = Plačilo
desk_orders = Naročila
desk_receipt = Račun
desk_pending = Naročila, ki čakajo na plačilo na prodajnem mestu (zadnjih 7 dni)
desk_pending_none = Nobeno naročilo ne čaka.
desk_paid_desk = na prodajnem mestu
desk_paid_card = s kartico
desk_receipt_at = Prodano: { $where }
desk_receipt_title = Račun
desk_receipt_print = Stran natisnite iz brskalnika (Ctrl+P ali Deli → Natisni); gumbi se ne natisnejo.
desk_commission = Provizija za { $name }: { $pct } %
csrf_failed = Obrazec je potekel. Znova naložite stran in poskusite še enkrat.
wallet_apple = Dodaj v Apple Wallet
wallet_google = Shrani v Google Wallet
wallet_google_too_long = Ta kartica vsebuje preveč za povezavo do Google Wallet: pokažite jo z njene strani (deluje tudi brez omrežja).
wallet_label_pass = Kartica
wallet_label_valid = Velja
wallet_label_included = Vključeno
wallet_label_help = Pomoč
booklet_choices_used = Porabljene izbire: { $used } od { $n }
offer_used = porabljeno
gate_show = Pokaži ob vstopu
gate_title = Pokaži ob vstopu
gate_back = Vsi podatki
gate_swipe = Podrsajte za naslednjo kartico
gate_count = Kartica { $n } od { $total }
gate_valid_until = Velja do { $time }
gate_none = Nobene kartice tega naročila ni mogoče pokazati: preklicane so ali še niso izdane.
order_updated = Posodobljeno { $time }. Ko je stran enkrat odprta na tem telefonu, deluje tudi brez omrežja.
order_offline = Ni omrežja: to je kopija, shranjena na tem telefonu ({ $time }). Kode QR ob vstopu vseeno delujejo.
order_app_name = townpass: moje kartice
mail_placed_subject = Vaše naročilo { $code }: čaka na plačilo
mail_placed_greeting = Hvala za naročilo. Shranite to sporočilo: s kodo naročila in spodnjo povezavo znova najdete svoje naročilo.
mail_placed_pay_card = Plačilo: odprite zgornjo povezavo in plačajte s plačilno kartico ali pokažite kodo naročila na prodajnem mestu.
mail_placed_pay_desk = Plačilo: pokažite kodo naročila na prodajnem mestu.
mail_placed_then = Kartice se prikažejo na strani naročila takoj, ko je plačano, in vam jih pošljemo po e-pošti.
mail_subject = Vaše kartice: naročilo { $code }
mail_greeting = Hvala za naročilo.
mail_body = Kartice so priložene kot PDF in so vedno na tej strani:
mail_show_qr = Kodo QR pokažite na vsakem mestu, na telefonu ali natisnjeno.
pdf_title = Vaše kartice

# Portal za partnerje
portal_title = Vaši obiski in obračuni
range_out = Zunaj obsega: datumi so od { $earliest } do { $latest }, en obseg pa zajema največ { $days } dni.
range_too_long = Predolg obseg: datumi so od { $earliest } do { $latest }, en obseg pa zajema največ { $days } dni.
range_reversed = Obseg se začne po svojem koncu.
range_not_a_date = »{ $text }« ni datum: zapišite ga kot LLLL-MM-DD.
range_from = Od
range_to = Do
range_show = Prikaži
portal_per_day = Obiski na dan
portal_range = { $n ->
        [one] { $n } obisk
        [two] { $n } obiska
        [few] { $n } obiski
       *[other] { $n } obiskov
    } od { $from } do { $to }.
portal_by_venue = Po objektu
portal_by_category = Po kategoriji
col_venue = Objekt
col_visits = Obiski
col_category = Kategorija
col_month = Mesec
col_status = Stanje
col_amount = Znesek
col_currency = Valuta
col_time = Lokalni čas
col_device = Naprava
col_pass = Kartica
col_offer = Ponudba
col_line = Postavka
col_items = Vnosi
col_comment = Vaš komentar
col_answer = Odgovor
portal_statements = Obračuni
portal_no_statement = Obračuna še ni.
portal_all_visits = Vsi obiski
status_issued = izdan
status_draft = osnutek (se lahko spremeni)
visits_title = Obiski
filter_all = vsi
filter_accepted = sprejeti
filter_flagged = označeni
filter_button = Filtriraj
visits_count = { $total ->
        [one] { $total } obisk
        [two] { $total } obiska
        [few] { $total } obiski
       *[other] { $total } obiskov
    } · stran { $page } od { $pages }
visit_accepted = sprejet
visit_review_accepted = { $flag }, sprejet ob pregledu
visit_review_rejected = { $flag }, zavrnjen ob pregledu
visit_review_waiting = { $flag }, čaka na pregled
page_newer = ← novejši
page_older = starejši →
statement_title = Obračun { $period } · { $currency }
statement_status = Stanje:
statement_total = Skupaj:
statement_csv = CSV vseh obiskov za tem obračunom
statement_pdf = Obračun v PDF
payout_at = Izplačilo vam v { $currency }: { $amount }, po tečaju { $pair } { $rate } ({ $source }).
payout_provisional = Začasno: tečaj se lahko še spremeni, dokler mesec ni zaključen.
payout_missing = Izplačilo vam v { $currency }: tečaj { $pair } za { $period } še ni vnesen.
payout_rounding = Tečaj se uporabi enkrat, na skupnem znesku, zaokroženem na najmanjšo enoto valute (polovice stran od nič).
statement_pdf_status = Stanje: { $status }
statement_pdf_traceable = Vsako postavko je mogoče izslediti do obiskov: glejte datoteko CSV v partnerskem portalu.
statement_pdf_total = Skupaj
statement_pdf_line = { $line } (× { $items })
pdf_issued_by = Izdajatelj
pdf_statement_for = Izpisek za
pdf_vat = ID za DDV { $vat }
pdf_number = Številka izpiska
pdf_period = Obdobje
pdf_period_dates = { $from } – { $to }
pdf_issued_on = Datum izdaje
pdf_draft = osnutek, še ni izdan: zneski se lahko še spremenijo
pdf_payout = Izplačilo: { $amount }
pdf_payout_exported = Poslano banki v plačilo { $date }.
pdf_payout_paid = Plačano: operater je nakazilo potrdil { $date }.
pdf_negative = Negativno stanje se ne izplača: dolguje se operaterju.
pdf_paid_to = Plačilo prejme { $name }, IBAN { $iban }, BIC { $bic }
pdf_no_account = Za tega partnerja ni zabeleženega bančnega računa: operater plača drugače.
dispute = Ugovor
dispute_what = Kaj ni prav?
dispute_send = Pošlji upravljavcu
dispute_draft_note = Osnutek se lahko še spremeni; ugovor na postavko lahko vložite, ko je mesec zaključen.
disputes_title = Ugovori
dispute_sent = Ugovor { $id } je poslan. Upravljavec odgovori tukaj; sprejeti dobropis se izplača z naslednjim obračunom.
dispute_still_draft = Ta mesec je še osnutek; ugovor vložite, ko bo zaključen.
dispute_say_what = Napišite, kaj ni prav (do 2.000 znakov).
line_visit = Obiski (povračilo na obisk)
line_pool_share = Obiski (delež sklada)
line_fixed_share = Stalni delež čistega prihodka
line_commission = Prodajna provizija
line_operator_fee = Nadomestilo upravljavca
line_breakage = Neporabljena vrednost
line_dispute_credit = Dobropis po ugovoru
line_dispute_debit = Dobropisi po ugovorih, izplačani partnerjem
line_balance_carried = Negativno stanje iz { $month }, preneseno (takrat ni bilo plačano)
line_balance_recovered = Negativna stanja partnerjev iz { $month }, poravnana
line_adjustment = popravek za { $month }
csv_payout = Izplačilo v valuti partnerja
nav_partner = Portal za partnerje

# Spletni bralnik (/scan)
scan_title = Bralnik
scan_app_name = townpass bralnik
scan_app_short = Bralnik
scan_enrol_title = Naredite iz tega telefona bralnik
scan_enrol_intro = Vnesite kodo za registracijo, ki vam jo je dal upravljavec (ali odprite povezavo iz njegove kode QR). Po registraciji ta stran preverja kartice brez kakršnega koli omrežja.
scan_enrol_code = Koda za registracijo
scan_enrol_button = Registriraj napravo
scan_enrol_key_note = Ta brskalnik ustvari svoj ključ naprave; nikoli ne zapusti tega telefona. Brisanje podatkov spletnega mesta napravo pozabi: upravljavec nato ustvari novo kodo.
scan_enrol_failed = Registracija ni uspela: { $error }
scan_sync = Sinhroniziraj
scan_no_camera = Ni kamere: vtipkajte ali skenirajte kodo v spodnje polje.
scan_offer = Ponudba
scan_offer_auto = Samodejno
scan_wedge_placeholder = Koda iz bralnika, nato Enter
scan_check = Preveri
scan_accepted = Dobrodošli
scan_refused = Zavrnjeno
scan_online = povezano
scan_offline = brez povezave
scan_never = nikoli
scan_just_now = pravkar
scan_minutes_ago = pred { $n } min
scan_hours_ago = pred { $n } h
scan_bundle_age = sinhronizirano { $age }
scan_pending = { $n } za pošiljanje
scan_store_failed = Ni zapisano: telefon obiska ni mogel shraniti ({ $error }). Obiskovalca spustite šele po ponovnem poskusu.
scan_category_adult = Odrasli
scan_category_child = Otrok
scan_category_senior = Upokojenec
scan_category_student = Študent
scan_sync_refused = sinhronizacija zavrnjena: { $error }
scan_install = Dodaj na začetni zaslon
scan_install_ios = Da bralnik ostane na začetnem zaslonu: tapnite Deli, nato »Dodaj na začetni zaslon«.
scan_no_bundle = Ni preverjeno: telefon še nima podatkov o karticah. Povežite ga z internetom in pritisnite Sinhroniziraj.
scan_category_number = Kategorija { $n }
scan_reenrol = Registriraj znova
scan_reenrol_confirm = Strežnik te naprave ne sprejema več. Jo želite znova registrirati z novo kodo upravljavca? Še neposlani obiski ostanejo na telefonu in se pošljejo z novo registracijo.
scan_insecure = Ta stran ni postrežena prek HTTPS: kamera, delo brez povezave in zaščiteni ključ naprave tukaj ne delujejo. Odprite jo s https:// (ali kot localhost na tem računalniku).

## Odločitve bralnikov (program in splet) in strežnika.
verdict-welcome = Dobrodošli
verdict-first-use = prva uporaba
verdict-valid-until = velja do { $when }
verdict-malformed = To ni koda townpass: skenirajte znova ali jo vtipkajte
verdict-forged = Ponarejena ali poškodovana koda: ne spustite
verdict-unknown-key = Neznan ključ izdajatelja: sinhronizirajte napravo in skenirajte znova
verdict-key-revoked = Preklicana: izdana s preklicanim ključem
verdict-revoked = Preklicana kartica (vračilo ali izguba)
verdict-not-yet-valid = Še ne velja, od { $when }
verdict-expired = Potekla { $when }
verdict-unknown-product = Tukaj ne velja (izdelek { $product })
verdict-not-included = { $venue }: ni vključeno
verdict-product-not-included = { $product }: { $venue } ni vključeno
verdict-outside-hours = Tukaj velja samo { $window }
verdict-elapsed = Potekla: { $what } od prve uporabe { $when }
verdict-elapsed-hours = Potekla: { $hours } h od prve uporabe { $when }
verdict-elapsed-days = Potekla: { $days } d od prve uporabe { $when }
verdict-used-here-today = Danes tukaj že uporabljena ob { $when } ({ $place })
verdict-used-today = Danes že uporabljena ob { $when } ({ $place })
verdict-used-here = Tukaj že uporabljena { $when } ({ $place })
verdict-used = Že uporabljena { $when } ({ $place })
verdict-choices-used-up = { $n ->
        [1] Edina izbira na kartici je porabljena
        [one] Porabljena je { $n } izbira na kartici
        [two] Obe izbiri na kartici sta porabljeni
        [few] Vse { $n } izbire na kartici so porabljene
       *[other] Vseh { $n } izbir na kartici je porabljenih
    }
verdict-when = { $day }. { $month } { $time }
month-short-1 = jan.
month-short-2 = feb.
month-short-3 = mar.
month-short-4 = apr.
month-short-5 = maj
month-short-6 = jun.
month-short-7 = jul.
month-short-8 = avg.
month-short-9 = sep.
month-short-10 = okt.
month-short-11 = nov.
month-short-12 = dec.

## The operator: settlement months and exchange rates
adm_settlement_title = Obračun
adm_settlement_month = Obračun { $period }
adm_settle_intro = Obračuni meseca so osnutki, dokler mesec ni zaključen; osnutek je mogoče kadar koli znova izračunati. Zaključek jih izda: od takrat se mesec ne spreminja, pozno naloženi obiski, pregledana opozorila, vračila in sprejeti ugovori pa gredo v naslednji odprti mesec kot popravki.
adm_flagged_waiting = Označeni obiski, ki čakajo na pregled: { $n }
adm_rates_link = Menjalni tečaji
adm_rates_link_note = za partnerje, ki so plačani v drugi valuti
adm_month_label = Mesec (LLLL-MM)
adm_compute_draft = Izračunaj osnutek
adm_close_issue = Zaključi in izdaj…
adm_close_confirm_title = Zaprem { $period }?
adm_close_confirm = Zaprtje izda izpiske za { $period } partnerjem in prodajnim mestom, po njih pa se partnerjem izplača. Tega ni mogoče razveljaviti: odslej se mesec ne spreminja, poznejši prenosi, vračila, pregledi in sprejeti ugovori pa pridejo v naslednji odprti mesec kot popravki.
adm_close_confirm_draft = Izpiskov v zadnjem osnutku: { $n }. Zaprtje jih še enkrat izračuna iz vsega, kar je znano zdaj.
adm_close_confirm_button = Zapri in izdaj (nepreklicno)
adm_runs = Izračuni
adm_runs_note = Mesec se računa v ozadju; ta stran mu sledi.
adm_runs_note_busy = Mesec se računa v ozadju; ta stran mu sledi in se sama osveži.
adm_col_what = Kaj
adm_col_asked_by = Zahteval
adm_col_progress = Napredek
adm_what_close = zaključek in izdaja
adm_what_draft = osnutek
adm_months = Meseci
adm_no_month = Noben mesec še ni obračunan.
adm_col_closed_by = Zaključil
adm_job_queued = čaka, da ga prevzame strežnik
adm_job_progress = prebranih { $read } od približno { $total } kartic
adm_job_running = teče: prebranih { $read } kartic
adm_job_attempt = (poskus { $n })
adm_job_done = končano
adm_job_failed = ni uspelo: { $error }
adm_totals = Skupaj
adm_gross = Bruto
adm_refunds = Vračila
adm_partners = Partnerji
adm_commissions = Provizije
adm_operator_fees = Provizije upravljavca
adm_breakage = Neizkoriščeno
adm_balanced = Uravnoteženo
adm_yes = da
adm_no = NE
adm_statements = Obračuni
adm_payout_at = Izplačilo v { $currency }: { $amount } po tečaju { $pair } { $rate } ({ $source }).
adm_payout_provisional = Začasno, dokler mesec ni zaključen.
adm_payout_missing = Izplačilo v { $currency }: tečaj { $pair } za { $period } še ni vnesen.
adm_payout_record = Vnesite ga, preden zaključite mesec.
adm_payouts_title = Izplačila
adm_payouts_month_title = Izplačila za { $period }
adm_payouts_intro = Za zaprt mesec: po eno nakazilo SEPA za vsak izpisek partnerja v EUR s pozitivnim stanjem (datoteka pain.001.001.09 za vašo banko) in seznam izplačil vseh izpiskov – za partnerje v drugih valutah in za knjigovodstvo.
adm_payouts_none = Noben mesec še ni zaprt: najprej ga zaprite na strani obračuna.
adm_payouts_status_none = ni izvoženo
adm_payouts_status_exported = izvoženo { $when }, { $by }, čaka na banko
adm_payouts_status_paid = plačano (potrjeno { $when }, { $by })
adm_payouts_number = Izpisek
adm_payouts_partner = Partner
adm_payouts_statement = Znesek izpiska
adm_payouts_payout = Izplačilo
adm_payouts_how = Kako
adm_payouts_how_sepa = nakazilo SEPA na { $iban }
adm_payouts_how_by_hand = ročno plačilo ({ $currency })
adm_payouts_how_carried = negativno stanje: ni plačano
adm_payouts_how_nothing = ni ničesar za plačilo
adm_payouts_total = Nakazila SEPA: { $n }, skupaj { $amount }
adm_payouts_date = Datum plačila
adm_payouts_export = Izvozi izplačila …
adm_payouts_confirm_export_title = Izvozim izplačila za { $period }?
adm_payouts_confirm_export = S tem naredite datoteko nakazil za vašo banko ({ $n } nakazil, skupaj { $amount }, plačilo { $date }) in seznam izplačil ter zabeležite { $period } kot izvožen. Tega ni mogoče razveljaviti: mesec se izplača enkrat, drugi izvoz je zavrnjen.
adm_payouts_confirm_export_button = Izvozi in zabeleži (nepreklicno)
adm_cancel = Prekliči
adm_payouts_download_xml = Datoteka nakazil SEPA (XML)
adm_payouts_download_csv = Seznam izplačil (CSV)
adm_payouts_mark_paid = Banka je plačala …
adm_payouts_confirm_paid_title = Potrdim, da je { $period } plačan?
adm_payouts_confirm_paid = Potrdite šele, ko je banka izvedla nakazila za { $period } ({ $n } nakazil, skupaj { $amount }). Potrditev se zabeleži z vašim imenom in je ni mogoče razveljaviti.
adm_payouts_confirm_paid_button = Potrdi plačilo (nepreklicno)
adm_payouts_exported_ok = { $period } je izvožen: prenesite spodnje datoteke in datoteko XML predajte banki.
adm_payouts_exported_already = { $period } je že izvožen: njegove datoteke prenesite spodaj.
adm_payouts_paid_ok = { $period } je zabeležen kot plačan.
adm_payouts_withdraw = Banka je datoteko zavrnila …
adm_payouts_confirm_withdraw_title = Umaknem datoteke izplačil za { $period }?
adm_payouts_confirm_withdraw = To storite le, če je banka datoteko zavrnila ali je ta ni bila poslana: nič iz nje ne sme biti plačano. Datoteke se ohranijo z vašim razlogom, { $period } pa lahko nato znova izvozite (z novo oznako sporočila). Tega ni mogoče razveljaviti.
adm_payouts_confirm_withdraw_button = Umakni datoteke (nepreklicno)
adm_payouts_withdraw_reason = Razlog (npr. razlog zavrnitve banke)
adm_payouts_withdrawn_ok = Datoteke za { $period } so umaknjene: popravite, kar je navedla banka, in mesec znova izvozite.
adm_payouts_withdraw = Banka je datoteko zavrnila …
adm_payouts_confirm_withdraw_title = Umaknem datoteke izplačil za { $period }?
adm_payouts_confirm_withdraw = To storite le, če je banka datoteko zavrnila ali je ta ni bila poslana: nič iz nje ne sme biti plačano. Datoteke se ohranijo z vašim razlogom, { $period } pa lahko nato znova izvozite (z novo oznako sporočila). Tega ni mogoče razveljaviti.
adm_payouts_confirm_withdraw_button = Umakni datoteke (nepreklicno)
adm_payouts_withdraw_reason = Razlog (npr. razlog zavrnitve banke)
adm_payouts_withdrawn_ok = Datoteke za { $period } so umaknjene: popravite, kar je navedla banka, in mesec znova izvozite.
adm_rates_title = Menjalni tečaji
adm_rates_intro = Partnerju, ki je plačan v drugi valuti kot obračun (njegova valuta izplačila v katalogu), se izplača skupni znesek obračuna, preračunan po tečaju meseca. Zaključek meseca shrani tečaj z vsakim obračunom in zahteva vse potrebne tečaje; tečaji zaključenega meseca se ne spreminjajo.
adm_rates_record = Vnos tečaja
adm_rates_pair = Par (1 OSNOVNA = TEČAJ KOTIRANA)
adm_rates_rate = Tečaj
adm_rates_source = Vir
adm_rates_submit = Shrani tečaj
adm_rates_import = Uvoz datoteke s tečaji
adm_rates_file = CSV z glavo period,pair,rate,source: shranijo se vse vrstice ali nobena
adm_rates_import_submit = Uvozi
adm_rates_recorded = Vneseni tečaji
adm_rates_none = Noben tečaj še ni vnesen.
adm_rates_by = Vnesel
adm_rates_closed = zaključen: uporabljen za obračune
adm_rates_delete = Izbriši
adm_rounding = Zaokroževanje: tečaj se uporabi enkrat na skupnem znesku, zaokroženem na najmanjšo enoto valute izplačila, polovice stran od nič.

## The operator: home page, flagged redemptions, disputes, consortium figures
adm_home_title = Upravljavec
adm_link_settlement = Obračun: obračuni po mesecih
adm_link_flags = Označeni obiski in revizijska sled
adm_link_disputes = Ugovori
adm_link_consortium = Podatki konzorcija
adm_revoke_title = Preklic kartice
adm_revoke_intro = Vračilo, izguba ali goljufija: čitalniki zavrnejo kartico po naslednji sinhronizaciji. Kartico, preklicano prej brez vračila, je mogoče tu pozneje vrniti.
adm_pass_number = Številka kartice (16 šestnajstiških števk)
adm_reason = Razlog
adm_refund_check = Vrni kupnino: cena se takoj vrne na kupčevo plačilno kartico, če je bilo plačano s kartico (če vračilo ne uspe, se nič ne spremeni); pri plačilu na okencu vrnite denar na okencu. Za vrnjeno kartico nihče ne prejme plačila.
adm_search_title = Poišči naročilo ali vstopnico
adm_search_label = Koda naročila, številka vstopnice, e-pošta ali ime imetnika
adm_search_placeholder = npr. 4F3A-9C00, 1c2d3e4f, ana@example.org, Novak
adm_search_submit = Poišči
adm_search_none = Za »{ $q }« ni zadetkov.
adm_search_email = E-pošta
adm_search_when = Naročeno
adm_search_more = Prikazanih je le najnovejših { $n }: vpišite več, da zožite iskanje.
adm_status_revoked = preklicana
adm_status_paid = plačana
adm_status_pending = čaka na plačilo
adm_status_cancelled = preklicano
adm_event_sold = Prodano { $channel }
adm_event_sold_at = Prodano { $channel }: { $where }
adm_channel_web = v spletni trgovini
adm_channel_desk = na prodajnem mestu
adm_channel_api = prek prodajnega API
adm_channel_cli = pri operaterju (ukazna vrstica)
adm_event_paid = Plačano: { $amount } ({ $how })
adm_event_mail_order_placed = Potrditev naročila poslana na { $to }
adm_event_mail_order_passes = Vstopnice poslane na { $to }
adm_event_mail_failing = E-pošta za { $to } po { $n } poskusih še ni dostavljena: { $error }
adm_event_mail_waiting = E-pošta za { $to } čaka na pošiljanje
adm_event_visit = Obisk: { $venue }
adm_event_visit_flagged = Obisk: { $venue }, označen: { $flag }
adm_event_revoked = Preklicana: { $reason } ({ $by })
adm_event_refunded_card = Vrnjenih { $amount } na kartico (vračilo { $id })
adm_event_refunded = Vrnjeno (ročno)
adm_pass_valid_until = Velja do
adm_pass_history = Zgodovina
adm_pass_title = Vstopnica { $serial }
adm_revoke_submit = Prekliči…
adm_revoke_confirm_title = Prekličem vstopnico { $serial }?
adm_revoke_confirm = Vstopnica { $serial } za vedno preneha veljati: vsak vhod jo po naslednji sinhronizaciji zavrne, stran vstopnice pa jo prikaže kot preklicano. Tega ni mogoče razveljaviti.
adm_revoke_confirm_refund = Kupec dobi vrnjenih { $amount }: s kartico prek ponudnika plačil, če je bilo naročilo plačano s kartico, sicer denar vrnite ročno.
adm_revoke_product = Izdelek
adm_revoke_holder = Imetnik
adm_revoke_order = Naročilo
adm_revoke_price = Cena
adm_revoke_confirm_button = Prekliči vstopnico (nepreklicno)
adm_revoke_unknown = Vstopnica { $serial } tu ni bila prodana: preverite številko na vstopnici ali stran naročila.
adm_revoke_already = Vstopnica { $serial } je že preklicana.
adm_devices_title = Naprave na lokacijah
adm_devices_intro = Enkratna koda za včlanitev, veljavna 24 ur, za čitalnik na lokaciji: na napravi zaženite
adm_venue = Lokacija
adm_device_name = Ime naprave (npr. Vhod 2)
adm_device_submit = Ustvari kodo za včlanitev
adm_col_device = Naprava
adm_col_last_seen = Nazadnje viden
adm_col_clock = Odmik ure
adm_col_offline = Brez interneta?
adm_never = nikoli
adm_bundle_file = datoteka s podatki
adm_by_file_title = Obiski z datoteko
adm_by_file_intro = Za lokacijo brez interneta: naložite datoteko, ki jo zapiše townpass-scan export FILE. Preveri se kot spletno nalaganje; dvakratno nalaganje ne doda ničesar. Nato napravi dajte njeno datoteko s podatki (zgoraj) za townpass-scan import FILE.
adm_file_label = Datoteka z obiski
adm_file_submit = Naloži obiske
adm_keys_title = Ključi za podpisovanje
adm_col_key = Ključ
adm_col_valid_until = Kartice veljajo do
adm_mail_title = Pošta
adm_mail_count = { $total } sporočil, { $waiting } čaka
adm_mail_failing = { $to }: { $n } poskusov, zadnja napaka: { $error }
adm_flags_title = Označeni obiski
adm_flags_intro = Obiski, ki jih je strežnik označil (dvakrat uporabljena, po veljavnosti, preklicana pred skeniranjem), niso v izplačilih, dokler jih ne sprejmete ali zavrnete. Navedite razlog: zapiše se v revizijsko sled.
adm_flags_none = Nič ne čaka na pregled.
adm_flag_accept = Sprejmi za izplačilo
adm_reject = Zavrni
adm_accept = Sprejmi
adm_audit_title = Revizijska sled
adm_col_when = Kdaj
adm_col_who = Kdo
adm_col_subject = Predmet
adm_col_why = Zakaj
adm_flag_said_why = navedite razlog: zapiše se v revizijsko sled
adm_flag_accepted = Obisk { $id } je sprejet za izplačilo. Šteje v naslednjem obračunu (kot popravek, če je njegov mesec zaključen).
adm_flag_rejected = Obisk { $id } je zavrnjen. Šteje v naslednjem obračunu (kot popravek, če je njegov mesec zaključen).
adm_disputes_intro = Partnerji ugovarjajo postavkam izdanih obračunov. Sprejmite z dobropisom (izplačanim v naslednjem odprtem mesecu, v breme upravljavca) ali zavrnite; v obeh primerih jim odgovorite. Vsak odgovor se zapiše v revizijsko sled.
adm_disputes_none = Ni ugovorov.
adm_dispute_head = Ugovor { $id }
adm_dispute_line = Postavka { $line } · odprl { $who }, { $when }
adm_dispute_credit = Dobropis ob sprejemu ({ $currency }, npr. 12.50)
adm_dispute_answer = Odgovor partnerju
adm_dispute_answered = Odgovor: { $answer }
adm_dispute_credited = dobropis { $amount }
adm_dispute_write = napišite odgovor partnerju
adm_dispute_done = Na ugovor { $id } je odgovorjeno.
adm_cons_title = Konzorcij · { $period }
adm_cons_month = Mesec
adm_cons_show = Prikaži
adm_cons_works = Ali skupna kartica deluje?
adm_cons_used = Uporabljene kartice: { $n }
adm_cons_towns = Krajev na kartico (povprečje): { $n }
adm_cons_venues = Lokacij na kartico (povprečje): { $n }
adm_cons_hours = Ur med prvo in zadnjo uporabo (povprečje): { $n }
adm_cons_outside = Obiski zunaj najbolj obiskanega kraja ({ $town }): { $share }
adm_cons_pairs = Od kraja do kraja
adm_cons_pairs_intro = Kartice, uporabljene v kraju vrstice, ki so bile uporabljene tudi v kraju stolpca (diagonala: kartice, uporabljene tam).
adm_cons_sales = Prodaja po krajih
adm_cons_sold_at = Prodano v
adm_cons_passes = Kartice
adm_cons_visits_title = Obiski po krajih in partnerjih
adm_cons_town = Kraj
adm_cons_visits = Obiski
adm_cons_partner = Partner
adm_cons_payouts = Izplačila
adm_cons_not_settled = Ta mesec še ni obračunan:
adm_cons_compute = izračunajte ga
adm_cons_statements = Obračuni: { $status }
adm_cons_details = podrobnosti
adm_cons_party = Stranka

## Refusals of settlement and exchange rates
refuse_closed = { $month } je zaključen: njegovi obračuni se ne spreminjajo (popravki gredo v naslednji odprti mesec)
refuse_before_closed = { $month } je pred { $latest }, zadnjim zaključenim mesecem: vse do { $latest } je dokončno obračunano
refuse_not_over = { $month } se še ni končal: zaključiti ga je mogoče od { $time }
refuse_in_order = najprej zaključite { $earlier }: meseci se zaključujejo po vrsti
refuse_not_month = »{ $text }« ni mesec: pišite LLLL-MM, npr. 2026-10
refuse_payout_not_closed = { $period } ni zaprt: partnerjem se izplačuje samo za zaprte mesece. Najprej ga zaprite (stran obračuna ali townpass settle --period { $period } --close).
refuse_payout_twice = { $period } je bil za plačilo že izvožen ({ $when } UTC, { $by }): mesec se izplača enkrat. Njegove datoteke znova prenesite s strani izplačil.
refuse_payout_not_exported = Za { $period } še ni datoteke izplačil: najprej jo izvozite.
refuse_payout_paid_already = { $period } je že označen kot plačan.
refuse_payout_date = { $date } ne more biti datum plačila: izberite dan od danes do enega leta naprej.
refuse_payout_bank_details = Datoteke nakazil ni mogoče narediti; nič ni bilo zapisano. Najprej v katalogu popravite: { $problems }
refuse_payout_withdraw_reason = Navedite, zakaj umikate datoteke (npr. razlog zavrnitve banke).
refuse_payout_withdraw_paid = { $period } je potrjen kot plačan: njegovih datotek ni mogoče umakniti.
refuse_payout_withdraw_reason = Navedite, zakaj umikate datoteke (npr. razlog zavrnitve banke).
refuse_payout_withdraw_paid = { $period } je potrjen kot plačan: njegovih datotek ni mogoče umakniti.
refuse_rates_missing = { $month } ni mogoče zaključiti: manjkajo menjalni tečaji za { $list }. Najprej jih vnesite (stran s tečaji ali townpass rates set --period { $month } --pair { $pair } --rate TEČAJ --source VIR).
refuse_rate_closed = { $month } je zaključen: njegovi tečaji so bili uporabljeni za obračune in se ne spreminjajo
refuse_rate_opposite = { $opposite } je za { $month } že vnesen (tečaj { $rate }): ena smer na par in mesec; najprej ga izbrišite ali vnesite ta par

## Exchange rates typed or loaded by the operator
rate_bad_pair = »{ $text }« ni valutni par: pišite OSNOVNA/KOTIRANA, npr. EUR/MKD (1 EUR = TEČAJ MKD)
rate_bad_currency = »{ $code }« ni valuta po ISO 4217, v kateri je mogoče plačevati (npr. EUR, MKD, RSD, HUF)
rate_self_pair = »{ $text }« združuje valuto s samo seboj
rate_no_source = navedite, od kod je tečaj, npr. NBRM 2026-10-31
rate_bad_source = vir mora biti ena vrstica z največ 200 vidnimi znaki
rate_bad_value = »{ $text }« ni tečaj: pišite pozitivno število s piko in največ 8 decimalkami, npr. 61.5000
rates_file_not_csv = ni datoteka CSV: { $error }
rates_file_header = prva vrstica mora biti glava period,pair,rate,source (je pa »{ $header }«)
rates_file_line = vrstica { $line }: { $problem }
rates_file_fields = pričakovana so 4 polja, najdenih { $n }
rates_file_twice = { $pair } za { $month } se pojavi dvakrat
rates_file_empty = datoteka nima tečajev
rates_file_stopped = … (ustavljeno po 50 težavah)
rates_nothing_recorded = Nič ni bilo shranjeno: { $problems }
rates_recorded_one = { $month }: 1 { $base } = { $rate } { $quote } je shranjen
rates_recorded_n = Shranjeni tečaji: { $n }
rates_deleted = { $month }: { $pair } je izbrisan
rates_none_to_delete = za { $month } ni vnesenega tečaja { $pair }

## townpass-scan at the gate (the binary scanner)
gate_accepted = SPREJETO
gate_rejected = ZAVRNJENO
gate_holder = imetnik: { $holder } (preverite dokument)
gate_ready = townpass-scan na { $venue } ({ $device }): skenirajte kartico
gate_synced = sinhronizirano: naloženih { $uploaded } ({ $flagged } jih je strežnik označil), novih preklicev { $revoked }, obiskov z drugih naprav { $uses }
gate_sync_background = naloženih { $uploaded }, novih preklicev { $revoked }, obiskov z drugih naprav { $uses }
gate_sync_later = ne zdaj ({ $error }); obiski ostanejo na napravi
gate_status_device = naprava { $id } »{ $name }« na { $venue } ({ $server })
gate_status_synced = podatki: sinhronizirani pred { $minutes } min
gate_status_never = podatki: še jih ni (zaženite townpass-scan sync)
gate_status_pending = čakajo na nalaganje: { $pending } (in { $exported } izvoženih v datoteko, še nepotrjenih)
gate_status_keys = zaupanja vredni ključi: { $keys }, preklicane kartice: { $revoked }
