package i18n

// stepsFa is the Persian text of step targets (issue 14): the alerts staff get, the
// target on the case page and in the queue, and its figure on the performance page.
func stepsFa() map[string]string {
	return map[string]string{
		"steps.alert.warning.title": "هشدار مهلت مرحله: درخواست %[1]s، «%[2]s»",
		"steps.alert.warning.body":  "%[4]d٪ از مهلت %[3]s مرحلهٔ «%[2]s» درخواست %[1]s گذشته است. لطفاً پیش از پایان مهلت اقدام کنید.",
		"steps.alert.breach.title":  "تأخیر در مرحله: مهلت %[3]s «%[2]s» درخواست %[1]s گذشت",
		"steps.alert.breach.body":   "مهلت %[3]s مرحلهٔ «%[2]s» درخواست %[1]s به پایان رسید و به کارشناس مسئول و سرپرست خدمت اطلاع داده شد.",
		"steps.target":              "مهلت مرحلهٔ فعلی",
		"steps.target.of":           "«%s»: %s",
		"steps.due":                 "موعد",
		"steps.left":                "%s باقی مانده",
		"steps.left_business":       "%s کاری باقی مانده",
		"steps.overdue":             "%s از مهلت گذشته",
		"steps.urgency.ok":          "در مهلت",
		"steps.urgency.warning":     "نزدیک به پایان مهلت",
		"steps.urgency.breached":    "مهلت مرحله گذشته",
		"steps.column":              "مهلت مرحله",
		"steps.kpi.title":           "مهلت مراحل",
		"steps.kpi.row":             "%s — «%s» در %s: %s٪ (%s از %s)",
		"steps.kpi.none":            "هیچ مرحلهٔ زمان‌دار تمام‌شده‌ای در این دوره نیست.",
		// The performance page per kind of case, each in its own unit (issue 14).
		"perf.delivery.title":     "زمان ارائهٔ خدمت",
		"perf.paused.title":       "زمان نزد متقاضی",
		"perf.unit.business_days": "روز کاری",
		"perf.unit.hours":         "ساعت، شبانه‌روزی",
		"perf.kinds.title":        "به تفکیک نوع درخواست",
		"perf.kinds.kind":         "نوع درخواست",
		"perf.kinds.mixed":        "انواع درخواست این خدمت با واحدهای متفاوت سنجیده می‌شوند (ساعت شبانه‌روزی و روز کاری) و جمع زده نمی‌شوند؛ جدول زیر را ببینید.",
	}
}

// stepsEn is the English text of step targets (issue 14).
func stepsEn() map[string]string {
	return map[string]string{
		"steps.alert.warning.title": "Step deadline warning: request %[1]s, “%[2]s”",
		"steps.alert.warning.body":  "%[4]d%% of the %[3]s allowed for the step “%[2]s” of request %[1]s is used. Please act before it runs out.",
		"steps.alert.breach.title":  "Step overdue: request %[1]s has passed its %[3]s for “%[2]s”",
		"steps.alert.breach.body":   "The %[3]s allowed for the step “%[2]s” of request %[1]s has run out; the assignee and the service's supervisors are told.",
		"steps.target":              "Current step's target",
		"steps.target.of":           "“%s”: %s",
		"steps.due":                 "Due",
		"steps.left":                "%s left",
		"steps.left_business":       "%s of working time left",
		"steps.overdue":             "%s overdue",
		"steps.urgency.ok":          "On time",
		"steps.urgency.warning":     "Nearly due",
		"steps.urgency.breached":    "Step overdue",
		"steps.column":              "Step target",
		"steps.kpi.title":           "Step targets",
		"steps.kpi.row":             "%s — “%s” within %s: %s%% (%s of %s)",
		"steps.kpi.none":            "No timed step was completed in this period.",
		"perf.delivery.title":       "Delivery time",
		"perf.paused.title":         "Time with the applicant",
		"perf.unit.business_days":   "business days",
		"perf.unit.hours":           "hours, around the clock",
		"perf.kinds.title":          "Per kind of request",
		"perf.kinds.kind":           "Kind of request",
		"perf.kinds.mixed":          "This service's kinds of request are measured in different units (clock hours and business days) and are never added together; see the table below.",
	}
}
