"""Cases: opened from a victim's report, changed only through ``bot.cases.service`` (every
change is a timeline ``CaseEvent``), escalated with a freeze packet in the outbox."""
