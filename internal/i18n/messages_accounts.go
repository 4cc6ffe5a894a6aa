package i18n

// accountsFa is the Persian text of account administration and password reset.
var accountsFa = map[string]string{}

// accountsEn is the English text of account administration and password reset.
var accountsEn = map[string]string{}
