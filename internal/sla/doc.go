// Package sla keeps the honest SLA clock of Miz (SLA C-4.1): a business
// calendar for Asia/Tehran with per-province working weeks, holidays and
// one-off closures, and a clock rebuilt from a case's state history that
// counts time only while the Organization holds the case.
//
// The package is pure logic. Callers load calendars and case histories from
// storage, build a Calendar with New, and call Compute, Deadline or
// NextMilestones; nothing here reads a clock, so every function takes "now".
//
// Instants are counted at whole-second precision (sub-second parts are
// dropped) and returned in UTC; working hours are wall-clock hours in the
// calendar's location, so a span across a historic daylight-saving change
// counts the real elapsed working time.
package sla
