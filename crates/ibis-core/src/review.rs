//! Review and outcomes: month arithmetic, reassessment due dates, goal attainment at review,
//! the worklist of what is due or overdue, and level changes that change the budget.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::budget::ExplainedBudget;
use crate::field::FieldError;
use crate::money::Money;
use crate::outcome::{BudgetGroup, TargetGroup};
use crate::plan::PlanState;
use crate::registry::{age_on, optional_text};

/// `d` plus `months` calendar months, the day clamped to the last day of the target month
/// (2026-08-31 + 6 months = 2027-02-28; 2028-02-29 + 12 months = 2029-02-28). Never panics:
/// a result past the last representable date is that date.
pub fn add_months(d: Date, months: u32) -> Date {
    let index = i64::from(d.year()) * 12 + i64::from(d.month() as u8 - 1) + i64::from(months);
    let year = index.div_euclid(12);
    let Ok(year) = i32::try_from(year) else {
        return Date::MAX;
    };
    // `index.rem_euclid(12)` is 0..=11, so the month number is 1..=12.
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::December);
    if year > Date::MAX.year() {
        return Date::MAX;
    }
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// The day a person born on `birth` reaches `years` years of age, counted as
/// [`age_on`] counts it (someone born on 29 February comes of age on 1 March in a common
/// year).
pub fn birthday(birth: Date, years: u32) -> Date {
    let target = add_months(birth, years.saturating_mul(12));
    if target.day() < birth.day() {
        // Clamped from 29 February: the birthday is reached the day after 28 February.
        target.next_day().unwrap_or(target)
    } else {
        target
    }
}

/// How often people are reassessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRules {
    /// Children: at least every this many months (6 in the pilot, seed 000 L3531-3535).
    pub child_months: u32,
    /// Everyone else: at least every this many months (12: Cabinet Regulation No. 338; adults
    /// at least once a year, seed 001 L1544-1548).
    pub everyone_months: u32,
}

impl Default for ReviewRules {
    fn default() -> Self {
        Self {
            child_months: 6,
            everyone_months: 12,
        }
    }
}

/// The day the next reassessment is due after an assessment on `last`.
pub fn next_review_due(target: TargetGroup, last: Date, rules: &ReviewRules) -> Date {
    let months = match target {
        TargetGroup::ChildFt => rules.child_months,
        TargetGroup::AdultGrt => rules.everyone_months,
    };
    add_months(last, months)
}

/// Goal Attainment Scaling: how far a goal was reached at review, -2 to +2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i8", into = "i8")]
pub enum GoalAttainment {
    /// -2: much less than expected.
    MuchLess,
    /// -1: somewhat less than expected.
    Less,
    /// 0: the expected outcome.
    Expected,
    /// +1: somewhat more than expected.
    More,
    /// +2: much more than expected.
    MuchMore,
}

impl GoalAttainment {
    /// Every value, from -2 to +2.
    pub const ALL: [GoalAttainment; 5] = [
        GoalAttainment::MuchLess,
        GoalAttainment::Less,
        GoalAttainment::Expected,
        GoalAttainment::More,
        GoalAttainment::MuchMore,
    ];

    /// The value for a score -2..=2, or `None` off the scale.
    pub fn from_score(score: i8) -> Option<Self> {
        match score {
            -2 => Some(Self::MuchLess),
            -1 => Some(Self::Less),
            0 => Some(Self::Expected),
            1 => Some(Self::More),
            2 => Some(Self::MuchMore),
            _ => None,
        }
    }

    /// The score, -2..=2.
    pub fn score(self) -> i8 {
        match self {
            Self::MuchLess => -2,
            Self::Less => -1,
            Self::Expected => 0,
            Self::More => 1,
            Self::MuchMore => 2,
        }
    }

    /// Latvian label.
    pub fn label_lv(self) -> &'static str {
        match self {
            Self::MuchLess => "daudz mazāk nekā gaidīts",
            Self::Less => "mazāk nekā gaidīts",
            Self::Expected => "kā gaidīts",
            Self::More => "vairāk nekā gaidīts",
            Self::MuchMore => "daudz vairāk nekā gaidīts",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::MuchLess => "much less than expected",
            Self::Less => "less than expected",
            Self::Expected => "as expected",
            Self::More => "more than expected",
            Self::MuchMore => "much more than expected",
        }
    }
}

impl TryFrom<i8> for GoalAttainment {
    type Error = String;
    fn try_from(v: i8) -> Result<Self, Self::Error> {
        Self::from_score(v).ok_or_else(|| format!("{v} is not on the scale -2 to +2"))
    }
}

impl From<GoalAttainment> for i8 {
    fn from(g: GoalAttainment) -> i8 {
        g.score()
    }
}

/// The attainment of one goal of the plan, as recorded at review.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalReviewInput {
    /// The goal's position in the plan's `goals`, from 0.
    pub goal_index: usize,
    /// -2 (much less than expected) to +2 (much more than expected).
    pub attainment: i8,
    /// What happened, in words.
    #[serde(default)]
    pub note: String,
}

/// A goal's attainment, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalReview {
    /// The goal's position in the plan's `goals`, from 0.
    pub goal_index: usize,
    /// How far it was reached.
    pub attainment: GoalAttainment,
    /// What happened.
    pub note: String,
}

impl GoalReviewInput {
    /// Checks the input against a plan with `goal_count` goals; field names are prefixed with
    /// `prefix` (e.g. `goals[2].`, or empty).
    pub fn check_at(
        &self,
        prefix: &str,
        goal_count: usize,
        errors: &mut Vec<FieldError>,
    ) -> Option<GoalReview> {
        let before = errors.len();
        if self.goal_index >= goal_count {
            errors.push(FieldError::new(
                format!("{prefix}goal_index"),
                format!(
                    "{} is not a goal of the plan; the plan has {goal_count} goal(s), numbered from 0",
                    self.goal_index
                ),
            ));
        }
        let attainment = GoalAttainment::from_score(self.attainment);
        if attainment.is_none() {
            errors.push(FieldError::new(
                format!("{prefix}attainment"),
                format!(
                    "{} is not on the scale; allowed: -2, -1, 0, 1, 2 (much less than expected … much more than expected)",
                    self.attainment
                ),
            ));
        }
        let note = optional_text(&format!("{prefix}note"), Some(&self.note), 2000, errors)
            .unwrap_or_default();
        match attainment {
            Some(attainment) if errors.len() == before => Some(GoalReview {
                goal_index: self.goal_index,
                attainment,
                note,
            }),
            _ => None,
        }
    }

    /// Checks one goal review against a plan with `goal_count` goals.
    pub fn check(&self, goal_count: usize) -> Result<GoalReview, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.check_at("", goal_count, &mut errors).ok_or(errors)
    }
}

/// Checks the goal reviews of one review (`goals[i].…`), refusing a goal reviewed twice.
pub fn check_goal_reviews(
    inputs: &[GoalReviewInput],
    goal_count: usize,
) -> Result<Vec<GoalReview>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, g) in inputs.iter().enumerate() {
        let prefix = format!("goals[{i}].");
        if inputs[..i].iter().any(|o| o.goal_index == g.goal_index) {
            errors.push(FieldError::new(
                format!("{prefix}goal_index"),
                format!("goal {} is reviewed twice", g.goal_index),
            ));
        }
        if let Some(r) = g.check_at(&prefix, goal_count, &mut errors) {
            out.push(r);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What a worklist item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkKind {
    /// A reassessment is due within the next 30 days.
    ReviewDue,
    /// A reassessment is past its date.
    ReviewOverdue,
    /// A plan waits for the person's (or representative's) signature.
    AwaitingSignature,
    /// An assessment waits for a budget decision.
    AwaitingDecision,
    /// The person is 16-18: support changes at 18.
    Transition,
}

impl WorkKind {
    /// Latvian label.
    pub fn label_lv(self) -> &'static str {
        match self {
            WorkKind::ReviewDue => "Drīz jāpārvērtē",
            WorkKind::ReviewOverdue => "Pārvērtēšana nokavēta",
            WorkKind::AwaitingSignature => "Plāns gaida parakstu",
            WorkKind::AwaitingDecision => "Novērtējums gaida lēmumu par budžetu",
            WorkKind::Transition => "Pāreja uz pieaugušo atbalstu (18 gadi)",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            WorkKind::ReviewDue => "Review due",
            WorkKind::ReviewOverdue => "Review overdue",
            WorkKind::AwaitingSignature => "Plan awaiting signature",
            WorkKind::AwaitingDecision => "Assessment awaiting a budget decision",
            WorkKind::Transition => "Transition to adult support (18)",
        }
    }
}

/// One thing a case manager has to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    /// The person concerned.
    pub person_id: i64,
    /// What is asked.
    pub kind: WorkKind,
    /// The date it is due (the review date; the 18th birthday for a transition), where there
    /// is one.
    pub due_on: Option<Date>,
    /// A sentence in English with the particulars (dates, states).
    pub detail: String,
}

/// What the worklist needs to know about one person's case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// The person.
    pub person_id: i64,
    /// Their target group.
    pub target_group: TargetGroup,
    /// Date of birth.
    pub birth_date: Date,
    /// The date of the last signed assessment.
    pub last_assessed_on: Option<Date>,
    /// The next review date the assessment set; when absent it follows from
    /// `last_assessed_on` by the [`ReviewRules`].
    pub next_review_on: Option<Date>,
    /// The state of the current plan, if there is one.
    pub plan_state: Option<PlanState>,
    /// Whether the current plan has a signature.
    pub plan_signed: bool,
    /// Whether the last assessment has no budget decision yet.
    pub assessment_without_decision: bool,
}

/// How many days ahead a review counts as due.
pub const DUE_WITHIN_DAYS: i64 = 30;

/// The worklist for `today`: reviews due within [`DUE_WITHIN_DAYS`] days (inclusive) or
/// overdue, plans in draft or agreed without a signature, assessments without a decision, and
/// people aged 16, 17 or 18 (support changes at 18). Overdue items come first, then by date
/// (undated items last), then by person.
pub fn worklist(today: Date, items: &[CaseFacts], rules: &ReviewRules) -> Vec<WorkItem> {
    let horizon = today.saturating_add(Duration::days(DUE_WITHIN_DAYS));
    let mut out = Vec::new();
    for c in items {
        let next = c.next_review_on.or_else(|| {
            c.last_assessed_on
                .map(|l| next_review_due(c.target_group, l, rules))
        });
        if let Some(next) = next {
            if next < today {
                let late = (today - next).whole_days();
                out.push(WorkItem {
                    person_id: c.person_id,
                    kind: WorkKind::ReviewOverdue,
                    due_on: Some(next),
                    detail: format!("reassessment was due on {next}, {late} day(s) ago"),
                });
            } else if next <= horizon {
                let left = (next - today).whole_days();
                out.push(WorkItem {
                    person_id: c.person_id,
                    kind: WorkKind::ReviewDue,
                    due_on: Some(next),
                    detail: format!("reassessment is due on {next}, in {left} day(s)"),
                });
            }
        }
        if let Some(state) = c.plan_state {
            if matches!(state, PlanState::Draft | PlanState::Agreed) && !c.plan_signed {
                out.push(WorkItem {
                    person_id: c.person_id,
                    kind: WorkKind::AwaitingSignature,
                    due_on: None,
                    detail: format!("the plan is {state} and has no signature"),
                });
            }
        }
        if c.assessment_without_decision {
            out.push(WorkItem {
                person_id: c.person_id,
                kind: WorkKind::AwaitingDecision,
                due_on: None,
                detail: match c.last_assessed_on {
                    Some(d) => format!("the assessment of {d} has no budget decision"),
                    None => "an assessment has no budget decision".to_owned(),
                },
            });
        }
        if c.birth_date <= today {
            let age = age_on(c.birth_date, today);
            if (16..=18).contains(&age) {
                let eighteen = birthday(c.birth_date, 18);
                out.push(WorkItem {
                    person_id: c.person_id,
                    kind: WorkKind::Transition,
                    due_on: Some(eighteen),
                    detail: if eighteen > today {
                        format!("aged {age}, turns 18 on {eighteen}: support changes at 18")
                    } else {
                        format!("turned 18 on {eighteen}: support changes at 18")
                    },
                });
            }
        }
    }
    out.sort_by(|a, b| {
        let overdue = |w: &WorkItem| w.kind != WorkKind::ReviewOverdue;
        let date = |w: &WorkItem| (w.due_on.is_none(), w.due_on);
        overdue(a)
            .cmp(&overdue(b))
            .then(date(a).cmp(&date(b)))
            .then(a.person_id.cmp(&b.person_id))
            .then(a.kind.cmp(&b.kind))
    });
    out
}

/// A reassessment that changes the budget: a different level or group, from a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChange {
    /// The first day the new budget applies.
    pub from: Date,
    /// The group before.
    pub old_group: BudgetGroup,
    /// The group after.
    pub new_group: BudgetGroup,
    /// The level before.
    pub old_level: String,
    /// The level after.
    pub new_level: String,
    /// The monthly amount before.
    pub old_monthly: Money,
    /// The monthly amount after.
    pub new_monthly: Money,
    /// `new_monthly - old_monthly` (negative when the budget falls).
    pub difference: Money,
}

/// The budget change a reassessment brings, from `from`: `Some` only when the level or the
/// group differs. A different mix of services alone does not change the budget (seed 001,
/// L4309-4315; rules.md section 1).
pub fn budget_change(
    old: &ExplainedBudget,
    new: &ExplainedBudget,
    from: Date,
) -> Option<LevelChange> {
    if old.level == new.level && old.group == new.group {
        return None;
    }
    Some(LevelChange {
        from,
        old_group: old.group,
        new_group: new.group,
        old_level: old.level.clone(),
        new_level: new.level.clone(),
        old_monthly: old.total_eur,
        new_monthly: new.total_eur,
        difference: new.total_eur - old.total_eur,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{LivingSituation, Outcome};
    use crate::policy::PolicySet;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn months_clamp_to_the_last_day() {
        assert_eq!(add_months(date!(2026 - 08 - 31), 6), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 08 - 31), 6), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2028 - 02 - 29), 12), date!(2029 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 02 - 29), 48), date!(2032 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 12 - 15), 1), date!(2027 - 01 - 15));
        assert_eq!(add_months(date!(2026 - 03 - 01), 0), date!(2026 - 03 - 01));
        assert_eq!(add_months(date!(2026 - 03 - 01), 12), date!(2027 - 03 - 01));
        assert_eq!(add_months(date!(9999 - 12 - 01), 1), Date::MAX);
        assert_eq!(add_months(date!(2026 - 03 - 01), u32::MAX), Date::MAX);
    }

    #[test]
    fn birthdays_count_as_age_on_does() {
        let b = date!(2008 - 02 - 29);
        assert_eq!(birthday(b, 18), date!(2026 - 03 - 01));
        assert_eq!(age_on(b, birthday(b, 18)), 18);
        assert_eq!(age_on(b, date!(2026 - 02 - 28)), 17);
        assert_eq!(birthday(date!(2010 - 02 - 28), 18), date!(2028 - 02 - 28));
        assert_eq!(birthday(date!(2012 - 02 - 29), 16), date!(2028 - 02 - 29));
    }

    #[test]
    fn review_due_by_group() {
        let r = ReviewRules::default();
        assert_eq!(
            next_review_due(TargetGroup::ChildFt, date!(2026 - 08 - 31), &r),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            next_review_due(TargetGroup::AdultGrt, date!(2028 - 02 - 29), &r),
            date!(2029 - 02 - 28)
        );
        let r = ReviewRules {
            child_months: 3,
            everyone_months: 24,
        };
        assert_eq!(
            next_review_due(TargetGroup::ChildFt, date!(2026 - 11 - 30), &r),
            date!(2027 - 02 - 28)
        );
    }

    #[test]
    fn goal_attainment_scale() {
        for g in GoalAttainment::ALL {
            assert_eq!(GoalAttainment::from_score(g.score()), Some(g));
        }
        assert_eq!(serde_json::to_string(&GoalAttainment::Less).unwrap(), "-1");
        assert!(serde_json::from_str::<GoalAttainment>("3").is_err());
        let ok = GoalReviewInput {
            goal_index: 1,
            attainment: 2,
            note: " walked to school alone ".into(),
        }
        .check(2)
        .unwrap();
        assert_eq!(ok.attainment, GoalAttainment::MuchMore);
        assert_eq!(ok.note, "walked to school alone");
        let errs = GoalReviewInput {
            goal_index: 2,
            attainment: -3,
            note: String::new(),
        }
        .check(2)
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["goal_index", "attainment"]);
        let errs = check_goal_reviews(
            &[
                GoalReviewInput {
                    goal_index: 0,
                    attainment: 0,
                    note: String::new(),
                },
                GoalReviewInput {
                    goal_index: 0,
                    attainment: 5,
                    note: String::new(),
                },
            ],
            1,
        )
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["goals[1].goal_index", "goals[1].attainment"]);
    }

    fn case(id: i64) -> CaseFacts {
        CaseFacts {
            person_id: id,
            target_group: TargetGroup::AdultGrt,
            birth_date: date!(1980 - 05 - 05),
            last_assessed_on: None,
            next_review_on: None,
            plan_state: None,
            plan_signed: false,
            assessment_without_decision: false,
        }
    }

    fn kinds(w: &[WorkItem]) -> Vec<(i64, WorkKind)> {
        w.iter().map(|i| (i.person_id, i.kind)).collect()
    }

    #[test]
    fn due_and_overdue_across_year_ends() {
        let rules = ReviewRules::default();
        let due = CaseFacts {
            next_review_on: Some(date!(2027 - 01 - 15)),
            ..case(1)
        };
        let w = worklist(date!(2026 - 12 - 31), std::slice::from_ref(&due), &rules);
        assert_eq!(kinds(&w), [(1, WorkKind::ReviewDue)]);
        assert_eq!(w[0].due_on, Some(date!(2027 - 01 - 15)));

        let over = CaseFacts {
            next_review_on: Some(date!(2026 - 12 - 31)),
            ..case(2)
        };
        let w = worklist(date!(2027 - 01 - 01), std::slice::from_ref(&over), &rules);
        assert_eq!(kinds(&w), [(2, WorkKind::ReviewOverdue)]);
        // On the day itself it is due, not overdue.
        let w = worklist(date!(2026 - 12 - 31), &[over], &rules);
        assert_eq!(kinds(&w), [(2, WorkKind::ReviewDue)]);

        // 30 days ahead inclusive; 31 is not yet due.
        let edge = CaseFacts {
            next_review_on: Some(date!(2027 - 01 - 30)),
            ..case(3)
        };
        assert_eq!(
            worklist(date!(2026 - 12 - 31), std::slice::from_ref(&edge), &rules).len(),
            1
        );
        assert!(worklist(date!(2026 - 12 - 30), &[edge], &rules).is_empty());

        // Leap day: a review on 2028-02-29 is due from 2028-01-30, overdue from 2028-03-01.
        let leap = CaseFacts {
            next_review_on: Some(date!(2028 - 02 - 29)),
            ..case(4)
        };
        assert!(worklist(date!(2028 - 01 - 29), std::slice::from_ref(&leap), &rules).is_empty());
        assert_eq!(
            kinds(&worklist(
                date!(2028 - 01 - 30),
                std::slice::from_ref(&leap),
                &rules
            )),
            [(4, WorkKind::ReviewDue)]
        );
        assert_eq!(
            kinds(&worklist(
                date!(2028 - 02 - 29),
                std::slice::from_ref(&leap),
                &rules
            )),
            [(4, WorkKind::ReviewDue)]
        );
        assert_eq!(
            kinds(&worklist(date!(2028 - 03 - 01), &[leap], &rules)),
            [(4, WorkKind::ReviewOverdue)]
        );
    }

    #[test]
    fn review_date_follows_the_last_assessment_when_not_set() {
        let child = CaseFacts {
            target_group: TargetGroup::ChildFt,
            birth_date: date!(2015 - 01 - 01),
            last_assessed_on: Some(date!(2026 - 08 - 31)),
            ..case(5)
        };
        let w = worklist(date!(2027 - 02 - 01), &[child], &ReviewRules::default());
        assert_eq!(kinds(&w), [(5, WorkKind::ReviewDue)]);
        assert_eq!(w[0].due_on, Some(date!(2027 - 02 - 28)));
    }

    #[test]
    fn signatures_decisions_transitions_and_order() {
        let today = date!(2026 - 06 - 10);
        let items = [
            CaseFacts {
                plan_state: Some(PlanState::Draft),
                ..case(10)
            },
            CaseFacts {
                plan_state: Some(PlanState::Agreed),
                plan_signed: true,
                ..case(11)
            },
            CaseFacts {
                plan_state: Some(PlanState::Active),
                assessment_without_decision: true,
                ..case(12)
            },
            CaseFacts {
                target_group: TargetGroup::ChildFt,
                birth_date: date!(2010 - 06 - 11),
                ..case(13)
            },
            CaseFacts {
                target_group: TargetGroup::ChildFt,
                birth_date: date!(2010 - 06 - 10),
                ..case(14)
            },
            CaseFacts {
                birth_date: date!(2007 - 06 - 10),
                ..case(15)
            },
            CaseFacts {
                birth_date: date!(2007 - 06 - 11),
                ..case(16)
            },
            CaseFacts {
                next_review_on: Some(date!(2026 - 05 - 01)),
                ..case(17)
            },
            CaseFacts {
                next_review_on: Some(date!(2026 - 06 - 20)),
                ..case(18)
            },
            CaseFacts {
                next_review_on: Some(date!(2026 - 06 - 01)),
                ..case(19)
            },
        ];
        let w = worklist(today, &items, &ReviewRules::default());
        assert_eq!(
            kinds(&w),
            [
                (17, WorkKind::ReviewOverdue),
                (19, WorkKind::ReviewOverdue),
                (16, WorkKind::Transition),
                (18, WorkKind::ReviewDue),
                (14, WorkKind::Transition),
                (10, WorkKind::AwaitingSignature),
                (12, WorkKind::AwaitingDecision),
            ]
        );
        // 13 is 15 until tomorrow; 15 turned 19 today. 16 is 18, 14 is 16 today.
        assert!(
            w[2].detail.contains("turned 18 on 2025-06-11"),
            "{}",
            w[3].detail
        );
        assert!(
            w[4].detail.contains("turns 18 on 2028-06-10"),
            "{}",
            w[4].detail
        );
    }

    #[test]
    fn only_a_level_change_changes_the_budget() {
        let set = PolicySet::builtin().unwrap();
        let on = date!(2026 - 03 - 01);
        let b = |level: &str, living| {
            set.compute(
                &Outcome {
                    group: BudgetGroup::AdultGrt,
                    level: Some(level.into()),
                    living: Some(living),
                    ratings: None,
                },
                on,
            )
            .unwrap()
        };
        let two_family = b("II", LivingSituation::Family);
        let two_social = b("II", LivingSituation::SocialHome);
        assert!(budget_change(&two_family, &two_social, on).is_none());
        // A different package for the same level (here a move to a group flat) is not a level
        // change either: only a reassessment that changes the level or group changes it.
        let two_flat = b("II", LivingSituation::GroupFlat);
        assert!(budget_change(&two_family, &two_flat, on).is_none());
        let three = b("III", LivingSituation::Family);
        let c = budget_change(&two_family, &three, date!(2026 - 07 - 01)).unwrap();
        assert_eq!((c.old_level.as_str(), c.new_level.as_str()), ("II", "III"));
        assert_eq!(c.difference.to_string(), "232.58");
        assert_eq!(c.from, date!(2026 - 07 - 01));
    }

    proptest! {
        #[test]
        fn add_months_never_panics_and_never_grows_the_day(
            days in 0i64..(300 * 366),
            months in 0u32..5000,
        ) {
            let d = date!(1900 - 01 - 01) + Duration::days(days);
            prop_assume!(d.year() <= 2200);
            let r = add_months(d, months);
            prop_assert!(r.day() <= d.day());
            prop_assert!(r >= d);
            let expected_month = (u32::from(d.month() as u8) - 1 + months) % 12 + 1;
            prop_assert_eq!(u32::from(r.month() as u8), expected_month);
        }
    }
}
