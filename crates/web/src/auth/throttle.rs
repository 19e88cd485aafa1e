//! Sign-in throttling: failed attempts are counted per account name and per client address in a
//! sliding window; past the limit, attempts are refused before any password is checked until the
//! oldest failure leaves the window. Kept in memory: a restart forgets it, and each node of a
//! cluster counts on its own.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures, over how long, before sign-in is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// Failures allowed per account name in the window.
    pub per_account: usize,
    /// Failures allowed per client address in the window.
    pub per_address: usize,
    /// The window.
    pub window: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Tracked keys beyond which expired ones are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Default)]
struct Failures {
    accounts: HashMap<String, VecDeque<Instant>>,
    addresses: HashMap<IpAddr, VecDeque<Instant>>,
}

/// The failure counts.
#[derive(Debug)]
pub(crate) struct Throttle {
    limits: ThrottleLimits,
    failures: Mutex<Failures>,
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= window)
    {
        times.pop_front();
    }
}

/// When the oldest of `times` leaves the window, if `times` is at `limit`.
fn blocked_for(
    times: Option<&mut VecDeque<Instant>>,
    limit: usize,
    now: Instant,
    window: Duration,
) -> Option<Duration> {
    let times = times?;
    prune(times, now, window);
    if times.len() < limit {
        return None;
    }
    let oldest = *times.front()?;
    Some(window.saturating_sub(now.saturating_duration_since(oldest)))
}

impl Throttle {
    pub(crate) fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            failures: Mutex::new(Failures::default()),
        }
    }

    /// How long until `account` from `address` may try again, `None` if it may now.
    pub(crate) fn wait(&self, account: &str, address: Option<IpAddr>) -> Option<Duration> {
        let now = Instant::now();
        let window = self.limits.window;
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let by_account = blocked_for(
            f.accounts.get_mut(account),
            self.limits.per_account,
            now,
            window,
        );
        let by_address = address.and_then(|a| {
            blocked_for(
                f.addresses.get_mut(&a),
                self.limits.per_address,
                now,
                window,
            )
        });
        by_account.max(by_address)
    }

    /// Counts a failed attempt.
    pub(crate) fn failed(&self, account: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let window = self.limits.window;
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if f.accounts.len() + f.addresses.len() > SWEEP_AT {
            f.accounts.retain(|_, t| {
                prune(t, now, window);
                !t.is_empty()
            });
            f.addresses.retain(|_, t| {
                prune(t, now, window);
                !t.is_empty()
            });
        }
        f.accounts
            .entry(account.to_owned())
            .or_default()
            .push_back(now);
        if let Some(a) = address {
            f.addresses.entry(a).or_default().push_back(now);
        }
    }

    /// Forgets an account's failures after it signs in.
    pub(crate) fn succeeded(&self, account: &str) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        f.accounts.remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ThrottleLimits {
        ThrottleLimits {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn an_account_is_refused_after_its_failures() {
        let t = Throttle::new(limits());
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(t.wait("ada", Some(ip)), None);
            t.failed("ada", Some(ip));
        }
        let wait = t.wait("ada", Some(ip)).expect("refused");
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert_eq!(
            t.wait("bob", Some(ip)),
            None,
            "other accounts are not blocked"
        );
        t.succeeded("ada");
        assert_eq!(t.wait("ada", Some(ip)), None);
    }

    #[test]
    fn an_address_is_refused_after_failures_on_many_accounts() {
        let t = Throttle::new(limits());
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        for name in ["a", "b", "c", "d", "e"] {
            t.failed(name, Some(ip));
        }
        assert!(t.wait("f", Some(ip)).is_some());
        assert_eq!(t.wait("f", Some("192.0.2.8".parse().unwrap())), None);
        assert_eq!(t.wait("f", None), None);
    }
}
