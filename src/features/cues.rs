//! Cue classes: small word lists, written for this project, that group words
//! with the same pull on a label (threat words, refusal verbs, dialogue nouns,
//! loaded labels, courtesy formulas). A cue fires one shared feature, so a
//! word the training data never paired with a label still borrows the
//! weight its class learned.

/// One cue class; its discriminant is its bit in a cue mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cue {
    Threat = 0,
    Accusation,
    LoadedLabel,
    Refusal,
    Futility,
    Dialogue,
    Willingness,
    Courtesy,
    Concern,
    Condition,
    Reporting,
    Force,
    Restraint,
    Rupture,
}

impl Cue {
    /// Every cue class, in bit order.
    pub const ALL: [Cue; 14] = [
        Cue::Threat,
        Cue::Accusation,
        Cue::LoadedLabel,
        Cue::Refusal,
        Cue::Futility,
        Cue::Dialogue,
        Cue::Willingness,
        Cue::Courtesy,
        Cue::Concern,
        Cue::Condition,
        Cue::Reporting,
        Cue::Force,
        Cue::Restraint,
        Cue::Rupture,
    ];

    /// A short name for explanations.
    pub fn name(self) -> &'static str {
        match self {
            Cue::Threat => "THREAT",
            Cue::Accusation => "ACCUSATION",
            Cue::LoadedLabel => "LOADED_LABEL",
            Cue::Refusal => "REFUSAL",
            Cue::Futility => "FUTILITY",
            Cue::Dialogue => "DIALOGUE",
            Cue::Willingness => "WILLINGNESS",
            Cue::Courtesy => "COURTESY",
            Cue::Concern => "CONCERN",
            Cue::Condition => "CONDITION",
            Cue::Reporting => "REPORTING",
            Cue::Force => "FORCE",
            Cue::Restraint => "RESTRAINT",
            Cue::Rupture => "RUPTURE",
        }
    }

    /// The words of the class, before stemming.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            Cue::Threat => &[
                "threat", "threaten", "threatens", "warn", "warning", "warned", "retaliate",
                "retaliation", "punish", "punishment", "consequences", "ultimatum", "annihilate",
                "obliterate", "crush", "destroy", "devastating", "merciless", "overwhelming",
                "decisive", "resolute", "countermeasures", "reprisal", "revenge", "pay",
            ],
            Cue::Accusation => &[
                "accuse", "accused", "accusation", "condemn", "condemned", "condemnation",
                "blame", "blamed", "denounce", "denounced", "violation", "violate", "lie", "lies",
                "liar", "hypocrisy", "hypocritical", "reckless", "irresponsible", "illegal",
                "criminal", "crimes", "atrocities", "slander", "smear", "interference",
                "meddling", "provocation", "provocative", "aggression", "aggressive", "hostile",
                "sabotage", "deceit", "deceptive", "shameless", "brazen", "absurd", "lawless",
                "genocide", "barbaric", "outrageous", "betrayal", "disinformation", "propaganda",
                "bullying", "coercion", "blackmail", "arrogant", "arrogance", "infringe",
            ],
            Cue::LoadedLabel => &[
                "regime", "puppet", "puppets", "junta", "separatists", "separatist", "terrorists",
                "terrorist", "imperialists", "imperialist", "occupation", "occupiers", "pariah",
                "thugs", "warmongers", "warmonger", "gangsters", "clique", "lackey", "lackeys",
                "stooge", "hegemon", "hegemonic", "hegemony", "colonialists", "colonial",
                "invaders", "militants", "rogue", "fascist", "fascists", "extremists", "mercenaries",
                "so-called", "henchmen", "bandits", "criminals",
            ],
            Cue::Refusal => &[
                "refuse", "refused", "refusal", "reject", "rejected", "rejection", "rule",
                "dismiss", "dismissed", "boycott", "stall", "stalling", "walked", "walkout",
                "obstruct", "obstruction", "veto", "vetoed", "spurn", "snub", "rebuff",
                "rebuffed", "decline", "declined", "nonstarter", "non-negotiable", "red",
            ],
            Cue::Futility => &[
                "futile", "useless", "pointless", "meaningless", "waste", "sham", "charade",
                "farce", "hollow", "empty", "smokescreen", "ploy", "trick", "insincere",
                "theatre", "theater", "stunt", "illusion",
            ],
            Cue::Dialogue => &[
                "talks", "talk", "negotiation", "negotiations", "negotiate", "dialogue", "diplomacy",
                "diplomatic", "meeting", "summit", "consultations", "mediation", "mediate",
                "agreement", "accord", "deal", "treaty", "ceasefire", "truce", "compromise",
                "settlement", "envoy", "round", "table", "channel", "memorandum", "framework",
            ],
            Cue::Willingness => &[
                "ready", "readiness", "willing", "willingness", "open", "welcome", "welcomed",
                "invite", "invitation", "propose", "proposal", "offer", "offered", "resume",
                "cooperation", "cooperate", "partnership", "partner", "engage", "engagement",
                "reconciliation", "bridge", "door", "together", "jointly", "constructive",
                "hand", "forward", "deepen", "strengthen",
            ],
            Cue::Courtesy => &[
                "thank", "thanks", "grateful", "gratitude", "congratulate", "congratulations",
                "condolences", "friend", "friends", "friendship", "friendly", "warm", "warmly",
                "solidarity", "appreciate", "appreciation", "admire", "brotherly", "hospitality",
                "sympathy", "commend", "praise", "praised", "cordial", "honour", "honor",
                "celebrate", "heartfelt", "sincere", "esteemed", "valued", "cherish",
            ],
            Cue::Concern => &[
                "concern", "concerned", "regret", "regrettable", "deplore", "deplorable",
                "disappointed", "disappointment", "frank", "candid", "unhelpful", "alarm",
                "alarmed", "dismay", "troubling", "unacceptable",
            ],
            Cue::Condition => &[
                "if", "unless", "until", "once", "provided", "condition", "conditions",
                "precondition", "preconditions", "only",
            ],
            Cue::Reporting => &[
                "said", "says", "told", "according", "stated", "claimed", "alleged", "reported",
                "quoted", "added", "asserted", "insisted", "spokesperson", "spokesman",
                "spokeswoman",
            ],
            Cue::Force => &[
                "missile", "missiles", "drill", "drills", "strike", "strikes", "airstrike",
                "shelling", "shelled", "bombing", "bombed", "launch", "launched", "troops",
                "warships", "military", "invasion", "invade", "attack", "attacks", "war",
                "nuclear", "weapons", "artillery", "drone", "drones", "deterrence", "deploy",
                "deployed", "sanctions", "blockade", "expel", "expelled", "incursion",
            ],
            Cue::Restraint => &[
                "restraint", "de-escalate", "de-escalation", "deescalate", "calm", "cease",
                "peaceful", "peacefully", "peace", "stability", "defuse", "moderation",
            ],
            Cue::Rupture => &[
                "sever", "severed", "suspend", "suspended", "withdraw", "withdrawal", "withdrew",
                "cut", "recall", "recalled", "terminate", "terminated", "cancel", "cancelled",
                "freeze", "froze", "collapse", "collapsed", "abandon", "abandoned", "exit",
            ],
        }
    }
}
