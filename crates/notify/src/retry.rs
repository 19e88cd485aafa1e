//! When a failed delivery is tried again: exponential backoff from a first delay, doubling after
//! each failure up to a ceiling. The number of attempts is the message's own limit.

use std::time::Duration;

use crate::error::NotifyError;

/// Backoff between delivery attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    first_delay: Duration,
    max_delay: Duration,
}

impl RetryPolicy {
    /// Waits `first_delay` after the first failure, doubling after each further one, never more
    /// than `max_delay`.
    pub fn new(first_delay: Duration, max_delay: Duration) -> Result<RetryPolicy, NotifyError> {
        if first_delay.is_zero() || max_delay < first_delay {
            return Err(NotifyError::config(
                "[notify.retry]",
                format!(
                    "first delay ({first_delay:?}) must be positive and no longer than the \
                     maximum delay ({max_delay:?})"
                ),
            ));
        }
        Ok(RetryPolicy {
            first_delay,
            max_delay,
        })
    }

    /// The wait after attempt `attempt` (from 1) failed.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.first_delay
            .checked_mul(1u32 << doublings)
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

impl Default for RetryPolicy {
    /// 30 seconds, doubling up to an hour.
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_the_first_up_to_the_ceiling() {
        let policy = RetryPolicy::default();
        let secs: Vec<u64> = (1..=9).map(|a| policy.delay_after(a).as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(policy.delay_after(u32::MAX).as_secs(), 3600);
    }

    #[test]
    fn a_zero_or_inverted_policy_is_refused() {
        let s = Duration::from_secs;
        assert!(RetryPolicy::new(s(0), s(10)).is_err());
        assert!(RetryPolicy::new(s(20), s(10)).is_err());
        assert!(RetryPolicy::new(s(1), s(1)).is_ok());
    }
}
