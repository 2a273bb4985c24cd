# Македонски.
language-name = Македонски
site_tagline = Една картичка, многу градови
nav_shop = Картички
nav_desk = Продажно место
nav_login = Најава
nav_logout = Одјава
shop_title = Картички за посетители и купонски книшки
shop_intro = Купете еднаш, покажете еден QR-код во секој вклучен музеј, тврдина и ресторан, во секој град.
shop_towns = Градови
shop_all_towns = Сите градови
from_price = од { $price }
towns_included = Градови: { $towns }
kind_pass = Картичка
kind_booklet = Купонска книшка
validity_hours = Важи { $hours ->
        [one] { $hours } час
       *[other] { $hours } часа
    } од првата посета
validity_days = Важи { $days ->
        [one] { $days } календарски ден
       *[other] { $days } календарски дена
    } од првата посета (до полноќ)
validity_dates = Важи од { $from } до { $until }
choose_n = Изберете { $n ->
        [1] една
       *[other] до { $n }
    } од понудите подолу
included_title = Што е вклучено
offer_entry = Бесплатен влез
offer_discount_pct = { $pct } % попуст
offer_discount_amount = { $amount } попуст
limit_once = еднаш
limit_daily = еднаш дневно
limit_unlimited = колку сакате пати
prices_title = Цени
buy_title = Купи
buy_quantity = Колку
buy_email = Вашата е-пошта (таму ги праќаме картичките)
buy_total = Вкупно: { $total }
buy_family_hint = Семејна картичка чини { $family }, помалку од { $singles } за овие поединечни картички.
buy_family_switch = Земи семејна картичка
buy_names_title = Имиња на картичките
buy_names_limit = Незадолжително, најмногу { $max } знаци секое.
buy_name_label = { $category } { $n }: име на картичката
buy_pay_note_card = Платете со платежна картичка на следната страница или на продажно место со кодот на нарачката; картичките се издаваат штом е платено.
buy_desk_only = Оваа картичка се продава на продажни места (туристички информативни центри): не може да се нарача овде преку интернет.
buy_pay_note_card_only = Платете со платежна картичка на следната страница; картичките се издаваат штом е платено.
order_pending_card_only = Платете со платежна картичка подолу. Картичките се појавуваат овде штом нарачката е платена.
mail_placed_pay_card_only = За плаќање: отворете ја врската погоре и платете со платежна картичка.
desk_card_only = Оваа веб-нарачка се плаќа само со платежна картичка преку интернет (поставка на операторот): купувачот плаќа на страницата на нарачката, или продадете нови картички на шалтерот.
buy_names = Имиња на картичките (незадолжително, по едно во ред)
buy_names_hint = На влезот може да побараат лична карта кога името е отпечатено.
buy_submit = Нарачај
buy_currency = Цени во
buy_currency_show = Прикажи
buy_pay_note = Плаќање при подигнување: покажете го кодот на нарачката на продажно место (туристички информативен центар); картичките се издаваат штом е платено.
error_title = Нешто не е во ред
error_nothing_chosen = Изберете барем една картичка.
error_too_many_orders = Направивте неколку нарачки во последните минути. Почекајте 15 минути и обидете се повторно или купете на продажно место.
error_name_too_long = Името на картичката може да има најмногу { $max } знаци; скратете го „{ $name }“.
error_email = „{ $address }“ не е валидна адреса за е-пошта: проверете ја за грешки.
error_back = Назад
order_title = Вашата нарачка
order_code = Код на нарачката
order_pending = Се чека плаќање. Покажете го овој код на продажно место за да платите; картичките се појавуваат овде штом е платено.
order_pending_card = Платете со платежна картичка или покажете го овој код на продажно место. Картичките се појавуваат овде штом нарачката е платена.
order_lines = Што нарачавте
card_title = Плаќање со платежна картичка
card_pay = Плати { $amount }
card_paying = Се плаќа…
card_not_paid = Плаќањето не помина: обидете се повторно или користете друга платежна картичка.
card_declined = Платежната картичка е одбиена: користете друга платежна картичка или платете на продажно место.
card_throttled = Премногу одбиени платежни картички: почекајте 15 минути или платете на продажно место.
order_paid = Платено. Покажете го QR-кодот на секое место. Картичките може и да ги испечатите или да ја зачувате оваа страница.
order_total = Вкупно
order_pdf = Преземи ги картичките (PDF)
order_keep_link = Чувајте ја адресата на оваа страница: таа е клучот до вашите картички.
pass_holder = Име
pass_category = Категорија
pass_expires = Истекува најдоцна
pass_serial = Број на картичката
pass_used = Досега користена
pass_used_none = Сѐ уште не е користена
pass_revoked = Оваа картичка е поништена.
pass_cancelled = Поништена.
pass_refunded_card = { $amount } се вратени на вашата платежна картичка.
pass_refunded = Парите ви се враќаат таму каде што е платена картичката: прашајте на продажното место.
pass_valid_until = Важи до
pass_since_first_hours = { $hours ->
        [one] { $hours } час
       *[other] { $hours } часа
    } од првата посета ({ $venue }, { $time })
pass_since_first_days = { $days ->
        [one] { $days } календарски ден
       *[other] { $days } календарски дена
    } од првата посета ({ $venue }, { $time })
pass_ended = Важноста заврши.
order_all_cancelled = Сите картички од оваа нарачка се поништени: ниту една не може да се користи.
login_title = Најава
login_email = Е-пошта
login_password = Лозинка
login_submit = Најави се
login_failed = Погрешна е-пошта или лозинка.
login_throttled = Премногу неуспешни обиди од ова место. Обидете се повторно за { $seconds ->
        [one] { $seconds } секунда
       *[other] { $seconds } секунди
    }.
desk_title = Продажно место
desk_find = Најди нарачка по код
desk_find_submit = Најди
desk_not_found = Нема нарачка со тој код.
desk_mark_paid = Плаќањето е примено: издај ги картичките
desk_already_paid = Оваа нарачка е веќе платена.
desk_sell = Продај на шалтер (платено сега)
desk_sell_submit = Продај и издај
desk_commission = Провизија за { $name }: { $pct } %
csrf_failed = Формуларот истече. Вчитајте ја страницата повторно и обидете се пак.
wallet_apple = Додај во Apple Wallet
wallet_google = Зачувај во Google Wallet
wallet_google_too_long = Оваа картичка содржи премногу за врска до Google Wallet: покажете ја од нејзината страница (работи и без мрежа).
wallet_label_pass = Картичка
wallet_label_valid = Важи
wallet_label_included = Вклучено
wallet_label_help = Помош
booklet_choices_used = Искористени избори: { $used } од { $n }
offer_used = искористено
gate_show = Покажи на влезот
gate_title = Покажи на влезот
gate_back = Сите податоци
gate_swipe = Повлечете за следната картичка
gate_count = Картичка { $n } од { $total }
gate_valid_until = Важи до { $time }
gate_none = Ниту една картичка од оваа нарачка не може да се покаже: поништени се или сѐ уште не се издадени.
order_updated = Ажурирано { $time }. Откако ќе се отвори на овој телефон, страницата работи и без мрежа.
order_offline = Нема мрежа: ова е копијата зачувана на овој телефон ({ $time }). QR-кодовите сепак работат на влезот.
order_app_name = townpass: моите картички
mail_placed_subject = Вашата нарачка { $code }: се чека плаќање
mail_placed_greeting = Ви благодариме за нарачката. Чувајте ја оваа порака: со кодот на нарачката и врската подолу повторно ја наоѓате нарачката.
mail_placed_pay_card = За плаќање: отворете ја врската погоре и платете со платежна картичка, или покажете го кодот на нарачката на продажно место.
mail_placed_pay_desk = За плаќање: покажете го кодот на нарачката на продажно место.
mail_placed_then = Картичките се појавуваат на страницата на нарачката штом е платена, а ние ви ги праќаме по е-пошта.
mail_subject = Вашите картички: нарачка { $code }
mail_greeting = Ви благодариме за нарачката.
mail_body = Картичките се приложени како PDF и секогаш се на оваа страница:
mail_show_qr = Покажете го QR-кодот на секое место, на телефонот или испечатен.
pdf_title = Вашите картички

# Портал за партнери
portal_title = Вашите посети и пресметки
range_out = Надвор од опсегот: датумите се од { $earliest } до { $latest }, а еден опсег опфаќа најмногу { $days } дена.
range_too_long = Предолг опсег: датумите се од { $earliest } до { $latest }, а еден опсег опфаќа најмногу { $days } дена.
range_reversed = Опсегот почнува по својот крај.
range_not_a_date = „{ $text }“ не е датум: напишете го како ГГГГ-ММ-ДД.
range_from = Од
range_to = До
range_show = Прикажи
portal_per_day = Посети по ден
portal_range = { $n ->
        [one] { $n } посета
       *[other] { $n } посети
    } од { $from } до { $to }.
portal_by_venue = По објект
portal_by_category = По категорија
col_venue = Објект
col_visits = Посети
col_category = Категорија
col_month = Месец
col_status = Статус
col_amount = Износ
col_currency = Валута
col_time = Локално време
col_device = Уред
col_pass = Картичка
col_offer = Понуда
col_line = Ставка
col_items = Записи
col_comment = Ваш коментар
col_answer = Одговор
portal_statements = Пресметки
portal_no_statement = Сѐ уште нема пресметка.
portal_all_visits = Сите посети
status_issued = издадена
status_draft = нацрт (може да се промени)
visits_title = Посети
filter_all = сите
filter_accepted = прифатени
filter_flagged = означени
filter_button = Филтрирај
visits_count = { $total ->
        [one] { $total } посета
       *[other] { $total } посети
    } · страница { $page } од { $pages }
visit_accepted = прифатена
visit_review_accepted = { $flag }, прифатена при проверка
visit_review_rejected = { $flag }, одбиена при проверка
visit_review_waiting = { $flag }, чека проверка
page_newer = ← понови
page_older = постари →
statement_title = Пресметка { $period } · { $currency }
statement_status = Статус:
statement_total = Вкупно:
statement_csv = CSV на сите посети зад оваа пресметка
statement_pdf = Пресметка во PDF
payout_at = Ви се исплаќа во { $currency }: { $amount }, по курс { $pair } { $rate } ({ $source }).
payout_provisional = Привремено: курсот може да се промени сѐ додека месецот не се затвори.
payout_missing = Ви се исплаќа во { $currency }: курсот { $pair } за { $period } сѐ уште не е внесен.
payout_rounding = Курсот се применува еднаш на вкупниот износ, заокружен на најмалата единица на валутата (половините — подалеку од нулата).
statement_pdf_status = Статус: { $status }
statement_pdf_traceable = Секоја ставка може да се проследи до посетите: видете ја CSV-датотеката во порталот за партнери.
statement_pdf_total = Вкупно
statement_pdf_line = { $line } (× { $items })
dispute = Приговор
dispute_what = Што не е во ред?
dispute_send = Испрати до операторот
dispute_draft_note = Нацртот уште може да се промени; приговор на ставка може да се поднесе штом месецот е затворен.
disputes_title = Приговори
dispute_sent = Приговорот { $id } е испратен. Операторот одговара овде; прифатеното одобрување се плаќа со следната пресметка.
dispute_still_draft = Овој месец е сѐ уште нацрт; поднесете приговор штом ќе се затвори.
dispute_say_what = Кажете што не е во ред (до 2.000 знаци).
line_visit = Посети (надоместок по посета)
line_pool_share = Посети (удел од фондот)
line_fixed_share = Фиксен удел од нето приходот
line_commission = Провизија од продажба
line_operator_fee = Надоместок на операторот
line_breakage = Неискористена вредност
line_dispute_credit = Одобрување по приговор
line_dispute_debit = Одобрувања по приговори платени на партнери
line_adjustment = корекција за { $month }
nav_partner = Портал за партнери

# Веб-скенерот (/scan)
scan_title = Скенер
scan_app_name = townpass скенер
scan_app_short = Скенер
scan_enrol_title = Направете го овој телефон скенер
scan_enrol_intro = Внесете го кодот за регистрација што ви го даде операторот (или отворете ја врската од неговиот QR-код). Откако ќе се регистрира, оваа страница проверува картички без никаква мрежа.
scan_enrol_code = Код за регистрација
scan_enrol_button = Регистрирај го уредот
scan_enrol_key_note = Овој прелистувач прави свој клуч за уредот; тој никогаш не го напушта телефонот. Бришењето на податоците на страницата го заборава уредот: операторот тогаш прави нов код.
scan_enrol_failed = Регистрацијата не успеа: { $error }
scan_sync = Синхронизирај
scan_no_camera = Нема камера: внесете го или скенирајте го кодот во полето подолу.
scan_offer = Понуда
scan_offer_auto = Автоматски
scan_wedge_placeholder = Код од читач, па Enter
scan_check = Провери
scan_accepted = Добредојдовте
scan_refused = Одбиено
scan_online = на мрежа
scan_offline = без мрежа
scan_never = никогаш
scan_just_now = штотуку
scan_minutes_ago = пред { $n } мин
scan_hours_ago = пред { $n } ч
scan_bundle_age = синхронизирано { $age }
scan_pending = { $n } за испраќање
scan_store_failed = Не е запишано: телефонот не можеше да ја зачува посетата ({ $error }). Пуштете го посетителот само по нов обид.
scan_category_adult = Возрасен
scan_category_child = Дете
scan_category_senior = Пензионер
scan_category_student = Студент
scan_sync_refused = синхронизацијата е одбиена: { $error }
scan_install = Додај на почетниот екран
scan_install_ios = За скенерот да остане на почетниот екран: допрете Сподели, па „Додај на почетен екран“.
scan_no_bundle = Не е проверено: телефонот сѐ уште нема податоци за картичките. Поврзете го на интернет и притиснете Синхронизирај.
scan_category_number = Категорија { $n }
scan_reenrol = Регистрирај повторно
scan_reenrol_confirm = Серверот повеќе не го прифаќа овој уред. Да се регистрира повторно со нов код од операторот? Посетите што не се испратени остануваат на телефонот и се испраќаат со новата регистрација.
scan_insecure = Оваа страница не се служи преку HTTPS: камерата, работата без мрежа и заштитениот клуч не работат тука. Отворете ја со https:// (или како localhost на овој компјутер).

## Пресудите на скенерите (програмата и веб) и на серверот.
verdict-welcome = Добредојдовте
verdict-first-use = прво користење
verdict-valid-until = важи до { $when }
verdict-malformed = Ова не е townpass-код: скенирајте повторно или внесете го
verdict-forged = Лажен или оштетен код: не пуштајте
verdict-unknown-key = Непознат клуч на издавачот: синхронизирајте го уредот, па скенирајте повторно
verdict-key-revoked = Поништена: издадена со повлечен клуч
verdict-revoked = Поништена картичка (враќање на пари или губење)
verdict-not-yet-valid = Сѐ уште не важи, од { $when }
verdict-expired = Истече на { $when }
verdict-unknown-product = Не важи во овој објект (производ { $product })
verdict-not-included = { $venue }: не е вклучено
verdict-product-not-included = { $product }: { $venue } не е вклучено
verdict-outside-hours = Тука важи само { $window }
verdict-elapsed = Истече: { $what } од првото користење на { $when }
verdict-elapsed-hours = Истече: { $hours } ч од првото користење на { $when }
verdict-elapsed-days = Истече: { $days } дена од првото користење на { $when }
verdict-used-here-today = Веќе користена тука денес во { $when } ({ $place })
verdict-used-today = Веќе користена денес во { $when } ({ $place })
verdict-used-here = Веќе користена тука на { $when } ({ $place })
verdict-used = Веќе користена на { $when } ({ $place })
verdict-choices-used-up = { $n ->
        [1] Единствениот избор на картичката е искористен
       *[other] Сите { $n } избори на картичката се искористени
    }
verdict-when = { $day } { $month } { $time }
month-short-1 = јан
month-short-2 = фев
month-short-3 = мар
month-short-4 = апр
month-short-5 = мај
month-short-6 = јун
month-short-7 = јул
month-short-8 = авг
month-short-9 = сеп
month-short-10 = окт
month-short-11 = ное
month-short-12 = дек

## The operator: settlement months and exchange rates
adm_settlement_title = Пресметка
adm_settlement_month = Пресметка { $period }
adm_settle_intro = Пресметките за месецот се нацрти сѐ додека месецот не се затвори; нацртот може да се пресмета повторно во секое време. Затворањето ги издава: оттогаш месецот не се менува, а доцна испратени посети, прегледани предупредувања, враќања на пари и прифатени приговори влегуваат во следниот отворен месец како корекции.
adm_flagged_waiting = Означени посети што чекаат преглед: { $n }
adm_rates_link = Девизни курсеви
adm_rates_link_note = за партнери што се исплаќаат во друга валута
adm_month_label = Месец (ГГГГ-ММ)
adm_compute_draft = Пресметај нацрт
adm_close_issue = Затвори и издај
adm_runs = Пресметувања
adm_runs_note = Месецот се пресметува во заднина; оваа страница го следи.
adm_runs_note_busy = Месецот се пресметува во заднина; оваа страница го следи и сама се освежува.
adm_col_what = Што
adm_col_asked_by = Побарано од
adm_col_progress = Напредок
adm_what_close = затворање и издавање
adm_what_draft = нацрт
adm_months = Месеци
adm_no_month = Сѐ уште нема пресметан месец.
adm_col_closed_by = Затворен од
adm_job_queued = чека сервер да го преземе
adm_job_progress = прочитани { $read } од околу { $total } картички
adm_job_running = работи: прочитани { $read } картички
adm_job_attempt = (обид { $n })
adm_job_done = готово
adm_job_failed = неуспешно: { $error }
adm_totals = Вкупно
adm_gross = Бруто
adm_refunds = Вратени
adm_partners = Партнери
adm_commissions = Провизии
adm_operator_fees = Надоместоци на операторот
adm_breakage = Неискористени
adm_balanced = Биланс
adm_yes = да
adm_no = НЕ
adm_statements = Пресметки
adm_payout_at = Се исплаќа во { $currency }: { $amount } по курс { $pair } { $rate } ({ $source }).
adm_payout_provisional = Привремено, сѐ додека месецот не се затвори.
adm_payout_missing = Се исплаќа во { $currency }: сѐ уште нема курс { $pair } за { $period }.
adm_payout_record = Внесете го пред да го затворите месецот.
adm_rates_title = Девизни курсеви
adm_rates_intro = На партнер што се исплаќа во друга валута од онаа на пресметката (неговата валута за исплата во каталогот) му се исплаќа вкупниот износ на пресметката претворен по курсот за месецот. Затворањето на месецот го запишува курсот со секоја пресметка и ги бара сите потребни курсеви; курсевите на затворен месец не се менуваат.
adm_rates_record = Внесување курс
adm_rates_pair = Пар (1 ОСНОВНА = КУРС КОТИРАНА)
adm_rates_rate = Курс
adm_rates_source = Извор
adm_rates_submit = Запиши го курсот
adm_rates_import = Вчитување датотека со курсеви
adm_rates_file = CSV со заглавие period,pair,rate,source: се запишуваат сите редови или ниеден
adm_rates_import_submit = Вчитај
adm_rates_recorded = Внесени курсеви
adm_rates_none = Сѐ уште нема внесен курс.
adm_rates_by = Внесен од
adm_rates_closed = затворен: користен за пресметките
adm_rates_delete = Избриши
adm_rounding = Заокружување: курсот се применува еднаш на вкупниот износ, заокружен на најмалата единица на валутата за исплата, половините — подалеку од нулата.
