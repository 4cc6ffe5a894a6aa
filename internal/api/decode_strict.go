package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// errNotJSON stops the walk at malformed JSON; decode then reports the syntax
// error the way it always has.
var errNotJSON = errors.New("not json")

// checkJSON walks body's first JSON value before it is decoded into a value of
// type target and refuses what encoding/json would accept silently (Security #11
// item 11):
//   - a key given twice in one object (the decoder keeps the last one);
//   - keys that differ only in letter case, in one object or against the target's
//     field names (the decoder matches names case-insensitively, so "Admin" or
//     "USERNAME" would fill the fields "admin" and "username");
//   - strings and keys that are not valid UTF-8 or hold a lone surrogate (the
//     decoder turns both into U+FFFD), or hold NUL or another control character
//     other than tab and line breaks.
//
// Each refusal names the field by its path, e.g. form.items[2].note.
func checkJSON(body []byte, target reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := walkValue(dec, target, "")
	if errors.Is(err, errNotJSON) {
		return nil
	}
	return err
}

func walkValue(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return errNotJSON
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return walkObject(dec, t, path)
		}
		if v == '[' {
			return walkArray(dec, t, path)
		}
		return errNotJSON
	case string:
		return checkString(v, path, true)
	}
	return nil
}

func walkObject(dec *json.Decoder, t reflect.Type, path string) error {
	fields, folds, elem := shapeOf(t)
	seen := map[string]string{} // folded key → key as sent
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errNotJSON
		}
		key, _ := tok.(string)
		kp := key
		if path != "" {
			kp = path + "." + key
		}
		if err := checkString(key, kp, false); err != nil {
			return err
		}
		folded := foldKey(key)
		if prev, ok := seen[folded]; ok {
			if prev == key {
				return problem.Field(kp, "hardening.json.duplicate", kp)
			}
			return problem.Field(kp, "hardening.json.case", kp)
		}
		seen[folded] = key
		next := elem
		if fields != nil {
			ft, exact := fields[key]
			if !exact && folds[folded] {
				return problem.Field(kp, "hardening.json.case", kp)
			}
			next = ft
		}
		if err := walkValue(dec, next, kp); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return errNotJSON
	}
	return nil
}

func walkArray(dec *json.Decoder, t reflect.Type, path string) error {
	_, _, elem := shapeOf(t)
	for i := 0; dec.More(); i++ {
		if err := walkValue(dec, elem, path+"["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return errNotJSON
	}
	return nil
}

func checkString(s, path string, multiLine bool) error {
	switch err := persian.CheckText(s, multiLine); {
	case errors.Is(err, persian.ErrInvalidUTF8):
		return problem.Field(path, "hardening.json.utf8", path)
	case err != nil:
		return problem.Field(path, "hardening.json.control", path)
	}
	return nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// shapeOf returns, for a struct, its JSON field names with their types and the
// folded forms of those names (so a near miss is found); for a map or a slice, the
// element type. A type that decodes itself, an interface or nil gives neither, and
// the walk below it checks only keys and strings.
func shapeOf(t reflect.Type) (fields map[string]reflect.Type, folds map[string]bool, elem reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil, nil, nil
	}
	switch t.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		return nil, nil, t.Elem()
	case reflect.Struct:
		fields, folds = map[string]reflect.Type{}, map[string]bool{}
		addFields(fields, t)
		for name := range fields {
			folds[foldKey(name)] = true
		}
		return fields, folds, nil
	}
	return nil, nil, nil
}

// addFields lists the JSON names of t's fields, promoting untagged embedded structs
// as encoding/json does.
func addFields(fields map[string]reflect.Type, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(fields, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
}

// foldKey maps every rune to the smallest rune of its case-folding orbit, so keys
// that encoding/json would take for one another (including "K" and the Kelvin
// sign, "s" and the long s) fold to the same string.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < m {
				m = f
			}
		}
		return m
	}, s)
}

// checkQuery refuses a query string whose names or values are not clean text (Security
// #11 item 11): 400 before any handler reads it, the same rule as form fields.
func checkQuery(r *http.Request) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return problem.New(problem.Invalid, "hardening.text.invalid")
	}
	for k, vs := range q {
		if persian.CheckText(k, false) != nil {
			return problem.New(problem.Invalid, "hardening.text.invalid")
		}
		for _, v := range vs {
			if persian.CheckText(v, false) != nil {
				return problem.Field(k, "hardening.text.invalid")
			}
		}
	}
	return nil
}
