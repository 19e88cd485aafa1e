//! `rampart notify test`: a one-off message through the configured SMTP relay or a webhook
//! endpoint, outside the outbox, to check the configuration before an incident depends on it.

use clap::{Args as ClapArgs, Subcommand};
use rampart_notify::{test_smtp, test_webhook};

use super::context::{Globals, Session, bad_input};
use super::exit::Code;
use super::outbox::{notify_config, notify_error};

/// Arguments of `rampart notify`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Send a test message now; prints the server's answer.
    Test {
        /// Through the SMTP relay of `[notify.smtp]`, to the address given with --to.
        #[arg(long, conflicts_with = "webhook", requires = "to")]
        smtp: bool,
        /// The recipient of the test e-mail.
        #[arg(long, value_name = "ADDRESS")]
        to: Option<String>,
        /// To the webhook endpoint with this name.
        #[arg(long, value_name = "NAME")]
        webhook: Option<String>,
    },
}

/// Runs `rampart notify`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let session = Session::open(globals)?;
    let config = notify_config(&session)?;
    match args.verb {
        Verb::Test { smtp, to, webhook } => {
            let answer = match (smtp, to, webhook) {
                (true, Some(to), None) => {
                    let relay = config.smtp.as_ref().ok_or_else(|| {
                        bad_input("no SMTP relay is configured: add [notify.smtp] to rampart.toml")
                    })?;
                    session.block_on(test_smtp(relay, &to))
                }
                (false, None, Some(name)) => {
                    let endpoint = config.webhook(&name).ok_or_else(|| {
                        bad_input(format!(
                            "no webhook endpoint named {name:?} in [[notify.webhooks]]"
                        ))
                    })?;
                    session.block_on(test_webhook(endpoint))
                }
                _ => {
                    return Err(bad_input(
                        "name what to test: --smtp --to ADDRESS, or --webhook NAME",
                    ));
                }
            };
            println!("{}", answer.map_err(notify_error)?);
            Ok(Code::Ok)
        }
    }
}
