package i18n

// casesFa is the Persian text of the cases pages and errors.
var casesFa = map[string]string{}

// casesEn is the English text of the cases pages and errors.
var casesEn = map[string]string{}
