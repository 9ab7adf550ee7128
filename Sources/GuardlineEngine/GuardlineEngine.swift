// GuardlineEngine module.
