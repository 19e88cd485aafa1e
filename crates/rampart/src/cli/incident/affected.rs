//! `rampart incident affected KEY …`: the record of details (seed 000 step 3) — affected systems,
//! compromised accounts, disrupted services, data and networks affected, damage — and removals.

use clap::{Args as ClapArgs, Subcommand};
use rampart_core::incident::{
    AffectedNetwork, AffectedSystem, CompromisedAccount, Damage, DataAffected, Detail,
    DisruptedService,
};
use rampart_core::{Command, Currency, Money};

use hyper::Method;

use super::change;
use crate::cli::context::{Session, domain_error, parse_value};
use crate::cli::exit::Code;
use crate::cli::remote::Remote;

/// Arguments of `rampart incident affected`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The incident key or id.
    key: String,
    #[command(subcommand)]
    item: Item,
}

#[derive(Debug, Subcommand)]
enum Item {
    /// An affected system (host, asset tag, cloud resource).
    System {
        /// Its name.
        name: String,
        /// How it is affected.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// A compromised account.
    Account {
        /// The account name or id.
        account: String,
        /// The system it belongs to.
        #[arg(long)]
        system: Option<String>,
        /// How it was compromised.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// A disrupted service.
    Service {
        /// The service.
        service: String,
        /// How it is disrupted.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Data affected.
    Data {
        /// A category of data (repeatable): order_data, customer_pii, credentials, …
        #[arg(long = "category", required = true)]
        categories: Vec<String>,
        /// How many records.
        #[arg(long)]
        records: Option<u64>,
        /// The data includes Amazon Information.
        #[arg(long)]
        amazon: bool,
        /// The data includes personal data.
        #[arg(long)]
        personal: bool,
        /// What data.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// An affected network.
    Network {
        /// The network (name, CIDR, VPC id).
        network: String,
        /// How it is affected.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Damage done.
    Damage {
        /// The type of damage (data_loss, downtime, fraud, …).
        damage_type: String,
        /// Estimated amount as a decimal number (12500.50).
        #[arg(long)]
        estimate: String,
        /// ISO 4217 currency code.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// What the damage is.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Remove an item from the record (by the id `incident show` lists), with a reason.
    Remove {
        /// The item's id.
        id: u64,
        /// Why it is removed.
        #[arg(long)]
        reason: String,
    },
}

/// Appends the change to the record of details.
pub(crate) fn run(session: &Session, args: Args) -> anyhow::Result<Code> {
    let command = match recorded(args.item)? {
        Recorded::Added(detail) => Command::AddDetail(detail),
        Recorded::Removed { id, reason } => Command::RemoveDetail { id, reason },
    };
    change(session, &args.key, command, String::new())
}

/// Records the item on a server, reported like a local change.
pub(crate) fn run_remote(remote: &Remote, args: Args) -> anyhow::Result<Code> {
    let (tail, body) = match recorded(args.item)? {
        Recorded::Added(detail) => ("/details".to_owned(), serde_json::to_value(detail)?),
        Recorded::Removed { id, reason } => (
            format!("/details/{id}/removal"),
            serde_json::json!({ "reason": reason }),
        ),
    };
    super::remote::change(remote, Method::POST, &args.key, &tail, Some(body))
}

/// What the options record: an item added, or one withdrawn.
enum Recorded {
    Added(Detail),
    Removed { id: u64, reason: String },
}

fn recorded(item: Item) -> anyhow::Result<Recorded> {
    let detail = match item {
        Item::Remove { id, reason } => return Ok(Recorded::Removed { id, reason }),
        Item::System { name, description } => Detail::System(AffectedSystem { name, description }),
        Item::Account {
            account,
            system,
            description,
        } => Detail::Account(CompromisedAccount {
            account,
            system,
            description,
        }),
        Item::Service {
            service,
            description,
        } => Detail::Service(DisruptedService {
            service,
            description,
        }),
        Item::Data {
            categories,
            records,
            amazon,
            personal,
            description,
        } => Detail::Data(DataAffected {
            categories,
            record_count: records,
            amazon_information: amazon,
            personal_data: personal,
            description,
        }),
        Item::Network {
            network,
            description,
        } => Detail::Network(AffectedNetwork {
            network,
            description,
        }),
        Item::Damage {
            damage_type,
            estimate,
            currency,
            description,
        } => {
            let currency = parse_value::<Currency>(&currency)?;
            Detail::Damage(Damage {
                damage_type,
                estimate: Money::parse_decimal(&estimate, currency).map_err(domain_error)?,
                description,
            })
        }
    };
    Ok(Recorded::Added(detail))
}
