//! A real SMTP server on loopback: aiosmtpd (from PyPI; `scripts/test` installs it into a venv
//! and names its Python in `RAMPART_TEST_SMTP_PYTHON`), speaking STARTTLS (required) or TLS with
//! a certificate made for the test by rcgen and signed by a test CA, storing what it receives in
//! a Maildir the test reads.
//!
//! Without `RAMPART_TEST_SMTP_PYTHON`, a `python3` that can import aiosmtpd is used; without
//! either the SMTP tests are skipped, unless `RAMPART_REQUIRE_SMTP=1` makes that a failure.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tempfile::TempDir;

/// Names the Python that has aiosmtpd.
pub const PYTHON_ENV: &str = "RAMPART_TEST_SMTP_PYTHON";
/// Set to `1`, a missing aiosmtpd fails the test instead of skipping it.
pub const REQUIRE_ENV: &str = "RAMPART_REQUIRE_SMTP";

const POLL: Duration = Duration::from_millis(50);

/// How the sink protects its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// STARTTLS, required before any mail.
    Starttls,
    /// TLS from the first byte.
    Tls,
}

/// A running aiosmtpd and where it keeps what it receives.
pub struct Sink {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
    /// The test CA's certificate (PEM) that signed the server's.
    pub ca_file: PathBuf,
    maildir: PathBuf,
    dir: TempDir,
    python: String,
    security: Security,
}

/// The Python that has aiosmtpd, or `None` (skip) when there is none and none is required.
pub fn python() -> Option<String> {
    if let Ok(python) = std::env::var(PYTHON_ENV)
        && !python.is_empty()
    {
        return Some(python);
    }
    let system = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if system {
        return Some("python3".to_owned());
    }
    assert!(
        std::env::var(REQUIRE_ENV).as_deref() != Ok("1"),
        "{REQUIRE_ENV}=1 but no aiosmtpd: set {PYTHON_ENV} (scripts/test does)"
    );
    eprintln!("SMTP part skipped: no aiosmtpd ({PYTHON_ENV} is not set)");
    None
}

impl Sink {
    /// Starts a sink on a free loopback port, or `None` when the SMTP tests are skipped.
    pub fn start(security: Security) -> Option<Sink> {
        let python = python()?;
        let dir = tempfile::tempdir().unwrap();
        let ca_file = write_certificates(dir.path());
        let port = free_port();
        let child = spawn(&python, dir.path(), port, security);
        let sink = Sink {
            child,
            port,
            ca_file,
            maildir: dir.path().join("maildir"),
            dir,
            python,
            security,
        };
        Some(sink.ready())
    }

    /// Stops the server, keeping its port and Maildir (an SMTP relay that is down).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the stopped server again on the same port.
    pub fn restart(mut self) -> Sink {
        self.stop();
        self.child = spawn(&self.python, self.dir.path(), self.port, self.security);
        self.ready()
    }

    fn ready(mut self) -> Sink {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let started = Instant::now();
        while std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("aiosmtpd exited at start ({status})");
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self
    }

    /// Every message received so far, as stored (oldest first by file name).
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.maildir.join(d)).ok())
            .flatten()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect()
    }

    /// Waits until at least `n` messages arrived and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            if let Some(messages) = self.arrived(n, started) {
                return messages;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits, blocking the thread, until at least `n` messages arrived and returns them.
    pub fn wait_for_blocking(&self, n: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            if let Some(messages) = self.arrived(n, started) {
                return messages;
            }
            std::thread::sleep(POLL);
        }
    }

    /// The messages once at least `n` arrived; fails the test after 20 s of waiting.
    fn arrived(&self, n: usize, started: Instant) -> Option<Vec<String>> {
        let messages = self.messages();
        if messages.len() >= n {
            return Some(messages);
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{} of {n} messages arrived",
            messages.len()
        );
        None
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The value of the first header `name` in `mail` (headers end at the first empty line).
pub fn header(mail: &str, name: &str) -> Option<String> {
    mail.lines()
        .take_while(|l| !l.trim().is_empty())
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
}

fn spawn(python: &str, dir: &Path, port: u16, security: Security) -> Child {
    let (cert_flag, key_flag) = match security {
        Security::Starttls => ("--tlscert", "--tlskey"),
        Security::Tls => ("--smtpscert", "--smtpskey"),
    };
    Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .arg(cert_flag)
        .arg(dir.join("server.pem"))
        .arg(key_flag)
        .arg(dir.join("server.key"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir.join("maildir"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start aiosmtpd")
}

/// A test CA and a server certificate for 127.0.0.1 and localhost signed by it; returns the CA
/// file.
fn write_certificates(dir: &Path) -> PathBuf {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    std::fs::write(dir.join("server.pem"), server.pem()).unwrap();
    std::fs::write(dir.join("server.key"), server_key.serialize_pem()).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    ca_file
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
