package i18n

// ackFa is the Persian text of an organisation's acknowledgement that it applied
// an advisory and of the CERT's coverage of advisories (SLA ), the incident
// page's links to the CERT's other work, and the severity in the generic queue.
func ackFa() map[string]string {
	return map[string]string{
		"ack.advisory.heading":        "اجرای توصیه‌ها در سازمان شما",
		"ack.advisory.intro":          "اگر اقدام‌های این توصیه‌نامه را در سازمان خود اجرا کرده‌اید، اینجا ثبت کنید تا مرکز ماهر بداند.",
		"ack.advisory.note":           "توضیح (اختیاری)",
		"ack.advisory.apply":          "این توصیه را اجرا کردیم",
		"ack.advisory.unapply":        "برداشتن علامت اجرا",
		"ack.advisory.applied_at":     "سازمان شما اجرای این توصیه را در %s ثبت کرده است.",
		"ack.advisory.applied.done":   "اجرای توصیه‌نامه برای سازمان شما ثبت شد.",
		"ack.advisory.unapplied.done": "علامت اجرای توصیه‌نامه برداشته شد.",
		"ack.org.title":               "توصیه‌نامه‌های سازمان من",
		"ack.org.intro":               "توصیه‌نامه‌های منتشرشده‌ای که سازمان شما هنوز اجرای آن‌ها را ثبت نکرده، نخست آمده‌اند.",
		"ack.org.pending":             "در انتظار اجرا",
		"ack.org.none_pending":        "توصیه‌نامه‌ای در انتظار اجرا نیست.",
		"ack.org.applied":             "اجراشده",
		"ack.org.applied_at":          "زمان ثبت اجرا",
		"ack.coverage.title":          "پوشش توصیه‌نامه‌ها",
		"ack.coverage.heading":        "پوشش در میان سازمان‌های تحت پوشش",
		"ack.coverage.intro":          "برای هر توصیه‌نامه منتشرشده: چند سازمان تحت پوشش (دارای دارایی تأییدشده) اجرای آن را ثبت کرده‌اند، در کل و به تفکیک بخش.",
		"ack.coverage.sector":         "بخش",
		"ack.coverage.constituents":   "سازمان‌های تحت پوشش",
		"ack.coverage.applied":        "اجرا کرده‌اند",
		"ack.coverage.total":          "در کل",
		"ack.coverage.by_sector":      "به تفکیک بخش",
		"ack.coverage.of":             "%s از %s",
		"ack.coverage.no_sector":      "بخش نامشخص",
		"ack.coverage.none":           "هنوز سازمانی با دارایی تأییدشده نیست.",
		"ack.incident.links":          "کارهای دیگر این حادثه",
		"ack.incident.dispatch":       "اعزام تیم",
		"ack.incident.consent":        "رضایت‌نامه",
		"ack.incident.reports":        "گزارش‌های فنی",
		"ack.queue.severity":          "شدت",
		"ack.queue.triage":            "صف تریاژ ماهر",
	}
}

// ackEn is the English text of the same.
func ackEn() map[string]string {
	return map[string]string{
		"ack.advisory.heading":        "Applying this advisory in your organisation",
		"ack.advisory.intro":          "If your organisation has applied the measures of this advisory, record it here so the CERT knows.",
		"ack.advisory.note":           "Note (optional)",
		"ack.advisory.apply":          "We applied this",
		"ack.advisory.unapply":        "Withdraw the mark",
		"ack.advisory.applied_at":     "Your organisation recorded applying this advisory on %s.",
		"ack.advisory.applied.done":   "Recorded that your organisation applied the advisory.",
		"ack.advisory.unapplied.done": "The mark that your organisation applied the advisory was withdrawn.",
		"ack.org.title":               "My organisation's advisories",
		"ack.org.intro":               "Published advisories your organisation has not yet recorded as applied come first.",
		"ack.org.pending":             "To apply",
		"ack.org.none_pending":        "No advisory is waiting to be applied.",
		"ack.org.applied":             "Applied",
		"ack.org.applied_at":          "Recorded",
		"ack.coverage.title":          "Advisory coverage",
		"ack.coverage.heading":        "Coverage among constituents",
		"ack.coverage.intro":          "For each published advisory: how many constituents (organisations with a verified asset) recorded applying it, in all and by sector.",
		"ack.coverage.sector":         "Sector",
		"ack.coverage.constituents":   "Constituents",
		"ack.coverage.applied":        "Applied",
		"ack.coverage.total":          "In all",
		"ack.coverage.by_sector":      "By sector",
		"ack.coverage.of":             "%s of %s",
		"ack.coverage.no_sector":      "Sector not stated",
		"ack.coverage.none":           "No organisation has a verified asset yet.",
		"ack.incident.links":          "This incident's other work",
		"ack.incident.dispatch":       "Team dispatch",
		"ack.incident.consent":        "Consent",
		"ack.incident.reports":        "Technical reports",
		"ack.queue.severity":          "Severity",
		"ack.queue.triage":            "CERT triage queue",
	}
}
