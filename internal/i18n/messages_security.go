package i18n

// securityFa is the Persian text of sessions, tokens, second factor and login throttling.
var securityFa = map[string]string{}

// securityEn is the English text of sessions, tokens, second factor and login throttling.
var securityEn = map[string]string{}
