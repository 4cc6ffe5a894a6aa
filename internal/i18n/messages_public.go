package i18n

// publicFa is the Persian text of what the public pages state about the desk's
// published facts: an SLA's validity (§8), provenance of values.
func publicFa() map[string]string {
	return map[string]string{
		"catalog.validity.ended":             "دوره اعتبار این توافق‌نامه سطح خدمت در %s به پایان رسیده و تمدید آن در دست اقدام است. خدمت ادامه دارد و درخواست‌ها با همین شرایط پذیرفته می‌شوند تا نسخه تمدیدشده منتشر شود.",
		"catalog.validity.soon":              "اعتبار این توافق‌نامه سطح خدمت تا %s است (%s روز دیگر).",
		"catalog.validity.remind.title":      "تمدید توافق‌نامه سطح خدمت «%s»",
		"catalog.validity.remind.body_ended": "دوره اعتبار توافق‌نامه این خدمت در %s به پایان رسیده است. نسخه تمدیدشده را تهیه و برای بازبینی و انتشار بفرستید.",
		"catalog.validity.remind.body_soon":  "دوره اعتبار توافق‌نامه این خدمت در %s به پایان می‌رسد. نسخه تمدیدشده را پیش از آن تهیه و برای بازبینی و انتشار بفرستید.",
	}
}

// publicEn is the English text of what the public pages state about the desk's
// published facts.
func publicEn() map[string]string {
	return map[string]string{
		"catalog.validity.ended":             "The validity of this service level agreement ended on %s and its renewal is pending. The service continues: requests are accepted under these terms until the renewed version is published.",
		"catalog.validity.soon":              "This service level agreement is valid until %s (%s days from now).",
		"catalog.validity.remind.title":      "Renew the service level agreement of “%s”",
		"catalog.validity.remind.body_ended": "The agreement of this service ended on %s. Prepare the renewed version and send it for review and publication.",
		"catalog.validity.remind.body_soon":  "The agreement of this service ends on %s. Prepare the renewed version and send it for review and publication before then.",
	}
}
