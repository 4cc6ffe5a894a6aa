package api

// caseSchema declares the case answer (caseJSON) of getCase and the steps that
// answer with the case, with the actions the caller may take now (architecture #12).
func caseSchema() map[string]any {
	str := map[string]any{"type": "string"}
	when := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	text := obj([]string{"fa", "en"}, map[string]any{"fa": str, "en": str})
	step := obj([]string{"id", "name"}, map[string]any{"id": str, "name": text,
		"requires_reason": map[string]any{"type": "boolean"}, "requires_decision": map[string]any{"type": "boolean"}})
	action := obj([]string{"id", "kind", "name"}, map[string]any{
		"id": map[string]any{"type": "string", "description": "a transition's ID; claim, message, internal_note or upload; or a module's own action (e.g. certify-review)"},
		"kind": map[string]any{"enum": []string{"transition", "return", "claim", "message", "internal_note", "upload", "link", "page"},
			"description": "transition: POST …/transitions with this id; return: POST …/return; claim, message (internal_note: with internal), upload: POST …/claim, …/messages, …/documents; link: a step taken on the module's page at path; page: the module's page about the case at path"},
		"name":              text,
		"path":              map[string]any{"type": "string", "description": "the web page of a link or page action"},
		"requires_reason":   map[string]any{"type": "boolean"},
		"requires_decision": map[string]any{"type": "boolean"}})
	return obj([]string{"tracking_code", "service", "kind", "state", "holder", "version", "sla", "next_transitions", "actions"}, map[string]any{
		"tracking_code": str, "service": str, "service_version": map[string]any{"type": "integer"}, "kind": str,
		"state": str, "state_name": text, "holder": str, "applicant_type": str, "form": map[string]any{"type": "object"},
		"assignee_account_id": map[string]any{"type": "integer"}, "created_at": when, "submitted_at": when, "closed_at": when,
		"version": map[string]any{"type": "integer"}, "sla": map[string]any{"type": "object", "description": "the SLA clock"},
		"next_transitions": map[string]any{"type": "array", "items": step,
			"description": "the process's transitions the caller may take, a module's included (the API takes CERTIFY's review with its checklist)"},
		"actions": map[string]any{"type": "array", "items": action,
			"description": "what the caller may do now, as the web case page offers it"},
		"step_target": stepTargetSchema(str, when, text),
	})
}

// stepTargetSchema declares stepTargetJSON: the current state's own target, for staff
// only (issue 14).
func stepTargetSchema(str, when, text map[string]any) map[string]any {
	i, b := map[string]any{"type": "integer"}, map[string]any{"type": "boolean"}
	budget := obj([]string{"amount", "unit"}, map[string]any{"amount": i,
		"unit": map[string]any{"enum": []string{"business_days", "business_hours", "hours", "minutes"}}})
	t := obj([]string{"state", "name", "budget", "due_at", "remaining_seconds", "breached", "urgency"}, map[string]any{
		"state": str, "name": text, "budget": budget, "business_time": b, "entered_at": when, "due_at": when,
		"seconds_used": i, "seconds_budget": i, "remaining_seconds": i, "breached": b,
		"urgency": map[string]any{"enum": []string{"ok", "warning", "breached"}}})
	t["description"] = "the target of the current state when the catalog gives it a budget of its own (staff only); seconds in the step's unit of time, negative remaining once overrun"
	return t
}
