//! Every write goes through [`crate::Db::write`]: a *group commit*. Each app server has one
//! dedicated writer connection; writes run one after another in a shared transaction, each
//! undoable on its own (the first of a batch by rolling the transaction back, later ones by a
//! savepoint), and one fsynced `COMMIT` makes everyone who joined the batch durable. Nobody is
//! answered before the commit that holds their write has reached the disk. SQLite allows one
//! writer anyway; on PostgreSQL it also holds hot rows (an agency's daily dossier counter) locked
//! for one commit per batch instead of one per dossier. Several app servers on one PostgreSQL
//! each have their own writer; row locks order them.

use std::sync::Arc;

use motcua_domain::ports::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor, Transaction};
use tokio::sync::{Mutex, MutexGuard, Notify, watch};

use crate::store_err;

/// The outcome of one shared commit, told to everyone in it.
type Outcome = Option<Result<(), String>>;

/// How to undo the write in progress.
#[derive(Clone, Copy)]
enum Undo {
    /// It opened the shared transaction: roll the whole transaction back.
    Transaction,
    /// It joined an open transaction: roll back to its savepoint.
    Savepoint,
}

/// The single writer connection and the transaction currently open on it.
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
    /// A write in progress, or abandoned mid-way (its task was cancelled): undone before anything else.
    current: Option<Undo>,
}

impl WriterState {
    /// The writer connection. Writes after [`close`] never reach here: `begin` refuses them.
    fn conn(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("the writer is open")
    }

    /// Undoes the write in progress, if any, keeping the others of the batch.
    async fn undo(&mut self) {
        match self.current.take() {
            None => {}
            Some(Undo::Savepoint) => {
                let undone = self.conn().execute("ROLLBACK TO w").await.is_ok();
                if !undone {
                    self.abort().await;
                }
            }
            Some(Undo::Transaction) => self.abort().await,
        }
    }

    /// Rolls the shared transaction back and tells everyone in it.
    async fn abort(&mut self) {
        let _ = self.conn().execute("ROLLBACK").await;
        if let Some(outcome) = self.open.take() {
            let _ = outcome.send(Some(Err("the shared transaction was rolled back".into())));
        }
    }

    /// Commits the shared transaction, if one is open, and tells everyone in it.
    async fn commit_batch(&mut self) {
        self.undo().await;
        if let Some(outcome) = self.open.take() {
            let r = self.conn().execute("COMMIT").await.map(|_| ()).map_err(|e| e.to_string());
            if r.is_err() {
                let _ = self.conn().execute("ROLLBACK").await;
            }
            let _ = outcome.send(Some(r));
        }
    }
}

impl GroupWriter {
    /// Takes one connection for writing and starts the committer task.
    pub(crate) fn start(conn: PoolConnection<Any>, begin: &'static str) -> Arc<GroupWriter> {
        let writer = Arc::new(GroupWriter {
            begin,
            state: Mutex::new(WriterState { conn: Some(conn), open: None, current: None }),
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
                st.commit_batch().await;
            }
        });
        *writer.committer.lock().expect("committer lock") = Some(task.abort_handle());
        writer
    }

    pub(crate) async fn begin(&self) -> Result<Write<'_>, StoreError> {
        let mut st = self.state.lock().await;
        if st.conn.is_none() {
            return Err(StoreError::Backend("the database is closed".into()));
        }
        st.undo().await;
        if st.open.is_none() {
            st.conn().execute(self.begin).await.map_err(store_err)?;
            st.open = Some(watch::channel(None).0);
            st.current = Some(Undo::Transaction);
        } else {
            if let Err(e) = st.conn().execute("SAVEPOINT w").await {
                st.abort().await;
                return Err(store_err(e));
            }
            st.current = Some(Undo::Savepoint);
        }
        Ok(Write::Grouped(st, self))
    }
}

/// One write in progress: run statements on [`Write::conn`], then [`Write::commit`].
/// Dropping it without committing undoes its statements.
pub(crate) enum Write<'a> {
    Grouped(MutexGuard<'a, WriterState>, &'a GroupWriter),
    /// A transaction of its own (the benchmark's baseline).
    Single(Transaction<'static, Any>),
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
                // Savepoints are not released: they end with the transaction, one round trip fewer.
                st.current = None;
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
                st.undo().await;
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
    st.commit_batch().await;
    if let Some(conn) = st.conn.take() {
        let _ = conn.close().await;
    }
}
