//! E-mail to buyers through a real SMTP listener: what arrives, and that an outage delays mail
//! without losing it. On SQLite and PostgreSQL.

use mail_parser::MimeHeaders;
use townpass::sales::mail::{self, MailContext, Mailer};
use townpass::sales::{self, IssueRequest};
use townpass::testing::{SmtpSink, TestDb, demo_catalogue};

const NOW: i64 = 1_790_000_000;
const BASE: &str = "https://pass.example.org";

async fn paid_order_with_mail(db: &TestDb) -> String {
    townpass::catalog::apply(&db.store, demo_catalogue(), NOW)
        .await
        .expect("catalogue");
    let key = db
        .key_ring()
        .ensure_active(&db.store, NOW)
        .await
        .expect("key");
    let req = IssueRequest {
        product: "bulgaria-72h".into(),
        category: "adult".into(),
        count: 2,
        holder: Some("Мария Иванова".into()),
        email: Some("maria@example.org".into()),
        language: "bg".into(),
        channel: "cli",
        payment_provider: "invoice".into(),
        currency: None,
    };
    sales::issue(&db.store, &key, &req, NOW, sales::no_progress())
        .await
        .expect("issue")
        .order_public_id
}

#[tokio::test]
async fn the_buyer_gets_an_email_with_the_order_link_and_the_passes_as_pdf() {
    for db in TestDb::all().await {
        let public_id = paid_order_with_mail(&db).await;
        let smtp = SmtpSink::start();
        let mailer = Mailer::new(
            Some(&smtp.url()),
            db.dir.path().join("mail"),
            "townpass <passes@example.org>",
        )
        .expect("mailer");
        let sent = mail::deliver_due(&db.store, &mailer, &MailContext::new(BASE, false), NOW)
            .await
            .expect("deliver");
        assert_eq!(sent, 1, "{}", db.kind);
        let received = smtp.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].to, vec!["maria@example.org".to_string()]);
        assert_eq!(received[0].from, "passes@example.org");
        let message = mail_parser::MessageParser::default()
            .parse(&received[0].data)
            .expect("MIME parses");
        let subject = message.subject().expect("subject");
        assert!(
            subject.starts_with("Вашите карти: поръчка "),
            "in the buyer's language: {subject}"
        );
        let text = message.body_text(0).expect("text part");
        assert!(text.contains(&format!("{BASE}/o/{public_id}")), "{text}");
        let pdf = message.attachments().next().expect("an attachment");
        assert_eq!(
            pdf.content_type().map(|c| (c.ctype(), c.subtype())),
            Some(("application", Some("pdf")))
        );
        assert!(pdf.contents().starts_with(b"%PDF-"));
        let pages = pdf
            .contents()
            .windows(11)
            .filter(|w| w == b"/Type/Page/")
            .count();
        assert_eq!(pages, 2, "one page per pass");
        // Sent once: a second round sends nothing.
        assert_eq!(
            mail::deliver_due(&db.store, &mailer, &MailContext::new(BASE, false), NOW + 60)
                .await
                .expect("deliver"),
            0
        );
        assert_eq!(smtp.received().len(), 1);
    }
}

#[tokio::test]
async fn an_smtp_outage_delays_mail_and_a_later_round_delivers_it() {
    for db in TestDb::all().await {
        paid_order_with_mail(&db).await;
        // A port with nothing listening: SMTP is down.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let url = format!("smtp://127.0.0.1:{port}");
        let mailer = Mailer::new(Some(&url), db.dir.path().join("mail"), "passes@example.org")
            .expect("mailer");

        assert_eq!(
            mail::deliver_due(&db.store, &mailer, &MailContext::new(BASE, false), NOW)
                .await
                .expect("round"),
            0
        );
        let row = db.store.outbox().await.expect("outbox").remove(0);
        assert_eq!((row.attempts, row.sent_at), (1, None), "{}", db.kind);
        assert!(row.last_error.is_some());
        assert_eq!(row.next_attempt_at, NOW + 30, "first retry after 30 s");
        // Not due yet: nothing is tried.
        assert_eq!(
            mail::deliver_due(&db.store, &mailer, &MailContext::new(BASE, false), NOW + 10)
                .await
                .expect("round"),
            0
        );
        assert_eq!(db.store.outbox().await.expect("outbox")[0].attempts, 1);
        // Down again at the retry: the next wait doubles.
        assert_eq!(
            mail::deliver_due(&db.store, &mailer, &MailContext::new(BASE, false), NOW + 30)
                .await
                .expect("round"),
            0
        );
        let row = db.store.outbox().await.expect("outbox").remove(0);
        assert_eq!(
            (row.attempts, row.next_attempt_at),
            (2, NOW + 30 + 60),
            "{}",
            db.kind
        );

        // SMTP comes back on the same port.
        let smtp = SmtpSink::start_on(port);
        assert_eq!(
            mail::deliver_due(&db.store, &mailer, &MailContext::new(BASE, false), NOW + 90)
                .await
                .expect("round"),
            1,
            "{}",
            db.kind
        );
        assert_eq!(smtp.received().len(), 1);
        let row = db.store.outbox().await.expect("outbox").remove(0);
        assert!(row.sent_at.is_some() && row.last_error.is_none());
    }
}

#[tokio::test]
async fn without_smtp_the_mail_lands_in_the_mail_folder() {
    let db = TestDb::sqlite().await;
    paid_order_with_mail(&db).await;
    let folder = db.dir.path().join("mail");
    let mailer = Mailer::new(None, folder.clone(), "passes@example.org").expect("mailer");
    assert_eq!(
        mail::deliver_due(&db.store, &mailer, &MailContext::new(BASE, false), NOW)
            .await
            .expect("round"),
        1
    );
    let files: Vec<_> = std::fs::read_dir(&folder)
        .expect("folder")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    let data = std::fs::read(files[0].path()).expect("eml");
    let message = mail_parser::MessageParser::default()
        .parse(&data)
        .expect("parses");
    assert_eq!(
        message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("maria@example.org")
    );
    assert!(
        message
            .attachments()
            .next()
            .is_some_and(|a| a.contents().starts_with(b"%PDF-"))
    );
}

#[tokio::test]
async fn a_placed_order_is_confirmed_by_email_at_once_and_its_passes_follow_when_paid() {
    for db in TestDb::all().await {
        townpass::catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("catalogue");
        let req = sales::OrderRequest {
            lines: vec![
                sales::LineRequest {
                    product: "bulgaria-72h".into(),
                    category: "adult".into(),
                    holder: Some("Maria Ivanova".into()),
                    count: 1,
                },
                sales::LineRequest {
                    product: "bulgaria-72h".into(),
                    category: "adult".into(),
                    holder: Some("Petar Ivanov".into()),
                    count: 1,
                },
                sales::LineRequest {
                    product: "bulgaria-72h".into(),
                    category: "child".into(),
                    holder: None,
                    count: 2,
                },
            ],
            email: Some("maria@example.org".into()),
            language: "en".into(),
            channel: "web",
            sales_point: None,
            payment_provider: "card".into(),
            currency: None,
        };
        let order = sales::create_order(&db.store, &req, NOW)
            .await
            .expect("placed");
        let smtp = SmtpSink::start();
        let mailer = Mailer::new(
            Some(&smtp.url()),
            db.dir.path().join("mail"),
            "passes@example.org",
        )
        .expect("mailer");
        let context = MailContext::new(BASE, true);

        // Placed, not paid: the confirmation goes out in the next round.
        assert_eq!(
            mail::deliver_due(&db.store, &mailer, &context, NOW)
                .await
                .expect("round"),
            1,
            "{}",
            db.kind
        );
        let received = smtp.received();
        let message = mail_parser::MessageParser::default()
            .parse(&received[0].data)
            .expect("MIME parses");
        let code = townpass::i18n::present::order_code(&order.public_id);
        assert_eq!(
            message.subject(),
            Some(format!("Your order {code}: waiting for payment").as_str())
        );
        let text = message.body_text(0).expect("text").to_string();
        assert!(text.contains(&code), "the order code: {text}");
        assert!(
            text.contains(&format!("{BASE}/o/{}", order.public_id)),
            "{text}"
        );
        assert!(
            text.contains("2 × Bulgaria Heritage Pass 72 h, Adult")
                && !text.contains("1 × Bulgaria Heritage Pass 72 h, Adult"),
            "what was ordered, equal lines counted together: {text}"
        );
        assert!(
            !text.contains("Maria Ivanova"),
            "no text typed by whoever placed the order: {text}"
        );
        assert!(
            text.contains("2 × Bulgaria Heritage Pass 72 h, Child"),
            "{text}"
        );
        assert!(text.contains("pay by card"), "how to pay: {text}");
        assert!(message.attachments().next().is_none(), "no passes yet");

        // Paid: the passes follow, once.
        let key = db
            .key_ring()
            .ensure_active(&db.store, NOW)
            .await
            .expect("key");
        sales::pay_order(&db.store, &key, &order, None, NOW + 60)
            .await
            .expect("paid");
        assert_eq!(
            mail::deliver_due(&db.store, &mailer, &context, NOW + 60)
                .await
                .expect("round"),
            1
        );
        let received = smtp.received();
        assert_eq!(received.len(), 2);
        let passes = mail_parser::MessageParser::default()
            .parse(&received[1].data)
            .expect("MIME parses");
        assert!(
            passes
                .subject()
                .is_some_and(|s| s.starts_with("Your passes"))
        );
        assert!(passes.attachments().next().is_some(), "the PDF");
    }
}

#[tokio::test]
async fn an_order_paid_before_its_confirmation_went_out_gets_only_the_passes() {
    for db in TestDb::all().await {
        townpass::catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("catalogue");
        let req = sales::OrderRequest {
            lines: vec![sales::LineRequest {
                product: "bulgaria-72h".into(),
                category: "adult".into(),
                holder: None,
                count: 1,
            }],
            email: Some("quick@example.org".into()),
            language: "en".into(),
            channel: "web",
            sales_point: None,
            payment_provider: "card".into(),
            currency: None,
        };
        let order = sales::create_order(&db.store, &req, NOW)
            .await
            .expect("placed");
        let key = db
            .key_ring()
            .ensure_active(&db.store, NOW)
            .await
            .expect("key");
        sales::pay_order(&db.store, &key, &order, None, NOW + 5)
            .await
            .expect("paid");
        let smtp = SmtpSink::start();
        let mailer = Mailer::new(
            Some(&smtp.url()),
            db.dir.path().join("mail"),
            "passes@example.org",
        )
        .expect("mailer");
        let context = MailContext::new(BASE, true);
        mail::deliver_due(&db.store, &mailer, &context, NOW + 10)
            .await
            .expect("round");
        // A later round has nothing left to send: the confirmation is done with, not retried.
        mail::deliver_due(&db.store, &mailer, &context, NOW + 4000)
            .await
            .expect("round");
        let received = smtp.received();
        let subjects: Vec<String> = received
            .iter()
            .map(|m| {
                mail_parser::MessageParser::default()
                    .parse(&m.data)
                    .and_then(|m| m.subject().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(subjects.len(), 1, "{}: {subjects:?}", db.kind);
        assert!(
            subjects[0].starts_with("Your passes"),
            "no 'waiting for payment' for a paid order: {subjects:?}"
        );
    }
}
