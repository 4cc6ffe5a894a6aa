package i18n

// docsFa is the Persian text of viewing documents and errors shown on their forms.
func docsFa() map[string]string {
	return map[string]string{
		"cases.document.not_found": "این مدرک در این درخواست نیست.",
		"cases.document.handed_in": "این مدرک به سازمان تحویل شده است و دیگر نمی‌توان آن را حذف یا جایگزین کرد.",
		"docs.open":                "مشاهده",
		"docs.download":            "دریافت پرونده",
		"docs.size":                "%s بایت",
		"docs.delete":              "حذف…",
		"docs.delete.confirm":      "پرونده «%s» از این درخواست حذف می‌شود و به سازمان نمی‌رسد. این کار بازگشت‌پذیر نیست؛ در صورت نیاز می‌توانید پرونده را دوباره بارگذاری کنید.",
		"docs.delete.yes":          "بله، حذف شود",
		"docs.replace":             "جایگزینی…",
		"docs.replace.file":        "پرونده جدید",
		"docs.replace.send":        "جایگزین کن",
		"docs.flash.removed":       "مدرک حذف شد.",
		"docs.flash.replaced":      "مدرک جایگزین شد.",
		"docs.required_hint":       "پرکردن موارد ستاره‌دار (*) لازم است.",
		"docs.required_docs":       "مدارک ستاره‌دار فهرست باید پیش از ارسال درخواست بارگذاری شوند.",
		"docs.upload.choose_file":  "پرونده‌ای برای بارگذاری انتخاب کنید.",
		"docs.view.title":          "مشاهده مدرک درخواست",
		"docs.view.back":           "بازگشت به درخواست",
		"docs.view.uploaded":       "زمان بارگذاری",
		"docs.view.download_only":  "مرورگر این نوع پرونده را نشان نمی‌دهد؛ آن را دریافت کنید و با برنامه مناسب باز کنید.",
		"docs.confirm.terminal":    "با این کار درخواست بسته می‌شود و وضعیت آن «%s» خواهد شد. این کار بازگشت‌پذیر نیست؛ برای ادامه باید درخواست تازه‌ای ثبت کنید.",
		"docs.confirm.yes":         "بله، %s",
	}
}

// docsEn is the English text of viewing documents and errors shown on their forms.
func docsEn() map[string]string {
	return map[string]string{
		"cases.document.not_found": "This document is not on this request.",
		"cases.document.handed_in": "This document has been handed in to the Organization and can no longer be deleted or replaced.",
		"docs.open":                "View",
		"docs.download":            "Download the file",
		"docs.size":                "%s bytes",
		"docs.delete":              "Delete…",
		"docs.delete.confirm":      "The file “%s” will be removed from this request and will not reach the Organization. This cannot be undone; you may upload the file again if needed.",
		"docs.delete.yes":          "Yes, delete it",
		"docs.replace":             "Replace…",
		"docs.replace.file":        "New file",
		"docs.replace.send":        "Replace",
		"docs.flash.removed":       "The document was deleted.",
		"docs.flash.replaced":      "The document was replaced.",
		"docs.required_hint":       "Fields marked with * are required.",
		"docs.required_docs":       "Documents marked with * in the list must be uploaded before you submit the request.",
		"docs.upload.choose_file":  "Choose a file to upload.",
		"docs.view.title":          "A request's document",
		"docs.view.back":           "Back to the request",
		"docs.view.uploaded":       "Uploaded",
		"docs.view.download_only":  "Browsers cannot show this type of file; download it and open it with a suitable program.",
		"docs.confirm.terminal":    "This closes the request: its state becomes “%s”. It cannot be undone; to go on you would have to open a new request.",
		"docs.confirm.yes":         "Yes: %s",
	}
}
