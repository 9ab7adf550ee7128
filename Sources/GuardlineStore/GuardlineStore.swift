// GuardlineStore module.
