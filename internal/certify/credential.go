package certify

import (
	"encoding/json"
	"time"
)

// Credential is the signed payload of a certificate: a W3C Verifiable Credential
// 2.0 secured as a JWS (VC-JOSE-COSE, media type application/vc+jwt).
type Credential struct {
	Context           []string          `json:"@context"`
	ID                string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            CredentialIssuer  `json:"issuer"`
	ValidFrom         string            `json:"validFrom"`
	ValidUntil        string            `json:"validUntil"`
	CredentialSubject CredentialSubject `json:"credentialSubject"`
	CredentialStatus  CredentialStatus  `json:"credentialStatus"`
}

// CredentialIssuer is the VC issuer: ITO.
type CredentialIssuer struct {
	ID   string    `json:"id"`
	Name Bilingual `json:"name"`
}

// CredentialSubject is what the certificate says about the product and its holder.
type CredentialSubject struct {
	Number              string      `json:"certificateNumber"`
	Holder              SubjectHold `json:"holder"`
	Product             SubjectProd `json:"product"`
	Versions            []string    `json:"versions"`
	Category            string      `json:"category"`
	Conditions          []Bilingual `json:"conditions"`
	PreviousCertificate string      `json:"previousCertificate,omitempty"`
}

// SubjectHold is the holder of a certificate.
type SubjectHold struct {
	Type       string    `json:"type"`
	NationalID string    `json:"nationalId"`
	Name       Bilingual `json:"name"`
}

// SubjectProd is the certified software product.
type SubjectProd struct {
	Name       Bilingual `json:"name"`
	Platform   string    `json:"platform,omitempty"`
	Deployment string    `json:"deployment,omitempty"`
}

// CredentialStatus points at the registry entry that holds the live status.
type CredentialStatus struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// credentialFor builds the credential of c as issued by iss.
func credentialFor(c Certificate, iss Issuer, baseURL string) Credential {
	return Credential{
		Context:    []string{"https://www.w3.org/ns/credentials/v2"},
		ID:         baseURL + "/registry/" + c.Number,
		Type:       []string{"VerifiableCredential", "SoftwareAuthenticityCertificate"},
		Issuer:     CredentialIssuer{ID: iss.ID, Name: iss.Name},
		ValidFrom:  c.IssuedAt.UTC().Format(time.RFC3339),
		ValidUntil: c.ExpiresAt.UTC().Format(time.RFC3339),
		CredentialSubject: CredentialSubject{
			Number:              c.Number,
			Holder:              SubjectHold{Type: c.HolderType, NationalID: c.HolderID, Name: c.HolderName},
			Product:             SubjectProd{Name: c.ProductName, Platform: c.Platform, Deployment: c.Deployment},
			Versions:            c.Versions,
			Category:            c.Category,
			Conditions:          c.Conditions,
			PreviousCertificate: c.PreviousNumber,
		},
		CredentialStatus: CredentialStatus{ID: baseURL + "/api/v1/registry/certificates/" + c.Number, Type: "MizRegistryStatus"},
	}
}

// ParseCredential decodes a credential payload strictly enough to compare it.
func ParseCredential(payload []byte) (Credential, error) {
	var cr Credential
	err := json.Unmarshal(payload, &cr)
	return cr, err
}
