# Deutsch.
language-name = Deutsch
site_tagline = Ein Pass, viele Städte
nav_shop = Pässe
nav_desk = Verkaufsstelle
nav_login = Anmelden
nav_logout = Abmelden
shop_title = Gästepässe und Gutscheinhefte
shop_intro = Einmal kaufen, einen QR-Code zeigen: in jedem enthaltenen Museum, jeder Festung und jedem Restaurant, in jeder Stadt.
shop_towns = Städte
shop_all_towns = Alle Städte
from_price = ab { $price }
towns_included = Städte: { $towns }
kind_pass = Pass
kind_booklet = Gutscheinheft
validity_hours = Gültig { $hours ->
        [one] { $hours } Stunde
       *[other] { $hours } Stunden
    } ab dem ersten Besuch
validity_days = Gültig { $days ->
        [one] { $days } Kalendertag
       *[other] { $days } Kalendertage
    } ab dem ersten Besuch (bis Mitternacht)
validity_dates = Gültig vom { $from } bis { $until }
choose_n = Wählen Sie { $n ->
        [1] eines
       *[other] bis zu { $n }
    } der folgenden Angebote
included_title = Was enthalten ist
offer_entry = Freier Eintritt
offer_discount_pct = { $pct } % Rabatt
offer_discount_amount = { $amount } Rabatt
limit_once = einmal
limit_daily = einmal pro Tag
limit_unlimited = so oft Sie möchten
prices_title = Preise
buy_title = Kaufen
buy_quantity = Anzahl
buy_email = Ihre E-Mail-Adresse (dorthin senden wir die Pässe)
buy_total = Summe: { $total }
buy_family_hint = Ein Familienpass kostet { $family }, weniger als { $singles } für diese Einzelpässe.
buy_family_switch = Familienpass nehmen
buy_names_title = Namen auf den Pässen
buy_names_limit = Optional, je höchstens { $max } Zeichen.
buy_name_label = { $category } { $n }: Name auf dem Pass
buy_pay_note_card = Bezahlen Sie auf der nächsten Seite mit Karte oder an einer Verkaufsstelle mit dem Bestellcode; Ihre Pässe werden ausgestellt, sobald die Bestellung bezahlt ist.
buy_desk_only = Dieser Pass wird an Verkaufsstellen (Touristeninformationen) verkauft: Er kann hier nicht online bestellt werden.
buy_pay_note_card_only = Bezahlen Sie auf der nächsten Seite mit Karte; Ihre Pässe werden ausgestellt, sobald die Bestellung bezahlt ist.
order_pending_card_only = Bezahlen Sie unten mit Karte. Ihre Pässe erscheinen hier, sobald die Bestellung bezahlt ist.
mail_placed_pay_card_only = Bezahlen: Öffnen Sie den Link oben und bezahlen Sie mit Karte.
desk_card_only = Diese Webbestellung wird nur online mit Karte bezahlt (Einstellung des Betreibers): Der Käufer bezahlt auf der Bestellseite, oder Sie verkaufen neue Pässe am Schalter.
buy_names = Namen auf den Pässen (optional, einer pro Zeile)
buy_names_hint = Am Eingang kann nach einem Ausweis gefragt werden, wenn ein Name aufgedruckt ist.
buy_submit = Bestellen
buy_currency = Preise in
buy_currency_show = Anzeigen
buy_pay_note = Bezahlung bei Abholung: Zeigen Sie den Bestellcode an einer Verkaufsstelle (Touristeninformation); Ihre Pässe werden ausgestellt, sobald die Bestellung bezahlt ist.
error_title = Etwas stimmt nicht
error_nothing_chosen = Wählen Sie mindestens einen Pass.
error_too_many_orders = Sie haben in den letzten Minuten mehrere Bestellungen aufgegeben. Warten Sie 15 Minuten und versuchen Sie es erneut, oder kaufen Sie an einer Verkaufsstelle.
error_name_too_long = Ein Name auf einem Pass darf höchstens { $max } Zeichen haben; kürzen Sie „{ $name }“.
error_email = „{ $address }“ ist keine gültige E-Mail-Adresse: Prüfen Sie sie auf Tippfehler.
error_back = Zurück
order_title = Ihre Bestellung
order_code = Bestellcode
order_pending = Wartet auf Zahlung. Zeigen Sie diesen Bestellcode an einer Verkaufsstelle, um zu bezahlen; Ihre Pässe erscheinen hier, sobald die Bestellung bezahlt ist.
order_pending_card = Bezahlen Sie mit Karte, oder zeigen Sie diesen Bestellcode an einer Verkaufsstelle. Ihre Pässe erscheinen hier, sobald die Bestellung bezahlt ist.
order_lines = Bestellübersicht
card_title = Mit Karte bezahlen
card_pay = { $amount } bezahlen
card_paying = Zahlung läuft…
card_not_paid = Die Zahlung ist nicht durchgegangen: Versuchen Sie es erneut oder nehmen Sie eine andere Karte.
card_declined = Die Karte wurde abgelehnt: Nehmen Sie eine andere Karte oder bezahlen Sie an einer Verkaufsstelle.
card_throttled = Zu viele abgelehnte Karten: Warten Sie 15 Minuten oder bezahlen Sie an einer Verkaufsstelle.
order_paid = Bezahlt. Zeigen Sie den QR-Code an jedem Eingang vor. Sie können die Pässe auch drucken oder diese Seite speichern.
order_total = Summe
order_pdf = Pässe herunterladen (PDF)
order_keep_link = Bewahren Sie die Adresse dieser Seite auf: Sie ist der Schlüssel zu Ihren Pässen.
pass_holder = Name
pass_category = Kategorie
pass_expires = Gültig längstens bis
pass_serial = Passnummer
pass_used = Bisher genutzt
pass_used_none = Noch nicht genutzt
pass_revoked = Dieser Pass wurde storniert.
pass_cancelled = Storniert.
pass_refunded_card = { $amount } wurden auf Ihre Karte zurückerstattet.
pass_refunded = Ihr Geld erhalten Sie dort zurück, wo der Pass bezahlt wurde: Fragen Sie an der Verkaufsstelle.
pass_valid_until = Gültig bis
pass_since_first_hours = { $hours ->
        [one] { $hours } Stunde
       *[other] { $hours } Stunden
    } ab dem ersten Besuch ({ $venue }, { $time })
pass_since_first_days = { $days ->
        [one] { $days } Kalendertag
       *[other] { $days } Kalendertage
    } ab dem ersten Besuch ({ $venue }, { $time })
pass_ended = Die Gültigkeit ist abgelaufen.
order_all_cancelled = Alle Pässe dieser Bestellung sind storniert: Keiner kann genutzt werden.
login_title = Anmelden
login_email = E-Mail
login_password = Passwort
login_submit = Anmelden
login_failed = Falsche E-Mail-Adresse oder falsches Passwort.
login_throttled = Zu viele Fehlversuche von hier. Versuchen Sie es in { $seconds ->
        [one] { $seconds } Sekunde
       *[other] { $seconds } Sekunden
    } erneut.
desk_title = Verkaufsstelle
desk_find = Bestellung nach Code suchen
desk_find_submit = Suchen
desk_not_found = Keine Bestellung mit diesem Code.
desk_mark_paid = Zahlung erhalten: Pässe ausstellen
desk_already_paid = Diese Bestellung ist bereits bezahlt.
desk_sell = Am Schalter verkaufen (jetzt bezahlt)
desk_sell_submit = Verkaufen und ausstellen
desk_commission = Provision für { $name }: { $pct } %
csrf_failed = Das Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.
wallet_apple = Zu Apple Wallet hinzufügen
wallet_google = In Google Wallet speichern
wallet_google_too_long = Dieser Pass enthält zu viel für einen Google-Wallet-Link: Zeigen Sie ihn stattdessen auf seiner Seite (sie funktioniert auch offline).
wallet_label_pass = Pass
wallet_label_valid = Gültig
wallet_label_included = Enthalten
wallet_label_help = Hilfe
booklet_choices_used = Genutzte Auswahl: { $used } von { $n }
offer_used = genutzt
gate_show = Am Eingang vorzeigen
gate_title = Am Eingang vorzeigen
gate_back = Alle Angaben
gate_swipe = Wischen für den nächsten Pass
gate_count = Pass { $n } von { $total }
gate_valid_until = Gültig bis { $time }
gate_none = Kein Pass dieser Bestellung kann gezeigt werden: Die Pässe sind storniert oder noch nicht ausgestellt.
order_updated = Aktualisiert { $time }. Einmal auf diesem Telefon geöffnet, funktioniert diese Seite auch ohne Netz.
order_offline = Kein Netz: Dies ist die auf diesem Telefon gespeicherte Kopie ({ $time }). Die QR-Codes funktionieren am Eingang trotzdem.
order_app_name = townpass: meine Pässe
mail_placed_subject = Ihre Bestellung { $code }: wartet auf Zahlung
mail_placed_greeting = Vielen Dank für Ihre Bestellung. Bewahren Sie diese E-Mail auf: Mit dem Bestellcode und dem Link unten finden Sie Ihre Bestellung wieder.
mail_placed_pay_card = Bezahlen: Öffnen Sie den Link oben und bezahlen Sie mit Karte, oder zeigen Sie den Bestellcode an einer Verkaufsstelle.
mail_placed_pay_desk = Bezahlen: Zeigen Sie den Bestellcode an einer Verkaufsstelle.
mail_placed_then = Ihre Pässe erscheinen auf der Bestellseite, sobald die Bestellung bezahlt ist, und wir senden sie Ihnen per E-Mail.
mail_subject = Ihre Pässe: Bestellung { $code }
mail_greeting = Vielen Dank für Ihre Bestellung.
mail_body = Ihre Pässe sind als PDF angehängt und stehen immer auf dieser Seite:
mail_show_qr = Zeigen Sie den QR-Code an jedem Eingang vor, auf dem Telefon oder ausgedruckt.
pdf_title = Ihre Pässe

# Partnerportal
portal_title = Ihre Besuche und Abrechnungen
range_out = Außerhalb des Bereichs: Daten reichen vom { $earliest } bis { $latest }, und ein Zeitraum umfasst höchstens { $days } Tage.
range_too_long = Zeitraum zu lang: Daten reichen vom { $earliest } bis { $latest }, und ein Zeitraum umfasst höchstens { $days } Tage.
range_reversed = Der Zeitraum beginnt nach seinem Ende.
range_not_a_date = „{ $text }“ ist kein Datum: Schreiben Sie es als JJJJ-MM-TT.
range_from = Von
range_to = Bis
range_show = Anzeigen
portal_per_day = Besuche pro Tag
portal_range = { $n ->
        [one] { $n } Besuch
       *[other] { $n } Besuche
    } vom { $from } bis { $to }.
portal_by_venue = Nach Einrichtung
portal_by_category = Nach Kategorie
col_venue = Einrichtung
col_visits = Besuche
col_category = Kategorie
col_month = Monat
col_status = Status
col_amount = Betrag
col_currency = Währung
col_time = Ortszeit
col_device = Gerät
col_pass = Pass
col_offer = Angebot
col_line = Posten
col_items = Einträge
col_comment = Ihr Kommentar
col_answer = Antwort
portal_statements = Abrechnungen
portal_no_statement = Noch keine Abrechnung.
portal_all_visits = Alle Besuche
status_issued = ausgestellt
status_draft = Entwurf (kann sich ändern)
visits_title = Besuche
filter_all = alle
filter_accepted = angenommen
filter_flagged = markiert
filter_button = Filtern
visits_count = { $total ->
        [one] { $total } Besuch
       *[other] { $total } Besuche
    } · Seite { $page } von { $pages }
visit_accepted = angenommen
visit_review_accepted = { $flag }, bei Prüfung angenommen
visit_review_rejected = { $flag }, bei Prüfung abgelehnt
visit_review_waiting = { $flag }, wartet auf Prüfung
page_newer = ← neuer
page_older = älter →
statement_title = Abrechnung { $period } · { $currency }
statement_status = Status:
statement_total = Summe:
statement_csv = CSV aller Besuche hinter dieser Abrechnung
statement_pdf = Abrechnung als PDF
payout_at = Auszahlung an Sie in { $currency }: { $amount }, zum Kurs { $pair } { $rate } ({ $source }).
payout_provisional = Vorläufig: Der Kurs kann sich noch ändern, bis der Monat abgeschlossen ist.
payout_missing = Auszahlung an Sie in { $currency }: Der Kurs { $pair } für { $period } ist noch nicht erfasst.
payout_rounding = Der Kurs wird einmal auf die Summe angewendet, gerundet auf die kleinste Einheit der Währung (Hälften von null weg).
statement_pdf_status = Status: { $status }
statement_pdf_traceable = Jede Zeile lässt sich bis zu ihren Besuchen zurückverfolgen: siehe die CSV-Datei im Partnerportal.
statement_pdf_total = Summe
statement_pdf_line = { $line } (× { $items })
dispute = Einspruch
dispute_what = Was ist falsch?
dispute_send = An den Betreiber senden
dispute_draft_note = Ein Entwurf kann sich noch ändern; Einspruch gegen einen Posten ist möglich, sobald der Monat abgeschlossen ist.
disputes_title = Einsprüche
dispute_sent = Einspruch { $id } gesendet. Der Betreiber antwortet hier; eine anerkannte Gutschrift wird mit der nächsten Abrechnung gezahlt.
dispute_still_draft = Dieser Monat ist noch ein Entwurf; Einspruch ist möglich, sobald er abgeschlossen ist.
dispute_say_what = Sagen Sie, was falsch ist (bis zu 2.000 Zeichen).
line_visit = Besuche (Erstattung pro Besuch)
line_pool_share = Besuche (Anteil am Pool)
line_fixed_share = Fester Anteil am Nettoerlös
line_commission = Verkaufsprovision
line_operator_fee = Betreibergebühr
line_breakage = Verfall (nicht genutzter Wert)
line_dispute_credit = Gutschrift aus Einspruch
line_dispute_debit = An Partner gezahlte Gutschriften aus Einsprüchen
line_adjustment = Korrektur für { $month }
nav_partner = Partnerportal

# Der Web-Scanner (/scan)
scan_title = Scanner
scan_app_name = townpass Scanner
scan_app_short = Scanner
scan_enrol_title = Dieses Telefon zum Scanner machen
scan_enrol_intro = Geben Sie den Registrierungscode des Betreibers ein (oder öffnen Sie den Link aus seinem QR-Code). Einmal registriert, prüft diese Seite Pässe ganz ohne Netz.
scan_enrol_code = Registrierungscode
scan_enrol_button = Gerät registrieren
scan_enrol_key_note = Dieser Browser erzeugt seinen eigenen Geräteschlüssel; er verlässt dieses Telefon nie. Werden die Daten der Website gelöscht, ist das Gerät vergessen: Der Betreiber erstellt dann einen neuen Code.
scan_enrol_failed = Registrierung fehlgeschlagen: { $error }
scan_sync = Synchronisieren
scan_no_camera = Keine Kamera: Tippen oder scannen Sie den Code in das Feld unten.
scan_offer = Angebot
scan_offer_auto = Automatisch
scan_wedge_placeholder = Code vom Lesegerät, dann Enter
scan_check = Prüfen
scan_accepted = Willkommen
scan_refused = Abgelehnt
scan_online = online
scan_offline = offline
scan_never = nie
scan_just_now = gerade eben
scan_minutes_ago = vor { $n } Min.
scan_hours_ago = vor { $n } Std.
scan_bundle_age = synchronisiert { $age }
scan_pending = { $n } zum Hochladen
scan_store_failed = Nicht erfasst: Dieses Telefon konnte den Besuch nicht speichern ({ $error }). Lassen Sie den Gast erst nach einem erneuten Versuch ein.
scan_category_adult = Erwachsener
scan_category_child = Kind
scan_category_senior = Senior
scan_category_student = Student
scan_sync_refused = Synchronisierung abgelehnt: { $error }
scan_install = Zum Startbildschirm hinzufügen
scan_install_ios = So bleibt dieser Scanner auf dem Startbildschirm: Tippen Sie auf Teilen, dann auf „Zum Home-Bildschirm“.
scan_no_bundle = Nicht geprüft: Dieses Telefon hat noch keine Passdaten. Verbinden Sie es mit dem Internet und tippen Sie auf Synchronisieren.
scan_category_number = Kategorie { $n }
scan_reenrol = Erneut registrieren
scan_reenrol_confirm = Der Server nimmt dieses Gerät nicht mehr an. Mit einem neuen Code des Betreibers erneut registrieren? Noch nicht hochgeladene Besuche bleiben auf diesem Telefon und werden mit der neuen Registrierung hochgeladen.
scan_insecure = Diese Seite wird nicht über HTTPS ausgeliefert: Kamera, Offline-Nutzung und der geschützte Geräteschlüssel funktionieren hier nicht. Öffnen Sie sie mit https:// (oder als localhost auf diesem Computer).

## Die Urteile der Scanner (Programm und Web) und des Servers.
verdict-welcome = Willkommen
verdict-first-use = erste Nutzung
verdict-valid-until = gültig bis { $when }
verdict-malformed = Kein townpass-Code: erneut scannen oder eintippen
verdict-forged = Gefälschter oder beschädigter Code: nicht einlassen
verdict-unknown-key = Unbekannter Ausstellerschlüssel: Gerät synchronisieren, dann erneut scannen
verdict-key-revoked = Storniert: mit einem zurückgezogenen Schlüssel ausgestellt
verdict-revoked = Stornierter Pass (Erstattung oder Verlust)
verdict-not-yet-valid = Noch nicht gültig, ab { $when }
verdict-expired = Abgelaufen am { $when }
verdict-unknown-product = Hier nicht gültig (Produkt { $product })
verdict-not-included = { $venue } ist nicht enthalten
verdict-product-not-included = { $product } enthält { $venue } nicht
verdict-outside-hours = Hier nur gültig { $window }
verdict-elapsed = Abgelaufen: { $what } ab erster Nutzung am { $when }
verdict-elapsed-hours = Abgelaufen: { $hours } Std. ab erster Nutzung am { $when }
verdict-elapsed-days = Abgelaufen: { $days } Tage ab erster Nutzung am { $when }
verdict-used-here-today = Heute hier schon genutzt um { $when } ({ $place })
verdict-used-today = Heute schon genutzt um { $when } ({ $place })
verdict-used-here = Hier schon genutzt am { $when } ({ $place })
verdict-used = Schon genutzt am { $when } ({ $place })
verdict-choices-used-up = { $n ->
        [1] Die Wahlmöglichkeit dieses Passes ist genutzt
       *[other] Alle { $n } Wahlmöglichkeiten dieses Passes sind genutzt
    }
verdict-when = { $day }. { $month } { $time }
month-short-1 = Jan.
month-short-2 = Feb.
month-short-3 = März
month-short-4 = Apr.
month-short-5 = Mai
month-short-6 = Juni
month-short-7 = Juli
month-short-8 = Aug.
month-short-9 = Sept.
month-short-10 = Okt.
month-short-11 = Nov.
month-short-12 = Dez.

## The operator: settlement months and exchange rates
adm_settlement_title = Abrechnung
adm_settlement_month = Abrechnung { $period }
adm_settle_intro = Die Abrechnungen eines Monats sind Entwürfe, bis der Monat abgeschlossen ist; ein Entwurf kann jederzeit neu berechnet werden. Der Abschluss stellt sie aus: danach ändert sich der Monat nie mehr, und verspätete Uploads, geprüfte Markierungen, Erstattungen und angenommene Einsprüche gehen als Korrekturzeilen in den nächsten offenen Monat.
adm_flagged_waiting = Markierte Einlösungen, die auf Prüfung warten: { $n }
adm_rates_link = Wechselkurse
adm_rates_link_note = für Partner, die in einer anderen Währung bezahlt werden
adm_month_label = Monat (JJJJ-MM)
adm_compute_draft = Entwurf berechnen
adm_close_issue = Abschließen und ausstellen
adm_runs = Abrechnungsläufe
adm_runs_note = Ein Monat wird im Hintergrund berechnet; diese Seite verfolgt es.
adm_runs_note_busy = Ein Monat wird im Hintergrund berechnet; diese Seite verfolgt es und aktualisiert sich selbst.
adm_col_what = Was
adm_col_asked_by = Angefordert von
adm_col_progress = Fortschritt
adm_what_close = Abschluss und Ausstellung
adm_what_draft = Entwurf
adm_months = Monate
adm_no_month = Noch kein Monat abgerechnet.
adm_col_closed_by = Abgeschlossen von
adm_job_queued = wartet auf einen Server
adm_job_progress = { $read } von etwa { $total } Pässen gelesen
adm_job_running = läuft: { $read } Pässe gelesen
adm_job_attempt = (Versuch { $n })
adm_job_done = fertig
adm_job_failed = fehlgeschlagen: { $error }
adm_totals = Summen
adm_gross = Brutto
adm_refunds = Erstattungen
adm_partners = Partner
adm_commissions = Provisionen
adm_operator_fees = Betreibergebühren
adm_breakage = Nicht genutzt
adm_balanced = Ausgeglichen
adm_yes = ja
adm_no = NEIN
adm_statements = Abrechnungen
adm_payout_at = Auszahlung in { $currency }: { $amount } zum Kurs { $pair } { $rate } ({ $source }).
adm_payout_provisional = Vorläufig, bis der Monat abgeschlossen ist.
adm_payout_missing = Auszahlung in { $currency }: für { $period } ist noch kein Kurs { $pair } erfasst.
adm_payout_record = Erfassen Sie ihn vor dem Monatsabschluss.
adm_rates_title = Wechselkurse
adm_rates_intro = Ein Partner, der in einer anderen Währung als der der Abrechnung bezahlt wird (seine Auszahlungswährung im Katalog), erhält die Summe der Abrechnung, umgerechnet zum Kurs des Monats. Der Monatsabschluss speichert den Kurs mit jeder Abrechnung und braucht jeden verwendeten Kurs; die Kurse eines abgeschlossenen Monats ändern sich nie.
adm_rates_record = Kurs erfassen
adm_rates_pair = Paar (1 BASIS = KURS ZIEL)
adm_rates_rate = Kurs
adm_rates_source = Quelle
adm_rates_submit = Kurs speichern
adm_rates_import = Kursdatei importieren
adm_rates_file = CSV mit der Kopfzeile period,pair,rate,source: alle Zeilen werden gespeichert oder keine
adm_rates_import_submit = Importieren
adm_rates_recorded = Erfasste Kurse
adm_rates_none = Noch kein Kurs erfasst.
adm_rates_by = Erfasst von
adm_rates_closed = abgeschlossen: für die Abrechnungen verwendet
adm_rates_delete = Löschen
adm_rounding = Rundung: Der Kurs wird einmal auf die Summe angewendet, gerundet auf die kleinste Einheit der Auszahlungswährung, Hälften von null weg.
