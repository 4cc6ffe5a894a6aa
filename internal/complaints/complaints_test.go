package complaints

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// escalated opens a negotiation on the fixture's case and escalates it.
func escalated(t *testing.T, f *fixture) *Complaint {
	t.Helper()
	ctx := context.Background()
	dp, err := f.d.OpenDispute(ctx, f.applicant, f.code, DisputeInput{Subject: SubjectDecision, Body: "رد درخواست بی‌دلیل بود"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := f.d.Escalate(ctx, f.applicant, dp.ID, "مذاکره به نتیجه نرسید")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNegotiationThenEscalationOnce_S7(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		dp, err := f.d.OpenDispute(ctx, f.applicant, f.code, DisputeInput{Subject: SubjectDelay, Body: "تأخیر زیاد"})
		if err != nil {
			t.Fatal(err)
		}
		if dp.DueAt.IsZero() || !dp.DueAt.After(dp.OpenedAt) || dp.TrackingCode == "" {
			t.Fatalf("dispute %+v: want a tracking code and a negotiation deadline", dp)
		}
		if err := f.d.PostDisputeMessage(ctx, f.supervisor, dp.ID, "در حال بررسی هستیم"); err != nil {
			t.Fatal(err)
		}
		if err := f.d.ProposeSettlement(ctx, f.supervisor, dp.ID, "بررسی دوباره در سه روز"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.d.AcceptSettlement(ctx, f.supervisor, dp.ID), problem.Conflict, "proposer accepts own settlement")
		got, err := f.d.GetDispute(ctx, f.applicant, dp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) != 3 || got.RespondedAt.IsZero() || got.Settlement == "" {
			t.Fatalf("thread %+v: want 3 messages, an answer time and a proposal", got)
		}
		_, err = f.d.GetDispute(ctx, f.other, dp.ID)
		wantCode(t, err, problem.NotFound, "another applicant reads the negotiation")
		k, err := f.d.Escalate(ctx, f.applicant, dp.ID, "قبول ندارم")
		if err != nil {
			t.Fatal(err)
		}
		if k.Type != TypeEscalation || k.CaseCode != f.code || k.Quorum != 3 || !k.DueAt.After(k.FiledAt) {
			t.Fatalf("complaint %+v", k)
		}
		_, err = f.d.Escalate(ctx, f.applicant, dp.ID, "دوباره")
		wantCode(t, err, problem.Conflict, "escalating twice")
		if n := count(t, db, "SELECT COUNT(*) FROM complaints"); n != 1 {
			t.Fatalf("%d complaints after escalating twice, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'complaints.refused' AND summary LIKE '%dispute.escalate%'"); n != 1 {
			t.Fatalf("%d refused escalations in the audit log, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM outbox WHERE recipient = 'applicant@example.org' AND ref_kind = 'complaint'"); n != 1 {
			t.Fatalf("%d e-mails with the complaint's tracking code, want 1", n)
		}
	})
}

func TestExcludedMemberCannotVote_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		k := escalated(t, f)
		wantCode(t, f.d.CastVote(ctx, f.expertMember, k.ID, OutcomeRejected, ""), problem.Forbidden, "excluded member votes")
		if err := f.d.CastVote(ctx, f.expertMember, k.ID, OutcomeRejected, ""); problem.As(err).Key != "complaints.excluded" {
			t.Fatalf("excluded member told %v, want complaints.excluded", err)
		}
		wantCode(t, f.d.CastVote(ctx, f.expert, k.ID, OutcomeRejected, ""), problem.Forbidden, "expert (not a member) votes")
		wantCode(t, f.d.CastVote(ctx, f.nonMember, k.ID, OutcomeRejected, ""), problem.NotFound, "analyst votes")
		wantCode(t, f.d.CastVote(ctx, f.applicant, k.ID, OutcomeUpheld, ""), problem.Forbidden, "applicant votes")
		wantCode(t, f.d.AddFinding(ctx, f.expertMember, k.ID, "یافته"), problem.Forbidden, "excluded member records a finding")
		if n := count(t, db, "SELECT COUNT(*) FROM complaint_votes"); n != 0 {
			t.Fatalf("%d votes stored after refused votes", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'complaints.refused' AND summary LIKE '%complaint.vote%'"); n != 5 {
			t.Fatalf("%d refused votes in the audit log, want 5", n)
		}
		if err := f.d.CastVote(ctx, f.member1, k.ID, OutcomeUpheld, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.d.AddFinding(ctx, f.member1, k.ID, "مستندات رد کافی نبود"); err != nil {
			t.Fatal(err)
		}
		// The excluded member sees that they are excluded, not the deliberation.
		v, err := f.d.Get(ctx, f.expertMember, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Excluded || v.Access != AccessExcluded || v.Body != "" || len(v.Votes) != 0 || len(v.Entries) != 0 {
			t.Fatalf("excluded member's view %+v: want exclusion shown, no body, votes or findings", v)
		}
		for _, who := range []struct {
			name string
			p    *identity.Principal
			acc  Access
		}{{"expert", f.expert, AccessStaff}, {"member1", f.member1, AccessCommittee}, {"applicant", f.applicant, AccessApplicant}} {
			v, err := f.d.Get(ctx, who.p, k.ID)
			if err != nil || v.Access != who.acc {
				t.Fatalf("%s sees %+v, %v; want access %s", who.name, v, err, who.acc)
			}
			if who.acc != AccessCommittee && (len(v.Votes) != 0 || hasFinding(v.Entries)) {
				t.Fatalf("%s sees the deliberation", who.name)
			}
		}
		if v, _ := f.d.Get(ctx, f.member1, k.ID); v.Members != 3 || len(v.Votes) != 1 {
			t.Fatalf("committee view: %d eligible members and %d votes, want 3 and 1", v.Members, len(v.Votes))
		}
		_, err = f.d.Get(ctx, f.other, k.ID)
		wantCode(t, err, problem.NotFound, "another applicant reads the complaint")
	})
}

func TestDecisionNeedsQuorumAndIsFinal_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		k := escalated(t, f)
		in := DecisionInput{Reasons: "دلایل رد در پرونده ثبت نشده بود", Remedies: []RemedyInput{{Kind: RemedyReopen}, {Kind: RemedyApology}}}
		if err := f.d.CastVote(ctx, f.member1, k.ID, OutcomeUpheld, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.d.CastVote(ctx, f.member2, k.ID, OutcomeUpheld, ""); err != nil {
			t.Fatal(err)
		}
		_, err := f.d.Decide(ctx, f.member1, k.ID, in)
		wantCode(t, err, problem.Conflict, "deciding with 2 of 3 votes")
		if n := count(t, db, "SELECT COUNT(*) FROM complaints WHERE state = 'announced'"); n != 0 {
			t.Fatal("a decision without quorum was recorded")
		}
		if err := f.d.CastVote(ctx, f.mem3, k.ID, OutcomePartlyUpheld, ""); err != nil {
			t.Fatal(err)
		}
		_, err = f.d.Decide(ctx, f.expertMember, k.ID, in)
		wantCode(t, err, problem.Forbidden, "excluded member decides")
		bad := in
		bad.Outcome = OutcomeRejected
		_, err = f.d.Decide(ctx, f.member1, k.ID, bad)
		wantCode(t, err, problem.Invalid, "outcome against the majority")
		stray := in
		stray.Remedies = []RemedyInput{{Kind: RemedyApology, State: "technical_review"}}
		_, err = f.d.Decide(ctx, f.member1, k.ID, stray)
		wantCode(t, err, problem.Invalid, "a return step on a remedy that is not a reopen")
		got, err := f.d.Decide(ctx, f.member1, k.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != OutcomeUpheld || got.State != StateAnnounced {
			t.Fatalf("decision %+v: want upheld, announced", got)
		}
		in.Reasons = "دلایل دیگر"
		_, err = f.d.Decide(ctx, f.member2, k.ID, in)
		wantCode(t, err, problem.Conflict, "changing an announced decision")
		wantCode(t, f.d.CastVote(ctx, f.member2, k.ID, OutcomeRejected, ""), problem.Conflict, "voting after announcement")
		if err := f.d.Correct(ctx, f.member2, k.ID, "جبران: بازگشایی ظرف دو روز"); err != nil {
			t.Fatal(err)
		}
		v, err := f.d.Get(ctx, f.applicant, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Reasons != "دلایل رد در پرونده ثبت نشده بود" || len(v.Remedies) != 2 || len(v.Entries) != 1 || v.Entries[0].Kind != EntryCorrection {
			t.Fatalf("applicant's view %+v: want the first reasons, 2 remedies and the correction", v)
		}
		if err := f.d.Acknowledge(ctx, f.applicant, k.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.d.Acknowledge(ctx, f.other, k.ID), problem.NotFound, "another applicant acknowledges")
		if n := count(t, db, "SELECT COUNT(*) FROM case_messages WHERE internal = FALSE"); n != 2 {
			t.Fatalf("%d messages on the case, want the decision and the correction", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM outbox WHERE recipient = 'applicant@example.org' AND subject LIKE '%"+k.TrackingCode+"%'"); n != 3 {
			t.Fatalf("%d e-mails to the applicant about the complaint, want filed, announced, corrected", n)
		}
		// Remedies: only a supervisor carries them out.
		wantCode(t, f.d.CompleteRemedy(ctx, f.member1, k.ID, v.Remedies[1].ID, RemedyDone{}), problem.Forbidden, "member carries out a remedy")
		if err := f.d.CompleteRemedy(ctx, f.supervisor, k.ID, v.Remedies[1].ID, RemedyDone{Note: "نامه عذرخواهی فرستاده شد"}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.d.CompleteRemedy(ctx, f.supervisor, k.ID, v.Remedies[1].ID, RemedyDone{}), problem.Conflict, "remedy done twice")
	})
}

func TestClockPausesWhileWithApplicant_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		k := escalated(t, f)
		before, err := f.d.Get(ctx, f.member1, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.d.RequestInformation(ctx, f.member1, k.ID, PartyApplicant, "نامه رد را بفرستید"); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(48 * time.Hour)
		v, err := f.d.Get(ctx, f.applicant, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Clock.Paused || v.State != StateInformation || len(v.Entries) != 1 {
			t.Fatalf("while with the applicant: paused %v, state %s, %d entries", v.Clock.Paused, v.State, len(v.Entries))
		}
		_, err = f.d.Decide(ctx, f.member1, k.ID, DecisionInput{Reasons: "x"})
		wantCode(t, err, problem.Conflict, "deciding while waiting for the applicant")
		if err := f.d.AnswerInformation(ctx, f.applicant, k.ID, "پیوست شد"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.d.AnswerInformation(ctx, f.applicant, k.ID, "باز"), problem.Conflict, "answering with nothing asked")
		after, err := f.d.Get(ctx, f.member1, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Clock.Paused || after.State != StateReview {
			t.Fatalf("after the answer: paused %v, state %s", after.Clock.Paused, after.State)
		}
		if !after.Clock.DueAt.After(before.Clock.DueAt) {
			t.Fatalf("deadline %v did not move past %v after two days with the applicant", after.Clock.DueAt, before.Clock.DueAt)
		}
	})
}

func TestComplaintAboutAnotherApplicantsCase_A42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.d.File(ctx, f.other, FileInput{CaseCode: f.code, Type: TypeConduct, Body: "بی‌ادبی"})
		wantCode(t, err, problem.NotFound, "complaint about another applicant's case")
		_, err = f.d.OpenDispute(ctx, f.other, f.code, DisputeInput{Subject: SubjectConduct, Body: "x"})
		wantCode(t, err, problem.NotFound, "negotiation about another applicant's case")
		_, err = f.d.File(ctx, f.expert, FileInput{Service: "certify", Type: TypeService, Body: "x"})
		wantCode(t, err, problem.Forbidden, "staff file a complaint")
		if n := count(t, db, "SELECT COUNT(*) FROM complaints") + count(t, db, "SELECT COUNT(*) FROM disputes"); n != 0 {
			t.Fatalf("%d rows written by refused attempts", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'complaints.refused'"); n != 3 {
			t.Fatalf("%d refused attempts audited, want 3", n)
		}
		k, err := f.d.File(ctx, f.other, FileInput{Service: "certify", Type: TypeService, Body: "سامانه کند است"})
		if err != nil {
			t.Fatal(err)
		}
		if k.CaseCode != "" || k.Type != TypeService {
			t.Fatalf("direct complaint %+v", k)
		}
		list, err := f.d.Mine(ctx, f.applicant)
		if err != nil || len(list) != 0 {
			t.Fatalf("the applicant lists %v, %v; want none of another's complaints", list, err)
		}
	})
}

func TestStatsCountWithoutContent_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		k := escalated(t, f)
		if _, err := f.d.File(ctx, f.applicant, FileInput{Service: "certify", Type: TypeConduct, Body: "رفتار ناشایست"}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []struct {
			p       *identity.Principal
			outcome string
		}{{f.member1, OutcomeRejected}, {f.member2, OutcomeRejected}, {f.mem3, OutcomeUpheld}} {
			if err := f.d.CastVote(ctx, m.p, k.ID, m.outcome, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Add(3 * time.Hour)
		if _, err := f.d.Decide(ctx, f.member1, k.ID, DecisionInput{Reasons: "مستند بود"}); err != nil {
			t.Fatal(err)
		}
		fig, err := Stats(ctx, db, "certify", time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if fig.Complaints != 2 || fig.ByType[TypeEscalation] != 1 || fig.ByType[TypeConduct] != 1 || fig.Decided != 1 ||
			fig.ByOutcome[OutcomeRejected] != 1 || fig.UpheldRate != 0 || fig.MedianTimeToDecision != 3*time.Hour ||
			fig.Disputes != 1 || fig.Escalated != 1 {
			t.Fatalf("figures %+v", fig)
		}
		b, _ := json.Marshal(fig)
		if strings.Contains(string(b), "مستند") || strings.Contains(string(b), "ناشایست") || strings.Contains(string(b), k.TrackingCode) {
			t.Fatalf("figures carry content: %s", b)
		}
		if other, _ := Stats(ctx, db, "cert", time.Time{}, time.Time{}); other.Complaints != 0 {
			t.Fatalf("cert figures count certify complaints: %+v", other)
		}
	})
}

func hasFinding(es []Entry) bool {
	for _, e := range es {
		if e.Kind == EntryFinding {
			return true
		}
	}
	return false
}
