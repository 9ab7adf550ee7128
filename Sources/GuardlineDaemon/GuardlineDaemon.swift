// GuardlineDaemon module.
