package i18n

// Registry search text (issue 18).
var searchFa = map[string]string{
	"search.registry.count_more": "بیش از %d گواهی",
}

var searchEn = map[string]string{
	"search.registry.count_more": "More than %d certificates",
}
