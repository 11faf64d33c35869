//! Every write goes through [`crate::Db::write`]: a *group commit*. Each app server has one
//! dedicated writer connection; each write runs in its own savepoint of a shared transaction, and
//! one fsynced `COMMIT` makes everyone who joined it durable. Nobody is answered before the
//! commit that holds their write has reached the disk. SQLite allows one writer anyway; on
//! PostgreSQL it also keeps hot rows (an agency's daily dossier counter) locked for one commit per
//! batch instead of one per dossier. Several app servers on one PostgreSQL each have their own
//! writer; row locks order them.

use std::sync::Arc;

use motcua_domain::ports::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor, Transaction};
use tokio::sync::{Mutex, MutexGuard, Notify, watch};

use crate::store_err;

/// The outcome of one shared commit, told to everyone in it.
type Outcome = Option<Result<(), String>>;

/// SQLite's single writer connection and the transaction currently open on it.
pub(crate) struct GroupWriter {
    /// `BEGIN IMMEDIATE` on SQLite (take the write lock at once), `BEGIN` on PostgreSQL.
    begin: &'static str,
    state: Mutex<WriterState>,
    wake: Notify,
    committer: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
}

pub(crate) struct WriterState {
    /// `None` once the writer is closed.
    conn: Option<PoolConnection<Any>>,
    /// The open shared transaction and the channel its outcome is announced on.
    open: Option<watch::Sender<Outcome>>,
    /// A write was abandoned inside its savepoint (its task was cancelled): undo it first.
    dirty: bool,
}

impl GroupWriter {
    /// Takes one connection for writing and starts the committer task.
    pub(crate) fn start(conn: PoolConnection<Any>, begin: &'static str) -> Arc<GroupWriter> {
        let writer = Arc::new(GroupWriter {
            begin,
            state: Mutex::new(WriterState { conn: Some(conn), open: None, dirty: false }),
            wake: Notify::new(),
            committer: std::sync::Mutex::new(None),
        });
        let w = writer.clone();
        let task = tokio::spawn(async move {
            loop {
                w.wake.notified().await;
                let mut st = w.state.lock().await;
                if st.conn.is_none() {
                    return;
                }
                // A write abandoned inside its savepoint is undone, never committed.
                if st.dirty {
                    st.dirty = false;
                    if st.conn().execute("ROLLBACK TO w; RELEASE w").await.is_err() {
                        abort(&mut st).await;
                    }
                }
                if let Some(outcome) = st.open.take() {
                    let r = st.conn().execute("COMMIT").await.map(|_| ()).map_err(|e| e.to_string());
                    if r.is_err() {
                        let _ = st.conn().execute("ROLLBACK").await;
                    }
                    let _ = outcome.send(Some(r));
                }
            }
        });
        *writer.committer.lock().expect("committer lock") = Some(task.abort_handle());
        writer
    }
}

/// One write in progress: run statements on [`Write::conn`], then [`Write::commit`].
/// Dropping it without committing undoes its statements.
pub(crate) enum Write<'a> {
    Grouped(MutexGuard<'a, WriterState>, &'a GroupWriter),
    Single(Transaction<'static, Any>),
}

impl GroupWriter {
    pub(crate) async fn begin(&self) -> Result<Write<'_>, StoreError> {
        let mut st = self.state.lock().await;
        if st.conn.is_none() {
            return Err(StoreError::Backend("the database is closed".into()));
        }
        if st.dirty {
            st.dirty = false;
            if st.conn().execute("ROLLBACK TO w; RELEASE w").await.is_err() {
                abort(&mut st).await;
            }
        }
        if st.open.is_none() {
            st.conn().execute(self.begin).await.map_err(store_err)?;
            st.open = Some(watch::channel(None).0);
        }
        if let Err(e) = st.conn().execute("SAVEPOINT w").await {
            abort(&mut st).await;
            return Err(store_err(e));
        }
        st.dirty = true;
        Ok(Write::Grouped(st, self))
    }
}

impl WriterState {
    /// The writer connection. Writes after [`close`] never reach here: `begin` refuses them.
    fn conn(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("the writer is open")
    }
}

/// The shared transaction cannot continue: roll it back and tell everyone in it.
async fn abort(st: &mut WriterState) {
    let _ = st.conn().execute("ROLLBACK").await;
    if let Some(outcome) = st.open.take() {
        let _ = outcome.send(Some(Err("the shared transaction was rolled back".into())));
    }
}

impl Write<'_> {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        match self {
            Write::Grouped(st, _) => st.conn(),
            Write::Single(tx) => tx,
        }
    }

    /// Makes the write durable; returns once the commit holding it is on disk.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Write::Single(tx) => tx.commit().await.map_err(store_err),
            Write::Grouped(mut st, writer) => {
                st.dirty = false;
                if let Err(e) = st.conn().execute("RELEASE w").await {
                    abort(&mut st).await;
                    return Err(store_err(e));
                }
                let Some(open) = st.open.as_ref() else {
                    return Err(StoreError::Backend("no open transaction".into()));
                };
                let mut outcome = open.subscribe();
                drop(st);
                writer.wake.notify_one();
                let r = outcome.wait_for(Option::is_some).await.map_err(|e| StoreError::Backend(e.to_string()))?;
                match r.as_ref() {
                    Some(Ok(())) => Ok(()),
                    Some(Err(e)) => Err(StoreError::Backend(e.clone())),
                    None => Err(StoreError::Backend("commit outcome missing".into())),
                }
            }
        }
    }

    /// Undoes this write's statements, leaving the others in the shared transaction.
    pub(crate) async fn rollback(self) {
        match self {
            Write::Single(tx) => {
                let _ = tx.rollback().await;
            }
            Write::Grouped(mut st, writer) => {
                st.dirty = false;
                if st.conn().execute("ROLLBACK TO w; RELEASE w").await.is_err() {
                    abort(&mut st).await;
                }
                drop(st);
                // Commit whatever others wrote in the shared transaction without waiting for them.
                writer.wake.notify_one();
            }
        }
    }
}

/// Stops the committer, commits the shared transaction if any, and gives the connection back
/// to the pool (so that closing the pool does not wait for it forever).
pub(crate) async fn close(writer: &GroupWriter) {
    if let Some(task) = writer.committer.lock().expect("committer lock").take() {
        task.abort();
    }
    let mut st = writer.state.lock().await;
    if st.conn.is_none() {
        return;
    }
    if st.dirty {
        st.dirty = false;
        let _ = st.conn().execute("ROLLBACK TO w; RELEASE w").await;
    }
    if let Some(outcome) = st.open.take() {
        let r = st.conn().execute("COMMIT").await.map(|_| ()).map_err(|e| e.to_string());
        let _ = outcome.send(Some(r));
    }
    if let Some(conn) = st.conn.take() {
        let _ = conn.close().await;
    }
}
