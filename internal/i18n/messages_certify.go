package i18n

// certifyFa is the Persian text of the certify pages and errors.
var certifyFa = map[string]string{}

// certifyEn is the English text of the certify pages and errors.
var certifyEn = map[string]string{}
