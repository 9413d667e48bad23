"""The calendar: deliverables' draft and go-live due dates, shipments, and the deadlines a signed contract
sets (usage rights and exclusivity ending, Spark Ads codes expiring), as a month view with an agenda for the
dashboard and the portal, and as a private iCal feed per user whose URL carries a revocable token."""
