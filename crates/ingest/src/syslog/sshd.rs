//! sshd authentication lines: who tried to log in, from where, how, and whether it worked.

use serde_json::{Map, Value};

/// What an sshd authentication line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshAuth<'a> {
    /// The account name as the client gave it.
    pub user: &'a str,
    /// The client address.
    pub source_ip: &'a str,
    /// The client port, when logged.
    pub source_port: Option<u16>,
    /// The method (`password`, `publickey`, `none`, ...), absent for `Invalid user` lines.
    pub auth_method: Option<&'a str>,
    /// Whether access was granted.
    pub success: bool,
    /// Whether sshd said the account does not exist.
    pub invalid_user: bool,
}

impl SshAuth<'_> {
    /// The fields `user`, `source_ip`, `source_port`, `auth_method`, `outcome` and
    /// `invalid_user`, to add to a syslog line's fields.
    pub fn to_fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("user".to_owned(), Value::from(self.user));
        fields.insert("source_ip".to_owned(), Value::from(self.source_ip));
        if let Some(port) = self.source_port {
            fields.insert("source_port".to_owned(), Value::from(port));
        }
        if let Some(method) = self.auth_method {
            fields.insert("auth_method".to_owned(), Value::from(method));
        }
        let outcome = if self.success { "success" } else { "failure" };
        fields.insert("outcome".to_owned(), Value::from(outcome));
        fields.insert("invalid_user".to_owned(), Value::from(self.invalid_user));
        fields
    }
}

/// Parse `Failed <method> for [invalid user ]<user> from <ip> port <port> ...`,
/// `Accepted <method> for <user> from <ip> port <port> ...` and
/// `Invalid user <user> from <ip>[ port <port>]`; any other message gives `None`.
pub fn parse_auth(message: &str) -> Option<SshAuth<'_>> {
    if let Some(rest) = message.strip_prefix("Invalid user ") {
        let (user, source_ip, source_port) = user_and_origin(rest)?;
        return Some(SshAuth {
            user,
            source_ip,
            source_port,
            auth_method: None,
            success: false,
            invalid_user: true,
        });
    }
    let (success, rest) = match message.strip_prefix("Failed ") {
        Some(rest) => (false, rest),
        None => (true, message.strip_prefix("Accepted ")?),
    };
    let (method, rest) = rest.split_once(" for ")?;
    let (invalid_user, rest) = match rest.strip_prefix("invalid user ") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let (user, source_ip, source_port) = user_and_origin(rest)?;
    Some(SshAuth {
        user,
        source_ip,
        source_port,
        auth_method: Some(method),
        success,
        invalid_user,
    })
}

/// `<user> from <ip>[ port <port>]...`: the user name may itself contain spaces (sshd logs
/// what the client sent), so the last ` from ` separates it from the address.
fn user_and_origin(text: &str) -> Option<(&str, &str, Option<u16>)> {
    let (user, origin) = text.rsplit_once(" from ")?;
    let mut words = origin.split(' ');
    let ip = words.next().filter(|ip| !ip.is_empty())?;
    let port = match (words.next(), words.next()) {
        (Some("port"), Some(port)) => port.parse().ok(),
        _ => None,
    };
    Some((user, ip, port))
}
