package persian

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// SearchKey folds s into the key Miz uses to match a search query against
// text: match with strings.Contains(SearchKey(text), SearchKey(query)).
//
// The folding, in order:
//   - Normalize and ASCIIDigits;
//   - canonical decomposition, then every non-spacing mark is removed: this
//     strips harakat, tanwin, shadda and sukun, and folds آ, أ, إ to ا, ؤ to و,
//     ئ to ی, and Latin letters with accents to the bare letter;
//   - ٱ (alef wasla) becomes ا, ة and ۀ become ه, tatweel (ـ) is removed;
//   - letters are lower-cased;
//   - every ZWNJ, ZWJ and white space is removed, so "می‌شود", "می شود" and
//     "میشود" share one key. Word boundaries are therefore lost: the key is for
//     substring matching, not for splitting into words.
func SearchKey(s string) string {
	s = norm.NFD.String(ASCIIDigits(Normalize(s)))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) || unicode.IsSpace(r) {
			continue
		}
		switch r {
		case zwnj, zwj, 'ـ':
			continue
		case 'ٱ':
			r = 'ا'
		case 'ة', 'ە': // ۀ decomposes to ە (U+06D5) plus hamza above
			r = 'ه'
		default:
			// The decomposition of ئ yields the Arabic Yeh again.
			r = unicode.ToLower(persianLetter(r))
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}
