//! Rate limits on the doors that take credentials or send e-mail: sign-in (form and token),
//! password resets and registration.
//!
//! Budgets are counted per client address and per e-mail address typed, in fixed windows.
//! Failed sign-ins are slowed down by address first: one address may fail
//! `FAILURES_PER_PAIR` times on one account, well before the account's own lockout
//! (`accounts::MAX_FAILED_LOGINS`), so nobody can lock an admin out from one machine; the
//! lockout stays for attacks spread over many addresses. Counters live in this instance's
//! memory: several instances behind one proxy each count their own share.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::AppError;

/// A budget: at most `limit` in each `window`.
#[derive(Debug, Clone, Copy)]
struct Budget {
    limit: u32,
    window: Duration,
}

const fn per_minutes(limit: u32, minutes: u64) -> Budget {
    Budget {
        limit,
        window: Duration::from_secs(minutes * 60),
    }
}

/// Sign-in attempts (form and `POST /api/v1/tokens`) from one address.
const SIGN_INS_PER_ADDRESS: Budget = per_minutes(30, 1);
/// Failed sign-ins from one address, whatever the account.
const FAILURES_PER_ADDRESS: Budget = per_minutes(20, 15);
/// Failed sign-ins from one address on one account.
const FAILURES_PER_PAIR: Budget = per_minutes(5, 15);
/// Password-reset requests from one address, and for one e-mail address.
const RESETS_PER_ADDRESS: Budget = per_minutes(10, 15);
const RESETS_PER_EMAIL: Budget = per_minutes(3, 60);
/// Registrations from one address (a town hall behind one address registers many people),
/// and for one e-mail address.
const REGISTRATIONS_PER_ADDRESS: Budget = per_minutes(30, 60);
const REGISTRATIONS_PER_EMAIL: Budget = per_minutes(3, 60);
/// Past this many counters, lapsed ones are dropped.
const PRUNE_ABOVE: usize = 50_000;

/// What is being asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    SignIn,
    PasswordReset,
    Registration,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    count: u32,
    length: Duration,
}

impl Window {
    fn lapsed(&self, at: Instant) -> bool {
        at.duration_since(self.started) >= self.length
    }
}

/// The counters, in Rocket's managed state.
#[derive(Debug, Default)]
pub struct Throttle {
    windows: Mutex<HashMap<String, Window>>,
}

impl Throttle {
    /// Counts one request at `door` and answers 429 when a budget is spent (the request
    /// must then do nothing).
    pub fn admit(&self, door: Door, address: Option<IpAddr>, email: &str) -> Result<(), AppError> {
        let address = address_key(address);
        let email = crate::domain::normalize_email(email);
        match door {
            Door::SignIn => {
                self.spent(&format!("fail:{address}"), FAILURES_PER_ADDRESS)?;
                self.spent(&format!("fail:{address}:{email}"), FAILURES_PER_PAIR)?;
                self.count(&format!("sign-in:{address}"), SIGN_INS_PER_ADDRESS)
            }
            Door::PasswordReset => {
                self.count(&format!("reset:{address}"), RESETS_PER_ADDRESS)?;
                self.count(&format!("reset:{email}"), RESETS_PER_EMAIL)
            }
            Door::Registration => {
                self.count(&format!("register:{address}"), REGISTRATIONS_PER_ADDRESS)?;
                self.count(&format!("register:{email}"), REGISTRATIONS_PER_EMAIL)
            }
        }
    }

    /// Counts a failed sign-in against the address, and against the address and account.
    pub fn failed_sign_in(&self, address: Option<IpAddr>, email: &str) {
        let address = address_key(address);
        let email = crate::domain::normalize_email(email);
        // A spent budget only matters to the next attempt, which `admit` refuses.
        let _ = self.count(&format!("fail:{address}"), FAILURES_PER_ADDRESS);
        let _ = self.count(&format!("fail:{address}:{email}"), FAILURES_PER_PAIR);
    }

    /// Adds one to a counter; 429 when that goes over its budget.
    fn count(&self, key: &str, budget: Budget) -> Result<(), AppError> {
        self.with_window(key, budget, |window| {
            window.count = window.count.saturating_add(1);
            window.count <= budget.limit
        })
    }

    /// 429 when a counter has already reached its budget; counts nothing.
    fn spent(&self, key: &str, budget: Budget) -> Result<(), AppError> {
        self.with_window(key, budget, |window| window.count < budget.limit)
    }

    fn with_window(
        &self,
        key: &str,
        budget: Budget,
        within: impl FnOnce(&mut Window) -> bool,
    ) -> Result<(), AppError> {
        let at = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, window| !window.lapsed(at));
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
            started: at,
            count: 0,
            length: budget.window,
        });
        if window.lapsed(at) {
            *window = Window {
                started: at,
                count: 0,
                length: budget.window,
            };
        }
        if within(window) {
            return Ok(());
        }
        let wait = budget
            .window
            .saturating_sub(at.duration_since(window.started));
        Err(AppError::TooManyRequests {
            retry_after_seconds: wait.as_secs().max(1),
        })
    }
}

/// Requests without an address (Rocket's local client) share one budget.
fn address_key(address: Option<IpAddr>) -> String {
    address.map_or_else(|| "-".to_owned(), |a| a.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_slowed_before_the_address_and_other_addresses_are_not() {
        let throttle = Throttle::default();
        let attacker = Some(IpAddr::from([203, 0, 113, 7]));
        let owner = Some(IpAddr::from([198, 51, 100, 2]));
        for _ in 0..FAILURES_PER_PAIR.limit {
            throttle.admit(Door::SignIn, attacker, "a@x.be").unwrap();
            throttle.failed_sign_in(attacker, "a@x.be");
        }
        assert!(matches!(
            throttle.admit(Door::SignIn, attacker, "A@x.be"),
            Err(AppError::TooManyRequests { .. })
        ));
        // The same address may still try another account, and the owner theirs.
        throttle.admit(Door::SignIn, attacker, "b@x.be").unwrap();
        throttle.admit(Door::SignIn, owner, "a@x.be").unwrap();
    }

    #[test]
    fn resets_are_counted_per_address_and_per_email() {
        let throttle = Throttle::default();
        for n in 0..RESETS_PER_EMAIL.limit {
            let address = Some(IpAddr::from([192, 0, 2, n as u8]));
            throttle
                .admit(Door::PasswordReset, address, "a@x.be")
                .unwrap();
        }
        let fresh = Some(IpAddr::from([192, 0, 2, 200]));
        assert!(throttle
            .admit(Door::PasswordReset, fresh, "a@x.be")
            .is_err());
        throttle
            .admit(Door::PasswordReset, fresh, "b@x.be")
            .unwrap();
    }
}
