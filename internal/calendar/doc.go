// Package calendar administers the business calendar the SLA clock runs on
// (SLA-CLOCK rules 5 and 6): holidays and partial closures, the national working
// week and provinces' overrides, and the live calendar each instance keeps in
// memory, reloaded after an edit here and, through a generation counter, after an
// edit on another instance.
//
// Every edit runs in one transaction with its audit entry and the generation bump;
// afterwards Service reloads its Live calendar and asks its Deadlines (the case
// engine) to recompute open cases. The package knows nothing about cases.
package calendar
