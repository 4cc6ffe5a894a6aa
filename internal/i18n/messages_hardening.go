package i18n

// hardeningFa is the Persian text of request hygiene, redirects and headers.
func hardeningFa() map[string]string {
	return map[string]string{
		"hardening.feed.no_base_url": "این خوراک تنها پس از تعیین نشانی عمومی میز خدمت در دسترس است.",
		"hardening.text.invalid":     "متن فرستاده‌شده نویسه‌های نامعتبر یا کنترلی دارد. لطفاً متن را دوباره بنویسید و بفرستید.",
		"hardening.json.control":     "فیلد %s نویسهٔ کنترلی یا نامعتبر دارد.",
		"hardening.json.utf8":        "بدنهٔ درخواست UTF-8 معتبر نیست (در فیلد %s).",
		"hardening.json.duplicate":   "فیلد %s بیش از یک بار در درخواست آمده است.",
		"hardening.json.case":        "فیلد %s با فیلد دیگری تنها در بزرگی و کوچکی حروف فرق دارد؛ نام دقیق فیلد را به کار ببرید.",
	}
}

// hardeningEn is the English text of request hygiene, redirects and headers.
func hardeningEn() map[string]string {
	return map[string]string{
		"hardening.feed.no_base_url": "This feed is available once the desk's public address is configured.",
		"hardening.text.invalid":     "The text you sent contains invalid or control characters. Please type it again and resend.",
		"hardening.json.control":     "The field %s contains a control or invalid character.",
		"hardening.json.utf8":        "The request body is not valid UTF-8 (in the field %s).",
		"hardening.json.duplicate":   "The field %s appears more than once in the request.",
		"hardening.json.case":        "The field %s differs from another field only in letter case; use the field's exact name.",
	}
}
