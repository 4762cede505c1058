//! The definitions this process knows, for what follows them without a database read per
//! request: GraphQL's types. This process's own changes are known at once; a watcher thread
//! reads the definitions on a connection of its own every quarter second, for changes made on other
//! nodes or from the command line (and so no request's statements include its reads).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use colophon_domain::FieldDefinition;
use colophon_store::{self as store, DatabaseTarget, DbConnection};

const POLL: Duration = Duration::from_millis(250);

/// Every definition, and a generation that moves whenever they change. A change drops every
/// cached answer, as the definitions decide what answers show: one computed with the old ones
/// (a field since made private, say) was stamped before the change, and is not served after it.
pub(crate) struct KnownFields {
    current: RwLock<Arc<Vec<FieldDefinition>>>,
    generation: AtomicU64,
    stopped: AtomicBool,
    freshness: Arc<crate::freshness::Freshness>,
}

impl KnownFields {
    /// Knows `definitions` (read at start-up), and drops `freshness`'s answers when they change.
    pub(crate) fn new(definitions: Vec<FieldDefinition>, freshness: Arc<crate::freshness::Freshness>) -> Arc<Self> {
        Arc::new(Self {
            current: RwLock::new(Arc::new(definitions)),
            generation: AtomicU64::new(1),
            stopped: AtomicBool::new(false),
            freshness,
        })
    }

    /// Starts the watcher; it ends when [`KnownFields::stop`] is called.
    #[allow(clippy::expect_used, reason = "at start-up: a process that cannot start a thread cannot serve")]
    pub(crate) fn watch(self: &Arc<Self>, target: DatabaseTarget) {
        let watched = self.clone();
        std::thread::Builder::new()
            .name("colophon-fields".into())
            .spawn(move || {
                let mut conn: Option<DbConnection> = None;
                while !watched.stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(POLL);
                    if conn.is_none() {
                        conn = store::connect(&target).ok();
                    }
                    let Some(open) = conn.as_mut() else { continue };
                    // Read before this process's own change may be older than it: kept only when
                    // nothing was set meanwhile (the next read brings whatever it missed).
                    let (seen, _) = watched.snapshot();
                    match store::field_definitions(open, None) {
                        Ok(definitions) => watched.set_unless_moved(definitions, seen),
                        Err(error) => {
                            tracing::debug!(%error, "reading the field definitions failed; retried");
                            conn = None;
                        }
                    }
                }
            })
            .expect("spawn the field definitions watcher");
    }

    /// Takes `definitions` as the current ones; the generation moves when they differ.
    pub(crate) fn set(&self, definitions: Vec<FieldDefinition>) {
        self.set_unless_moved(definitions, None);
    }

    /// [`Self::set`], unless the generation moved past `seen` since it was read.
    fn set_unless_moved(&self, definitions: Vec<FieldDefinition>, seen: impl Into<Option<u64>>) {
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let moved = seen.into().is_some_and(|seen| seen != self.generation.load(Ordering::Acquire));
        if !moved && **current != definitions {
            *current = Arc::new(definitions);
            self.generation.fetch_add(1, Ordering::AcqRel);
            self.freshness.invalidate_all();
        }
    }

    /// The generation and the definitions of it.
    pub(crate) fn snapshot(&self) -> (u64, Arc<Vec<FieldDefinition>>) {
        let current = self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        (self.generation.load(Ordering::Acquire), current.clone())
    }

    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }
}
