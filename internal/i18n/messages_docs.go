package i18n

// docsFa is the Persian text of viewing documents and errors shown on their forms.
var docsFa = map[string]string{
	"cases.document.not_found": "این مدرک در این درخواست نیست.",
	"cases.document.handed_in": "این مدرک به سازمان تحویل شده است و دیگر نمی‌توان آن را حذف یا جایگزین کرد.",
}

// docsEn is the English text of viewing documents and errors shown on their forms.
var docsEn = map[string]string{
	"cases.document.not_found": "This document is not on this request.",
	"cases.document.handed_in": "This document has been handed in to the Organization and can no longer be deleted or replaced.",
}
