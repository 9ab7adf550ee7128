// GuardlineTransport module.
