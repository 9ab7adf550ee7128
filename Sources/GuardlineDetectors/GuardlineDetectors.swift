// GuardlineDetectors module.
