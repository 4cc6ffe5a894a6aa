package i18n

// uxFa is the Persian text of labels of codes, empty states and page chrome.
var uxFa = map[string]string{}

// uxEn is the English text of labels of codes, empty states and page chrome.
var uxEn = map[string]string{}
