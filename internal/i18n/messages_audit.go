package i18n

// auditFa is the Persian text of audit-chain anchoring and verification.
var auditFa = map[string]string{}

// auditEn is the English text of audit-chain anchoring and verification.
var auditEn = map[string]string{}
