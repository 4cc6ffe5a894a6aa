// Package catalog holds ITO's e-services as versioned data.
//
// A service is one YAML document (see FORMAT.md): its identity card
// (شناسنامه خدمت), the obligations of its SLA, the documents it may ask
// for, and one or more kinds of case, each with its own process and clock
// budget. Parse loads a document strictly and reports every problem with
// its line; Defaults returns the two services ITO published first, CERTIFY
// and CERT; SLADocument turns a service into the nine sections of the
// national SLA template.
//
// A *Service returned by this package is shared and must be treated as
// read-only.
package catalog
