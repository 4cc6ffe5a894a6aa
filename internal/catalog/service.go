package catalog

// Service is one catalog entry: an e-service of the Organization at one
// version of its SLA.
type Service struct {
	// ID is the short, stable name of the service, e.g. "certify".
	ID string `yaml:"id"`
	// Version counts the SLA versions of the service, from 1.
	Version int `yaml:"version"`
	// Module names the Go module that hosts the service's case kinds; empty
	// means the generic case engine alone is enough.
	Module string `yaml:"module"`
	// EffectiveFrom is the day from which new cases use this version.
	EffectiveFrom Date `yaml:"effective_from"`

	NationalServiceID string   `yaml:"national_service_id"`
	Name              Text     `yaml:"name"`
	Type              string   `yaml:"type"`
	ResponsibleUnit   Text     `yaml:"responsible_unit"`
	ServiceHours      Text     `yaml:"service_hours"`
	DeliveryTime      Delivery `yaml:"delivery_time"`
	MaxVisits         int      `yaml:"max_visits"`
	Fee               Fee      `yaml:"fee"`
	// Tariffs price the items an invoice may charge for (§6; tariff.go).
	Tariffs              []Tariff     `yaml:"tariffs"`
	Laws                 []Text       `yaml:"laws"`
	Channels             []Channel    `yaml:"channels"`
	Parties              Parties      `yaml:"parties"`
	ApplicantTypes       []string     `yaml:"applicant_types"`
	QuestionResponseTime Duration     `yaml:"question_response_time"`
	Complaints           Complaints   `yaml:"complaints"`
	SLA                  SLAPolicy    `yaml:"sla"`
	Obligations          []Obligation `yaml:"obligations"`
	DataClasses          []DataClass  `yaml:"data_classes"`
	Validity             Validity     `yaml:"validity"`
	Documents            []Document   `yaml:"documents"`
	CaseKinds            []CaseKind   `yaml:"case_kinds"`
	ModuleConfig         ModuleConfig `yaml:"module_config"`
	// Provenance says where each published value comes from (provenance.go).
	Provenance map[string]string `yaml:"provenance"`
}

// Service types as Iranian service desks classify them.
const (
	TypeG2C = "G2C"
	TypeG2B = "G2B"
	TypeG2G = "G2G"
)

// Applicant types a service may accept.
const (
	ApplicantPerson     = "person"     // natural person, 10-digit national code
	ApplicantOrg        = "org"        // company or other legal person, 11-digit national ID
	ApplicantGovernment = "government" // government body (also a legal person)
)

// Delivery is the published delivery time of a service or case kind (C-4.1).
// Maximum is the budget the SLA clock measures; Average is published only.
type Delivery struct {
	Average Duration `yaml:"average"`
	Maximum Duration `yaml:"maximum"`
}

// Fee is what an applicant pays for the service (§6), stated even when free.
type Fee struct {
	// Basis is "free", "fixed" or "agreement" (set per case by agreement).
	Basis string `yaml:"basis"`
	// Amount is in Iranian rials; zero unless Basis is "fixed".
	Amount int64 `yaml:"amount"`
	Note   Text  `yaml:"note"`
}

// Fee bases.
const (
	FeeFree      = "free"
	FeeFixed     = "fixed"
	FeeAgreement = "agreement"
)

// Channel is a published way to reach the service (C-4.7, A-4.2).
type Channel struct {
	// Kind is "web", "api", "phone" or "email".
	Kind  string `yaml:"kind"`
	Value string `yaml:"value"`
	Name  Text   `yaml:"name"`
}

// Parties describes the two sides of the agreement (§1).
type Parties struct {
	Organization Text `yaml:"organization"`
	Applicant    Text `yaml:"applicant"`
}

// Complaints sets the clocks of the dispute process (C-4.5, §7): first a
// negotiation answer, then a committee decision.
type Complaints struct {
	NegotiationResponseTime Duration `yaml:"negotiation_response_time"`
	DecisionTime            Duration `yaml:"decision_time"`
	// Quorum is the number of committee members needed to decide.
	Quorum int `yaml:"quorum"`
}

// SLAPolicy holds the clock options of SLA-CLOCK.md. A case kind may
// override the service's policy; Parse copies the service's policy into
// every kind that does not.
type SLAPolicy struct {
	// OnResubmit is "resume" (the default) or "restart" (rule 3).
	OnResubmit string `yaml:"on_resubmit"`
	// Warnings are the used fractions of the budget at which staff are warned
	// (rule 7); default 0.75 and 0.9.
	Warnings []float64 `yaml:"warnings"`
}

// Clock options for resubmission after incomplete documents.
const (
	ResubmitResume  = "resume"
	ResubmitRestart = "restart"
)

// Obligation is one numbered duty of section 4, e.g. C-4.1.
type Obligation struct {
	ID string `yaml:"id"`
	// Party is "organization" or "applicant".
	Party string `yaml:"party"`
	Text  Text   `yaml:"text"`
}

// Parties of an obligation.
const (
	PartyOrganization = "organization"
	PartyApplicant    = "applicant"
)

// DataClass is one row of the data table of section 5.
type DataClass struct {
	ID       string `yaml:"id"`
	Name     Text   `yaml:"name"`
	Provider Text   `yaml:"provider"`
	Receiver Text   `yaml:"receiver"`
	// Storage is "full": kept whole, with no lossy retention.
	Storage string `yaml:"storage"`
	// Analytics tells whether the content may flow into statistics.
	Analytics bool `yaml:"analytics"`
	// Public is "yes", "no" or "if_needed".
	Public string `yaml:"public"`
	// Level is the publication level: "organization" or "public".
	Level string `yaml:"level"`
}

// Validity is the period of the SLA (§8); both ends are inclusive days.
type Validity struct {
	From Date `yaml:"from"`
	To   Date `yaml:"to"`
}

// ModuleConfig carries data that only the service's module interprets, in
// three generic shapes so that the loader can still check it.
type ModuleConfig struct {
	// Periods are named lengths of time, e.g. certificate_validity.
	Periods map[string]Period `yaml:"periods"`
	// Lists are named lists of identified items, e.g. review criteria.
	Lists map[string][]Item `yaml:"lists"`
	// Settings are named plain values.
	Settings map[string]string `yaml:"settings"`
}
