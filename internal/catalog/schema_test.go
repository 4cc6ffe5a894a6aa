package catalog

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestSchemaMatchesTheGoTypes(t *testing.T) {
	var schema struct {
		Schema     string                     `json:"$schema"`
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(Schema(), &schema); err != nil {
		t.Fatalf("schema is not valid JSON: %v", err)
	}
	if schema.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %q, want draft 2020-12", schema.Schema)
	}
	var fields []string
	st := reflect.TypeFor[Service]()
	for i := range st.NumField() {
		fields = append(fields, strings.Split(st.Field(i).Tag.Get("yaml"), ",")[0])
	}
	var props []string
	for k := range schema.Properties {
		props = append(props, k)
	}
	slices.Sort(fields)
	slices.Sort(props)
	if !slices.Equal(fields, props) {
		t.Errorf("schema properties %v\n  differ from Service's YAML fields %v", props, fields)
	}
	required := requiredFields()
	slices.Sort(required)
	slices.Sort(schema.Required)
	if !slices.Equal(required, schema.Required) {
		t.Errorf("schema requires %v\n  but Parse requires %v", schema.Required, required)
	}
}

func TestSchemaReturnsACopy(t *testing.T) {
	a := Schema()
	a[0] = 'x'
	if Schema()[0] == 'x' {
		t.Error("Schema shares its bytes")
	}
}
