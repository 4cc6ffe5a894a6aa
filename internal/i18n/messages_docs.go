package i18n

// docsFa is the Persian text of viewing documents and errors shown on their forms.
var docsFa = map[string]string{}

// docsEn is the English text of viewing documents and errors shown on their forms.
var docsEn = map[string]string{}
