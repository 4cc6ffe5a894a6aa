package i18n

// auditFa is the Persian text of audit-chain anchoring and verification.
func auditFa() map[string]string {
	return map[string]string{
		"audit.head.none": "آخرین وضعیت امضاشدهٔ زنجیرهٔ ممیزی هنوز منتشر نشده است؛ کمی بعد دوباره تلاش کنید.",
	}
}

// auditEn is the English text of audit-chain anchoring and verification.
func auditEn() map[string]string {
	return map[string]string{
		"audit.head.none": "The audit chain has no signed head yet; try again shortly.",
	}
}
