//! Nothing lost, nothing sent twice (beyond the documented window) across a crash: a dispatcher
//! in a child process is killed with `kill -9` while it delivers, a new one takes over once the
//! dead one's lease runs out, and every message arrives, repeats carrying the same `Message-ID`.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rampart_notify::{Dispatcher, Message, MessageState, NotifyConfig, Outbox, OutboxFilter};
use rampart_store::{Database, Store, StoreConfig};

use crate::support::sink::{Security, Sink, header};
use crate::support::{self, TestStore, config, deliveries, open_incident};

const CHILD_DATA_DIR_ENV: &str = "RAMPART_TEST_NOTIFY_CHILD_DATA_DIR";
const CHILD_DATABASE_URL_ENV: &str = "RAMPART_TEST_NOTIFY_CHILD_DATABASE_URL";
const CHILD_SMTP_PORT_ENV: &str = "RAMPART_TEST_NOTIFY_CHILD_SMTP_PORT";
const CHILD_CA_FILE_ENV: &str = "RAMPART_TEST_NOTIFY_CHILD_CA_FILE";
/// Messages enqueued; the child is killed once a third of them arrived.
const MESSAGES: usize = 30;
const ARRIVED_BEFORE_KILL: usize = 10;

/// A short lease, so the surviving dispatcher takes over the dead one's message quickly.
fn restart_config(port: u16, ca_file: &str) -> NotifyConfig {
    config(
        &format!(
            "lease_seconds = 2\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {port}\nfrom = \"Rampart <rampart@example.org>\"\n\
             ca_file = {ca_file:?}\ntimeout_seconds = 1\n"
        ),
        &[],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_arrives_after_the_dispatcher_is_killed_on_sqlite() {
    kill_a_dispatcher_and_check(support::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_arrives_after_the_dispatcher_is_killed_on_postgres() {
    if let Some(t) = support::postgres().await {
        kill_a_dispatcher_and_check(t).await;
    }
}

async fn kill_a_dispatcher_and_check(t: TestStore) {
    let Some(sink) = Sink::start(Security::Starttls) else {
        return;
    };
    let incident = open_incident(&t.store, "Bulk notice").await;
    let mut ids = Vec::new();
    for n in 0..MESSAGES {
        let message = Message::email(
            [format!("person{n}@example.org")],
            format!("Notice {n}"),
            "We are writing to tell you about a security incident.\n",
            format!("notice:{n}"),
        )
        .for_incident(incident);
        ids.push(Outbox::enqueue(&t.store, message).await.unwrap());
    }

    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "restart::child_dispatcher",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DATA_DIR_ENV, t.config.data_dir())
        .env(CHILD_SMTP_PORT_ENV, sink.port.to_string())
        .env(CHILD_CA_FILE_ENV, &sink.ca_file)
        .env_remove(CHILD_DATABASE_URL_ENV)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Database::Postgres { url } = t.config.database() {
        command.env(CHILD_DATABASE_URL_ENV, url);
    }
    let mut child = command.spawn().expect("start the child dispatcher");
    let started = Instant::now();
    while sink.messages().len() < ARRIVED_BEFORE_KILL {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child dispatcher stopped early ({status})");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the child delivers nothing"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().expect("kill -9 the dispatcher");
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the dispatcher was not killed ({status})"
    );
    let arrived_at_kill = sink.messages().len();
    assert!(
        arrived_at_kill < MESSAGES,
        "the child finished before the kill"
    );

    let ca_file = sink.ca_file.to_str().unwrap().to_owned();
    let dispatcher = Dispatcher::new(t.store.clone(), restart_config(sink.port, &ca_file)).unwrap();
    let started = Instant::now();
    loop {
        dispatcher.deliver_due().await.unwrap();
        let sent = OutboxFilter {
            state: Some(MessageState::Sent),
            ..OutboxFilter::default()
        };
        if Outbox::list(&t.store, &sent).await.unwrap().len() == MESSAGES {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "messages left undelivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let mails = sink.wait_for(MESSAGES).await;
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    for mail in &mails {
        *copies
            .entry(header(mail, "Message-ID").unwrap())
            .or_default() += 1;
    }
    let expected: Vec<String> = ids.iter().map(|id| format!("<{id}@example.org>")).collect();
    let got: Vec<&String> = copies.keys().collect();
    let mut expected_sorted: Vec<&String> = expected.iter().collect();
    expected_sorted.sort();
    assert_eq!(
        got, expected_sorted,
        "every message arrived, nothing else did"
    );
    let repeats = mails.len() - MESSAGES;
    assert!(
        repeats <= 1,
        "only the message in flight at the kill may arrive twice, with the same Message-ID \
         ({repeats} repeats: {copies:?})"
    );

    let logged = deliveries(&t.store, incident).await;
    for id in &ids {
        let sent = logged
            .iter()
            .filter(|e| e.payload["message"] == id.to_string() && e.payload["outcome"] == "sent")
            .count();
        assert!(sent >= 1, "message {id} has no 'sent' entry in the log");
    }
    assert!(t.store.verify_log().await.unwrap().is_ok());
}

/// The child: delivers until killed. Does nothing unless started by the test above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_dispatcher() {
    let Some(data_dir) = std::env::var_os(CHILD_DATA_DIR_ENV) else {
        return;
    };
    let config = match std::env::var(CHILD_DATABASE_URL_ENV) {
        Ok(url) => StoreConfig::postgres(data_dir, url).unwrap(),
        Err(_) => StoreConfig::sqlite(data_dir),
    };
    let store = Store::open(&config).await.unwrap();
    let port: u16 = std::env::var(CHILD_SMTP_PORT_ENV).unwrap().parse().unwrap();
    let ca_file = std::env::var(CHILD_CA_FILE_ENV).unwrap();
    let dispatcher = Dispatcher::new(store, restart_config(port, &ca_file)).unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        dispatcher.deliver_due().await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
