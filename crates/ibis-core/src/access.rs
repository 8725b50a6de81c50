//! Roles and scopes: who may see and do what. The rule lives here; the store translates a
//! [`Scope`] into a query filter and the web layer asks [`Role::may`] before every action.

use serde::{Deserialize, Serialize};

crate::coded_enum!(
    /// A user's role (lietotāja loma), from the roles table of the system description.
    Role, "role", {
        /// The person, a legal representative or a foster family: their own record only.
        Person = "person",
        /// A social worker (case manager) of a municipality: their municipality's people.
        SocialWorker = "social-worker",
        /// An assessor: the people assigned to them.
        Assessor = "assessor",
        /// A broker or support person: the people they support; never approves their budgets.
        Broker = "broker",
        /// A municipality approver: decides budgets and plans, pays; their municipality.
        Approver = "approver",
        /// Provider staff: their provider's clients and agreements.
        Provider = "provider",
        /// A planning-region or ministry analyst: aggregates only, no names.
        Analyst = "analyst",
        /// An administrator: users, policies, tariffs, catalogue; not case content.
        Admin = "admin",
    }
);

/// Something a caller may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Read a person's record (within scope).
    ReadPerson,
    /// Register a person or change their record, relatives, determinations, consents.
    WritePerson,
    /// List people (within scope).
    ListPersons,
    /// Add or change providers and their services.
    WriteProvider,
    /// Read the audit log of a person (within scope), or all of it (administrator).
    ReadAudit,
    /// See aggregate figures.
    ReadAggregates,
    /// Manage users.
    ManageUsers,
    /// See the records of the cycle (assessments, decisions, plans) of the people in scope.
    /// Provider staff, analysts and administrators do not.
    SeeCycle,
    /// See the worklist of the cycle's next steps.
    ReadWorklist,
    /// Record, change and sign assessments.
    RecordAssessment,
    /// Decide a budget on a signed assessment.
    DecideBudget,
    /// Record a request for review (apstrīdēšana) of a budget decision.
    RequestReview,
    /// Decide the outcome of a request for review.
    DecideReviewRequest,
    /// Make and change support plans with the person.
    WritePlan,
    /// Sign a plan (the person, or a social worker recording a signed paper).
    SignPlan,
    /// Move a plan to another state (activate, start a review, close).
    MovePlan,
    /// Record goal attainment at a plan's review.
    ReviewGoals,
    /// Register an agreement with a provider for a plan line.
    RegisterAgreement,
    /// Check a visit in or out (provider staff).
    RecordVisit,
    /// Confirm or dispute a visit (the person, or a social worker).
    ConfirmVisit,
    /// Send claims (one line or a file) for the provider's agreements.
    SendClaims,
    /// Claim the reimbursement of an agreement paid directly to the person.
    ClaimDirectPayment,
    /// See claims with anomalies and approve or refuse those held for review.
    ReviewClaims,
    /// Close a budget's period.
    CloseBudget,
    /// See payment runs.
    ReadPaymentRuns,
    /// Review a payment run prepared by someone else.
    ReviewPaymentRun,
    /// Prepare, release, cancel and reopen payment runs.
    ManagePaymentRuns,
    /// See one's own budget, plan, visits and documents (the person and who speaks for them).
    SeeOwnBudget,
    /// See the provider's own clients with their agreements and visits (provider staff).
    SeeProviderClients,
    /// Save draft allocation policies and see simulations of them.
    DraftPolicy,
    /// Run a policy simulation: approvers and social workers over their municipality's people
    /// (named), analysts and administrators over everyone (aggregates only).
    Simulate,
    /// Adopt a draft as a new policy version from a date.
    AdoptPolicy,
    /// Read a person's statement of their budget (within scope).
    ReadStatement,
    /// See a municipality's monthly grant.
    ReadGrant,
}

impl Action {
    /// The roles that may take the action at all (the scope then limits which records).
    pub const fn roles(self) -> &'static [Role] {
        use Action::*;
        use Role::*;
        match self {
            ReadPerson => &[Person, SocialWorker, Assessor, Broker, Approver, Provider],
            ListPersons => &[SocialWorker, Assessor, Broker, Approver, Provider, Person],
            WritePerson => &[SocialWorker],
            WriteProvider => &[Admin, Provider],
            ReadAudit => &[Person, SocialWorker, Approver, Admin],
            ReadAggregates => &[SocialWorker, Approver, Analyst, Admin],
            ManageUsers => &[Admin],
            SeeCycle => &[Person, SocialWorker, Assessor, Broker, Approver],
            ReadWorklist => &[SocialWorker, Approver, Assessor, Broker],
            RecordAssessment => &[Assessor, SocialWorker],
            DecideBudget => &[Approver],
            RequestReview => &[SocialWorker, Approver, Person, Broker],
            DecideReviewRequest => &[Approver],
            WritePlan => &[SocialWorker, Broker],
            SignPlan => &[Person, SocialWorker],
            MovePlan => &[SocialWorker, Approver],
            ReviewGoals => &[SocialWorker, Assessor, Broker],
            RegisterAgreement => &[SocialWorker],
            RecordVisit => &[Provider],
            ConfirmVisit => &[Person, SocialWorker],
            SendClaims => &[Provider],
            ClaimDirectPayment => &[SocialWorker],
            ReviewClaims => &[SocialWorker, Approver],
            CloseBudget => &[Approver],
            ReadPaymentRuns => &[Approver, SocialWorker],
            ReviewPaymentRun => &[Approver, SocialWorker],
            ManagePaymentRuns => &[Approver],
            SeeOwnBudget => &[Person],
            SeeProviderClients => &[Provider],
            DraftPolicy => &[Approver, Analyst, Admin],
            Simulate => &[Approver, SocialWorker, Analyst, Admin],
            AdoptPolicy => &[Approver],
            ReadStatement => &[Person, SocialWorker, Approver],
            ReadGrant => &[SocialWorker, Approver, Analyst],
        }
    }
}

impl Role {
    /// Whether the role may take the action at all (the scope then limits which records).
    pub fn may(self, action: Action) -> bool {
        action.roles().contains(&self)
    }

    /// The scope a role's records are limited to, given the user's attachments.
    pub fn scope(self, user: &UserScope) -> Scope {
        match self {
            Role::SocialWorker | Role::Approver => match &user.municipality {
                Some(m) => Scope::Municipality(m.clone()),
                None => Scope::Nothing,
            },
            Role::Assessor | Role::Broker | Role::Person => Scope::Linked(user.user_id),
            Role::Provider => match user.provider_id {
                Some(p) => Scope::ProviderClients(p),
                None => Scope::Nothing,
            },
            Role::Analyst | Role::Admin => Scope::Nothing,
        }
    }
}

/// The kinds of link between a user and a person that make the user one who speaks for the
/// person: the person themself, a legal representative, a foster family. Only users with the
/// role [`Role::Person`] are linked this way, and they are linked no other way, so the
/// person role's [`Scope::Linked`] reaches exactly the people they are or represent.
pub const PERSON_LINK_KINDS: &[&str] = &["self", "representative", "foster-family"];

/// Every kind of link between a user and a person: [`PERSON_LINK_KINDS`], and the
/// professionals assigned to the person (`assessor`, `broker` = support person,
/// `case-manager` = the social worker who manages the case).
pub const LINK_KINDS: &[&str] = &[
    "self",
    "representative",
    "foster-family",
    "assessor",
    "broker",
    "case-manager",
];

/// Whether a user with a role may be linked to a person with a kind of link: person-role
/// users only as themself, representative or foster family; everyone else never so.
pub fn link_fits(role: Role, kind: &str) -> bool {
    LINK_KINDS.contains(&kind) && (role == Role::Person) == PERSON_LINK_KINDS.contains(&kind)
}

/// What a user is attached to: their municipality, provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserScope {
    /// The user's id.
    pub user_id: i64,
    /// Their municipality (social workers, approvers).
    pub municipality: Option<String>,
    /// Their provider (provider staff).
    pub provider_id: Option<i64>,
}

/// Which people's records a caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// The people of one municipality.
    Municipality(String),
    /// The people linked to this user: assigned (assessor, broker) or represented (person).
    Linked(i64),
    /// The clients of one provider.
    ProviderClients(i64),
    /// No one's records.
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_and_analyst_see_no_case_content() {
        let u = UserScope {
            user_id: 1,
            municipality: Some("ogre".into()),
            provider_id: None,
        };
        assert_eq!(Role::Admin.scope(&u), Scope::Nothing);
        assert_eq!(Role::Analyst.scope(&u), Scope::Nothing);
        assert!(!Role::Admin.may(Action::ReadPerson));
        assert!(!Role::Analyst.may(Action::ReadPerson));
        assert!(Role::Analyst.may(Action::ReadAggregates));
    }

    #[test]
    fn municipal_roles_are_limited_to_their_municipality() {
        let u = UserScope {
            user_id: 1,
            municipality: Some("ogre".into()),
            provider_id: None,
        };
        assert_eq!(
            Role::SocialWorker.scope(&u),
            Scope::Municipality("ogre".into())
        );
        let none = UserScope {
            municipality: None,
            ..u
        };
        assert_eq!(Role::Approver.scope(&none), Scope::Nothing);
    }

    #[test]
    fn person_users_are_linked_only_as_the_person_or_who_speaks_for_them() {
        for kind in PERSON_LINK_KINDS {
            assert!(link_fits(Role::Person, kind), "{kind}");
            for r in Role::ALL.iter().filter(|r| **r != Role::Person) {
                assert!(!link_fits(*r, kind), "{r} as {kind}");
            }
        }
        for kind in ["assessor", "broker", "case-manager"] {
            assert!(!link_fits(Role::Person, kind), "person as {kind}");
            assert!(link_fits(Role::SocialWorker, kind));
        }
        assert!(!link_fits(Role::Person, "neighbour"));
        assert!(!link_fits(Role::Broker, "neighbour"));
    }

    #[test]
    fn the_cycle_and_spending_rules() {
        let who =
            |a: Action| -> Vec<Role> { Role::ALL.iter().copied().filter(|r| r.may(a)).collect() };
        assert_eq!(who(Action::DecideBudget), [Role::Approver]);
        assert_eq!(who(Action::RegisterAgreement), [Role::SocialWorker]);
        assert_eq!(who(Action::SendClaims), [Role::Provider]);
        assert_eq!(who(Action::WritePlan), [Role::SocialWorker, Role::Broker]);
        // Brokers support the person but never approve or pay their budget.
        for a in [
            Action::DecideBudget,
            Action::ManagePaymentRuns,
            Action::CloseBudget,
        ] {
            assert!(!Role::Broker.may(a), "{a:?}");
        }
        // Whoever may see a cycle record may not be an analyst or administrator.
        for r in [Role::Analyst, Role::Admin, Role::Provider] {
            assert!(!r.may(Action::SeeCycle), "{r}");
        }
    }

    #[test]
    fn only_social_workers_register_people() {
        for r in Role::ALL {
            assert_eq!(r.may(Action::WritePerson), *r == Role::SocialWorker, "{r}");
        }
    }
}
