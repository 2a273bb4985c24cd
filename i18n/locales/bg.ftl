# Български.
language-name = Български
site_tagline = Една карта, много градове
nav_shop = Карти
nav_desk = Каса
nav_login = Вход
nav_logout = Изход
shop_title = Карти за посетители и книжки с отстъпки
shop_intro = Купете веднъж и покажете един QR код във всеки включен музей, крепост и ресторант, във всеки град.
shop_towns = Градове
shop_all_towns = Всички градове
from_price = от { $price }
towns_included = Градове: { $towns }
kind_pass = Карта
kind_booklet = Книжка с отстъпки
validity_hours = Валидна { $hours ->
        [one] { $hours } час
       *[other] { $hours } часа
    } от първото посещение
validity_days = Валидна { $days ->
        [one] { $days } календарен ден
       *[other] { $days } календарни дни
    } от първото посещение (до полунощ)
validity_dates = Валидна от { $from } до { $until }
choose_n = Изберете { $n ->
        [1] едно
       *[other] до { $n }
    } от предложенията по-долу
included_title = Какво е включено
offer_entry = Безплатен вход
offer_discount_pct = { $pct } % отстъпка
offer_discount_amount = { $amount } отстъпка
limit_once = веднъж
limit_daily = веднъж на ден
limit_unlimited = неограничено
prices_title = Цени
buy_title = Купете
buy_quantity = Брой
buy_email = Вашият имейл (изпращаме картите там)
buy_total = Общо: { $total }
buy_family_hint = Семейната карта струва { $family }, по-малко от { $singles } за тези отделни карти.
buy_family_switch = Вземете семейната карта
buy_names_title = Имена върху картите
buy_names_limit = По желание, до { $max } знака всяко.
buy_name_label = { $category } { $n }: име върху картата
buy_pay_note_card = Платете с карта на следващата страница или на каса с кода на поръчката; картите се издават веднага след плащането.
buy_desk_only = Тази карта се продава на каса (туристически информационни центрове): тук не може да се поръча онлайн.
buy_pay_note_card_only = Платете с карта на следващата страница; картите се издават веднага след плащането.
order_pending_card_only = Платете с карта по-долу. Картите ще се появят тук веднага след плащането.
mail_placed_pay_card_only = Плащане: отворете връзката по-горе и платете с банкова карта.
desk_card_only = Тази онлайн поръчка се плаща само с карта онлайн (настройка на оператора): купувачът плаща на страницата на поръчката или продайте нови карти на каса.
buy_names = Имена върху картите (по желание, по едно на ред)
buy_names_hint = Когато на картата има име, персоналът може да поиска документ за самоличност.
buy_submit = Поръчка
buy_currency = Цени в
buy_currency_show = Покажи
buy_pay_note = Плащане при получаване: покажете кода на поръчката на каса (туристически информационен център); картите се издават веднага след плащането.
error_title = Нещо не е наред
error_nothing_chosen = Изберете поне една карта.
error_too_many_orders = Направихте няколко поръчки през последните минути. Изчакайте 15 минути и опитайте отново или купете от каса.
error_name_too_long = Името върху картата може да е най-много { $max } знака; съкратете „{ $name }“.
error_email = „{ $address }“ не е валиден адрес на е-поща: проверете го за грешки.
error_back = Назад
order_title = Вашата поръчка
order_code = Код на поръчката
order_pending = Очаква плащане. Покажете този код на каса, за да платите; картите ще се появят тук веднага след плащането.
order_pending_card = Платете с банкова карта или покажете кода на поръчката на каса. Вашите карти за посещение ще се появят тук веднага след плащането.
order_lines = Какво поръчахте
card_title = Плащане с банкова карта
card_pay = Платете { $amount }
card_paying = Плащане…
card_not_paid = Плащането не премина: опитайте отново или с друга банкова карта.
card_declined = Банковата карта беше отказана: използвайте друга или платете на каса.
card_throttled = Твърде много отказани карти: изчакайте 15 минути или платете на каса.
order_paid = Платена. Покажете QR кода на всеки обект. Можете да разпечатате картите или да запазите тази страница.
order_total = Общо
order_pdf = Изтеглете картите (PDF)
order_keep_link = Запазете адреса на тази страница: той е ключът към вашите карти.
pass_holder = Име
pass_category = Категория
pass_expires = Изтича най-късно
pass_serial = Номер на картата
pass_used = Използвана досега
pass_used_none = Още не е използвана
pass_revoked = Тази карта е анулирана.
pass_cancelled = Анулирана.
pass_refunded_card = { $amount } са върнати по картата ви.
pass_refunded = Сумата се връща там, където картата е платена: попитайте на касата.
pass_valid_until = Валидна до
pass_since_first_hours = { $hours ->
        [one] { $hours } час
       *[other] { $hours } часа
    } от първото посещение ({ $venue }, { $time })
pass_since_first_days = { $days ->
        [one] { $days } календарен ден
       *[other] { $days } календарни дни
    } от първото посещение ({ $venue }, { $time })
pass_ended = Валидността е изтекла.
order_all_cancelled = Всички карти от тази поръчка са анулирани: никоя не може да се използва.
login_title = Вход
login_email = Имейл
login_password = Парола
login_submit = Вход
login_failed = Грешен имейл или парола.
login_throttled = Твърде много неуспешни опити от това място. Опитайте отново след { $seconds ->
        [one] { $seconds } секунда
       *[other] { $seconds } секунди
    }.
desk_title = Каса
desk_find = Намерете поръчка по код
desk_find_submit = Търсене
desk_not_found = Няма поръчка с този код.
desk_mark_paid = Плащането е получено: издайте картите
desk_already_paid = Тази поръчка вече е платена.
desk_sell = Продажба на място (платено веднага)
desk_sell_submit = Продай и издай
desk_commission = Комисионна за { $name }: { $pct } %
csrf_failed = Формулярът е изтекъл. Презаредете страницата и опитайте отново.
wallet_apple = Добави в Apple Wallet
wallet_google = Запази в Google Wallet
wallet_google_too_long = Тази карта съдържа твърде много данни за връзка към Google Wallet: покажете я от нейната страница (работи и без мрежа).
wallet_label_pass = Карта
wallet_label_valid = Валидност
wallet_label_included = Включено
wallet_label_help = Помощ
booklet_choices_used = Използвани избори: { $used } от { $n }
offer_used = използвано
gate_show = Покажи на входа
gate_title = Покажи на входа
gate_back = Всички подробности
gate_swipe = Плъзнете за следващата карта
gate_count = Карта { $n } от { $total }
gate_valid_until = Валидна до { $time }
gate_none = Няма карта от тази поръчка за показване: анулирани са или още не са издадени.
order_updated = Обновено { $time }. Веднъж отворена на този телефон, страницата работи и без мрежа.
order_offline = Няма мрежа: това е копието, запазено на този телефон ({ $time }). QR кодовете работят на входа.
order_app_name = townpass: моите карти
mail_placed_subject = Вашата поръчка { $code }: очаква плащане
mail_placed_greeting = Благодарим ви за поръчката. Запазете това писмо: с кода и връзката по-долу ще намерите поръчката си отново.
mail_placed_pay_card = Плащане: отворете връзката по-горе и платете с банкова карта или покажете кода на поръчката на каса.
mail_placed_pay_desk = Плащане: покажете кода на поръчката на каса.
mail_placed_then = Картите ви ще се появят на страницата на поръчката веднага след плащането и ще ви ги изпратим по имейл.
mail_subject = Вашите карти: поръчка { $code }
mail_greeting = Благодарим ви за поръчката.
mail_body = Картите ви са приложени като PDF и са винаги на тази страница:
mail_show_qr = Покажете QR кода на всеки обект, на телефона или разпечатан.
pdf_title = Вашите карти

# Partner portal
portal_title = Вашите посещения и отчети
range_out = Извън обхвата: датите са от { $earliest } до { $latest }, а един период обхваща най-много { $days } дни.
range_too_long = Твърде дълъг период: датите са от { $earliest } до { $latest }, а един период обхваща най-много { $days } дни.
range_reversed = Периодът започва след като свършва.
range_not_a_date = „{ $text }“ не е дата: напишете я като ГГГГ-ММ-ДД.
range_from = От
range_to = До
range_show = Покажи
portal_per_day = Посещения по дни
portal_range = { $n ->
        [one] { $n } посещение
       *[other] { $n } посещения
    } от { $from } до { $to }.
portal_by_venue = По обекти
portal_by_category = По категории
col_venue = Обект
col_visits = Посещения
col_category = Категория
col_month = Месец
col_status = Състояние
col_amount = Сума
col_currency = Валута
col_time = Местно време
col_device = Устройство
col_pass = Карта
col_offer = Предложение
col_line = Ред
col_items = Бройки
col_comment = Вашият коментар
col_answer = Отговор
portal_statements = Отчети
portal_no_statement = Все още няма отчет.
portal_all_visits = Всички посещения
status_issued = издаден
status_draft = чернова (може да се промени)
visits_title = Посещения
filter_all = всички
filter_accepted = приети
filter_flagged = маркирани
filter_button = Филтрирай
visits_count = { $total ->
        [one] { $total } посещение
       *[other] { $total } посещения
    } · страница { $page } от { $pages }
visit_accepted = прието
visit_review_accepted = { $flag }, прието след проверка
visit_review_rejected = { $flag }, отхвърлено след проверка
visit_review_waiting = { $flag }, чака проверка
page_newer = ← по-нови
page_older = по-стари →
statement_title = Отчет { $period } · { $currency }
statement_status = Състояние:
statement_total = Общо:
statement_csv = CSV с всяко посещение зад този отчет
statement_pdf = Отчет в PDF
payout_at = Изплаща ви се в { $currency }: { $amount }, по курс { $pair } { $rate } ({ $source }).
payout_provisional = Предварително: курсът може да се промени, докато месецът не бъде приключен.
payout_missing = Изплаща ви се в { $currency }: курсът { $pair } за { $period } още не е въведен.
payout_rounding = Курсът се прилага веднъж към общата сума, закръглена до най-малката единица на валутата (половинките — в посока от нулата).
statement_pdf_status = Статус: { $status }
statement_pdf_traceable = Всеки ред може да се проследи до посещенията зад него: вижте CSV файла в портала за партньори.
statement_pdf_total = Общо
statement_pdf_line = { $line } (× { $items })
dispute = Оспорване
dispute_what = Какво не е наред?
dispute_send = Изпрати на оператора
dispute_draft_note = Черновата може да се промени; можете да оспорите ред, след като месецът бъде приключен.
disputes_title = Оспорвания
dispute_sent = Оспорване { $id } е изпратено. Операторът отговаря тук; приетата сума се изплаща със следващия отчет.
dispute_still_draft = Този месец все още е чернова; оспорете ред, след като бъде приключен.
dispute_say_what = Напишете какво не е наред (до 2000 знака).
line_visit = Посещения (възстановяване за посещение)
line_pool_share = Посещения (дял от общия фонд)
line_fixed_share = Фиксиран дял от нетните приходи
line_commission = Комисиона за продажба
line_operator_fee = Такса на оператора
line_breakage = Неизползвана стойност
line_dispute_credit = Сума по оспорване
line_dispute_debit = Суми по оспорвания, платени на партньори
line_adjustment = корекция за { $month }
nav_partner = Партньорски портал

# The web scanner (/scan)
scan_title = Скенер
scan_app_name = townpass скенер
scan_app_short = Скенер
scan_enrol_title = Превърнете този телефон в скенер
scan_enrol_intro = Въведете кода за регистрация от оператора (или отворете връзката от неговия QR код). След регистрацията тази страница проверява карти и без мрежа.
scan_enrol_code = Код за регистрация
scan_enrol_button = Регистрирай устройството
scan_enrol_key_note = Браузърът създава собствен ключ на устройството; той никога не напуска телефона. Изтриването на данните на сайта забравя устройството: тогава операторът издава нов код.
scan_enrol_failed = Регистрацията не успя: { $error }
scan_sync = Синхронизирай
scan_no_camera = Няма камера: въведете или сканирайте кода в полето отдолу.
scan_offer = Оферта
scan_offer_auto = Автоматично
scan_wedge_placeholder = Код от четец, после Enter
scan_check = Провери
scan_accepted = Добре дошли
scan_refused = Отказано
scan_online = онлайн
scan_offline = офлайн
scan_never = никога
scan_just_now = току-що
scan_minutes_ago = преди { $n } мин
scan_hours_ago = преди { $n } ч
scan_bundle_age = синхронизиран { $age }
scan_pending = { $n } за качване
scan_store_failed = Не е записано: телефонът не успя да запази посещението ({ $error }). Пуснете посетителя само след повторен опит.
scan_category_adult = Възрастен
scan_category_child = Дете
scan_category_senior = Пенсионер
scan_category_student = Ученик/студент
scan_sync_refused = синхронизацията е отказана: { $error }
scan_install = Добави на началния екран
scan_install_ios = За да държите скенера на началния екран: натиснете „Сподели“, после „Добави към начален екран“.
scan_no_bundle = Не е проверено: телефонът още няма данни за картите. Свържете го с интернет и натиснете „Синхронизирай“.
scan_category_number = Категория { $n }
scan_reenrol = Регистрирай отново
scan_reenrol_confirm = Сървърът вече не приема това устройство. Да се регистрира ли отново с нов код от оператора? Неизпратените посещения остават на телефона и се изпращат с новата регистрация.
scan_insecure = Страницата не е отворена през HTTPS: камерата, работата без мрежа и защитеният ключ на устройството не работят. Отворете я с https:// (или като localhost на този компютър).

## Присъдите на скенерите (програмата и уеб скенера) и на сървъра.
verdict-welcome = Добре дошли
verdict-first-use = първо ползване
verdict-valid-until = валидна до { $when }
verdict-malformed = Това не е код на townpass: сканирайте отново
verdict-forged = Фалшив или повреден код: не пропускайте
verdict-unknown-key = Непознат ключ: синхронизирайте устройството и сканирайте отново
verdict-key-revoked = Анулирана: издадена с оттеглен ключ
verdict-revoked = Анулирана карта (възстановена сума или загуба)
verdict-not-yet-valid = Още не е валидна, от { $when }
verdict-expired = Изтекла на { $when }
verdict-unknown-product = Не е валидна в този обект (продукт { $product })
verdict-not-included = Не включва { $venue }
verdict-product-not-included = { $product } не включва { $venue }
verdict-outside-hours = Валидна тук само { $window }
verdict-elapsed = Изтекла: { $what } от първото ползване на { $when }
verdict-elapsed-hours = Изтекла: { $hours } ч от първото ползване на { $when }
verdict-elapsed-days = Изтекла: { $days } д от първото ползване на { $when }
verdict-used-here-today = Вече използвана тук днес в { $when } ({ $place })
verdict-used-today = Вече използвана днес в { $when } ({ $place })
verdict-used-here = Вече използвана тук на { $when } ({ $place })
verdict-used = Вече използвана на { $when } ({ $place })
verdict-choices-used-up = { $n ->
        [1] Единственият избор по картата е използван
       *[other] Всички { $n } избора по картата са използвани
    }
verdict-when = { $day } { $month } { $time }
month-short-1 = яну
month-short-2 = фев
month-short-3 = мар
month-short-4 = апр
month-short-5 = май
month-short-6 = юни
month-short-7 = юли
month-short-8 = авг
month-short-9 = сеп
month-short-10 = окт
month-short-11 = ное
month-short-12 = дек

## The operator: settlement months and exchange rates
adm_settlement_title = Разплащане
adm_settlement_month = Разплащане { $period }
adm_settle_intro = Отчетите за месеца са чернови, докато месецът не бъде приключен; черновата може да се преизчисли по всяко време. Приключването ги издава: оттогава месецът не се променя, а късно качени посещения, прегледани сигнали, възстановявания и приети възражения влизат в следващия отворен месец като корекции.
adm_flagged_waiting = Сигнализирани посещения за преглед: { $n }
adm_rates_link = Валутни курсове
adm_rates_link_note = за партньори, на които се плаща в друга валута
adm_month_label = Месец (ГГГГ-ММ)
adm_compute_draft = Изчисли чернова
adm_close_issue = Приключи и издай
adm_runs = Изчисления
adm_runs_note = Месецът се изчислява във фонов режим; тази страница го следи.
adm_runs_note_busy = Месецът се изчислява във фонов режим; тази страница го следи и се опреснява сама.
adm_col_what = Какво
adm_col_asked_by = Поискано от
adm_col_progress = Напредък
adm_what_close = приключване и издаване
adm_what_draft = чернова
adm_months = Месеци
adm_no_month = Още няма изчислен месец.
adm_col_closed_by = Приключен от
adm_job_queued = чака сървър да го поеме
adm_job_progress = прочетени { $read } от около { $total } карти
adm_job_running = работи: прочетени { $read } карти
adm_job_attempt = (опит { $n })
adm_job_done = готово
adm_job_failed = неуспешно: { $error }
adm_totals = Общо
adm_gross = Бруто
adm_refunds = Възстановени
adm_partners = Партньори
adm_commissions = Комисиони
adm_operator_fees = Такси на оператора
adm_breakage = Неизползвани
adm_balanced = Баланс
adm_yes = да
adm_no = НЕ
adm_statements = Отчети
adm_payout_at = Изплаща се в { $currency }: { $amount } по курс { $pair } { $rate } ({ $source }).
adm_payout_provisional = Предварително, докато месецът не бъде приключен.
adm_payout_missing = Изплаща се в { $currency }: още няма курс { $pair } за { $period }.
adm_payout_record = Въведете го, преди да приключите месеца.
adm_rates_title = Валутни курсове
adm_rates_intro = На партньор, на когото се плаща в друга валута от тази на отчета (валутата му за плащане в каталога), се изплаща сумата на отчета, превалутирана по курса за месеца. Приключването на месеца записва курса към всеки отчет и изисква всички нужни курсове; курсовете на приключен месец не се променят.
adm_rates_record = Въвеждане на курс
adm_rates_pair = Двойка (1 ОСНОВНА = КУРС КОТИРАНА)
adm_rates_rate = Курс
adm_rates_source = Източник
adm_rates_submit = Запиши курса
adm_rates_import = Зареждане на файл с курсове
adm_rates_file = CSV със заглавие period,pair,rate,source: записват се всички редове или нито един
adm_rates_import_submit = Зареди
adm_rates_recorded = Въведени курсове
adm_rates_none = Още няма въведен курс.
adm_rates_by = Въведен от
adm_rates_closed = приключен: използван за отчетите
adm_rates_delete = Изтрий
adm_rounding = Закръгляне: курсът се прилага веднъж към сумата на отчета, закръглена до най-малката единица на валутата на плащане, половинките — в посока от нулата.
