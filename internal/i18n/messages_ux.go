package i18n

// uxFa is the Persian text of labels of codes, empty states and page chrome.
func uxFa() map[string]string {
	return map[string]string{
		"ux.status.all_ok":        "همه خدمات برقرارند.",
		"ux.status.affected":      "خدماتی که اکنون مشکل دارند:",
		"ux.unknown":              "نامشخص",
		"ux.assignee.unnamed":     "کارمند بی‌نام",
		"ux.member.unnamed":       "عضو بی‌نام",
		"ux.no_data":              "هنوز داده‌ای نیست",
		"ux.performance_link":     "عملکرد این خدمت",
		"step.open":               "ایجاد پرونده",
		"ux.calendar.import_hint": "تاریخ شمسی یا میلادی؛ اگر یک سطر خطا داشته باشد هیچ سطری ثبت نمی‌شود. ستون‌های CSV:",
		"step.claim":              "برداشتن پرونده",
		"step.assign":             "واگذاری پرونده",
	}
}

// uxEn is the English text of labels of codes, empty states and page chrome.
func uxEn() map[string]string {
	return map[string]string{
		"ux.status.all_ok":        "All services are operational.",
		"ux.status.affected":      "Services with a problem now:",
		"ux.unknown":              "unknown",
		"ux.assignee.unnamed":     "unnamed staff member",
		"ux.member.unnamed":       "unnamed member",
		"ux.no_data":              "no data yet",
		"ux.performance_link":     "How this service performs",
		"step.open":               "Case opened",
		"ux.calendar.import_hint": "Jalali or Gregorian dates; if any line is wrong, nothing is imported. CSV columns:",
		"step.claim":              "Case claimed",
		"step.assign":             "Case assigned",
	}
}
