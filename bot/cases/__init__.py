"""Cases: opened from a victim's report, changed only here (`service`, `evidence`,
`corrections`, `freeze_updates`, `delivery`), every change a timeline event
(`timeline.record` with a payload of `events`), escalated with a freeze packet in the outbox.
Which case of a conversation is current: `current.current_case`."""
