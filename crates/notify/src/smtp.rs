//! E-mail: a message rendered once as RFC 5322 bytes (the `.eml`, with its `Message-ID` taken
//! from the outbox id) and sent over SMTP with lettre on rustls (STARTTLS, implicit TLS, or plain
//! to a loopback relay).

use std::time::SystemTime;

use lettre::address::{Address, Envelope};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MailPart, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rampart_store::outbox::{Attachment, MessageRecord};

use crate::config::{SmtpConfig, SmtpSecurity};
use crate::dispatch::{Delivery, chain};
use crate::error::NotifyError;

/// A connection recipe for the configured relay.
pub(crate) struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    relay: String,
}

impl SmtpSender {
    /// The sender for `config`.
    pub(crate) fn new(config: &SmtpConfig) -> Result<SmtpSender, NotifyError> {
        let tls = || -> Result<TlsParameters, NotifyError> {
            let mut params = TlsParameters::builder(config.host.clone());
            if let Some(pem) = &config.ca_pem {
                let cert = Certificate::from_pem(pem).map_err(|e| {
                    NotifyError::config(
                        "[notify.smtp] ca_file",
                        format!("not a PEM certificate: {e}"),
                    )
                })?;
                params = params.add_root_certificate(cert);
            }
            params
                .build_rustls()
                .map_err(|e| NotifyError::config("[notify.smtp]", format!("TLS setup: {e}")))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .timeout(Some(config.timeout))
            .tls(match config.security {
                SmtpSecurity::Starttls => Tls::Required(tls()?),
                SmtpSecurity::Tls => Tls::Wrapper(tls()?),
                SmtpSecurity::None => Tls::None,
            });
        if let Some((user, password)) = &config.credentials {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(SmtpSender {
            transport: builder.build(),
            from: config.from.clone(),
            relay: format!("{}:{}", config.host, config.port),
        })
    }

    /// The message as RFC 5322 bytes. Its `Message-ID` is `<id@sender-domain>` and its `Date`
    /// the time it was enqueued, so a repeat after a crash is recognisably the same message.
    pub(crate) fn render(
        &self,
        record: &MessageRecord,
        attachments: &[Attachment],
    ) -> Result<Vec<u8>, String> {
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .subject(record.subject.clone())
            .message_id(Some(format!(
                "<{}@{}>",
                record.id,
                self.from.email.domain()
            )))
            .date(SystemTime::from(record.created_at));
        for to in &record.recipients {
            let mailbox: Mailbox = to.parse().map_err(|e| format!("recipient {to:?}: {e}"))?;
            builder = builder.to(mailbox);
        }
        let text = SinglePart::plain(record.body.clone());
        let mail = if attachments.is_empty() {
            builder.singlepart(text)
        } else {
            let mut parts = MultiPart::mixed().singlepart(text);
            for a in attachments {
                let media_type = ContentType::parse(&a.media_type)
                    .map_err(|e| format!("attachment {:?}: {e}", a.file_name))?;
                parts = parts.singlepart(
                    MailPart::new(a.file_name.clone()).body(a.content.clone(), media_type),
                );
            }
            builder.multipart(parts)
        };
        mail.map(|m| m.formatted())
            .map_err(|e| format!("cannot build the e-mail: {e}"))
    }

    /// Sends the rendered bytes to the message's recipients.
    pub(crate) async fn send(&self, record: &MessageRecord, rendered: &[u8]) -> Delivery {
        let to: Result<Vec<Address>, String> = record
            .recipients
            .iter()
            .map(|r| {
                r.parse::<Mailbox>()
                    .map(|m| m.email)
                    .map_err(|e| format!("recipient {r:?}: {e}"))
            })
            .collect();
        let envelope = match to.and_then(|to| {
            Envelope::new(Some(self.from.email.clone()), to).map_err(|e| e.to_string())
        }) {
            Ok(envelope) => envelope,
            Err(e) => return Delivery::Refused(format!("no valid envelope: {e}")),
        };
        match self.transport.send_raw(&envelope, rendered).await {
            Ok(response) => {
                let text: Vec<&str> = response.message().collect();
                Delivery::Sent(format!(
                    "{} accepted it: {} {}",
                    self.relay,
                    response.code(),
                    text.join(" ")
                ))
            }
            Err(e) if e.is_permanent() => {
                Delivery::Refused(format!("{} refused it: {e}", self.relay))
            }
            Err(e) => Delivery::Failed(format!("{}: {}", self.relay, chain(&e))),
        }
    }
}
