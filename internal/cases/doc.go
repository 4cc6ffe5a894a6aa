// Package cases is Miz's case engine: every request to a service is a case that
// follows its service's published process (SLA C-4.3), keeps the catalog version it
// began under (§8), accepts only the documents the catalog lists (C-4.2, A-4.1), and
// carries an honest SLA clock rebuilt from its state history (C-4.1, SLA-CLOCK rule 6).
//
// Every change runs in one store transaction that writes the case, a case_events row
// and an audit entry together. Concurrent changes to one case are refused by an
// optimistic version check, so two transitions never both win.
//
// The engine knows nothing about certificates or incidents: a service module adds its
// own steps by calling Transition.
package cases
