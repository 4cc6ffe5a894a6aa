// Package complaints is the dispute path of both SLAs (§7): a negotiation between an
// applicant and the service's unit about one of their cases; if it fails, or for
// conduct (C-4.9) or the service itself, a formal complaint filed only through Miz
// a review by the service's committee, from which anyone who acted on the
// case is excluded (C-4.5); and a decision announced to the applicant with its reasons
// and remedies. Every change and every refused attempt is in the audit log.
//
// Who may do what is decided by internal/authz (kinds Dispute, Complaint and
// ComplaintDeliberation); this package only works out the facts the policy needs,
// such as the list of excluded accounts.
package complaints
