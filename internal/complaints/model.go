package complaints

import (
	"time"
)

// What an applicant may contest in a dispute (§7).
const (
	SubjectDecision       = "decision"
	SubjectDelay          = "delay"
	SubjectDocumentDemand = "document_demand"
	SubjectConduct        = "conduct"
)

// States of a dispute.
const (
	DisputeNegotiating = "negotiating"
	DisputeSettled     = "settled"
	DisputeEscalated   = "escalated"
)

// Types of complaint: an escalated dispute, or a direct complaint about staff
// conduct (C-4.9) or about the service itself.
const (
	TypeEscalation = "escalation"
	TypeConduct    = "conduct"
	TypeService    = "service"
)

// States of a complaint: under review, waiting for the applicant's information (the
// clock pauses), or decided and announced (final).
const (
	StateReview      = "review"
	StateInformation = "information"
	StateAnnounced   = "announced"
)

// Outcomes of a decision.
const (
	OutcomeUpheld       = "upheld"
	OutcomePartlyUpheld = "partly_upheld"
	OutcomeRejected     = "rejected"
)

// Remedies a decision may order.
const (
	RemedyReopen   = "reopen"
	RemedyReassign = "reassign"
	RemedyRedoStep = "redo_step"
	RemedyApology  = "apology"
)

// Kinds of committee entry.
const (
	EntryFinding     = "finding"
	EntryInfoRequest = "info_request"
	EntryInfoAnswer  = "info_answer"
	EntryCorrection  = "correction"
)

// Parties an information request is addressed to.
const (
	PartyApplicant = "applicant"
	PartyStaff     = "staff"
)

// Dispute is a negotiation about one case.
type Dispute struct {
	ID                 int64
	TrackingCode       string
	CaseCode           string
	Service            string
	ApplicantAccountID int64
	Subject            string
	State              string
	OpenedAt           time.Time
	// DueAt is when the unit's answer is due (catalog negotiation_response_time).
	DueAt       time.Time
	RespondedAt time.Time
	// Settlement is the proposal on the table and SettlementBy who made it.
	Settlement   string
	SettlementBy int64
	ClosedAt     time.Time
	// ComplaintID is the complaint an escalation created; 0 if none.
	ComplaintID int64
	Messages    []DisputeMessage
}

// DisputeMessage is one message of a negotiation thread.
type DisputeMessage struct {
	ID       int64
	AuthorID int64
	ByStaff  bool
	// Kind is "message" or "settlement" (a proposal) or "accepted".
	Kind string
	Body string
	At   time.Time
}

// Complaint is a formal complaint as stored.
type Complaint struct {
	ID                 int64
	TrackingCode       string
	Service            string
	CaseCode           string
	DisputeID          int64
	ApplicantAccountID int64
	ApplicantPersonID  int64
	ApplicantOrgID     int64
	Type               string
	Body               string
	State              string
	Holder             string
	Quorum             int
	FiledAt            time.Time
	DueAt              time.Time
	DecidedAt          time.Time
	Outcome            string
	Reasons            string
	AcknowledgedAt     time.Time
	Version            int
}

// Entry is a finding, request for information, answer or correction.
type Entry struct {
	ID       int64
	Kind     string
	Party    string
	AuthorID int64
	Body     string
	Answered bool
	At       time.Time
}

// Vote is one committee member's vote.
type Vote struct {
	AccountID int64
	// VoterName is the member's display name, shown instead of the account ID.
	VoterName string
	Outcome   string
	Note      string
	At        time.Time
}

// Remedy is one remedy a decision ordered, tracked to done.
type Remedy struct {
	ID     int64
	Kind   string
	Detail string
	Status string
	DoneAt time.Time
	DoneBy int64
	Note   string
}

func validOutcome(s string) bool {
	return s == OutcomeUpheld || s == OutcomePartlyUpheld || s == OutcomeRejected
}

func validSubject(s string) bool {
	return s == SubjectDecision || s == SubjectDelay || s == SubjectDocumentDemand || s == SubjectConduct
}

func validRemedy(s string) bool {
	return s == RemedyReopen || s == RemedyReassign || s == RemedyRedoStep || s == RemedyApology
}
