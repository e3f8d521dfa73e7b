//! Background work that must be safe with several app instances running (each job claims its
//! rows before working on them). The outbox sender and session reminders arrive with the
//! sessions and notifications work.
