use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// Counts the SQL statements sent to the database through connections of one pool.
/// The pool's liveness ping is not counted: it is the pool's cost, not the request's.
#[derive(Debug, Clone, Default)]
pub struct QueryCounter(Arc<AtomicU64>);

impl QueryCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn instrumentation(&self) -> impl Instrumentation {
        let counter = self.clone();
        move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                if query.to_string() != crate::connection::PING {
                    counter.0.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}
