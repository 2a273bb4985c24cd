# English: the reference language. Every other file in this folder translates these keys.
# { $name } marks a value filled in by the page; { $n -> [one] ... *[other] ... } picks the
# plural form by the language's own rules (Project Fluent syntax: https://projectfluent.org).
language-name = English
site_tagline = One pass, many towns
nav_shop = Passes
nav_desk = Sales desk
nav_login = Log in
nav_logout = Log out
shop_title = Visitor passes and booklets
shop_intro = Buy once, show one QR code at every included museum, fortress and restaurant, in every town.
shop_towns = Towns
shop_all_towns = All towns
from_price = from { $price }
towns_included = Towns: { $towns }
kind_pass = Pass
kind_booklet = Discount booklet
validity_hours = Valid { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    } from the first visit
validity_days = Valid { $days ->
        [one] { $days } calendar day
       *[other] { $days } calendar days
    } from the first visit (until midnight)
validity_dates = Valid from { $from } to { $until }
choose_n = Choose { $n ->
        [1] one
       *[other] up to { $n }
    } of the offers below
included_title = What is included
offer_entry = Free entry
offer_discount_pct = { $pct } % off
offer_discount_amount = { $amount } off
limit_once = once
limit_daily = once a day
limit_unlimited = as often as you like
prices_title = Prices
buy_title = Buy
buy_quantity = How many
buy_email = Your e-mail (we send the passes there)
buy_total = Total: { $total }
buy_family_hint = A family pass costs { $family }, less than { $singles } for these single passes.
buy_family_switch = Take the family pass
buy_names_title = Names on the passes
buy_names_limit = Optional, up to { $max } characters each.
buy_name_label = { $category } { $n }: name on the pass
buy_pay_note_card = Pay by card on the next page, or at a sales desk with the order code; your passes are issued as soon as it is paid.
buy_desk_only = This pass is sold at sales desks (tourist information centres): it cannot be ordered online here.
buy_pay_note_card_only = Pay by card on the next page; your passes are issued as soon as it is paid.
order_pending_card_only = Pay by card below. Your passes appear here as soon as the order is paid.
mail_placed_pay_card_only = To pay: open the link above and pay by card.
desk_card_only = This web order is paid online by card only (the operator's setting): the buyer pays on the order page, or you sell new passes at the counter.
buy_names = Names on the passes (optional, one per line)
buy_names_hint = Staff may ask for ID at the entrance when a name is printed.
buy_submit = Order
buy_currency = Prices in
buy_currency_show = Show
error_currency = This pass is not sold in { $currency }: choose one of { $offered }.
buy_pay_note = Pay at pickup: show the order code at a sales desk (tourist information centre); your passes are issued as soon as it is paid.
error_title = Something is not right
error_nothing_chosen = Choose at least one pass.
error_too_many_orders = You have placed several orders in the last few minutes. Wait 15 minutes and try again, or buy at a sales desk.
error_name_too_long = A name on a pass can have at most { $max } characters; shorten "{ $name }".
error_email = '{ $address }' is not a valid e-mail address: check it for typing mistakes.
error_back = Back
order_title = Your order
order_code = Order code
order_pending = Waiting for payment. Show this order code at a sales desk to pay; your passes appear here as soon as it is paid.
order_pending_card = Pay by card, or show this order code at a sales desk. Your passes appear here as soon as the order is paid.
order_lines = What you ordered
card_title = Pay by card
card_pay = Pay { $amount }
card_paying = Paying…
card_not_paid = The payment did not go through: try again, or use another card.
card_declined = The card was declined: use another card, or pay at a sales desk.
card_throttled = Too many declined cards: wait 15 minutes, or pay at a sales desk.
order_paid = Paid. Show the QR code at each venue. You can also print the passes or save this page.
order_total = Total
order_pdf = Download the passes (PDF)
order_keep_link = Keep this page's address: it is the key to your passes.
pass_holder = Name
pass_category = Category
pass_expires = Expires at the latest
pass_serial = Pass number
pass_used = Used so far
pass_used_none = Not used yet
pass_revoked = This pass has been cancelled.
pass_cancelled = Cancelled.
pass_refunded_card = { $amount } refunded to your card.
pass_refunded = Your money is given back where the pass was paid: ask at the sales desk.
pass_valid_until = Valid until
pass_since_first_hours = { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    } from the first visit ({ $venue }, { $time })
pass_since_first_days = { $days ->
        [one] { $days } calendar day
       *[other] { $days } calendar days
    } from the first visit ({ $venue }, { $time })
pass_ended = Validity has ended.
order_all_cancelled = All passes of this order are cancelled: none can be used.
login_title = Log in
login_email = E-mail
login_password = Password
login_submit = Log in
login_failed = Wrong e-mail or password.
login_throttled = Too many failed attempts from here. Try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
desk_title = Sales desk
desk_find = Find an order by its code
desk_find_submit = Find
desk_not_found = No order with that code.
desk_mark_paid = Payment received: issue the passes
desk_already_paid = This order is already paid.
desk_sell = Sell at the counter (paid now)
desk_sell_submit = Sell and issue
desk_commission = Commission for { $name }: { $pct } %
csrf_failed = The form expired. Reload the page and try again.
wallet_apple = Add to Apple Wallet
wallet_google = Save to Google Wallet
wallet_google_too_long = This pass holds too much for a Google Wallet link: show it from its page instead (it works offline too).
wallet_label_pass = Pass
wallet_label_valid = Valid
wallet_label_included = Included
wallet_label_help = Help
booklet_choices_used = Choices used: { $used } of { $n }
offer_used = used
gate_show = Show at the gate
gate_title = Show at the gate
gate_back = All details
gate_swipe = Swipe for the next pass
gate_count = Pass { $n } of { $total }
gate_valid_until = Valid until { $time }
gate_none = No pass of this order can be shown: they are cancelled, or not issued yet.
order_updated = Updated { $time }. This page also works without a network once opened on this phone.
order_offline = No network: this is the copy saved on this phone ({ $time }). The QR codes still work at the gate.
order_app_name = townpass: my passes
mail_placed_subject = Your order { $code }: waiting for payment
mail_placed_greeting = Thank you for your order. Keep this e-mail: the order code and the link below are how you find your order again.
mail_placed_pay_card = To pay: open the link above and pay by card, or show the order code at a sales desk.
mail_placed_pay_desk = To pay: show the order code at a sales desk.
mail_placed_then = Your passes appear on the order page as soon as the order is paid, and we send them to you by e-mail.
mail_subject = Your passes: order { $code }
mail_greeting = Thank you for your order.
mail_body = Your passes are attached as a PDF and are always on this page:
mail_show_qr = Show the QR code at each venue, on your phone or printed.
pdf_title = Your passes

# Partner portal
portal_title = Your visits and statements
range_out = Out of range: dates go from { $earliest } to { $latest }, and one range covers at most { $days } days.
range_too_long = Too long a range: dates go from { $earliest } to { $latest }, and one range covers at most { $days } days.
range_reversed = The range starts after it ends.
range_not_a_date = '{ $text }' is not a date: write it as YYYY-MM-DD.
range_from = From
range_to = To
range_show = Show
portal_per_day = Visits per day
portal_range = { $n ->
        [one] { $n } visit
       *[other] { $n } visits
    } from { $from } to { $to }.
portal_by_venue = By venue
portal_by_category = By category
col_venue = Venue
col_visits = Visits
col_category = Category
col_month = Month
col_status = Status
col_amount = Amount
col_currency = Currency
col_time = Local time
col_device = Device
col_pass = Pass
col_offer = Offer
col_line = Line
col_items = Items
col_comment = Your comment
col_answer = Answer
portal_statements = Statements
portal_no_statement = No statement yet.
portal_all_visits = All visits
status_issued = issued
status_draft = draft (may change)
visits_title = Visits
filter_all = all
filter_accepted = accepted
filter_flagged = flagged
filter_button = Filter
visits_count = { $total ->
        [one] { $total } visit
       *[other] { $total } visits
    } · page { $page } of { $pages }
visit_accepted = accepted
visit_review_accepted = { $flag }, accepted on review
visit_review_rejected = { $flag }, rejected on review
visit_review_waiting = { $flag }, waiting for review
page_newer = ← newer
page_older = older →
statement_title = Statement { $period } · { $currency }
statement_status = Status:
statement_total = Total:
statement_csv = CSV of every visit behind this statement
statement_pdf = PDF statement
payout_at = Paid to you in { $currency }: { $amount }, at { $pair } { $rate } ({ $source }).
payout_provisional = Provisional: the rate may still change until the month is closed.
payout_missing = Paid to you in { $currency }: the { $pair } rate for { $period } is not recorded yet.
payout_rounding = The rate is applied once to the total, rounded to the nearest minor unit of the currency (halves away from zero).
statement_pdf_status = Status: { $status }
statement_pdf_traceable = Every line is traceable to its visits: see the CSV in the partner portal.
statement_pdf_total = Total
statement_pdf_line = { $line } (× { $items })
dispute = Dispute
dispute_what = What is wrong?
dispute_send = Send to the operator
dispute_draft_note = A draft may still change; you can dispute a line once the month is closed.
disputes_title = Disputes
dispute_sent = Dispute { $id } sent. The operator answers here; an accepted credit is paid with the next statement.
dispute_still_draft = This month is still a draft; dispute a line once it is closed.
dispute_say_what = Say what is wrong (up to 2,000 characters).
line_visit = Visits (per-visit reimbursement)
line_pool_share = Visits (share of the pool)
line_fixed_share = Fixed share of net revenue
line_commission = Sales commission
line_operator_fee = Operator fee
line_breakage = Breakage (value not used)
line_dispute_credit = Dispute credit
line_dispute_debit = Dispute credits paid to partners
line_adjustment = adjustment for { $month }
nav_partner = Partner portal

# The web scanner (/scan)
scan_title = Scanner
scan_app_name = townpass scanner
scan_app_short = Scanner
scan_enrol_title = Make this phone a scanner
scan_enrol_intro = Type the enrolment code the operator gave you (or open the link from its QR code). Once enrolled, this page checks passes with no network at all.
scan_enrol_code = Enrolment code
scan_enrol_button = Enrol this device
scan_enrol_key_note = This browser makes its own device key; it never leaves this phone. Clearing the site's data forgets the device: the operator then makes a new code.
scan_enrol_failed = Enrolment failed: { $error }
scan_sync = Sync
scan_no_camera = No camera: type or scan the code into the field below.
scan_offer = Offer
scan_offer_auto = Automatic
scan_wedge_placeholder = Code from a reader, then Enter
scan_check = Check
scan_accepted = Welcome
scan_refused = Refused
scan_online = online
scan_offline = offline
scan_never = never
scan_just_now = just now
scan_minutes_ago = { $n } min ago
scan_hours_ago = { $n } h ago
scan_bundle_age = synced { $age }
scan_pending = { $n } to upload
scan_store_failed = Not recorded: this phone could not store the visit ({ $error }). Let the visitor in only after a retry.
scan_category_adult = Adult
scan_category_child = Child
scan_category_senior = Senior
scan_category_student = Student
scan_sync_refused = sync refused: { $error }
scan_install = Add to home screen
scan_install_ios = To keep this scanner on the home screen: tap Share, then “Add to Home Screen”.
scan_no_bundle = Not judged: this phone has no pass data yet. Connect it to the internet and press Sync.
scan_category_number = Category { $n }
scan_reenrol = Enrol again
scan_reenrol_confirm = The server no longer accepts this device. Enrol it again with a new code from the operator? Visits not yet uploaded stay on this phone and go up with the new enrolment.
scan_insecure = This page is not served over HTTPS: the camera, offline use and the protected device key do not work here. Open it with https:// (or as localhost on this computer).

## The scanners' verdicts (binary and web) and the server's: the rules give the facts.
verdict-welcome = Welcome
verdict-first-use = first use
verdict-valid-until = valid until { $when }
verdict-malformed = Not a townpass code: scan again or type it in
verdict-forged = Forged or damaged code: do not admit
verdict-unknown-key = Unknown issuer key: sync this device, then scan again
verdict-key-revoked = Cancelled: issued with a withdrawn key
verdict-revoked = Cancelled pass (refund or loss)
verdict-not-yet-valid = Not valid yet, from { $when }
verdict-expired = Expired on { $when }
verdict-unknown-product = Not valid at this venue (product { $product })
verdict-not-included = Does not include { $venue }
verdict-product-not-included = { $product } does not include { $venue }
verdict-outside-hours = Valid here only { $window }
verdict-elapsed = Expired: { $what } from first use on { $when }
verdict-elapsed-hours = Expired: { $hours } h from first use on { $when }
verdict-elapsed-days = Expired: { $days } d from first use on { $when }
verdict-used-here-today = Already used here today at { $when } ({ $place })
verdict-used-today = Already used today at { $when } ({ $place })
verdict-used-here = Already used here on { $when } ({ $place })
verdict-used = Already used on { $when } ({ $place })
verdict-choices-used-up = { $n ->
        [1] The one choice on this pass is used
       *[other] All { $n } choices on this pass are used
    }
# A day, a short month and a 24-hour time: "24 Oct 10:00".
verdict-when = { $day } { $month } { $time }
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec

## The operator: settlement months and exchange rates
adm_settlement_title = Settlement
adm_settlement_month = Settlement { $period }
adm_settle_intro = A month's statements are drafts until the month is closed; a draft can be recomputed at any time. Closing issues them: from then on the month never changes, and late uploads, reviewed flags, refunds and accepted disputes land in the next open month as adjustment lines.
adm_flagged_waiting = Flagged redemptions waiting for review: { $n }
adm_rates_link = Exchange rates
adm_rates_link_note = for partners paid in another currency
adm_month_label = Month (YYYY-MM)
adm_compute_draft = Compute draft
adm_close_issue = Close and issue
adm_runs = Settlement runs
adm_runs_note = A month is computed in the background; this page follows it.
adm_runs_note_busy = A month is computed in the background; this page follows it and updates itself.
adm_col_what = What
adm_col_asked_by = Asked by
adm_col_progress = Progress
adm_what_close = close and issue
adm_what_draft = draft
adm_months = Months
adm_no_month = No month settled yet.
adm_col_closed_by = Closed by
adm_job_queued = waiting for a server to take it
adm_job_progress = { $read } of about { $total } passes read
adm_job_running = running: { $read } passes read
adm_job_attempt = (attempt { $n })
adm_job_done = done
adm_job_failed = failed: { $error }
adm_totals = Totals
adm_gross = Gross
adm_refunds = Refunds
adm_partners = Partners
adm_commissions = Commissions
adm_operator_fees = Operator fees
adm_breakage = Breakage
adm_balanced = Balanced
adm_yes = yes
adm_no = NO
adm_statements = Statements
adm_payout_at = Paid in { $currency }: { $amount } at { $pair } { $rate } ({ $source }).
adm_payout_provisional = Provisional until the month is closed.
adm_payout_missing = Paid in { $currency }: no { $pair } rate recorded for { $period } yet.
adm_payout_record = Record it before closing the month.
adm_rates_title = Exchange rates
adm_rates_intro = A partner paid in another currency than a statement's (its payout currency in the catalogue) is paid the statement's total converted at the month's rate. Closing a month stores the rate with each statement and needs every rate it uses; a closed month's rates never change.
adm_rates_record = Record a rate
adm_rates_pair = Pair (1 BASE = RATE QUOTE)
adm_rates_rate = Rate
adm_rates_source = Source
adm_rates_submit = Record rate
adm_rates_import = Import a rates file
adm_rates_file = CSV with the header period,pair,rate,source: all rows are recorded, or none
adm_rates_import_submit = Import
adm_rates_recorded = Recorded rates
adm_rates_none = No rate recorded yet.
adm_rates_by = Recorded by
adm_rates_closed = closed: used for its statements
adm_rates_delete = Delete
adm_rounding = Rounding: the rate is applied once to the statement total, rounded to the nearest minor unit of the payout currency, halves away from zero.

## The operator: home page, flagged redemptions, disputes, consortium figures
adm_home_title = Operator
adm_link_settlement = Settlement: statements per month
adm_link_flags = Flagged redemptions and the audit log
adm_link_disputes = Disputes
adm_link_consortium = Consortium figures
adm_revoke_title = Revoke a pass
adm_revoke_intro = Refund, loss or fraud: scanners refuse the pass after their next sync. A pass revoked before without a refund can be refunded here later.
adm_pass_number = Pass number (16 hex digits)
adm_reason = Reason
adm_refund_check = Refund this pass: its price goes back to the buyer's card now if it was paid by card (if the refund fails, nothing changes); for a desk payment, give the money back at the desk. Nobody is paid for a refunded pass.
adm_revoke_submit = Revoke
adm_devices_title = Venue devices
adm_devices_intro = A one-time enrolment code, valid 24 hours, for a scanner at a venue: on the device run
adm_venue = Venue
adm_device_name = Device name (e.g. Gate 2)
adm_device_submit = Make an enrolment code
adm_col_device = Device
adm_col_last_seen = Last seen
adm_col_clock = Clock offset
adm_col_offline = No internet?
adm_never = never
adm_bundle_file = bundle file
adm_by_file_title = Redemptions by file
adm_by_file_intro = For a venue with no internet: load the file written by townpass-scan export FILE. It is checked like an online upload; loading it twice adds nothing. Then give the device its bundle file (above) for townpass-scan import FILE.
adm_file_label = Redemptions file
adm_file_submit = Load redemptions
adm_keys_title = Issuer keys
adm_col_key = Key
adm_col_valid_until = Passes valid until
adm_mail_title = Mail
adm_mail_count = { $total } messages, { $waiting } waiting
adm_mail_failing = { $to }: { $n } attempts, last error: { $error }
adm_flags_title = Flagged redemptions
adm_flags_intro = Redemptions the server flagged (used twice, used after validity, revoked before the scan) are left out of payouts until you accept or reject them. Say why: the reason goes to the audit log.
adm_flags_none = Nothing waits for review.
adm_flag_accept = Accept for payout
adm_reject = Reject
adm_accept = Accept
adm_audit_title = Audit log
adm_col_when = When
adm_col_who = Who
adm_col_subject = Subject
adm_col_why = Why
adm_flag_said_why = say why: the reason goes to the audit log
adm_flag_accepted = Redemption { $id } accepted for payout. It counts in the next settlement (an adjustment if its month is closed).
adm_flag_rejected = Redemption { $id } rejected. It counts in the next settlement (an adjustment if its month is closed).
adm_disputes_intro = Partners dispute lines of issued statements. Accept with a credit (paid in the next open month, carried by the operator) or reject; either way, answer them. Every answer goes to the audit log.
adm_disputes_none = No dispute.
adm_dispute_head = Dispute { $id }
adm_dispute_line = Line { $line } · opened by { $who } on { $when }
adm_dispute_credit = Credit if accepted ({ $currency }, e.g. 12.50)
adm_dispute_answer = Answer to the partner
adm_dispute_answered = Answer: { $answer }
adm_dispute_credited = credit { $amount }
adm_dispute_write = write an answer to the partner
adm_dispute_done = Dispute { $id } answered.
adm_cons_title = Consortium · { $period }
adm_cons_month = Month
adm_cons_show = Show
adm_cons_works = Does the joint pass work?
adm_cons_used = Passes used: { $n }
adm_cons_towns = Towns per pass (average): { $n }
adm_cons_venues = Venues per pass (average): { $n }
adm_cons_hours = Hours between first and last use (average): { $n }
adm_cons_outside = Visits outside the busiest town ({ $town }): { $share }
adm_cons_pairs = Town to town
adm_cons_pairs_intro = Passes used in the row's town that were also used in the column's town (the diagonal: passes used there).
adm_cons_sales = Sales by town
adm_cons_sold_at = Sold at
adm_cons_passes = Passes
adm_cons_visits_title = Visits by town and partner
adm_cons_town = Town
adm_cons_visits = Visits
adm_cons_partner = Partner
adm_cons_payouts = Payouts
adm_cons_not_settled = This month is not settled yet:
adm_cons_compute = compute it
adm_cons_statements = Statements: { $status }
adm_cons_details = details
adm_cons_party = Party

## Refusals of settlement and exchange rates
refuse_closed = { $month } is closed: its statements never change (corrections go into the next open month)
refuse_before_closed = { $month } is before { $latest }, the latest closed month: everything up to { $latest } is settled for good
refuse_not_over = { $month } is not over yet: it can be closed from { $time } on
refuse_in_order = close { $earlier } first: months are closed in order
refuse_not_month = '{ $text }' is not a month: write it as YYYY-MM, e.g. 2026-10
refuse_payout_not_closed = { $period } is not closed: partners are paid for closed months only. Close it first (settlement page, or townpass settle --period { $period } --close).
refuse_payout_twice = { $period } was exported for payment already ({ $when } UTC, by { $by }): a month is paid once. Download its files again from the payouts page.
refuse_payout_not_exported = { $period } has no payout file yet: export it first.
refuse_payout_paid_already = { $period } is marked paid already.
refuse_payout_date = { $date } cannot be the payment date: choose a day from today to a year ahead.
refuse_payout_bank_details = The transfer file cannot be made; nothing was recorded. Fix these in the catalogue first: { $problems }
refuse_rates_missing = { $month } cannot be closed: exchange rates missing for { $list }. Record them first (exchange rates page, or townpass rates set --period { $month } --pair { $pair } --rate RATE --source SOURCE).
refuse_rate_closed = { $month } is closed: its exchange rates were used for its statements and never change
refuse_rate_opposite = { $opposite } is recorded for { $month } already (at { $rate }): one direction per pair and month; delete it first or record that pair

## Exchange rates typed or loaded by the operator
rate_bad_pair = '{ $text }' is not a currency pair: write BASE/QUOTE, e.g. EUR/MKD (1 EUR = RATE MKD)
rate_bad_currency = '{ $code }' is not an ISO 4217 currency passes can be paid in (e.g. EUR, MKD, RSD, HUF)
rate_self_pair = '{ $text }' pairs a currency with itself
rate_no_source = say where the rate is from, e.g. NBRM 2026-10-31
rate_bad_source = the source must be one line of at most 200 visible characters
rate_bad_value = '{ $text }' is not an exchange rate: write a positive decimal with a point and at most 8 decimals, e.g. 61.5000
rates_file_not_csv = not a CSV file: { $error }
rates_file_header = the first line must be the header period,pair,rate,source (it is '{ $header }')
rates_file_line = line { $line }: { $problem }
rates_file_fields = 4 fields expected, found { $n }
rates_file_twice = { $pair } for { $month } appears twice
rates_file_empty = the file has no rates
rates_file_stopped = … (stopped after 50 problems)
rates_nothing_recorded = Nothing was recorded: { $problems }
rates_recorded_one = { $month }: 1 { $base } = { $rate } { $quote } recorded
rates_recorded_n = Rates recorded: { $n }
rates_deleted = { $month }: { $pair } deleted
rates_none_to_delete = no { $pair } rate recorded for { $month }

## townpass-scan at the gate (the binary scanner)
gate_accepted = ACCEPTED
gate_rejected = REJECTED
gate_holder = holder: { $holder } (check ID)
gate_ready = townpass-scan at { $venue } ({ $device }): scan a pass
gate_synced = synced: { $uploaded } uploaded ({ $flagged } flagged by the server), { $revoked } newly revoked, { $uses } visits from other devices
gate_sync_background = { $uploaded } uploaded, { $revoked } newly revoked, { $uses } visits from other devices
gate_sync_later = not now ({ $error }); redemptions stay on this device
gate_status_device = device { $id } “{ $name }” at { $venue } ({ $server })
gate_status_synced = bundle: synced { $minutes } min ago
gate_status_never = bundle: none yet (run townpass-scan sync)
gate_status_pending = pending uploads: { $pending } (and { $exported } exported to a file, not yet confirmed)
gate_status_keys = trusted keys: { $keys }, revoked passes: { $revoked }
