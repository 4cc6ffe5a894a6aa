package catalog

// Text is a phrase in both languages of the desk.
type Text struct {
	FA string `yaml:"fa" json:"fa"`
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang ("fa" or "en"); any other value gives Persian,
// the desk's first language.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.FA
}

// Item is an identified entry of a module's list, such as a review criterion.
type Item struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
}
