package notify

// Kind names a kind of notice; each person chooses e-mail and SMS per kind on the
// profile page (issue 14), except for legal notices, which always go out.
type Kind string

// The kinds of notice about cases.
const (
	KindSubmitted  Kind = "submitted"  // the applicant's request was received: tracking code
	KindIncomplete Kind = "incomplete" // returned as incomplete, with the missing items (legal)
	KindPaused     Kind = "paused"     // a question or request for access: clock paused (legal)
	KindDecision   Kind = "decision"   // approved, rejected or dismissed (legal)
	KindProgress   Kind = "progress"   // any other step of the case
	KindClosed     Kind = "closed"     // the case was closed without a decision
	KindSLA        Kind = "sla"        // a delivery time nears its end or has passed
	KindNewCase    Kind = "new_case"   // staff on duty: a new case is in the queue
	KindCourse     Kind = "course"     // a training course opened, or a waitlisted seat came free (M-4.2)
)

// KindInfo says which channels a kind of notice uses and whether it is legal: in-app
// always; e-mail and SMS where the kind uses them and the person has not turned them
// off, which a legal notice does not allow.
type KindInfo struct {
	Kind  Kind
	Email bool
	SMS   bool
	Legal bool
	Staff bool // sent to staff only
}

// kinds lists every kind in the order the profile page shows them.
var kinds = [...]KindInfo{
	{Kind: KindSubmitted, Email: true, SMS: true},
	{Kind: KindIncomplete, Email: true, SMS: true, Legal: true},
	{Kind: KindPaused, Email: true, SMS: true, Legal: true},
	{Kind: KindDecision, Email: true, Legal: true},
	{Kind: KindProgress, Email: true},
	{Kind: KindClosed, Email: true},
	{Kind: KindSLA, Email: true},
	{Kind: KindNewCase, Email: true, Staff: true}, // a CERT incident pages by SMS regardless
	{Kind: KindCourse, Email: true, SMS: true},
}

// Kinds lists every kind of notice with its channels, in display order.
func Kinds() []KindInfo { return kinds[:] }

// Info returns what is known of a kind; ok is false for an unknown one.
func Info(k Kind) (KindInfo, bool) {
	for _, i := range kinds {
		if i.Kind == k {
			return i, true
		}
	}
	return KindInfo{}, false
}
