package desk

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// CERTIFY publishes a first response to questions within 2 business days: asked on
// Tuesday at 10:30 (4 working hours left that day), the 14 hours run through
// Wednesday, skip the Thursday–Friday weekend and end on Saturday at 10:30.
func TestQuestionFirstResponseClockOnBusinessDays_C47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		q, err := f.d.Ask(ctx, f.person, AskInput{Service: "certify", Body: "  مدارک لازم برای شرکت‌ها چیست؟ "})
		if err != nil {
			t.Fatal(err)
		}
		if want := tehranAt(28, 10, 30); !q.FirstDueAt.Equal(want) {
			t.Fatalf("first-response deadline %v, want %v", q.FirstDueAt.In(want.Location()), want)
		}
		if q.Status != StatusWaiting || q.Body != "مدارک لازم برای شرکت‌ها چیست؟" {
			t.Fatalf("question %+v", q)
		}
		f.clock.Set(tehranAt(28, 9, 30)) // Saturday: 4 + 7 + 2 working hours later
		if _, err := f.d.Reply(ctx, f.expert, q.ID, "فهرست مدارک در صفحه خدمت آمده است."); err != nil {
			t.Fatal(err)
		}
		got, err := f.d.Question(ctx, f.person, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusAnswered || got.FirstResponseSeconds != 13*3600 || got.FirstResponderID != f.expert.ID {
			t.Fatalf("after the answer: status %s, first response %ds by %d", got.Status, got.FirstResponseSeconds, got.FirstResponderID)
		}
		if !got.Clock.Stopped || got.Clock.Breached || len(got.Answers) != 1 || !got.Answers[0].ByStaff {
			t.Fatalf("clock %+v, answers %+v", got.Clock, got.Answers)
		}
		// A second answer does not move the first response.
		f.clock.Set(tehranAt(29, 9, 0))
		if _, err := f.d.Reply(ctx, f.supervisor, q.ID, "و این هم نمونه."); err != nil {
			t.Fatal(err)
		}
		got, _ = f.d.Question(ctx, f.person, q.ID)
		if got.FirstResponseSeconds != 13*3600 || len(got.Answers) != 2 {
			t.Fatalf("second answer moved the first response: %d, %d answers", got.FirstResponseSeconds, len(got.Answers))
		}
	})
}

// CERT publishes 4 hours around the clock: a question on Thursday night is due
// before dawn on Friday, weekend or not.
func TestQuestionFirstResponseClock24x7_C47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 0)
		f.clock.Set(tehranAt(26, 22, 0))
		q, err := f.d.Ask(context.Background(), f.org, AskInput{Service: "cert", Body: "سامانه ما هدف حمله است؟"})
		if err != nil {
			t.Fatal(err)
		}
		if want := tehranAt(27, 2, 0); !q.FirstDueAt.Equal(want) {
			t.Fatalf("deadline %v, want %v", q.FirstDueAt, want)
		}
		f.clock.Set(tehranAt(27, 3, 0))
		got, err := f.d.Question(context.Background(), f.other, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Clock.Breached {
			t.Fatalf("an unanswered question past its deadline is not breached: %+v", got.Clock)
		}
	})
}

// Questions waiting for the Organization come first in the staff's lists, nearest
// deadline first; a case with a waiting question leads the case queue (C-4.7).
func TestWaitingQuestionsSortFirstForStaff_C47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		early, _ := f.caseFor(tehranAt(25, 8, 0))
		late, _ := f.caseFor(tehranAt(30, 8, 0))
		answered, err := f.d.Ask(ctx, f.person, AskInput{Service: "certify", Body: "اول"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.d.Reply(ctx, f.expert, answered.ID, "پاسخ"); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(tehranAt(24, 12, 0))
		onCase, err := f.d.Ask(ctx, f.org, AskInput{Case: late, Body: "درخواست ما کجاست؟"})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(tehranAt(24, 13, 0))
		onService, err := f.d.Ask(ctx, f.outsider, AskInput{Service: "certify", Body: "دوم"})
		if err != nil {
			t.Fatal(err)
		}
		list, err := f.d.Questions(ctx, f.expert, QuestionFilter{Service: "certify"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ID != onCase.ID || list[1].ID != onService.ID || list[2].ID != answered.ID {
			t.Fatalf("staff list order: %v", ids(list))
		}
		if list[0].CaseCode != late {
			t.Fatalf("case question shows case %q, want %q", list[0].CaseCode, late)
		}
		waiting, _ := f.d.Questions(ctx, f.expert, QuestionFilter{Service: "certify", Status: StatusWaiting})
		if len(waiting) != 2 {
			t.Fatalf("waiting filter: %v", ids(waiting))
		}
		engine := &cases.Engine{DB: db, Now: f.clock.Now}
		queue, err := engine.Queue(ctx, f.expert, cases.QueueFilter{Service: "certify"})
		if err != nil {
			t.Fatal(err)
		}
		if len(queue) != 2 || queue[0].TrackingCode != late || queue[1].TrackingCode != early {
			t.Fatalf("the case with a waiting question does not lead the queue")
		}
		if _, err := f.d.Reply(ctx, f.expert, onCase.ID, "در حال بررسی است."); err != nil {
			t.Fatal(err)
		}
		queue, _ = engine.Queue(ctx, f.expert, cases.QueueFilter{Service: "certify"})
		if queue[0].TrackingCode != early {
			t.Fatalf("once answered, the case goes back to its deadline's place")
		}
		// The asker follows up: the question waits again, with a fresh deadline.
		f.clock.Set(tehranAt(25, 8, 0))
		if _, err := f.d.Reply(ctx, f.org, onCase.ID, "سپاس؛ تا کی؟"); err != nil {
			t.Fatal(err)
		}
		queue, _ = engine.Queue(ctx, f.expert, cases.QueueFilter{Service: "certify"})
		got, _ := f.d.Question(ctx, f.org, onCase.ID)
		if queue[0].TrackingCode != late || got.Status != StatusWaiting || got.FirstResponseAt.IsZero() {
			t.Fatalf("follow-up: queue head %s, question %s", queue[0].TrackingCode, got.Status)
		}
		mine, err := f.d.MyQuestions(ctx, f.org, 0)
		if err != nil || len(mine) != 1 || len(mine[0].Answers) != 2 {
			t.Fatalf("my questions: %v %v", mine, err)
		}
		onTheCase, err := f.d.CaseQuestions(ctx, f.org, late)
		if err != nil || len(onTheCase) != 1 {
			t.Fatalf("case questions: %v %v", onTheCase, err)
		}
	})
}

// Bad questions are refused with a clear reason and change nothing (C-4.7).
func TestBadQuestionsChangeNothing_C47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		code, _ := f.caseFor(tehranAt(30, 8, 0))
		_, err := f.d.Ask(ctx, f.org, AskInput{Service: "certify", Body: "  "})
		wantCode(t, err, problem.Invalid, "desk.question.empty")
		_, err = f.d.Ask(ctx, f.outsider, AskInput{Case: code, Body: "پرونده دیگران"})
		wantCode(t, err, problem.NotFound, "cases.not_found")
		_, err = f.d.Ask(ctx, f.expert, AskInput{Case: code, Body: "کارشناس"})
		wantCode(t, err, problem.Forbidden, "cases.forbidden")
		_, err = f.d.Ask(ctx, f.org, AskInput{Service: "cert", Case: code, Body: "خدمت دیگر"})
		wantCode(t, err, problem.Invalid, "desk.question.other_service")
		_, err = f.d.Ask(ctx, f.org, AskInput{Service: "nosuch", Body: "؟"})
		wantCode(t, err, problem.Invalid, "cases.service.unknown")
		_, err = f.d.Ask(ctx, f.org, AskInput{Body: "؟"})
		wantCode(t, err, problem.Invalid, "error.required")
		_, err = f.d.Ask(ctx, nil, AskInput{Service: "certify", Body: "؟"})
		wantCode(t, err, problem.Unauthorized, "")
		if n := f.count("questions"); n != 0 {
			t.Fatalf("refused questions left %d rows", n)
		}
		q, err := f.d.Ask(ctx, f.org, AskInput{Case: code, Body: "پرسش درست"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.d.Reply(ctx, f.other, q.ID, "کارشناس خدمت دیگر")
		wantCode(t, err, problem.NotFound, "desk.question.not_found")
		_, err = f.d.Reply(ctx, f.outsider, q.ID, "غریبه")
		wantCode(t, err, problem.NotFound, "desk.question.not_found")
		_, err = f.d.Question(ctx, f.outsider, q.ID)
		wantCode(t, err, problem.NotFound, "desk.question.not_found")
		_, err = f.d.Reply(ctx, f.expert, q.ID, "")
		wantCode(t, err, problem.Invalid, "desk.question.empty")
		_, err = f.d.Questions(ctx, f.org, QuestionFilter{Service: "certify"})
		wantCode(t, err, problem.Forbidden, "")
		if n := f.count("question_answers"); n != 0 {
			t.Fatalf("refused answers left %d rows", n)
		}
	})
}

// The median first response for the KPIs counts business time to the first answer.
func TestFirstResponseMedian_C47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		for _, hours := range []int{1, 3, 30} {
			f.clock.Set(tehranAt(22, 8, 0)) // Sunday 08:00
			q, err := f.d.Ask(ctx, f.person, AskInput{Service: "certify", Body: "؟"})
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Set(f.d.deadline(q.AskedAt, budgetHours(hours)))
			if _, err := f.d.Reply(ctx, f.expert, q.ID, "!"); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Set(tehranAt(22, 8, 0))
		if _, err := f.d.Ask(ctx, f.person, AskInput{Service: "certify", Body: "بی‌پاسخ"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(tehranAt(30, 8, 0))
		st, err := FirstResponse(ctx, db, "certify", tehranAt(1, 0, 0), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Asked != 4 || st.Answered != 3 || st.MedianSeconds != 3*3600 || st.Waiting != 1 || st.Overdue != 1 {
			t.Fatalf("first response stats %+v", st)
		}
		if st.OnTime < 0.66 || st.OnTime > 0.67 {
			t.Fatalf("on time %v, want 2 of 3", st.OnTime)
		}
	})
}

func ids(qs []Question) []int64 {
	var out []int64
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}
