//! The served data directory every remote test runs against, and running the binary.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// A served data directory; the server stops when this is dropped.
pub(crate) struct Served {
    _dir: tempfile::TempDir,
    pub(crate) data: PathBuf,
    server: Child,
    pub(crate) url: String,
    pub(crate) token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

pub(crate) fn rampart(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rampart"));
    command
        .args(args)
        .env("RAMPART_DATA_DIR", data)
        .env("RAMPART_ACTOR", "alice")
        .env_remove("RAMPART_DATABASE_URL")
        .env_remove("RAMPART_SERVER")
        .env_remove("RAMPART_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// Opens two incidents locally, then serves the directory and makes an administrator's token.
pub(crate) fn served() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for title in ["Unknown SP-API calls", "Lost laptop"] {
        let out = rampart(
            &data,
            &[
                "incident",
                "open",
                "--title",
                title,
                "--type",
                "unauthorized_access",
            ],
            &[],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut server = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RAMPART_DATA_DIR", &data)
        .env_remove("RAMPART_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let (mut url, mut link) = (None, None);
    while url.is_none() || link.is_none() {
        let line = lines.next().expect("the server's start-up lines").unwrap();
        if let Some(rest) = line.split("serving on ").nth(1) {
            url = rest.split_whitespace().next().map(str::to_owned);
        }
        if let Some(at) = line.find("http://")
            && line.contains("setup?token=")
        {
            link = Some(line[at..].trim().to_owned());
        }
    }
    // Keep reading the request log so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let url = url.unwrap();
    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/lib/api_token.py");
    let out = Command::new("python3")
        .arg(helper)
        .arg(&url)
        .arg(link.unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    Served {
        _dir: dir,
        data,
        server,
        url,
        token,
    }
}

impl Served {
    pub(crate) fn local(&self, args: &[&str]) -> Output {
        rampart(&self.data, args, &[])
    }

    /// Runs against the server from an empty directory, the token in the environment.
    pub(crate) fn remote(&self, args: &[&str]) -> Output {
        let elsewhere = tempfile::tempdir().unwrap();
        let mut all = vec!["--server", self.url.as_str()];
        all.extend_from_slice(args);
        rampart(
            &elsewhere.path().join("nothing"),
            &all,
            &[("RAMPART_TOKEN", &self.token)],
        )
    }
}

impl Served {
    /// Runs `args` against the server: it must succeed and say `said`.
    pub(crate) fn remote_says(&self, args: &[&str], said: &str) {
        let out = self.remote(args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(text(&out).contains(said), "{said:?} in {}", text(&out));
    }
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
