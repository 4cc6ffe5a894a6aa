// Package jobs is Miz's durable background-job queue: timers, retries and periodic
// sweeps, stored in the same database as everything else.
//
// The architecture allows River "or an equally durable queue". We keep our own small
// queue because:
//
//   - one schema: the jobs table is an ordinary migration (0002_jobs_notify.sql) shared by
//     SQLite and PostgreSQL, so there is no second migration system to run, lock and
//     version, and the embedded SQLite deployment works exactly like PostgreSQL;
//   - transactional enqueue: Enqueue writes into the caller's store.Tx, so a job accepted
//     together with a change (a case submitted, a mail to send) commits or rolls back
//     with it and is never lost or sent for a change that did not happen;
//   - it is small: a claim is one UPDATE … RETURNING (with FOR UPDATE SKIP LOCKED on
//     PostgreSQL; SQLite already has a single writer).
//
// Delivery is at least once. A claimed job holds a lease (locked_until); its handler's
// context has a deadline equal to the lease, and a job whose lease expired (its instance
// crashed) is claimed again by any instance. Completion is fenced by instance and
// attempt, so a late result from a lost lease never overwrites a newer one. Handlers
// must therefore be idempotent and must honour their context.
//
// A handler's own record of what it did (an outbox row marked sent) can ride in the
// transaction that records the job's outcome (OnOutcome), and Run records the outcomes
// of the runs that finished together with its next claim, so that on SQLite's single
// writer a job costs less than one write call (issue 18).
package jobs
