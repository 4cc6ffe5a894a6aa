package i18n

// complaintsFa is the Persian text of the complaints pages and errors.
var complaintsFa = map[string]string{}

// complaintsEn is the English text of the complaints pages and errors.
var complaintsEn = map[string]string{}
