package audit

import "strconv"

// AccountActor names an account as the actor of an audit entry ("account:42"),
// the one spelling every package uses.
func AccountActor(id int64) string { return "account:" + strconv.FormatInt(id, 10) }
