package catalog

import (
	"reflect"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// decodeService decodes the service in root, the top mapping readNode already
// parsed, with yaml.v3's KnownFields check (an unknown field is a problem). yaml.v3
// applies KnownFields only to a Decoder reading text, so the file used to be parsed a
// second time for it (issue 18: half of Parse's work). When knownFieldsOnly can tell
// that every key of the file names a field, the node is decoded as it is; whenever
// it cannot, or decoding reports anything, the file is decoded the old way, so the
// problems are exactly those of the old way.
func decodeService(root *yaml.Node, data []byte, s *Service) error {
	if knownFieldsOnly(root, serviceType, 0) {
		if err := root.Decode(s); err == nil {
			return nil
		}
		*s = Service{}
	}
	return decodeStrict(data, s)
}

var (
	serviceType     = reflect.TypeFor[Service]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	obsoleteType    = reflect.TypeFor[interface {
		UnmarshalYAML(func(any) error) error
	}]()
)

// maxKnownDepth bounds knownFieldsOnly's walk; a real service file is a dozen deep.
const maxKnownDepth = 64

// knownFieldsOnly reports whether decoding n into a value of type t meets no mapping
// key that yaml.v3's KnownFields would call unknown. It answers false when it finds
// one and also whenever it is not sure (aliases, merge keys, keys that are not plain
// strings, shapes that do not match t): the caller then decodes the slow way.
func knownFieldsOnly(n *yaml.Node, t reflect.Type, depth int) bool {
	if depth > maxKnownDepth || n.Kind == yaml.AliasNode {
		return false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(obsoleteType) {
		return false
	}
	if pt.Implements(unmarshalerType) {
		return true // it decodes itself; KnownFields does not reach inside
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return true // no keys in a scalar; a wrong type is the decoder's error
	case yaml.SequenceNode:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return false
		}
		for _, c := range n.Content {
			if !knownFieldsOnly(c, t.Elem(), depth+1) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
		if len(n.Content)%2 != 0 {
			return false
		}
		var fields map[string]reflect.Type
		switch t.Kind() {
		case reflect.Map:
		case reflect.Struct:
			if fields = structFields(t); fields == nil {
				return false
			}
		default:
			return false
		}
		for i := 0; i < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || k.Value == "<<" {
				return false
			}
			var vt reflect.Type
			if fields == nil {
				vt = t.Elem() // a map's values
			} else if vt = fields[k.Value]; vt == nil {
				return false // an unknown field: the slow way reports it
			}
			if !knownFieldsOnly(v, vt, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type (nil map: not supported)

// structFields maps the keys yaml.v3 decodes into struct type t to the fields'
// types, following its tag rules; nil when t has an inline field, which this check
// leaves to the slow way.
func structFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.PkgPath != "" && !f.Anonymous {
			continue // unexported
		}
		tag := f.Tag.Get("yaml")
		if tag == "" && !strings.Contains(string(f.Tag), ":") {
			tag = string(f.Tag)
		}
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			fields = nil
			break
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	fieldCache.Store(t, fields)
	return fields
}
