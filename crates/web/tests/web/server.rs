//! The service on a real socket (a random loopback port), against SQLite and PostgreSQL: health,
//! the setup link, a signed-in flow over HTTP/1.1, metrics, and a shutdown that lets a request in
//! flight finish.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::support::{TestApp, both_backends, link_token};

struct Reply {
    status: u16,
    head: String,
    body: String,
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text =
        format!("{method} {path} HTTP/1.1\r\nHost: rampart.test\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    text
}

async fn read_reply(mut stream: TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read the reply");
    let text = String::from_utf8(raw).expect("text reply");
    let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(request(method, path, headers, body).as_bytes())
        .await
        .expect("send");
    read_reply(stream).await
}

async fn start(
    t: &TestApp,
) -> (
    SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(rampart_web::serve(listener, t.app.clone(), async {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

both_backends! {
    async fn the_service_answers_on_a_socket_and_stops_gracefully(t: TestApp) {
        let (addr, stop, server) = start(&t).await;
        let health = call(addr, "GET", "/healthz", &[], "").await;
        assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));

        let link = rampart_web::setup_link(&t.app).await.unwrap().unwrap();
        let setup = format!(
            r#"{{"token":"{}","name":"ada","password":"correct horse battery"}}"#,
            link_token(&link)
        );
        let json = [("Content-Type", "application/json")];
        assert_eq!(call(addr, "POST", "/api/v1/setup", &json, &setup).await.status, 201);
        let signed = call(
            addr,
            "POST",
            "/api/v1/session",
            &json,
            r#"{"name":"ada","password":"correct horse battery"}"#,
        )
        .await;
        assert_eq!(signed.status, 200, "{}", signed.body);
        let cookie_line = signed
            .head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
            .expect("cookie");
        let cookie = cookie_line.split_once(':').unwrap().1.trim().split(';').next().unwrap().to_owned();
        let csrf: serde_json::Value = serde_json::from_str(&signed.body).unwrap();
        let csrf = csrf["csrf_token"].as_str().unwrap().to_owned();
        let headers = [
            ("Content-Type", "application/json"),
            ("Cookie", cookie.as_str()),
            ("X-CSRF-Token", csrf.as_str()),
            ("Origin", "http://rampart.test"),
        ];
        let opened = call(addr, "POST", "/api/v1/incidents", &headers, r#"{"title":"Over the wire","type":"other"}"#).await;
        assert_eq!(opened.status, 201, "{}", opened.body);
        let foreign = [
            ("Content-Type", "application/json"),
            ("Cookie", cookie.as_str()),
            ("X-CSRF-Token", csrf.as_str()),
            ("Origin", "http://evil.example"),
        ];
        let refused = call(addr, "POST", "/api/v1/incidents", &foreign, r#"{"title":"x","type":"other"}"#).await;
        assert_eq!(refused.status, 403);

        let metrics = call(addr, "GET", "/metrics", &[], "").await;
        assert!(metrics.body.contains("route=\"/api/v1/incidents\",status=\"201\"} 1"), "{}", metrics.body);
        assert!(!metrics.body.contains("INC-"), "paths are counted by template");

        // A request whose body is still arriving when shutdown starts is answered.
        let body = r#"{"title":"Arrives during shutdown","type":"other"}"#;
        let full = request("POST", "/api/v1/incidents", &headers, body);
        let (first, second) = full.split_at(full.len() - 10);
        let mut slow = TcpStream::connect(addr).await.expect("connect");
        slow.write_all(first.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        slow.write_all(second.as_bytes()).await.unwrap();
        let late = read_reply(slow).await;
        assert_eq!(late.status, 201, "{}", late.body);
        tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
        assert!(TcpStream::connect(addr).await.is_err(), "no longer listening");
    }
}
