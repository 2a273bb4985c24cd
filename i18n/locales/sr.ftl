# Српски (ћирилица). sr-Latn.ftl is made from this file by transliteration: change this one.
language-name = Српски
site_tagline = Једна картица, много градова
nav_shop = Картице
nav_desk = Продајно место
nav_login = Пријава
nav_logout = Одјава
shop_title = Картице за посетиоце и књижице попуста
shop_intro = Купите једном, покажите један QR код у сваком укљученом музеју, тврђави и ресторану, у сваком граду.
shop_towns = Градови
shop_all_towns = Сви градови
from_price = од { $price }
towns_included = Градови: { $towns }
kind_pass = Картица
kind_booklet = Књижица попуста
validity_hours = Важи { $hours ->
        [one] { $hours } сат
        [few] { $hours } сата
       *[other] { $hours } сати
    } од прве посете
validity_days = Важи { $days ->
        [one] { $days } календарски дан
        [few] { $days } календарска дана
       *[other] { $days } календарских дана
    } од прве посете (до поноћи)
validity_dates = Важи од { $from } до { $until }
choose_n = Изаберите { $n ->
        [1] једну
       *[other] до { $n }
    } од понуда испод
included_title = Шта је укључено
offer_entry = Бесплатан улаз
offer_discount_pct = { $pct } % попуста
offer_discount_amount = { $amount } попуста
limit_once = једном
limit_daily = једном дневно
limit_unlimited = колико год желите
prices_title = Цене
buy_title = Купите
buy_quantity = Колико
buy_email = Ваша е-пошта (тамо шаљемо картице)
buy_total = Укупно: { $total }
buy_family_hint = Породична картица кошта { $family }, мање од { $singles } за ове појединачне картице.
buy_family_switch = Узмите породичну картицу
buy_names_title = Имена на картицама
buy_names_limit = Необавезно, највише по { $max } знакова.
buy_name_label = { $category } { $n }: име на картици
buy_pay_note_card = Платите платном картицом на следећој страници или на продајном месту са кодом поруџбине; картице се издају чим је плаћено.
buy_desk_only = Ова картица се продаје на продајним местима (туристичким инфо центрима): овде се не може наручити преко интернета.
buy_pay_note_card_only = Платите платном картицом на следећој страници; картице се издају чим је плаћено.
order_pending_card_only = Платите платном картицом испод. Картице се појављују овде чим је поруџбина плаћена.
mail_placed_pay_card_only = Плаћање: отворите везу изнад и платите платном картицом.
desk_card_only = Ова веб поруџбина се плаћа само платном картицом преко интернета (подешавање оператора): купац плаћа на страници поруџбине, или продајте нове картице на шалтеру.
buy_names = Имена на картицама (необавезно, једно по реду)
buy_names_hint = На улазу могу тражити личну карту када је име одштампано.
buy_submit = Наручите
buy_currency = Цене у
buy_currency_show = Прикажи
error_currency = Ова карта се не продаје у { $currency }: изаберите једну од { $offered }.
buy_pay_note = Плаћање при преузимању: покажите код поруџбине на продајном месту (туристички инфо центар); картице се издају чим је плаћено.
error_title = Нешто није у реду
error_nothing_chosen = Изаберите бар једну картицу.
error_too_many_orders = Направили сте неколико поруџбина у последњих неколико минута. Сачекајте 15 минута и покушајте поново или купите на продајном месту.
error_name_too_long = Име на картици може имати највише { $max } знакова; скратите „{ $name }“.
error_email = „{ $address }“ није исправна адреса е-поште: проверите да ли има грешака.
error_back = Назад
order_title = Ваша поруџбина
order_code = Код поруџбине
order_pending = Чека се плаћање. Покажите овај код на продајном месту да бисте платили; картице се појављују овде чим је плаћено.
order_pending_card = Платите платном картицом или покажите овај код на продајном месту. Картице се појављују овде чим је поруџбина плаћена.
order_lines = Шта сте наручили
card_title = Плаћање платном картицом
card_pay = Платите { $amount }
card_paying = Плаћање…
card_not_paid = Плаћање није прошло: покушајте поново или користите другу платну картицу.
card_declined = Платна картица је одбијена: користите другу платну картицу или платите на продајном месту.
card_throttled = Превише одбијених платних картица: сачекајте 15 минута или платите на продајном месту.
order_paid = Плаћено. Покажите QR код на сваком месту. Картице можете и одштампати или сачувати ову страницу.
order_total = Укупно
order_pdf = Преузмите картице (PDF)
order_keep_link = Сачувајте адресу ове странице: она је кључ за ваше картице.
pass_holder = Име
pass_category = Категорија
pass_expires = Истиче најкасније
pass_serial = Број картице
pass_used = До сада коришћена
pass_used_none = Још није коришћена
pass_revoked = Ова картица је поништена.
pass_cancelled = Поништена.
pass_refunded_card = { $amount } враћено на вашу платну картицу.
pass_refunded = Новац вам се враћа тамо где је картица плаћена: питајте на продајном месту.
pass_valid_until = Важи до
pass_since_first_hours = { $hours ->
        [one] { $hours } сат
        [few] { $hours } сата
       *[other] { $hours } сати
    } од прве посете ({ $venue }, { $time })
pass_since_first_days = { $days ->
        [one] { $days } календарски дан
        [few] { $days } календарска дана
       *[other] { $days } календарских дана
    } од прве посете ({ $venue }, { $time })
pass_ended = Важење је истекло.
order_all_cancelled = Све картице ове поруџбине су поништене: ниједна се не може користити.
login_title = Пријава
login_email = Е-пошта
login_password = Лозинка
login_submit = Пријавите се
login_failed = Погрешна е-пошта или лозинка.
login_throttled = Превише неуспешних покушаја одавде. Покушајте поново за { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунде
       *[other] { $seconds } секунди
    }.
desk_title = Продајно место
desk_find = Пронађите поруџбину по коду
desk_find_submit = Пронађи
desk_not_found = Нема поруџбине са тим кодом.
desk_mark_paid = Плаћање примљено: издајте картице
desk_already_paid = Ова поруџбина је већ плаћена.
desk_sell = Продаја на шалтеру (плаћено сада)
desk_sell_submit = Продај и издај
desk_commission = Провизија за { $name }: { $pct } %
csrf_failed = Образац је истекао. Поново учитајте страницу и покушајте опет.
wallet_apple = Додај у Apple Wallet
wallet_google = Сачувај у Google Wallet
wallet_google_too_long = Ова картица садржи превише за везу ка Google Wallet: покажите је са њене странице (ради и без мреже).
wallet_label_pass = Картица
wallet_label_valid = Важи
wallet_label_included = Укључено
wallet_label_help = Помоћ
booklet_choices_used = Искоришћени избори: { $used } од { $n }
offer_used = искоришћено
gate_show = Покажите на улазу
gate_title = Покажите на улазу
gate_back = Сви подаци
gate_swipe = Превуците за следећу картицу
gate_count = Картица { $n } од { $total }
gate_valid_until = Важи до { $time }
gate_none = Ниједна картица ове поруџбине не може се показати: поништене су или још нису издате.
order_updated = Ажурирано { $time }. Када се једном отвори на овом телефону, страница ради и без мреже.
order_offline = Нема мреже: ово је копија сачувана на овом телефону ({ $time }). QR кодови ипак раде на улазу.
order_app_name = townpass: моје картице
mail_placed_subject = Ваша поруџбина { $code }: чека се плаћање
mail_placed_greeting = Хвала на поруџбини. Сачувајте ову поруку: кодом поруџбине и везом испод поново ћете наћи поруџбину.
mail_placed_pay_card = Плаћање: отворите везу изнад и платите платном картицом, или покажите код поруџбине на продајном месту.
mail_placed_pay_desk = Плаћање: покажите код поруџбине на продајном месту.
mail_placed_then = Картице се појављују на страници поруџбине чим је плаћена, а ми вам их шаљемо е-поштом.
mail_subject = Ваше картице: поруџбина { $code }
mail_greeting = Хвала на поруџбини.
mail_body = Картице су приложене као PDF и увек су на овој страници:
mail_show_qr = Покажите QR код на сваком месту, на телефону или одштампан.
pdf_title = Ваше картице

# Портал за партнере
portal_title = Ваше посете и обрачуни
range_out = Ван опсега: датуми иду од { $earliest } до { $latest }, а један опсег обухвата највише { $days } дана.
range_too_long = Предугачак опсег: датуми иду од { $earliest } до { $latest }, а један опсег обухвата највише { $days } дана.
range_reversed = Опсег почиње после свог краја.
range_not_a_date = „{ $text }“ није датум: напишите га као ГГГГ-ММ-ДД.
range_from = Од
range_to = До
range_show = Прикажи
portal_per_day = Посете по дану
portal_range = { $n ->
        [one] { $n } посета
        [few] { $n } посете
       *[other] { $n } посета
    } од { $from } до { $to }.
portal_by_venue = По објекту
portal_by_category = По категорији
col_venue = Објекат
col_visits = Посете
col_category = Категорија
col_month = Месец
col_status = Статус
col_amount = Износ
col_currency = Валута
col_time = Локално време
col_device = Уређај
col_pass = Картица
col_offer = Понуда
col_line = Ставка
col_items = Уноси
col_comment = Ваш коментар
col_answer = Одговор
portal_statements = Обрачуни
portal_no_statement = Још нема обрачуна.
portal_all_visits = Све посете
status_issued = издат
status_draft = нацрт (може се променити)
visits_title = Посете
filter_all = све
filter_accepted = прихваћене
filter_flagged = означене
filter_button = Филтрирај
visits_count = { $total ->
        [one] { $total } посета
        [few] { $total } посете
       *[other] { $total } посета
    } · страна { $page } од { $pages }
visit_accepted = прихваћена
visit_review_accepted = { $flag }, прихваћена при провери
visit_review_rejected = { $flag }, одбијена при провери
visit_review_waiting = { $flag }, чека проверу
page_newer = ← новије
page_older = старије →
statement_title = Обрачун { $period } · { $currency }
statement_status = Статус:
statement_total = Укупно:
statement_csv = CSV свих посета иза овог обрачуна
statement_pdf = Обрачун у PDF-у
payout_at = Исплаћује вам се у { $currency }: { $amount }, по курсу { $pair } { $rate } ({ $source }).
payout_provisional = Привремено: курс може да се промени док се месец не затвори.
payout_missing = Исплаћује вам се у { $currency }: курс { $pair } за { $period } још није унет.
payout_rounding = Курс се примењује једном на укупан износ, заокружен на најмању јединицу валуте (половине — даље од нуле).
statement_pdf_status = Статус: { $status }
statement_pdf_traceable = Свака ставка може да се прати до посета: погледајте CSV датотеку на порталу за партнере.
statement_pdf_total = Укупно
statement_pdf_line = { $line } (× { $items })
pdf_issued_by = Издао
pdf_statement_for = Извод за
pdf_vat = ПИБ { $vat }
pdf_number = Број извода
pdf_period = Период
pdf_period_dates = { $from } – { $to }
pdf_issued_on = Датум издавања
pdf_draft = радна верзија, још није издат: износи се могу мењати
pdf_payout = Исплата: { $amount }
pdf_negative = Негативан салдо се не исплаћује: дугује се оператору.
pdf_paid_to = Плаћа се { $name }, IBAN { $iban }, BIC { $bic }
pdf_no_account = За овог партнера није записан банковни рачун: оператор плаћа на други начин.
dispute = Приговор
dispute_what = Шта није у реду?
dispute_send = Пошаљи оператору
dispute_draft_note = Нацрт се још може променити; приговор на ставку можете поднети када се месец затвори.
disputes_title = Приговори
dispute_sent = Приговор { $id } је послат. Оператор одговара овде; прихваћено одобрење исплаћује се уз следећи обрачун.
dispute_still_draft = Овај месец је још нацрт; поднесите приговор када се затвори.
dispute_say_what = Реците шта није у реду (до 2.000 знакова).
line_visit = Посете (надокнада по посети)
line_pool_share = Посете (удео у фонду)
line_fixed_share = Фиксни удео у нето приходу
line_commission = Провизија од продаје
line_operator_fee = Накнада оператора
line_breakage = Неискоришћена вредност
line_dispute_credit = Одобрење по приговору
line_dispute_debit = Одобрења по приговорима исплаћена партнерима
line_adjustment = корекција за { $month }
nav_partner = Портал за партнере

# Веб скенер (/scan)
scan_title = Скенер
scan_app_name = townpass скенер
scan_app_short = Скенер
scan_enrol_title = Претворите овај телефон у скенер
scan_enrol_intro = Унесите код за регистрацију који вам је дао оператор (или отворите везу из његовог QR кода). Након регистрације, ова страница проверава картице без икакве мреже.
scan_enrol_code = Код за регистрацију
scan_enrol_button = Региструј уређај
scan_enrol_key_note = Овај прегледач прави сопствени кључ уређаја; он никада не напушта телефон. Брисање података сајта заборавља уређај: оператор тада прави нови код.
scan_enrol_failed = Регистрација није успела: { $error }
scan_sync = Синхронизуј
scan_no_camera = Нема камере: укуцајте или скенирајте код у поље испод.
scan_offer = Понуда
scan_offer_auto = Аутоматски
scan_wedge_placeholder = Код са читача, па Enter
scan_check = Провери
scan_accepted = Добро дошли
scan_refused = Одбијено
scan_online = на мрежи
scan_offline = без мреже
scan_never = никад
scan_just_now = управо
scan_minutes_ago = пре { $n } мин
scan_hours_ago = пре { $n } ч
scan_bundle_age = синхронизовано { $age }
scan_pending = { $n } за слање
scan_store_failed = Није записано: телефон није могао да сачува посету ({ $error }). Пустите посетиоца тек након новог покушаја.
scan_category_adult = Одрасли
scan_category_child = Дете
scan_category_senior = Пензионер
scan_category_student = Студент
scan_sync_refused = синхронизација одбијена: { $error }
scan_install = Додај на почетни екран
scan_install_ios = Да би скенер остао на почетном екрану: додирните Дели, па „Додај на почетни екран“.
scan_no_bundle = Није проверено: телефон још нема податке о картицама. Повежите га на интернет и притисните Синхронизуј.
scan_category_number = Категорија { $n }
scan_reenrol = Региструј поново
scan_reenrol_confirm = Сервер више не прихвата овај уређај. Регистровати га поново новим кодом од оператора? Посете које још нису послате остају на телефону и шаљу се уз нову регистрацију.
scan_insecure = Ова страница се не служи преко HTTPS-а: камера, рад без мреже и заштићени кључ уређаја овде не раде. Отворите је са https:// (или као localhost на овом рачунару).

## Пресуде скенера (програм и веб) и сервера.
verdict-welcome = Добро дошли
verdict-first-use = прво коришћење
verdict-valid-until = важи до { $when }
verdict-malformed = Ово није townpass код: скенирајте поново или га укуцајте
verdict-forged = Лажан или оштећен код: не пуштајте
verdict-unknown-key = Непознат кључ издаваоца: синхронизујте уређај, па скенирајте поново
verdict-key-revoked = Поништена: издата повученим кључем
verdict-revoked = Поништена картица (повраћај новца или губитак)
verdict-not-yet-valid = Још не важи, од { $when }
verdict-expired = Истекла { $when }
verdict-unknown-product = Не важи у овом објекту (производ { $product })
verdict-not-included = { $venue }: није укључено
verdict-product-not-included = { $product }: { $venue } није укључено
verdict-outside-hours = Овде важи само { $window }
verdict-elapsed = Истекла: { $what } од првог коришћења { $when }
verdict-elapsed-hours = Истекла: { $hours } ч од првог коришћења { $when }
verdict-elapsed-days = Истекла: { $days } д од првог коришћења { $when }
verdict-used-here-today = Већ коришћена овде данас у { $when } ({ $place })
verdict-used-today = Већ коришћена данас у { $when } ({ $place })
verdict-used-here = Већ коришћена овде { $when } ({ $place })
verdict-used = Већ коришћена { $when } ({ $place })
verdict-choices-used-up = { $n ->
        [1] Једини избор на картици је искоришћен
        [one] Искоришћен је { $n } избор на картици
        [few] Сва { $n } избора на картици су искоришћена
       *[other] Свих { $n } избора на картици је искоришћено
    }
verdict-when = { $day }. { $month } { $time }
month-short-1 = јан
month-short-2 = феб
month-short-3 = мар
month-short-4 = апр
month-short-5 = мај
month-short-6 = јун
month-short-7 = јул
month-short-8 = авг
month-short-9 = сеп
month-short-10 = окт
month-short-11 = нов
month-short-12 = дец

## The operator: settlement months and exchange rates
adm_settlement_title = Обрачун
adm_settlement_month = Обрачун { $period }
adm_settle_intro = Обрачуни за месец су нацрти док се месец не затвори; нацрт се може поново израчунати у свако доба. Затварање их издаје: од тада се месец не мења, а касно послате посете, прегледана упозорења, повраћаји новца и прихваћени приговори улазе у следећи отворени месец као корекције.
adm_flagged_waiting = Означене посете које чекају преглед: { $n }
adm_rates_link = Девизни курсеви
adm_rates_link_note = за партнере који се исплаћују у другој валути
adm_month_label = Месец (ГГГГ-ММ)
adm_compute_draft = Израчунај нацрт
adm_close_issue = Затвори и издај…
adm_close_confirm_title = Затворити { $period }?
adm_close_confirm = Затварање издаје изводе за { $period } партнерима и продајним местима, и по њима се исплаћују партнери. Не може да се опозове: од тада се месец не мења, а каснија слања, повраћаји, прегледи и прихваћени приговори улазе у следећи отворени месец као корекције.
adm_close_confirm_draft = Извода у последњој радној верзији: { $n }. Затварање их рачуна још једном из свега што је сада познато.
adm_close_confirm_button = Затвори и издај (неопозиво)
adm_runs = Израчунавања
adm_runs_note = Месец се израчунава у позадини; ова страница га прати.
adm_runs_note_busy = Месец се израчунава у позадини; ова страница га прати и сама се освежава.
adm_col_what = Шта
adm_col_asked_by = Затражио
adm_col_progress = Напредак
adm_what_close = затварање и издавање
adm_what_draft = нацрт
adm_months = Месеци
adm_no_month = Још нема обрачунатог месеца.
adm_col_closed_by = Затворио
adm_job_queued = чека да га сервер преузме
adm_job_progress = прочитано { $read } од око { $total } карата
adm_job_running = ради: прочитано { $read } карата
adm_job_attempt = (покушај { $n })
adm_job_done = готово
adm_job_failed = неуспешно: { $error }
adm_totals = Укупно
adm_gross = Бруто
adm_refunds = Враћено
adm_partners = Партнери
adm_commissions = Провизије
adm_operator_fees = Накнаде оператора
adm_breakage = Неискоришћено
adm_balanced = Биланс
adm_yes = да
adm_no = НЕ
adm_statements = Обрачуни
adm_payout_at = Исплаћује се у { $currency }: { $amount } по курсу { $pair } { $rate } ({ $source }).
adm_payout_provisional = Привремено, док се месец не затвори.
adm_payout_missing = Исплаћује се у { $currency }: још нема курса { $pair } за { $period }.
adm_payout_record = Унесите га пре затварања месеца.
adm_payouts_title = Исплате
adm_payouts_month_title = Исплате за { $period }
adm_payouts_intro = За затворен месец: по један SEPA кредитни трансфер за сваки извод партнера у EUR са позитивним салдом (датотека pain.001.001.09 за вашу банку) и списак исплата по сваком изводу – за партнере у другим валутама и за књиговодство.
adm_payouts_none = Још нема затвореног месеца: прво затворите један на страници обрачуна.
adm_payouts_status_none = није извезено
adm_payouts_status_exported = извезено { $when } UTC, { $by }, чека банку
adm_payouts_status_paid = плаћено (потврђено { $when } UTC, { $by })
adm_payouts_number = Извод
adm_payouts_partner = Партнер
adm_payouts_statement = Износ извода
adm_payouts_payout = Исплата
adm_payouts_how = Како
adm_payouts_how_sepa = SEPA трансфер на { $iban }
adm_payouts_how_by_hand = ручно плаћање ({ $currency })
adm_payouts_how_carried = негативан салдо: не плаћа се
adm_payouts_how_nothing = нема шта да се плати
adm_payouts_total = SEPA трансфери: { $n }, укупно { $amount }
adm_payouts_date = Датум плаћања
adm_payouts_export = Извези исплате…
adm_payouts_confirm_export_title = Извести исплате за { $period }?
adm_payouts_confirm_export = Ово прави датотеку трансфера за вашу банку ({ $n } трансфера, укупно { $amount }, за плаћање { $date }) и списак исплата, и бележи { $period } као извезен. Не може да се опозове: месец се исплаћује једном, други извоз се одбија.
adm_payouts_confirm_export_button = Извези и забележи (неопозиво)
adm_cancel = Откажи
adm_payouts_download_xml = Датотека SEPA трансфера (XML)
adm_payouts_download_csv = Списак исплата (CSV)
adm_payouts_mark_paid = Банка је платила…
adm_payouts_confirm_paid_title = Потврдити да је { $period } плаћен?
adm_payouts_confirm_paid = Потврдите тек када банка изврши трансфере за { $period } ({ $n } трансфера, укупно { $amount }). Потврда се бележи са вашим именом и не може да се опозове.
adm_payouts_confirm_paid_button = Потврди плаћање (неопозиво)
adm_payouts_exported_ok = { $period } је извезен: преузмите датотеке испод и дајте XML датотеку банци.
adm_payouts_paid_ok = { $period } је забележен као плаћен.
adm_rates_title = Девизни курсеви
adm_rates_intro = Партнеру који се исплаћује у другој валути од валуте обрачуна (његова валута исплате у каталогу) исплаћује се укупан износ обрачуна претворен по курсу за месец. Затварање месеца бележи курс уз сваки обрачун и тражи све потребне курсеве; курсеви затвореног месеца се не мењају.
adm_rates_record = Унос курса
adm_rates_pair = Пар (1 ОСНОВНА = КУРС КОТИРАНА)
adm_rates_rate = Курс
adm_rates_source = Извор
adm_rates_submit = Сачувај курс
adm_rates_import = Увоз датотеке са курсевима
adm_rates_file = CSV са заглављем period,pair,rate,source: бележе се сви редови или ниједан
adm_rates_import_submit = Увези
adm_rates_recorded = Унети курсеви
adm_rates_none = Још нема унетог курса.
adm_rates_by = Унео
adm_rates_closed = затворен: коришћен за обрачуне
adm_rates_delete = Обриши
adm_rounding = Заокруживање: курс се примењује једном на укупан износ, заокружен на најмању јединицу валуте исплате, половине — даље од нуле.

## The operator: home page, flagged redemptions, disputes, consortium figures
adm_home_title = Оператор
adm_link_settlement = Обрачун: обрачуни по месецима
adm_link_flags = Означене посете и дневник радњи
adm_link_disputes = Приговори
adm_link_consortium = Подаци конзорцијума
adm_revoke_title = Поништавање карте
adm_revoke_intro = Повраћај новца, губитак или превара: скенери одбијају карту после следеће синхронизације. Карта поништена раније без повраћаја може се овде касније рефундирати.
adm_pass_number = Број карте (16 хексадецималних цифара)
adm_reason = Разлог
adm_refund_check = Рефундирај карту: цена се одмах враћа на картицу купца ако је плаћена картицом (ако повраћај не успе, ништа се не мења); за плаћање на шалтеру вратите новац на шалтеру. За рефундирану карту нико не добија исплату.
adm_revoke_submit = Поништи…
adm_revoke_confirm_title = Поништити пропусницу { $serial }?
adm_revoke_confirm = Пропусница { $serial } заувек престаје да важи: сваки улаз је одбија после следеће синхронизације, а страница пропуснице је приказује као поништену. Не може да се опозове.
adm_revoke_confirm_refund = Купац добија назад { $amount }: картицом преко пружаоца плаћања ако је поруџбина плаћена картицом, иначе вратите новац ручно.
adm_revoke_product = Производ
adm_revoke_holder = Власник
adm_revoke_order = Поруџбина
adm_revoke_price = Цена
adm_revoke_confirm_button = Поништи пропусницу (неопозиво)
adm_revoke_unknown = Пропусница { $serial } није продата овде: проверите број на пропусници или страницу поруџбине.
adm_revoke_already = Пропусница { $serial } је већ поништена.
adm_devices_title = Уређаји на локацијама
adm_devices_intro = Једнократни код за пријаву, важи 24 сата, за скенер на локацији: на уређају покрените
adm_venue = Локација
adm_device_name = Назив уређаја (нпр. Улаз 2)
adm_device_submit = Направи код за пријаву
adm_col_device = Уређај
adm_col_last_seen = Последњи пут виђен
adm_col_clock = Одступање сата
adm_col_offline = Без интернета?
adm_never = никад
adm_bundle_file = датотека са подацима
adm_by_file_title = Посете преко датотеке
adm_by_file_intro = За локацију без интернета: учитајте датотеку коју је записао townpass-scan export FILE. Проверава се као слање преко интернета; двоструко учитавање ништа не додаје. Затим дајте уређају његову датотеку са подацима (горе) за townpass-scan import FILE.
adm_file_label = Датотека са посетама
adm_file_submit = Учитај посете
adm_keys_title = Кључеви за потписивање
adm_col_key = Кључ
adm_col_valid_until = Карте важе до
adm_mail_title = Пошта
adm_mail_count = { $total } порука, { $waiting } чека
adm_mail_failing = { $to }: { $n } покушаја, последња грешка: { $error }
adm_flags_title = Означене посете
adm_flags_intro = Посете које је сервер означио (двапут искоришћена, после важења, поништена пре скенирања) не улазе у исплате док их не прихватите или одбијете. Наведите разлог: он иде у дневник.
adm_flags_none = Ништа не чека преглед.
adm_flag_accept = Прихвати за исплату
adm_reject = Одбиј
adm_accept = Прихвати
adm_audit_title = Дневник радњи
adm_col_when = Када
adm_col_who = Ко
adm_col_subject = Предмет
adm_col_why = Зашто
adm_flag_said_why = наведите разлог: он иде у дневник
adm_flag_accepted = Посета { $id } је прихваћена за исплату. Рачуна се у следећем обрачуну (као корекција ако је њен месец затворен).
adm_flag_rejected = Посета { $id } је одбијена. Рачуна се у следећем обрачуну (као корекција ако је њен месец затворен).
adm_disputes_intro = Партнери оспоравају ставке издатих обрачуна. Прихватите уз одобрење (исплаћено у следећем отвореном месецу, на терет оператора) или одбијте; у оба случаја им одговорите. Сваки одговор иде у дневник.
adm_disputes_none = Нема приговора.
adm_dispute_head = Приговор { $id }
adm_dispute_line = Ставка { $line } · поднео { $who } дана { $when }
adm_dispute_credit = Одобрење ако се прихвати ({ $currency }, нпр. 12.50)
adm_dispute_answer = Одговор партнеру
adm_dispute_answered = Одговор: { $answer }
adm_dispute_credited = одобрење { $amount }
adm_dispute_write = напишите одговор партнеру
adm_dispute_done = На приговор { $id } је одговорено.
adm_cons_title = Конзорцијум · { $period }
adm_cons_month = Месец
adm_cons_show = Прикажи
adm_cons_works = Да ли заједничка карта функционише?
adm_cons_used = Искоришћене карте: { $n }
adm_cons_towns = Градова по карти (просек): { $n }
adm_cons_venues = Локација по карти (просек): { $n }
adm_cons_hours = Сати између прве и последње употребе (просек): { $n }
adm_cons_outside = Посете ван најпосећенијег града ({ $town }): { $share }
adm_cons_pairs = Од града до града
adm_cons_pairs_intro = Карте искоришћене у граду из реда које су искоришћене и у граду из колоне (дијагонала: карте искоришћене тамо).
adm_cons_sales = Продаја по градовима
adm_cons_sold_at = Продато у
adm_cons_passes = Карте
adm_cons_visits_title = Посете по градовима и партнерима
adm_cons_town = Град
adm_cons_visits = Посете
adm_cons_partner = Партнер
adm_cons_payouts = Исплате
adm_cons_not_settled = Овај месец још није обрачунат:
adm_cons_compute = обрачунајте га
adm_cons_statements = Обрачуни: { $status }
adm_cons_details = детаљи
adm_cons_party = Страна

## Refusals of settlement and exchange rates
refuse_closed = { $month } је затворен: његови обрачуни се не мењају (корекције улазе у следећи отворени месец)
refuse_before_closed = { $month } је пре { $latest }, последњег затвореног месеца: све до { $latest } је коначно обрачунато
refuse_not_over = { $month } још није завршен: може се затворити од { $time }
refuse_in_order = прво затворите { $earlier }: месеци се затварају редом
refuse_not_month = „{ $text }“ није месец: пишите ГГГГ-ММ, нпр. 2026-10
refuse_payout_not_closed = { $period } није затворен: партнери се исплаћују само за затворене месеце. Прво га затворите (страница обрачуна или townpass settle --period { $period } --close).
refuse_payout_twice = { $period } је већ извезен за плаћање ({ $when } UTC, { $by }): месец се исплаћује једном. Преузмите његове датотеке поново са странице исплата.
refuse_payout_not_exported = За { $period } још нема датотеке исплата: прво је извезите.
refuse_payout_paid_already = { $period } је већ означен као плаћен.
refuse_payout_date = { $date } не може бити датум плаћања: изаберите дан од данас до годину дана унапред.
refuse_payout_bank_details = Датотека налога не може да се направи; ништа није записано. Прво исправите ово у каталогу: { $problems }
refuse_rates_missing = { $month } се не може затворити: недостају девизни курсеви за { $list }. Прво их унесите (страница за курсеве или townpass rates set --period { $month } --pair { $pair } --rate КУРС --source ИЗВОР).
refuse_rate_closed = { $month } је затворен: његови курсеви су коришћени за обрачуне и не мењају се
refuse_rate_opposite = { $opposite } је већ унет за { $month } (курс { $rate }): један смер по пару и месецу; прво га обришите или унесите тај пар

## Exchange rates typed or loaded by the operator
rate_bad_pair = „{ $text }“ није валутни пар: пишите ОСНОВНА/КОТИРАНА, нпр. EUR/MKD (1 EUR = КУРС MKD)
rate_bad_currency = „{ $code }“ није валута по ISO 4217 у којој се може плаћати (нпр. EUR, MKD, RSD, HUF)
rate_self_pair = „{ $text }“ спаја валуту са самом собом
rate_no_source = наведите одакле је курс, нпр. НБС 2026-10-31
rate_bad_source = извор мора бити један ред од највише 200 видљивих знакова
rate_bad_value = „{ $text }“ није курс: пишите позитиван број са тачком и највише 8 децимала, нпр. 61.5000
rates_file_not_csv = није CSV датотека: { $error }
rates_file_header = први ред мора бити заглавље period,pair,rate,source (а јесте „{ $header }“)
rates_file_line = ред { $line }: { $problem }
rates_file_fields = очекују се 4 поља, има их { $n }
rates_file_twice = { $pair } за { $month } појављује се двапут
rates_file_empty = датотека нема курсева
rates_file_stopped = … (заустављено после 50 проблема)
rates_nothing_recorded = Ништа није сачувано: { $problems }
rates_recorded_one = { $month }: 1 { $base } = { $rate } { $quote } је сачуван
rates_recorded_n = Сачувани курсеви: { $n }
rates_deleted = { $month }: { $pair } је обрисан
rates_none_to_delete = нема унетог курса { $pair } за { $month }

## townpass-scan at the gate (the binary scanner)
gate_accepted = ПРИХВАЋЕНО
gate_rejected = ОДБИЈЕНО
gate_holder = власник: { $holder } (проверите документ)
gate_ready = townpass-scan у { $venue } ({ $device }): скенирајте карту
gate_synced = синхронизовано: послато { $uploaded } ({ $flagged } означено од сервера), ново поништених { $revoked }, посета са других уређаја { $uses }
gate_sync_background = послато { $uploaded }, ново поништених { $revoked }, посета са других уређаја { $uses }
gate_sync_later = не сада ({ $error }); посете остају на уређају
gate_status_device = уређај { $id } „{ $name }“ у { $venue } ({ $server })
gate_status_synced = подаци: синхронизовани пре { $minutes } мин
gate_status_never = подаци: још нема (покрените townpass-scan sync)
gate_status_pending = чекају слање: { $pending } (и { $exported } извезених у датотеку, још непотврђених)
gate_status_keys = поуздани кључеви: { $keys }, поништене карте: { $revoked }
