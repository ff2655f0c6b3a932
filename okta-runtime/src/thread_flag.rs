//! A switch, per thread, that changes how values are read or written while a
//! closure runs: strict decoding, typed-only encoding.

use std::cell::Cell;
use std::thread::LocalKey;

/// A per-thread switch, off unless [`ThreadFlag::with`] runs.
pub(crate) struct ThreadFlag(&'static LocalKey<Cell<bool>>);

impl ThreadFlag {
    /// The switch kept in `key`.
    pub(crate) const fn new(key: &'static LocalKey<Cell<bool>>) -> Self {
        Self(key)
    }

    /// Whether it is on, on this thread.
    pub(crate) fn is_on(&self) -> bool {
        self.0.with(Cell::get)
    }

    /// Runs `f` with the switch on, on this thread; it is set back as it
    /// was afterwards, even if `f` panics.
    pub(crate) fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Reset(&'static LocalKey<Cell<bool>>, bool);
        impl Drop for Reset {
            fn drop(&mut self) {
                self.0.with(|s| s.set(self.1));
            }
        }
        let _reset = Reset(self.0, self.0.with(|s| s.replace(true)));
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static ON: Cell<bool> = const { Cell::new(false) };
    }

    #[test]
    fn it_is_on_inside_nested_calls_and_off_after() {
        let flag = ThreadFlag::new(&ON);
        assert!(!flag.is_on());
        flag.with(|| {
            assert!(flag.is_on());
            flag.with(|| assert!(flag.is_on()));
            assert!(flag.is_on(), "a nested call sets back what it found");
        });
        assert!(!flag.is_on());
    }
}
