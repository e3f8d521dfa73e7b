//! Rate limits on the doors that take credentials or send e-mail: sign-in (form and token),
//! password resets and registration.
//!
//! Budgets are counted per client address (an IPv6 client by its /64, which one household or
//! office gets whole) and per e-mail address typed, in fixed windows. Failed sign-ins are
//! slowed down by address first: one address may fail `FAILURES_PER_PAIR` times on one
//! account, well before the account's own lockout (`accounts::MAX_FAILED_LOGINS`), so nobody
//! can lock an admin out from one machine; the lockout stays for attacks spread over many
//! addresses. A sign-in attempt takes its failure slot before the password is checked and
//! gives it back when it succeeds, so a burst of simultaneous guesses counts in full.
//! Counters live in this instance's memory: several instances behind one proxy each count
//! their own share.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::{is_valid_email, normalize_email};
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

/// Sign-in attempts (form, `POST /api/v1/tokens`, password changes) from one address.
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
/// Past this many counters lapsed ones are dropped, at most once a `PRUNE_EVERY`.
const PRUNE_ABOVE: usize = 50_000;
const PRUNE_EVERY: Duration = Duration::from_secs(10);
/// Past this many live counters, new ones are refused (429): memory stays bounded under a
/// flood, and the counters already running keep counting.
const MAX_COUNTERS: usize = 200_000;

/// A door that sends e-mail (sign-ins are counted by `Throttle::sign_in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Door {
    PasswordReset,
    Registration,
}

/// A client address as counted: IPv4 whole, IPv6 by its /64; `None` for Rocket's local
/// client, which has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Address(Option<IpAddr>);

impl Address {
    fn of(address: Option<IpAddr>) -> Self {
        Address(address.map(|ip| match ip {
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
            v4 => v4,
        }))
    }
}

/// What a counter counts: typed, so that no value typed by a client can name another
/// client's counter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    SignIns(Address),
    Requests(Door, Address),
    Failures(Address),
    PairFailures(Address, String),
    PerEmail(Door, String),
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

#[derive(Debug)]
struct Counters {
    windows: HashMap<Key, Window>,
    pruned: Instant,
}

/// The counters, in Rocket's managed state.
#[derive(Debug)]
pub struct Throttle {
    counters: Mutex<Counters>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            counters: Mutex::new(Counters {
                windows: HashMap::new(),
                pruned: Instant::now(),
            }),
        }
    }
}

/// A sign-in attempt's reserved failure slots, given back by `Throttle::release`.
#[must_use]
#[derive(Debug)]
pub struct Attempt {
    address: Address,
    email: String,
}

impl Throttle {
    /// Counts a sign-in attempt and reserves its failure slots; 429 when a budget is spent.
    pub fn sign_in(&self, address: Option<IpAddr>, email: &str) -> Result<Attempt, AppError> {
        let address = Address::of(address);
        let email = email_key(email).unwrap_or_default();
        let mut counters = self.lock();
        counters.count(Key::SignIns(address), SIGN_INS_PER_ADDRESS)?;
        counters.check(&Key::Failures(address), FAILURES_PER_ADDRESS)?;
        let pair = Key::PairFailures(address, email.clone());
        counters.check(&pair, FAILURES_PER_PAIR)?;
        counters.count(Key::Failures(address), FAILURES_PER_ADDRESS)?;
        counters.count(pair, FAILURES_PER_PAIR)?;
        Ok(Attempt { address, email })
    }

    /// The attempt did not fail (it succeeded, or never reached the password check): its
    /// failure slots are given back.
    pub fn release(&self, attempt: Attempt) {
        let mut counters = self.lock();
        counters.give_back(&Key::Failures(attempt.address));
        counters.give_back(&Key::PairFailures(attempt.address, attempt.email));
    }

    /// Counts a request at a door that sends e-mail (reset, registration); 429 when a budget
    /// is spent. An e-mail that is no address is counted by the client's address only (the
    /// request is refused as invalid anyway).
    pub fn admit(&self, door: Door, address: Option<IpAddr>, email: &str) -> Result<(), AppError> {
        let (per_address, per_email) = match door {
            Door::PasswordReset => (RESETS_PER_ADDRESS, RESETS_PER_EMAIL),
            Door::Registration => (REGISTRATIONS_PER_ADDRESS, REGISTRATIONS_PER_EMAIL),
        };
        let mut counters = self.lock();
        counters.count(Key::Requests(door, Address::of(address)), per_address)?;
        match email_key(email) {
            Some(email) => counters.count(Key::PerEmail(door, email), per_email),
            None => Ok(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Counters {
    /// Adds one to a counter; 429 when that goes over its budget.
    fn count(&mut self, key: Key, budget: Budget) -> Result<(), AppError> {
        let at = Instant::now();
        self.prune(at);
        if !self.windows.contains_key(&key) && self.windows.len() >= MAX_COUNTERS {
            return Err(too_many(budget.window));
        }
        let window = self.windows.entry(key).or_insert(Window {
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
        if window.count >= budget.limit {
            return Err(too_many(remaining(window, budget, at)));
        }
        window.count += 1;
        Ok(())
    }

    /// 429 when a counter has already reached its budget; counts nothing, adds nothing.
    fn check(&self, key: &Key, budget: Budget) -> Result<(), AppError> {
        let at = Instant::now();
        match self.windows.get(key) {
            Some(window) if !window.lapsed(at) && window.count >= budget.limit => {
                Err(too_many(remaining(window, budget, at)))
            }
            _ => Ok(()),
        }
    }

    fn give_back(&mut self, key: &Key) {
        if let Some(window) = self.windows.get_mut(key) {
            window.count = window.count.saturating_sub(1);
        }
    }

    fn prune(&mut self, at: Instant) {
        if self.windows.len() > PRUNE_ABOVE && at.duration_since(self.pruned) >= PRUNE_EVERY {
            self.windows.retain(|_, window| !window.lapsed(at));
            self.pruned = at;
        }
    }
}

fn remaining(window: &Window, budget: Budget, at: Instant) -> Duration {
    budget
        .window
        .saturating_sub(at.duration_since(window.started))
}

fn too_many(wait: Duration) -> AppError {
    AppError::TooManyRequests {
        retry_after_seconds: wait.as_secs().max(1),
    }
}

/// The e-mail address as counted: normalised, and only when it is one (so at most 254
/// characters).
fn email_key(email: &str) -> Option<String> {
    let email = normalize_email(email);
    is_valid_email(&email).then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([203, 0, 113, last]))
    }

    #[test]
    fn a_pair_is_slowed_before_the_address_and_other_addresses_are_not() {
        let throttle = Throttle::default();
        for _ in 0..FAILURES_PER_PAIR.limit {
            let _failed = throttle.sign_in(ip(7), "a@x.be").unwrap();
        }
        assert!(matches!(
            throttle.sign_in(ip(7), "A@x.be"),
            Err(AppError::TooManyRequests { .. })
        ));
        // The same address may still try another account, and the owner theirs.
        let _other_account = throttle.sign_in(ip(7), "b@x.be").unwrap();
        let _owner = throttle.sign_in(ip(2), "a@x.be").unwrap();
    }

    #[test]
    fn simultaneous_attempts_take_their_slots_before_the_check_and_successes_give_them_back() {
        let throttle = Throttle::default();
        // Five guesses in flight at once: the sixth is refused before any of them fails.
        let in_flight: Vec<Attempt> = (0..FAILURES_PER_PAIR.limit)
            .map(|_| throttle.sign_in(ip(9), "a@x.be").unwrap())
            .collect();
        assert!(throttle.sign_in(ip(9), "a@x.be").is_err());
        for attempt in in_flight {
            throttle.release(attempt);
        }
        // Successes cost no failure budget.
        for _ in 0..FAILURES_PER_PAIR.limit * 2 {
            let attempt = throttle.sign_in(ip(9), "a@x.be").unwrap();
            throttle.release(attempt);
        }
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64() {
        let throttle = Throttle::default();
        let host = |last: u16| Some(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, last]));
        for n in 0..FAILURES_PER_PAIR.limit as u16 {
            let _failed = throttle.sign_in(host(n), "a@x.be").unwrap();
        }
        assert!(throttle.sign_in(host(999), "a@x.be").is_err());
    }

    #[test]
    fn resets_are_counted_per_address_and_per_email_and_typed_values_name_no_other_counter() {
        let throttle = Throttle::default();
        for n in 0..RESETS_PER_EMAIL.limit {
            throttle
                .admit(Door::PasswordReset, ip(n as u8), "a@x.be")
                .unwrap();
        }
        assert!(throttle
            .admit(Door::PasswordReset, ip(200), "a@x.be")
            .is_err());
        throttle
            .admit(Door::PasswordReset, ip(200), "b@x.be")
            .unwrap();
        // An "e-mail" spelling another client's address counts for nobody but its sender.
        for _ in 0..RESETS_PER_ADDRESS.limit - 1 {
            throttle
                .admit(Door::PasswordReset, ip(201), "203.0.113.50")
                .unwrap();
        }
        throttle
            .admit(Door::PasswordReset, ip(50), "c@x.be")
            .unwrap();
    }
}
